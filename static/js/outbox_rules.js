// The outbox's bookkeeping, written once for the pages and for the service worker.
//
// The pages load this file as a module, for its effect (static/js/outbox.js imports it and
// re-exports what it defines); the service worker, a classic script, loads the same file with
// importScripts (sw/sw.js). So it is written to run as both: no import or export, and its one
// global is put on `self`, which windows and workers both have.
// Why not a module service worker importing outbox.js? Chromium has them since 91 and Safari
// since 15, but Firefox had none until 2026, and a phone whose browser refuses the worker has no
// offline till at all; importScripts works wherever service workers do.
"use strict";

self.MarcheOutbox = (() => {
  const KEEP_CONFIRMED_MS = 30 * 24 * 3600 * 1000;
  const MAX_PUSH = 500;

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  async function getMeta(store, key, fallback = null) {
    const row = await request(store.get(key));
    return row === undefined ? fallback : row.value;
  }

  function putMeta(store, key, value) {
    return request(store.put({key, value}));
  }

  // Inside a transaction on meta + outbox: the changes the server does not have yet, oldest
  // first, at most `limit` (all of them without one).
  async function unconfirmedIn(tx, limit = MAX_PUSH) {
    const confirmed = await getMeta(tx.objectStore("meta"), "confirmed", 0);
    const rows = await request(tx.objectStore("outbox")
      .getAll(IDBKeyRange.lowerBound(confirmed, true), limit));
    return {confirmed, rows};
  }

  // What the server is sent (design/sync.md, POST /api/v1/sync/push).
  function pushBody(clientId, rows, appVersion) {
    return {
      client_id: clientId, sent_at: new Date().toISOString(), app_version: appVersion,
      mutations: rows.map(({seq, id, type, occurred_at, payload}) => (
        {seq, id, type, occurred_at, payload})),
    };
  }

  // Inside a readwrite transaction on meta + outbox: the server holds every change up to
  // lastSeq. It may say less than before (restored from a backup): those changes are sent
  // again, and drawn again on top of the pulled state until a pull holds them; and the pull
  // cookie is dropped, for the server counts its versions again from the backup's, so the
  // phone's cookie may name another state than the one it holds: the next pull is a whole one.
  async function confirmIn(tx, lastSeq, {now = Date.now()} = {}) {
    const meta = tx.objectStore("meta");
    const outbox = tx.objectStore("outbox");
    if (lastSeq < (await getMeta(meta, "confirmed", 0))) await putMeta(meta, "cookie", null);
    await putMeta(meta, "confirmed", lastSeq);
    if ((await getMeta(meta, "seq", 0)) < lastSeq) {
      // Never take a number the server already holds: it would be skipped as a duplicate.
      await putMeta(meta, "seq", lastSeq);
    }
    if ((await getMeta(meta, "pulled", 0)) > lastSeq) await putMeta(meta, "pulled", lastSeq);
    for (const row of await request(outbox.getAll())) {
      if (row.seq <= lastSeq && !row.confirmed_at) {
        outbox.put({...row, confirmed_at: now});
      } else if (row.seq > lastSeq && row.confirmed_at) {
        outbox.put({...row, confirmed_at: null});
      } else if (row.confirmed_at && now - row.confirmed_at > KEEP_CONFIRMED_MS) {
        outbox.delete(row.seq);  // confirmed 30 days ago: a restored server has had its chance
      }
    }
  }

  // Tell the other tabs of this phone (and the worker's pages) that the database changed:
  // each draws again from IndexedDB. One channel per artisan's database.
  function channelName(dbName) {
    return `marche-changes-${dbName}`;
  }

  function announce(dbName) {
    if (typeof BroadcastChannel !== "function") return;
    const channel = new BroadcastChannel(channelName(dbName));
    channel.postMessage({type: "changed"});
    channel.close();
  }

  return Object.freeze({
    KEEP_CONFIRMED_MS, MAX_PUSH, unconfirmedIn, pushBody, confirmIn, channelName, announce,
  });
})();
