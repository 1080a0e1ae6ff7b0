/* Marché's service worker: the till keeps working with no network.
 *
 * - Static files (CSS, scripts, icons) are precached under versioned URLs and served from the
 *   cache first, with the offline page (nothing personal on it: it outlives a log-out).
 *   Product photos are cached as they are seen (their URL never changes content).
 * - Page navigations: the network first, with a short timeout, then the cached copy, then the
 *   offline page. Only the artisan's pages are kept (never a log-in or a coach page); log-out
 *   forgets them, and the next page opened while logged in asks for the till again.
 * - The pinned htmx from the CDN (or wherever MARCHE_HTMX_URL puts it, maybe this server) is
 *   cached when reachable; the till never needs it.
 * - A new version waits: the page says "a new version is ready" and tells it to take over at a
 *   quiet moment (never with a basket in progress). Caches are named marche-<kind>-<version>;
 *   on activate only marche- caches of other versions are deleted. Sales are never in a cache:
 *   they live in IndexedDB, which a new version reads as it is.
 * - Background Sync: the outbox is sent even when no page is open (where the browser has it),
 *   only the signed-in artisan's, with the outbox's rules of the pages (static/js/outbox_rules.js).
 *
 * The server writes the configuration below (version, file list, addresses) when serving it.
 */
"use strict";

const CONFIG = /*{{SW_CONFIG}}*/{};
const VERSION = CONFIG.version || "dev";
const CACHE = {
  static: `marche-static-${VERSION}`,
  pages: `marche-pages-${VERSION}`,
  cdn: `marche-cdn-${VERSION}`,
  // A photo's URL names its content: photos are kept across versions.
  media: "marche-media-1",
};
const EXPECTED = new Set(Object.values(CACHE));
// The htmx address as the fetch events name it (an operator may give a path on this server).
const HTMX_URL = CONFIG.htmx && CONFIG.htmx.url
  ? new URL(CONFIG.htmx.url, self.location.origin).href : null;
const NAVIGATION_TIMEOUT_MS = 3000;
// What the install may wait for what it can do without (the CDN, a page to keep): a network
// that hangs instead of failing (a captive portal, a lost answer) must not keep the till from
// being kept for offline days.
const OPTIONAL_FETCH_MS = 8000;
const SYNC_TAG = "marche-sync";

// The outbox's bookkeeping, the same file the pages import (self.MarcheOutbox).
if (CONFIG.outbox_rules) importScripts(CONFIG.outbox_rules);
const RULES = self.MarcheOutbox;

// ---------------------------------------------------------------- install, activate, messages

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE.static);
    // Every file must arrive, or this version does not install and the old one stays.
    await cache.addAll((CONFIG.static || []).map((url) => new Request(url, {cache: "no-cache"})));
    await precacheOffline(cache);
    await Promise.all([precachePages(), precacheHtmx()]);
  })());
});

async function precacheOffline(cache) {
  // In the artisan's language (the session's), but with no one's figures on it.
  const url = CONFIG.offline || "/offline";
  const response = await fetch(new Request(url, {credentials: "same-origin", cache: "no-cache"}));
  if (!keepable(response)) throw new Error(`offline page: ${response.status}`);
  await cache.put(pageKey(url), response);
}

async function precachePages() {
  // The till's page needs the artisan's session: kept only when it really is the page.
  const cache = await caches.open(CACHE.pages);
  await Promise.all((CONFIG.pages || []).map(async (url) => {
    try {
      const response = await fetchWithin(
        new Request(url, {credentials: "same-origin", cache: "no-cache"}), OPTIONAL_FETCH_MS);
      if (keepable(response)) await cache.put(pageKey(url), response);
    } catch (error) {
      // Offline or too slow while installing: the page is kept the next time it is opened.
    }
  }));
}

async function precacheHtmx() {
  if (!HTMX_URL) return;
  const cache = await caches.open(CACHE.cdn);
  try {
    const response = await fetchWithin(new Request(HTMX_URL, {
      mode: "cors", credentials: "omit", integrity: CONFIG.htmx.integrity || ""}), OPTIONAL_FETCH_MS);
    if (response.ok) {
      await cache.put(HTMX_URL, response);
      return;
    }
  } catch (error) {
    // The CDN is unreachable or hangs: keep the copy an older version had, if any.
  }
  const older = await caches.match(HTMX_URL);
  if (older) await cache.put(HTMX_URL, older);
}

