// The script of the artisan's pages other than the till: the worker, the sync engine and its
// badge, storage kept safely, the install invitation and the log-out warning.

import {openDb} from "./idb.js";
import {setupMoney} from "./money.js";
import {markOwner, onAnnounce} from "./outbox.js";
import {askPersistence, guardLogout, offerInstall, registerWorker, renderBadge, showStorage} from "./pwa.js";
import {buildView, readAll} from "./state.js";
import {SyncEngine} from "./sync.js";
import {$, CONFIG} from "./ui.js";

function formTouched() {
  // A form being filled in is work in progress: no reload under the artisan's fingers.
  return [...document.querySelectorAll("form input, form textarea, form select")]
    .some((field) => field.type !== "hidden" && field.dataset.touched === "true");
}

function previewPhotos() {
  // The chosen photo shows at once in the frame of the camera button: the artisan sees it took.
  for (const input of document.querySelectorAll("[data-photo-input]")) {
    input.addEventListener("change", () => {
      const field = input.closest(".photo-field");
      const frame = field.querySelector("[data-photo-frame]");
      const label = field.querySelector("[data-photo-label]");
      const file = input.files && input.files[0];
      if (!file || !frame) return;
      const image = document.createElement("img");
      image.className = "photo-preview";
      image.alt = "";
      image.src = URL.createObjectURL(file);
      frame.replaceChildren(image);
      if (label) label.textContent = label.dataset.changed;
    });
  }
}

async function main() {
  setupMoney(CONFIG.locale, CONFIG.currency);
  previewPhotos();
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
  onAnnounce(db, () => refresh().catch(() => null));  // a sale in the till's tab
  await refresh();
  await markOwner(db, CONFIG.login).catch(() => null);  // before anything asks Background Sync
  engine.start();
  await askPersistence(db).catch(() => null);
  await showStorage();
}

main();
