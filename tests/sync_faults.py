"""A real server behind a faulty network, for the fault-injection test.

``serve(app)`` runs the app on a werkzeug server in a thread; ``FaultyProxy`` sits in front of it
on 127.0.0.1 and, per request, answers 503 itself, resets the connection before forwarding,
cuts the request in the middle, or forwards it and then drops the answer (after the commit).
``ServerFaults`` makes the server itself fail some pushes in the middle of their transaction.
``http_post`` is the phone's side: one request, and any network failure reported as None.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socket
import struct
import threading
from collections import Counter

from sqlalchemy import exc
from werkzeug.serving import WSGIRequestHandler, make_server

from marche.sync.context import PushContext


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass

    def log_error(self, *args, **kwargs):
        pass


@contextlib.contextmanager
def serve(app):
    """Serve ``app`` on 127.0.0.1 (a free port) in a thread; yield the port."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _reset(sock: socket.socket) -> None:
    """Close with a TCP RST, as a dropped network or a killed proxy does."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _read_request(sock: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


class FaultyProxy:
    """A TCP proxy that loses, refuses and cuts requests at the given rates."""

    FATES = ("forward", "busy", "reset", "cut", "drop_answer")

    def __init__(self, backend_port: int, seed: int = 1, busy=0.08, reset=0.05, cut=0.04,
                 drop_answer=0.15):
        self.backend_port = backend_port
        self.rates = {"busy": busy, "reset": reset, "cut": cut, "drop_answer": drop_answer}
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.fates: Counter = Counter()
        self.dropped_after_commit = 0  # pushes the server answered 200, the phone never heard
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)  # so that the accept loop notices the end
        self.stopped = threading.Event()
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.workers: list[threading.Thread] = []

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join(10)
        self.listener.close()
        for worker in self.workers:
            worker.join(30)

    def _fate(self) -> str:
        with self.lock:
            roll = self.random.random()
        for fate, rate in self.rates.items():
            if roll < rate:
                return fate
            roll -= rate
        return "forward"

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(60)
            worker = threading.Thread(target=self._handle, args=(client,), daemon=True)
            self.workers.append(worker)
            worker.start()

    def _handle(self, client: socket.socket) -> None:
        fate = self._fate()
        with self.lock:
            self.fates[fate] += 1
        try:
            request = _read_request(client)
            if request is None:
                client.close()
                return
            if fate == "busy":
                client.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                               b"Connection: close\r\n\r\n")
                client.close()
                return
            if fate == "reset":
                _reset(client)
                return
            with socket.create_connection(("127.0.0.1", self.backend_port), timeout=60) as up:
                if fate == "cut":
                    up.sendall(request[: max(1, len(request) - 1 - len(request) // 3)])
                    up.shutdown(socket.SHUT_WR)  # the rest of the body never comes
                    _read_all(up)
                    _reset(client)
                    return
                up.sendall(request)
                answer = _read_all(up)
            if fate == "drop_answer":
                _reset(client)  # the server committed; the phone never hears of it
                if request.startswith(b"POST /api/v1/sync/push ") and answer.startswith(
                        b"HTTP/1.1 200 "):
                    with self.lock:
                        self.dropped_after_commit += 1
                return
            client.sendall(answer)
            client.close()
        except OSError:
            _reset(client)


class ServerFaults:
    """Fail a share of the server's pushes mid-transaction, after their rows are written.

    The server's own passing fault (a database connection lost, a lock that times out): an
    ``OperationalError`` raised inside the push's transaction, which the server must roll back
    and answer 503 without moving ``last_seq``. ``injected`` counts them.
    """

    def __init__(self, rate: float = 0.05, seed: int = 1):
        self.rate = rate
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.injected = 0

    def install(self, monkeypatch) -> None:
        real_write = PushContext.write
        faults = self

        def write(ctx: PushContext) -> None:
            # One roll per push (a push done one mutation at a time writes many times).
            rolls = bool(ctx.pending_ops()) and not getattr(ctx, "fault_rolled", False)
            real_write(ctx)
            if rolls:
                ctx.fault_rolled = True
                if faults._strike():
                    raise exc.OperationalError("INSERT …", {}, ConnectionError(
                        "injected: the database went away mid-push"))

        monkeypatch.setattr(PushContext, "write", write)

    def _strike(self) -> bool:
        with self.lock:
            if self.random.random() < self.rate:
                self.injected += 1
                return True
        return False


def http_post(port: int, path: str, body: dict, cookie: str) -> tuple[int, dict] | None:
    """POST JSON like the phone; return (status, JSON or {}), or None if the network failed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", path, body=json.dumps(body), headers={
            "Content-Type": "application/json", "Cookie": cookie, "Connection": "close"})
        response = connection.getresponse()
        raw = response.read()
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            payload = {}
        return response.status, payload
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def login_cookie(port: int, login: str, pin: str) -> str:
    """Log in through the real server; return the ``Cookie`` header value for the session."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/api/v1/session", body=json.dumps(
            {"login": login, "pin": pin}), headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        cookies = [header.split(";", 1)[0] for header in response.headers.get_all("Set-Cookie")]
        return "; ".join(cookie for cookie in cookies if cookie.startswith("session="))
    finally:
        connection.close()
