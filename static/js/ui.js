// Small helpers for the phone's screens: the page's words and settings, templates, toasts.
//
// Every word comes from the page (the server translated it); nothing is written here.

import {number} from "./money.js";

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : {};
}

export const CONFIG = readJson("phone-config");
const WORDS = readJson("phone-strings");
const plurals = new Intl.PluralRules(CONFIG.locale || document.documentElement.lang || "fr");

// In a right-to-left page, a value written into a sentence (a time "08:21 م", a market's name in
// Latin letters, an amount) is isolated, as <bdi> would: its direction cannot scramble the words
// around it. And a ✓ never goes alone to the next line.
const RTL = document.documentElement.dir === "rtl";
const isolate = (value) => (RTL ? `\u2068${value}\u2069` : value);

function fill(text, params) {
  return String(text).replace(/%\((\w+)\)s/g, (whole, name) => (
    name in params ? isolate(String(params[name])) : whole)).replace(/ ✓/g, "\u00a0✓");
}

export function t(key, params = {}) {
  return fill(key in WORDS ? WORDS[key] : key, params);
}

// A sentence that changes with a number: one form per plural category of the language.
export function tn(key, num, params = {}) {
  const forms = WORDS[key] || {};
  const text = forms[plurals.select(num)] ?? forms.other ?? Object.values(forms)[0] ?? key;
  return fill(text, {...params, num: number(num)});
}

// Write a sentence into `element`, with the value of `big` in a span of its own (to show it large).
export function tInto(element, key, params, big) {
  const text = key in WORDS ? WORDS[key] : key;
  const [before, after = ""] = String(text).split(`%(${big})s`);
  const amount = document.createElement("bdi");
  amount.className = big;
  amount.textContent = params[big];
  element.replaceChildren(fill(before, params), amount, fill(after, params));
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $$(selector, root = document) {
  return [...root.querySelectorAll(selector)];
}

export function fromTemplate(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

export function setText(root, selector, text) {
  const element = root.querySelector(selector);
  if (element) element.textContent = text;
  return element;
}

export function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
  use.setAttribute("href", `#${name}`);
  svg.append(use);
  return svg;
}

export const METHOD_ICONS = {cash: "i-cash", card: "i-card", transfer: "i-phone", other: "i-phone"};

// A time of day where the market is: the phone's own zone may be set wrong.
export function timeOf(iso, timeZone = CONFIG.timezone) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  try {
    return new Intl.DateTimeFormat(CONFIG.locale, {hour: "2-digit", minute: "2-digit", timeZone})
      .format(date);
  } catch (error) {
    return new Intl.DateTimeFormat(CONFIG.locale, {hour: "2-digit", minute: "2-digit"}).format(date);
  }
}

// Today's date where the market is (a market's day is its own, never the phone's zone).
export function todayIn(timeZone) {
  try {
    return new Intl.DateTimeFormat("en-CA", {timeZone}).format(new Date());
  } catch (error) {
    return new Intl.DateTimeFormat("en-CA").format(new Date());
  }
}

let toastTimer = null;

// A short message at the bottom; `action` adds one button (Undo) for as long as it shows.
export function toast(text, {action = null, ms = 2500, kind = "info", id = ""} = {}) {
  const box = $("[data-toast]");
  if (!box) return;
  clearTimeout(toastTimer);
  setText(box, "[data-toast-text]", text);
  box.dataset.kind = kind;
  box.dataset.id = id;
  const button = $("[data-toast-action]", box);
  if (button) {
    button.hidden = !action;
    button.onclick = action ? () => { box.hidden = true; action.run(); } : null;
  }
  box.hidden = false;
  toastTimer = setTimeout(() => { box.hidden = true; }, ms);
}