// fetch(), given up (rejected, the request aborted) after `ms` milliseconds, body included.
async function fetchWithin(request, ms) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const response = await fetch(request, {signal: controller.signal});
    // The body under the same clock (a server that sends the headers, then hangs): read from a
    // copy, so the response handed back stays the browser's own (its type, its redirect flag).
    await response.clone().arrayBuffer();
    return response;
  } finally {
    clearTimeout(timer);
  }
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    const stale = names.filter((name) => name.startsWith("marche-") && !EXPECTED.has(name));
    await keepOldPages(stale.filter((name) => name.startsWith("marche-pages-")));
    await Promise.all(stale.map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

async function keepOldPages(oldCaches) {
  // Pages seen under the old version stay readable offline until the network refreshes them.
  const cache = await caches.open(CACHE.pages);
  for (const name of oldCaches) {
    const old = await caches.open(name);
    for (const request of await old.keys()) {
      if (!(await cache.match(request))) await cache.put(request, await old.match(request));
    }
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (message) => event.source && event.source.postMessage(message);
  if (data.type === "skip-waiting") {
    self.skipWaiting();
  } else if (data.type === "version") {
    reply({type: "version", version: VERSION});
  } else if (data.type === "cache-media" && Array.isArray(data.urls)) {
    event.waitUntil(cacheMedia(data.urls));
  } else if (data.type === "forget-pages") {
    // Log-out: the next person on this phone must not see this artisan's pages.
    event.waitUntil(forgetPages());
  } else if (data.type === "cache-pages") {
    // A page opened while logged in, and the till is not kept (after a log-out): keep it again.
    event.waitUntil(precachePages().then(() => reply({type: "pages-cached"})));
  }
});

async function cacheMedia(urls) {
  const cache = await caches.open(CACHE.media);
  await Promise.all(urls.filter((url) => typeof url === "string").map(async (url) => {
    const target = new URL(url, self.location.origin);
    if (target.origin !== self.location.origin || (await cache.match(target.href))) return;
    try {
      const response = await fetch(target.href);
      if (response.ok) await cache.put(target.href, response);
    } catch (error) {
      // Offline: the photo is fetched another time.
    }
  }));
}

async function forgetPages() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith("marche-pages-"))
    .map((name) => caches.delete(name)));
}

// ---------------------------------------------------------------- fetch

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.href === HTMX_URL) {
    event.respondWith(cacheFirst(request, CACHE.cdn));
  } else if (url.origin !== self.location.origin) {
    return;
  } else if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (url.pathname.startsWith(CONFIG.static_prefix || "/static/")) {
    event.respondWith(cacheFirst(request, CACHE.static));
  } else if (url.pathname.startsWith(CONFIG.media_prefix || "/media/")) {
    event.respondWith(cacheFirst(request, CACHE.media));
  }
});

function pageKey(url) {
  const target = new URL(url, self.location.origin);
  return target.origin + target.pathname;
}

function keepable(response) {
  return response && response.status === 200 && response.type === "basic" && !response.redirected;
}

function keptPath(url) {
  return (CONFIG.pages || []).includes(url.pathname)
    || (CONFIG.cached_prefixes || []).some((prefix) => url.pathname.startsWith(prefix));
}

async function navigate(event, url) {
  const network = fetch(event.request).then((response) => {
    if (keptPath(url) && keepable(response)) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE.pages).then((cache) => cache.put(pageKey(url), copy)));
    }
    return response;
  });
  network.catch(() => {});
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, NAVIGATION_TIMEOUT_MS); });
  try {
    const response = await Promise.race([network, late]);
    // A server in trouble (5xx) is worse than yesterday's copy of the page.
    if (response && response.status < 500) return response;
  } catch (error) {
    // No network: the copy below.
  } finally {
    clearTimeout(timer);
  }
  const cached = await caches.match(pageKey(url), {ignoreSearch: true});
  if (cached) return cached;
  try {
    return await network;
  } catch (error) {
    return (await caches.match(pageKey(CONFIG.offline || "/offline")))
      || new Response("<!doctype html><meta charset=utf-8><title>Marché</title><h1>Marché ⚠</h1>", {
        status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
  }
}

async function cacheFirst(request, cacheName) {
  const cached = await caches.match(request);
  if (cached) return cached;
  try {
    const response = await fetch(request);
    if (response.ok) {
      const copy = response.clone();
      caches.open(cacheName).then((cache) => cache.put(request, copy)).catch(() => {});
    }
    return response;
  } catch (error) {
    // An unversioned URL, or another version's: the nearest copy beats nothing.
    const loose = await caches.match(request, {ignoreSearch: true});
    if (loose) return loose;
    return Response.error();
  }
}

// ---------------------------------------------------------------- background sync
// The pages send the outbox themselves (static/js/sync.js); this only runs when the browser
// wakes the worker after the network came back, maybe with no page open. It reads the same
// IndexedDB stores ("meta", "outbox"; see static/js/idb.js) with the same rules
// (static/js/outbox_rules.js), under the same lock, so there is one sender at a time; it pushes
// and confirms, and leaves the pull to the next page.
//
// Only the outbox of the artisan the browser's session belongs to: sent with this session,
// another artisan's changes would be refused, or, under a client id the server does not know
// yet, would make that artisan's phone this one's, and their sales be refused after.

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(pushForSession());
});

