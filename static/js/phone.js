// The script of the artisan's pages other than the till: the worker, the sync engine and its
// badge, storage kept safely, the install invitation and the log-out warning.

import {openDb} from "./idb.js";
import {setupMoney} from "./money.js";
import {askPersistence, guardLogout, offerInstall, registerWorker, renderBadge, showStorage} from "./pwa.js";
import {buildView, readAll} from "./state.js";
import {SyncEngine} from "./sync.js";
import {$, CONFIG} from "./ui.js";

function formTouched() {
  // A form being filled in is work in progress: no reload under the artisan's fingers.
  return [...document.querySelectorAll("form input, form textarea, form select")]
    .some((field) => field.type !== "hidden" && field.dataset.touched === "true");
}

async function main() {
  setupMoney(CONFIG.locale, CONFIG.currency);
  addEventListener("input", (event) => { event.target.dataset.touched = "true"; }, true);
  registerWorker({isBusy: formTouched});
  offerInstall();
  let db;
  try {
    db = await openDb(CONFIG.db, {onVersionChange: (old) => {
      old.close();
      if (!formTouched()) location.reload();
    }});
  } catch (error) {
    return;  // no IndexedDB (a private window): nothing to sync from this page
  }
  guardLogout(db);
  const engine = new SyncEngine(db, CONFIG);
  const badge = $("[data-sync-badge]");
  const refresh = async () => {
    if (badge) renderBadge(badge, buildView(await readAll(db)), engine.status);
  };
  engine.addEventListener("change", refresh);
  await refresh();
  engine.start();
  await askPersistence(db).catch(() => null);
  await showStorage();
}

main();
