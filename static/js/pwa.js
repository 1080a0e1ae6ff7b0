// The installable app, on every artisan page: the service worker and its updates, storage kept
// safely, the install invitation, the sync badge, and a warning before log-out while changes wait.

import {getMeta, putMeta, transact} from "./idb.js";
import {unconfirmed} from "./outbox.js";
import {$, $$, CONFIG, t, timeOf, tn} from "./ui.js";

const QUIET_MS = 5000;
const UPDATE_CHECK_MS = 30 * 60 * 1000;
const RETRY_MS = 5000;  // a failed first install is tried again after 5 s, 10 s… up to 5 min
const RETRY_MAX_MS = 5 * 60 * 1000;

let lastTouch = Date.now();
for (const type of ["pointerdown", "keydown", "input"]) {
  addEventListener(type, () => { lastTouch = Date.now(); }, {capture: true, passive: true});
}

// Register the worker. A new version waits; the page offers it and applies it only when
// isBusy() says nothing is in progress (with `auto`, by itself after a few quiet seconds).
export async function registerWorker({isBusy = () => false, auto = false} = {}) {
  if (!("serviceWorker" in navigator)) return null;
  let registration = await register();
  if (!registration) return null;  // no worker (a private window): the page still works online
  let reloading = false;
  let ready = null;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading) location.reload();
  });
  const banner = $("[data-update-banner]");
  const apply = () => {
    if (!ready || reloading || isBusy()) return false;
    reloading = true;
    ready.postMessage({type: "skip-waiting"});
    return true;
  };
  const offer = (worker) => {
    if (ready === worker) return;
    ready = worker;
    if (banner) {
      banner.hidden = false;
      const button = $("[data-action=update-now]", banner);
      if (button) button.onclick = () => { if (!apply()) banner.dataset.pending = "true"; };
    }
    const quiet = setInterval(() => {
      const asked = banner && banner.dataset.pending === "true";
      if ((auto || asked) && (Date.now() - lastTouch > QUIET_MS || asked) && apply()) {
        clearInterval(quiet);
      }
    }, 1000);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden" && auto) apply();
    });
  };
  // A first install that failed (a file lost on the way) leaves no worker at all, and the
  // browser forgets the registration: register again, later, or this page (the till stays
  // open all day) would never be kept for a day without network.
  let retries = 0;
  const retry = async () => {
    if (navigator.serviceWorker.controller || registration.active || !navigator.onLine) return;
    const again = await register();
    if (again && again !== registration) follow(again);
  };
  addEventListener("online", () => { retry().catch(() => {}); });
  const watch = (worker) => worker.addEventListener("statechange", () => {
    if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    if (worker.state === "activated") retries = 0;
    if (worker.state === "redundant" && !registration.active && !registration.installing) {
      retries += 1;
      setTimeout(() => { retry().catch(() => {}); }, Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** (retries - 1)));
    }
  });
  const follow = (found) => {
    registration = found;
    if (found.waiting && navigator.serviceWorker.controller) offer(found.waiting);
    if (found.installing) watch(found.installing);
    found.addEventListener("updatefound", () => watch(found.installing));
  };
  follow(registration);
  const check = () => registration.update().catch(() => retry()).catch(() => {});
  addEventListener("online", check);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  setInterval(check, UPDATE_CHECK_MS);
  keepPages().catch(() => {});
  return registration;
}

async function register() {
  try {
    return await navigator.serviceWorker.register(CONFIG.sw_url, {scope: "/", updateViaCache: "none"});
  } catch (error) {
    return null;
  }
}

// A log-out forgot the artisan's pages (forgetPages below): the first page opened while logged in
// asks the worker to keep the till again, so that it opens with no network, visited or not.
async function keepPages() {
  if (!window.caches || !CONFIG.till_url) return;
  const till = new URL(CONFIG.till_url, location.origin);
  if (location.pathname === till.pathname) return;  // opening it keeps it (sw.js navigate)
  const registration = await navigator.serviceWorker.ready;
  if (await caches.match(till.href, {ignoreSearch: true})) return;
  if (registration.active) registration.active.postMessage({type: "cache-pages"});
}