async function pushForSession() {
  const login = await sessionLogin();  // no network: this throws, and the browser tries again
  const name = login && await databaseOf(login);
  const sent = name ? await withLock(() => pushOutbox(name)) : 0;
  // Only news is told: a page told after every wake-up would sync again at once, fail again
  // (a failing pull), ask Background Sync again, and the two would storm the server.
  if (!sent) return;
  for (const client of await self.clients.matchAll({type: "window"})) {
    client.postMessage({type: "synced"});
  }
}

// Who the session is: the server says (GET /api/v1/session); nobody logged in is null.
async function sessionLogin() {
  const response = await fetch(CONFIG.session_url, {
    credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}});
  if (response.status === 401 || response.status === 403) return null;
  if (!response.ok) throw new Error(`session ${response.status}`);
  const answer = await response.json();
  return (answer && answer.user && answer.user.login) || null;
}

// The database whose pages said it is this artisan's (meta "owner", see outbox.js markOwner).
async function databaseOf(login) {
  const databases = indexedDB.databases ? await indexedDB.databases() : [];
  const owned = [];
  for (const {name} of databases) {
    if (!/^marche-u\d+$/.test(name || "")) continue;
    const db = await idbRequest(indexedDB.open(name));
    try {
      if (!db.objectStoreNames.contains("meta")) continue;
      const read = db.transaction(["meta"], "readonly");
      const owner = await idbRequest(read.objectStore("meta").get("owner"));
      if (owner && owner.value === login) owned.push(name);
    } finally {
      db.close();
    }
  }
  return owned.length === 1 ? owned[0] : null;  // two claim the login: the pages will know
}

function withLock(work) {
  return self.navigator.locks ? self.navigator.locks.request(SYNC_TAG, work) : work();
}

function idbRequest(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function idbDone(transaction) {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error || new Error("aborted"));
  });
}

// Send the outbox; return how many pushes the server took.
async function pushOutbox(name) {
  const db = await idbRequest(indexedDB.open(name));
  let sent = 0;
  try {
    if (!db.objectStoreNames.contains("outbox")) return sent;
    for (let round = 0; round < 20; round += 1) {
      const read = db.transaction(["meta", "outbox"], "readonly");
      const clientId = ((await idbRequest(read.objectStore("meta").get("client_id"))) || {}).value;
      const {rows} = await RULES.unconfirmedIn(read, RULES.MAX_PUSH);
      if (!clientId || !rows.length) return sent;
      const response = await fetch(CONFIG.push_url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json"},
        body: JSON.stringify(RULES.pushBody(clientId, rows, CONFIG.app_version)),
      });
      if (response.status === 401 || response.status === 403) return sent;  // log in again first
      if (response.status !== 200 && response.status !== 409) throw new Error(`push ${response.status}`);
      const answer = await response.json();
      if (!Number.isInteger(answer.last_seq)) throw new Error("push: no last_seq");
      // The phone numbers from an older copy of itself: the next page renumbers (sync.js).
      if (answer.client_reset === true) return sent;
      await confirmUpTo(db, answer.last_seq);
      sent += 1;
      if (response.status === 200 && rows.length < RULES.MAX_PUSH) return sent;
    }
    return sent;
  } finally {
    db.close();
  }
}

async function confirmUpTo(db, lastSeq) {
  const write = db.transaction(["meta", "outbox"], "readwrite", {durability: "strict"});
  const done = idbDone(write);
  try {
    await RULES.confirmIn(write, lastSeq);
  } catch (error) {
    done.catch(() => {});
    try { write.abort(); } catch (ignored) { /* already finished */ }
    throw error;
  }
  await done;
  RULES.announce(db.name);
}
