/** Money as integer minor units (cents); formatting to exact decimal strings. No float arithmetic on amounts. */

export interface Money {
  amount: string;
  currencyCode: string;
}
export interface MoneyBag {
  shopMoney: Money;
  presentmentMoney: Money;
}

/** Integer cents → "12.30" / "-0.05". */
export function fmt(cents: number): string {
  const neg = cents < 0;
  const a = Math.abs(cents);
  const units = Math.floor(a / 100);
  const c = a - units * 100;
  return (neg ? "-" : "") + units + "." + (c < 10 ? "0" : "") + c;
}

/** "12.3" / "12.30" / "-4" → integer cents (exact; throws on more than 2 decimals or garbage). */
export function parseCents(amount: string | number): number {
  const s = typeof amount === "number" ? String(amount) : amount.trim();
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) throw new Error(`invalid money amount: ${s}`);
  const v = Number(m[2]) * 100 + Number(((m[3] ?? "") + "00").slice(0, 2));
  return m[1] ? -v : v;
}

/** Round-half-up integer division for non-negative a (and symmetric for negative). */
export function roundDiv(a: number, b: number): number {
  if (a < 0) return -roundDiv(-a, b);
  return Math.floor((2 * a + b) / (2 * b));
}

/** Units of each currency per 1 USD, in millionths (fixed table so data is stable). */
export const USD_RATES_MICRO: Record<string, number> = {
  USD: 1_000_000,
  EUR: 920_000,
  GBP: 790_000,
  CAD: 1_360_000,
  AUD: 1_520_000,
  CHF: 880_000,
  SEK: 10_400_000,
  NZD: 1_660_000,
};
/** Presentment currencies some orders use (besides the shop currency). */
export const PRESENTMENT_CURRENCIES = ["EUR", "GBP", "CAD", "AUD"] as const;

function rateOf(c: string): number {
  return USD_RATES_MICRO[c] ?? 1_000_000;
}

/** Converts cents from one currency to another with the fixed rate table (round half up). */
export function convert(cents: number, from: string, to: string): number {
  if (from === to) return cents;
  return roundDiv(cents * rateOf(to), rateOf(from));
}

export function money(cents: number, currencyCode: string): Money {
  return { amount: fmt(cents), currencyCode };
}

export function bag(
  shopCents: number,
  presCents: number,
  shopCur: string,
  presCur: string,
): MoneyBag {
  return { shopMoney: money(shopCents, shopCur), presentmentMoney: money(presCents, presCur) };
}

/** A pair of amounts (shop, presentment) summed component-wise so totals stay exact in both currencies. */
export interface Pair {
  s: number;
  p: number;
}
export const ZERO: Pair = { s: 0, p: 0 };
export function add(...xs: Pair[]): Pair {
  let s = 0;
  let p = 0;
  for (const x of xs) {
    s += x.s;
    p += x.p;
  }
  return { s, p };
}
export function sub(a: Pair, b: Pair): Pair {
  return { s: a.s - b.s, p: a.p - b.p };
}
