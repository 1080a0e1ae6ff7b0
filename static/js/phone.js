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

// A phone camera's photo weighs megabytes; the server keeps at most 1024 px of it. Sending
// it at 2048 px saves the artisan's data plan and never meets the server's size limit.
const PHOTO_MAX_SIDE = 2048;

async function smaller(file) {
  if (!("createImageBitmap" in window) || !("DataTransfer" in window)) return null;
  const bitmap = await createImageBitmap(file, {imageOrientation: "from-image"});
  const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.size < 1_500_000) return null;  // small already: send as it is
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.88));
  if (!blob || blob.size >= file.size) return null;
  const name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
  return new File([blob], name, {type: "image/jpeg", lastModified: file.lastModified});
}

function previewPhotos() {
  // The chosen photo shows at once in the frame of the camera button: the artisan sees it took.
  for (const input of document.querySelectorAll("[data-photo-input]")) {
    input.addEventListener("change", async () => {
      const field = input.closest(".photo-field");
      const frame = field.querySelector("[data-photo-frame]");
      const label = field.querySelector("[data-photo-label]");
      let file = input.files && input.files[0];
      if (!file || !frame) return;
      // No sending half-way through the resizing (a fraction of a second).
      const buttons = input.form ? [...input.form.querySelectorAll("button[type=submit]")] : [];
      for (const button of buttons) button.disabled = true;
      try {
        const resized = await smaller(file);
        if (resized) {
          const files = new DataTransfer();
          files.items.add(resized);
          input.files = files.files;
          file = resized;
        }
      } catch (error) {
        // Not an image this browser can read: the server says so, in the artisan's language.
      } finally {
        for (const button of buttons) button.disabled = false;
      }
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
