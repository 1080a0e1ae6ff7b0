// The outbox: every change the artisan makes, numbered, kept on the phone until the server has it.
//
// A change is stored with its number (seq) taken in the same IndexedDB transaction, so two tabs
// can never take the same number, and with durability "strict", so that when record() resolves
// the change is on disk: only then does the screen say "Recorded ✓".
// A change is confirmed when the server reports last_seq >= its seq; confirmed changes are kept
// 30 more days (a server restored from a backup can get them again). That bookkeeping is in
// outbox_rules.js, shared with the service worker.

import {getMeta, putMeta, request, transact, uuid} from "./idb.js";
import "./outbox_rules.js";

const RULES = self.MarcheOutbox;
export const {MAX_PUSH, confirmIn, pushBody} = RULES;

// Tell this phone's other tabs that the database changed (they draw again from it).
export function announce(db) {
  try {
    RULES.announce(db.name);
  } catch (error) {
    // No BroadcastChannel: the other tabs catch up at their next sync.
  }
}

// Call `listener` when another tab (or the worker) wrote to this database.
export function onAnnounce(db, listener) {
  if (typeof BroadcastChannel !== "function") return;
  const channel = new BroadcastChannel(RULES.channelName(db.name));
  channel.onmessage = () => listener();
}

// Every page opened while logged in says whose database this is, so that the service worker's
// Background Sync sends it only with this artisan's session (sw/sw.js).
export function markOwner(db, login) {
  if (!login) return Promise.resolve();
  return transact(db, ["meta"], "readwrite", async (tx) => {
    const meta = tx.objectStore("meta");
    if ((await getMeta(meta, "owner")) !== login) await putMeta(meta, "owner", login);
  });
}

export function clientId(db) {
  return transact(db, ["meta"], "readwrite", async (tx) => {
    const meta = tx.objectStore("meta");
    let id = await getMeta(meta, "client_id");
    if (!id) {
      id = uuid();
      await putMeta(meta, "client_id", id);
    }
    return id;
  });
}

// Store one change. `also(tx, mutation)` may write more in the same transaction (it names its
// stores in `stores`): the change and what goes with it are saved together or not at all.
export async function record(db, type, payload, {id = null, stores = [], also = null} = {}) {
  id = id || uuid();  // the server refuses a batch with a change that has no id
  const mutation = await transact(db, ["meta", "outbox", ...stores], "readwrite", async (tx) => {
    const meta = tx.objectStore("meta");
    const seq = (await getMeta(meta, "seq", 0)) + 1;
    const mutation = {
      seq, id, type, occurred_at: new Date().toISOString(), payload,
      created_at: Date.now(), confirmed_at: null,
    };
    await putMeta(meta, "seq", seq);
    await request(tx.objectStore("outbox").add(mutation));
    if (also) await also(tx, mutation);
    return mutation;
  }, {durability: "strict"});
  announce(db);
  return mutation;
}

// Whether a change with this id is on the phone already (a sale saved, whatever the screen said).
export function stored(db, id) {
  return transact(db, ["outbox"], "readonly", async (tx) => (
    (await request(tx.objectStore("outbox").index("id").count(id))) > 0));
}

// The changes the server does not have yet, oldest first, at most `limit`.
export function unconfirmed(db, limit = MAX_PUSH) {
  return transact(db, ["meta", "outbox"], "readonly", (tx) => RULES.unconfirmedIn(tx, limit));
}

// The server says this phone numbers from an older copy of itself (a restored backup): it
// used a number twice. Take a new client id and number every change again from 1, ids kept:
// the server skips those it already has (by id) and stores the others.
export async function resetClient(db) {
  await transact(db, ["meta", "outbox"], "readwrite", async (tx) => {
    const meta = tx.objectStore("meta");
    const outbox = tx.objectStore("outbox");
    const pulled = await getMeta(meta, "pulled", 0);
    const rows = (await request(outbox.getAll())).sort((a, b) => a.seq - b.seq);
    await request(outbox.clear());
    let seen = 0;  // the pulled state holds the changes up to here, under their new numbers
    for (const [index, row] of rows.entries()) {
      if (row.seq <= pulled) seen = index + 1;
      await request(outbox.add({...row, seq: index + 1, confirmed_at: null}));
    }
    await putMeta(meta, "client_id", uuid());
    await putMeta(meta, "seq", rows.length);
    await putMeta(meta, "confirmed", 0);
    await putMeta(meta, "pulled", seen);
    await putMeta(meta, "cookie", null);
  }, {durability: "strict"});
  announce(db);
}

export async function confirmUpTo(db, lastSeq) {
  await transact(db, ["meta", "outbox"], "readwrite", (tx) => confirmIn(tx, lastSeq),
    {durability: "strict"});
  announce(db);
}
