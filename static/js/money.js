// Money is integer cents everywhere; it becomes text only here, in the page's language.

let formatter = null;
let numbers = null;

export function setupMoney(locale, currency) {
  formatter = new Intl.NumberFormat(locale, {style: "currency", currency});
  numbers = new Intl.NumberFormat(locale);
}

export function money(cents) {
  const value = Number.isInteger(cents) ? cents : 0;
  return formatter.format(value / 100);
}

export function number(value) {
  return numbers.format(value);
}

// A sum of cents, refusing anything that is not a whole number of cents.
export function sumCents(values) {
  return values.reduce((sum, value) => sum + (Number.isInteger(value) ? value : 0), 0);
}