// Ask once that the browser keep this site's storage (installed apps usually get it).
export async function askPersistence(db) {
  if (!navigator.storage || !navigator.storage.persist) return null;
  if (await navigator.storage.persisted()) return true;
  const asked = await transact(db, ["meta"], "readonly", (tx) => getMeta(tx.objectStore("meta"), "persist_asked"));
  if (asked) return false;
  const granted = await navigator.storage.persist();
  await transact(db, ["meta"], "readwrite", (tx) => putMeta(tx.objectStore("meta"), "persist_asked", Date.now()));
  return granted;
}

export async function showStorage() {
  const target = $("[data-storage-status]");
  if (!target) return;
  let text = t("storage_unknown");
  if (navigator.storage && navigator.storage.persisted) {
    text = (await navigator.storage.persisted()) ? t("storage_yes") : t("storage_no");
  }
  target.textContent = text;
}

export function offerInstall() {
  const box = $("[data-install]");
  if (!box) return;
  const button = $("button", box);
  const note = $("[data-install-note]", box);
  if (matchMedia("(display-mode: standalone)").matches) {
    note.textContent = t("installed");
    return;
  }
  let prompt = null;
  addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    prompt = event;
    button.hidden = false;
  });
  addEventListener("appinstalled", () => {
    button.hidden = true;
    note.textContent = t("installed");
  });
  button.addEventListener("click", async () => {
    if (!prompt) return;
    prompt.prompt();
    await prompt.userChoice.catch(() => null);
    prompt = null;
    button.hidden = true;
  });
}

async function forgetPages() {
  // The next person on this phone must not find this artisan's pages in the cache.
  if (!window.caches) return;
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith("marche-pages-")).map((name) => caches.delete(name)));
}

// Before log-out: say how many changes still wait, and let the artisan stay.
export function guardLogout(db) {
  const dialog = $("[data-dialog=logout]");
  for (const form of $$("form.logout-form")) {
    let sure = false;
    form.addEventListener("submit", async (event) => {
      if (sure) return;
      event.preventDefault();
      const {rows} = await unconfirmed(db);
      if (rows.length && dialog) {
        const sales = rows.filter((row) => row.type === "sale.record").length;
        $("[data-logout-count]", dialog).textContent = waitingText(sales, rows.length - sales);
        dialog.showModal();
        const choice = await new Promise((resolve) => {
          dialog.addEventListener("close", () => resolve(dialog.returnValue), {once: true});
        });
        if (choice !== "logout") return;
      }
      await forgetPages().catch(() => {});
      sure = true;
      form.submit();
    });
  }
}

// How many sales wait, and the other changes beside them, in few words.
export function waitingText(sales, others) {
  if (!sales && !others) return t("all_sent");
  if (!sales) return tn("waiting", others);
  // "+ 4 other changes" goes to the next line whole, never "+" alone at the end of one.
  return others ? `${tn("sales_waiting", sales)} ${tn("others_waiting", others).replace(/^\+ /, "+\u00a0")}`
    : tn("sales_waiting", sales);
}

// The sync badge: how many sales wait, when the last sync succeeded (in the market's time zone,
// never the phone's, which may be set wrong), what goes wrong.
export function badgeText(view, status, timeZone = CONFIG.timezone) {
  const lines = [];
  lines.push(waitingText(view.waitingSales, view.waitingOthers));
  const at = view.meta.last_sync_at;
  // "Nothing sent yet" only when something waits: beside "Everything is sent" it would read as
  // a contradiction. With nothing to send, a sync under way only brings the news.
  if (at) lines.push(t("last_sync", {time: timeOf(new Date(at).toISOString(), timeZone)}));
  else if (view.waiting) lines.push(t("never_synced"));
  if (status === "offline" && view.waiting) lines.push(t("offline"));
  else if (status === "error") lines.push(t("sync_error"));
  else if (status === "login") lines.push(t("sync_login"));
  else if (status === "syncing") lines.push(t(view.waiting ? "syncing" : "updating"));
  return lines;
}

export function renderBadge(element, view, status, timeZone = CONFIG.timezone) {
  if (!element) return;
  element.hidden = false;
  element.dataset.waiting = String(view.waiting);
  element.dataset.waitingSales = String(view.waitingSales);
  element.dataset.status = status;
  const [first, ...rest] = badgeText(view, status, timeZone);
  const main = element.querySelector("[data-badge-main]");
  const more = element.querySelector("[data-badge-more]");
  if (main) main.textContent = first;
  if (more) more.textContent = rest.join(" · ");
}
