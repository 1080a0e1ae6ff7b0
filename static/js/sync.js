// The sync engine: send the outbox, then pull the state (design/sync.md, "On the phone").
//
// One sender at a time across tabs and the service worker (navigator.locks "marche-sync").
// Triggers: after each change (now()), the "online" event, the page becoming visible, a timer,
// and Background Sync where the browser has it. A failure (no network, 5xx, an answer that is
// not what it should be) keeps every row and tries again later, with exponential back-off and
// jitter. A 409 means the server misses changes: send again from its last_seq.

import {getMeta, transact} from "./idb.js";
import {clientId, confirmUpTo, MAX_PUSH, pushBody, resetClient, unconfirmed} from "./outbox.js";
import {applyPull, validPull} from "./state.js";

const LOCK = "marche-sync";
const REQUEST_TIMEOUT_MS = 20000;
const BACKOFF_FIRST_MS = 2000;
const BACKOFF_MAX_MS = 5 * 60 * 1000;
const HEARTBEAT_MS = 60 * 1000;  // see the other phones' sales now and then
const WAITING_HEARTBEAT_MS = 20 * 1000;

class SyncFailure extends Error {
  constructor(kind, message) {
    super(message || kind);
    this.kind = kind;  // "offline", "error" or "login"
  }
}

export function backoffDelay(failures, random = Math.random) {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

function withLock(work) {
  if (navigator.locks) return navigator.locks.request(LOCK, work);
  return work();  // a browser without Web Locks has no second sender to fear but other tabs
}

async function post(url, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, {
      method: "POST", credentials: "same-origin", signal: controller.signal,
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new SyncFailure(navigator.onLine ? "error" : "offline", String(error));
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 401 || response.status === 403) throw new SyncFailure("login");
  let answer = null;
  try {
    answer = await response.json();
  } catch (error) {
    throw new SyncFailure("error", `unreadable answer (${response.status})`);
  }
  return {status: response.status, answer};
}

export class SyncEngine extends EventTarget {
  constructor(db, config) {
    super();
    this.db = db;
    this.config = config;
    this.failures = 0;
    this.status = navigator.onLine ? "idle" : "offline";
    this.running = null;
    this.again = false;
    this.timer = null;
  }

  start() {
    addEventListener("online", () => this.now());
    addEventListener("offline", () => this.changed("offline"));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.now();
    });
    if (navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data && event.data.type === "synced") this.now();
      });
    }
    this.now();
  }

  changed(status) {
    this.status = status;
    this.dispatchEvent(new Event("change"));
  }

  // Sync as soon as possible; a sync already under way runs once more when it ends.
  now() {
    clearTimeout(this.timer);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.once();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async once() {
    if (!navigator.onLine) {
      this.changed("offline");
      await this.askBackgroundSync();
      return this.schedule();
    }
    this.changed("syncing");
    try {
      await withLock(() => this.pushThenPull());
      this.failures = 0;
      // A sync that ended after the network went away is no sign the phone is online.
      this.changed(navigator.onLine ? "ok" : "offline");
    } catch (error) {
      const kind = error instanceof SyncFailure ? error.kind : "error";
      if (kind !== "login") this.failures += 1;
      this.changed(kind);
      if (kind !== "login") await this.askBackgroundSync();
    }
    return this.schedule();
  }

  async schedule() {
    clearTimeout(this.timer);
    if (this.status === "offline") return;  // the "online" event wakes us
    const {rows} = await unconfirmed(this.db, 1);
    let delay = rows.length ? WAITING_HEARTBEAT_MS : HEARTBEAT_MS;
    if (this.failures) delay = backoffDelay(this.failures);
    this.timer = setTimeout(() => {
      if (document.visibilityState === "visible" || rows.length) this.now();
      else this.schedule();
    }, delay);
  }

  async pushThenPull() {
    let id = await clientId(this.db);
    let gaps = 0;
    for (;;) {
      const {rows} = await unconfirmed(this.db, MAX_PUSH);
      if (!rows.length) break;
      const {status, answer} = await post(this.config.push_url,
        pushBody(id, rows, this.config.app_version));
      if ((status !== 200 && status !== 409) || !answer || !Number.isInteger(answer.last_seq)) {
        throw new SyncFailure("error", `push answered ${status}`);
      }
      gaps += status === 409 ? 1 : 0;
      if (gaps > 3) throw new SyncFailure("error", "the server keeps refusing the numbers");
      if (status === 409 && answer.client_reset === true) {
        // Never confirm here: the server's numbers hold other changes than ours.
        await resetClient(this.db);
        id = await clientId(this.db);
        continue;
      }
      await confirmUpTo(this.db, answer.last_seq);
      if (status === 409) {
        // The server misses changes before ours (restored, or a lost request): from its last_seq.
        continue;
      }
      if (rows.length < MAX_PUSH) break;
    }
    const [cookie, confirmed] = await transact(this.db, ["meta"], "readonly", (tx) => Promise.all([
      getMeta(tx.objectStore("meta"), "cookie"), getMeta(tx.objectStore("meta"), "confirmed", 0)]));
    const {status, answer} = await post(this.config.pull_url,
      {client_id: id, cookie: cookie ?? null, last_seq: confirmed});
    if (status !== 200 || !validPull(answer)) throw new SyncFailure("error", `pull answered ${status}`);
    await applyPull(this.db, answer);
    this.keepPhotos(answer);
  }

  keepPhotos(answer) {
    // Photos of the products, for the tiles with no network (the service worker keeps them).
    const controller = navigator.serviceWorker && navigator.serviceWorker.controller;
    const urls = answer.patch.filter((op) => op.op === "put" && op.value && op.value.photo_url)
      .map((op) => op.value.photo_url);
    if (controller && urls.length) controller.postMessage({type: "cache-media", urls});
  }

  async askBackgroundSync() {
    try {
      const registration = navigator.serviceWorker && await navigator.serviceWorker.getRegistration();
      if (registration && registration.sync) await registration.sync.register(LOCK);
    } catch (error) {
      // No Background Sync here (Safari, Firefox): the timer and "online" do the work.
    }
  }
}
