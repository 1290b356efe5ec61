/** Generator core: configuration, sizes, id layout, time layout and shared helpers. */
import type { ShopConfig, StoreSize } from "../types";
import { DAY, h, hu, resolveAnchor } from "./rng";

/** Streams (one per resource) keep hashes of different resources independent. */
export const S = {
  order: 1,
  product: 2,
  customer: 3,
  location: 4,
  inventory: 5,
  checkout: 6,
  marketing: 7,
  discount: 8,
  payout: 9,
  dispute: 10,
  balance: 11,
  shop: 12,
} as const;

/** Numeric id bases: id = base + index (children: parentId * 1000 + k). */
export const BASE = {
  orders: 4_100_000_000,
  products: 7_200_000_000,
  customers: 6_300_000_000,
  locations: 61_000_000,
  abandonedCheckouts: 3_300_000_000,
  marketingEvents: 2_200_000_000,
  discounts: 1_400_000_000,
  payouts: 80_000_000,
  disputes: 1_500_000_000,
  balanceTransactions: 300_000_000_000,
  /** Standalone inventory items created directly (not through a product variant). */
  inventoryItems: 9_900_000_000_000,
} as const;

export interface Sizes {
  orders: number;
  products: number;
  customers: number;
  locations: number;
  abandonedCheckouts: number;
  marketingEvents: number;
  discounts: number;
  payouts: number;
  /** Probability that an eligible order is disputed. */
  disputeRate: number;
}

export function resolveSizes(size?: StoreSize): Sizes {
  const orders = Math.max(0, Math.floor(size?.orders ?? 300));
  const scale = Math.max(orders, 1) / 300;
  return {
    orders,
    products: Math.max(1, size?.products ?? Math.max(3, Math.round(40 * Math.sqrt(scale)))),
    customers: Math.max(1, size?.customers ?? Math.max(3, Math.round(orders * 0.4))),
    locations: Math.max(
      1,
      size?.locations ?? Math.min(5, 3 + Math.max(0, Math.floor(Math.log10(scale)))),
    ),
    abandonedCheckouts: Math.max(
      0,
      size?.abandonedCheckouts ?? Math.max(2, Math.round(orders * 0.25)),
    ),
    marketingEvents: Math.max(
      0,
      size?.marketingEvents ?? Math.max(3, Math.round(12 * Math.sqrt(scale))),
    ),
    discounts: Math.max(1, size?.discounts ?? Math.max(6, Math.round(15 * Math.pow(scale, 0.4)))),
    payouts: Math.max(1, size?.payouts ?? Math.min(243, Math.max(4, Math.round(orders / 2)))),
    disputeRate:
      size?.disputes !== undefined
        ? Math.min(1, size.disputes / Math.max(1, orders * 0.75))
        : Math.min(0.05, Math.max(0.005, 8 / Math.max(1, orders))),
  };
}

/** A layout of `n` records whose times are non-decreasing with index over [start, start+span). */
export interface TimeLayout {
  stream: number;
  n: number;
  start: number;
  span: number;
}

export class Gen {
  readonly seed: number;
  readonly domain: string;
  readonly currency: string;
  readonly timezone: string;
  readonly plan: NonNullable<ShopConfig["plan"]>;
  readonly sizes: Sizes;
  /** End of the generated history (epoch seconds; ShopConfig.anchor). */
  readonly anchor: number;
  /** No generated time is later than this (children), root updatedAt ≤ anchor - 1. */
  readonly cap: number;
  readonly orderTimes: TimeLayout;
  readonly productTimes: TimeLayout;
  readonly customerTimes: TimeLayout;
  readonly checkoutTimes: TimeLayout;
  readonly marketingTimes: TimeLayout;
  readonly discountTimes: TimeLayout;
  /** Customer mapping: order i → customer (i * mulP) mod C; inverse (c * invP) mod C = first order index. */
  readonly mulP: number;
  readonly invP: number;
  /** Inventory items: prefix sums of variant counts per generated product. */
  readonly variantPrefix: Uint32Array;
  readonly shopNumber: number;

