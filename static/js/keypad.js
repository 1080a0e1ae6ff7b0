// A numeric keypad for money: digits push in from the right (1, 5, 0, 0 → 15,00), in cents.

import {money} from "./money.js";

const MAX_DIGITS = 7;  // up to 99 999,99

export class Keypad {
  constructor(root, {onChange = () => {}} = {}) {
    this.root = root;
    this.display = root.querySelector("[data-keypad-display]");
    this.onChange = onChange;
    this.digits = "";
    this.touched = false;  // a typed 0 is an answer; an untouched keypad is none
    root.addEventListener("click", (event) => {
      const key = event.target.closest("[data-key]");
      if (key && root.contains(key)) this.press(key.dataset.key);
    });
    this.render();
  }

  get cents() {
    return this.digits ? parseInt(this.digits, 10) : 0;
  }

  press(key) {
    this.touched = true;
    if (key === "back") this.digits = this.digits.slice(0, -1);
    else if (/^\d+$/.test(key) && (this.digits + key).length <= MAX_DIGITS) this.digits += key;
    this.digits = this.digits.replace(/^0+/, "");
    this.render();
    this.onChange(this.cents);
  }

  set(cents, {touched = false} = {}) {
    this.touched = touched;
    this.digits = cents > 0 ? String(cents) : "";
    this.render();
    this.onChange(this.cents);
  }

  render() {
    if (this.display) this.display.textContent = money(this.cents);
  }
}

// A − n + stepper for a quantity, never below `min`.
export class Stepper {
  constructor(root, {value = 0, min = 0, onChange = () => {}} = {}) {
    this.root = root;
    this.output = root.querySelector("[data-qty]");
    this.min = min;
    this.onChange = onChange;
    this.value = value;
    root.addEventListener("click", (event) => {
      const step = event.target.closest("[data-step]");
      if (step) this.set(this.value + Number(step.dataset.step));
    });
    this.render();
  }

  set(value) {
    this.value = Math.max(this.min, Math.min(100000, value));
    this.render();
    this.onChange(this.value);
  }

  render() {
    this.output.textContent = String(this.value);
  }
}
