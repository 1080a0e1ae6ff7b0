// A tiny promise wrapper around IndexedDB, and the database's versioned schema.
//
// The schema only grows: each step below upgrades from the version before it, so a new app
// version opens an old phone's database and finds its outbox as it was. Never edit a step that
// shipped; add one. The service worker (sw/sw.js) reads "meta" and "outbox" too.
//
// Stores:
//   meta    {key, value}: client_id, seq (last number taken), confirmed (the server's last_seq),
//           pulled (last_seq of the pulled state), cookie, last_sync_at, last_opening…
//   outbox  {seq, id, type, occurred_at, payload, created_at, confirmed_at}: every mutation
//   state   {key, value}: the rows of the last pull (product/…, stall/…, sale/…, stock/…, rejected/…)
//   days    {stall_id, …}: the summary of a closed day, kept on the phone

const STEPS = [
  (db) => {
    db.createObjectStore("meta", {keyPath: "key"});
    const outbox = db.createObjectStore("outbox", {keyPath: "seq"});
    outbox.createIndex("id", "id", {unique: true});
    db.createObjectStore("state", {keyPath: "key"});
    db.createObjectStore("days", {keyPath: "stall_id"});
  },
];

export const DB_VERSION = STEPS.length;

export function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function openDb(name, {onVersionChange} = {}) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, DB_VERSION);
    req.onupgradeneeded = (event) => {
      for (let version = event.oldVersion; version < DB_VERSION; version += 1) {
        STEPS[version](req.result, req.transaction);
      }
    };
    req.onsuccess = () => {
      const db = req.result;
      // A newer version of the app (another tab) wants to upgrade the database: the page
      // closes it and reloads at a quiet moment (onVersionChange), or at once if it cannot wait.
      db.onversionchange = () => {
        if (onVersionChange) onVersionChange(db);
        else db.close();
      };
      resolve(db);
    };
    req.onerror = () => reject(req.error);
    // "blocked": an older page still holds the database; the request waits until it lets go.
  });
}

// Run work(tx) in one transaction; resolve with its result once the transaction is complete
// (with durability "strict" the data is on disk by then), reject if it aborts.
export function transact(db, stores, mode, work, options = {}) {
  return new Promise((resolve, reject) => {
    let tx;
    try {
      tx = db.transaction(stores, mode, options);
    } catch (error) {
      reject(error);
      return;
    }
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
    tx.onerror = () => {};
    Promise.resolve()
      .then(() => work(tx))
      .then((value) => { result = value; })
      .catch((error) => {
        try { tx.abort(); } catch (ignored) { /* already finished */ }
        reject(error);
      });
  });
}

export async function getMeta(store, key, fallback = null) {
  const row = await request(store.get(key));
  return row === undefined ? fallback : row.value;
}

export function putMeta(store, key, value) {
  return request(store.put({key, value}));
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Pages served over plain http (a test on a local network) have no randomUUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