  constructor(config: ShopConfig) {
    this.seed = (config.seed ?? 1) >>> 0;
    this.domain = config.domain;
    this.currency = config.currency ?? "USD";
    this.timezone = config.ianaTimezone ?? "America/New_York";
    this.plan = config.plan ?? "standard";
    this.sizes = resolveSizes(config.size);
    const sz = this.sizes;
    const A = resolveAnchor(config.anchor);
    this.anchor = A;
    this.cap = A - 120;
    this.orderTimes = { stream: S.order, n: sz.orders, start: A - 730 * DAY, span: 730 * DAY - 60 };
    this.productTimes = {
      stream: S.product,
      n: sz.products,
      start: A - 1095 * DAY,
      span: 1065 * DAY,
    };
    this.customerTimes = {
      stream: S.customer,
      n: sz.customers,
      start: A - 1095 * DAY,
      span: 1094 * DAY,
    };
    this.checkoutTimes = {
      stream: S.checkout,
      n: sz.abandonedCheckouts,
      start: A - 730 * DAY,
      span: 729 * DAY,
    };
    this.marketingTimes = {
      stream: S.marketing,
      n: sz.marketingEvents,
      start: A - 730 * DAY,
      span: 725 * DAY,
    };
    this.discountTimes = {
      stream: S.discount,
      n: sz.discounts,
      start: A - 730 * DAY,
      span: 729 * DAY,
    };
    const C = sz.customers;
    let p = 7919;
    while (gcd(p, C) !== 1) p += 2;
    this.mulP = p % C;
    this.invP = modInverse(this.mulP, C);
    this.variantPrefix = new Uint32Array(sz.products + 1);
    for (let i = 0; i < sz.products; i++)
      this.variantPrefix[i + 1] = this.variantPrefix[i] + this.variantCount(i);
    this.shopNumber = 60_000_000 + (h(this.seed, S.shop, hashString(this.domain)) % 30_000_000);
  }

  /** Cheap hash for (stream, index, salt). */
  h(stream: number, i: number, salt: number): number {
    return h(this.seed, stream, i, salt);
  }
  hu(stream: number, i: number, salt: number): number {
    return hu(this.seed, stream, i, salt);
  }

  /** Time of record i in a layout (non-decreasing with i). */
  time(l: TimeLayout, i: number): number {
    const u = hu(this.seed, l.stream, i, 0x7173);
    return l.start + Math.floor(((i + u) * l.span) / Math.max(1, l.n));
  }
  /** Largest index whose layout time is ≤ t (-1 if none). */
  lastIndexAtOrBefore(l: TimeLayout, t: number): number {
    if (l.n === 0) return -1;
    let i = Math.floor(((t - l.start) * l.n) / l.span);
    if (i >= l.n) i = l.n - 1;
    if (i < -1) i = -1;
    while (i >= 0 && this.time(l, i) > t) i--;
    while (i + 1 < l.n && this.time(l, i + 1) <= t) i++;
    return i;
  }

  /** Number of variants of generated product i (1–4). */
  variantCount(i: number): number {
    const u = this.hu(S.product, i, 11);
    return u < 0.35 ? 1 : u < 0.55 ? 2 : u < 0.8 ? 3 : 4;
  }

  /** Customer of order i and the first order index of customer c. */
  customerOfOrder(i: number): number {
    return (i * this.mulP) % this.sizes.customers;
  }
  firstOrderOfCustomer(c: number): number {
    return (c * this.invP) % this.sizes.customers;
  }
  /** Number of generated orders of customer c. */
  ordersOfCustomer(c: number): number {
    if (c >= this.sizes.customers) return 0;
    const r = this.firstOrderOfCustomer(c);
    const N = this.sizes.orders;
    return r < N ? Math.floor((N - 1 - r) / this.sizes.customers) + 1 : 0;
  }

  gid(type: string, id: number | string): string {
    return `gid://shopify/${type}/${id}`;
  }
}

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
function modInverse(a: number, m: number): number {
  if (m === 1) return 0;
  let [oldR, r] = [a, m];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}
export function hashString(s: string): number {
  let x = 2166136261;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619);
  return x >>> 0;
}

/** Lower-case ASCII slug. */
export function slug(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** Numeric id from a numeric string or GID (query string ignored); NaN if none. */
export function numericId(idOrGid: string): number {
  const s = String(idOrGid);
  const m = /(\d+)(?:\?.*)?$/.exec(s);
  return m ? Number(m[1]) : NaN;
}

/** Parses `gid://shopify/Type/123?x=y` → { type, id, params }. */
export function parseGid(
  gid: string,
): { type: string; id: number; params: URLSearchParams } | undefined {
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?(.*))?$/.exec(gid);
  if (!m) return undefined;
  return { type: m[1], id: Number(m[2]), params: new URLSearchParams(m[3] ?? "") };
}
