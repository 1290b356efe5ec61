/**
 * Deterministic hashing and PRNG for the generator. Everything generated is a pure function of
 * (seed, resource, index, salt): `h(...)` for cheap O(1) metadata, `Rng` streams for full records.
 */

/** 32-bit avalanche mix of two 32-bit inputs (murmur3 finaliser over a golden-ratio combine). */
export function mix32(a: number, b: number): number {
  let h = (a ^ Math.imul(b | 0, 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of (seed, stream, index, salt) → uint32. `index` may exceed 2^32 (split into two words). */
export function h(seed: number, stream: number, index: number, salt = 0): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / 4294967296) >>> 0;
  return mix32(mix32(mix32(mix32(seed >>> 0, stream), lo), hi), salt);
}

/** Hash → [0,1). */
export function hu(seed: number, stream: number, index: number, salt = 0): number {
  return h(seed, stream, index, salt) / 4294967296;
}

/** mulberry32: tiny, fast, good enough for synthetic data. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Integer in [a, b] inclusive. */
  range(a: number, b: number): number {
    return a + Math.floor(this.next() * (b - a + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(arr: readonly T[]): T {
    return arr[Math.floor(this.next() * arr.length)];
  }
  /** Lower-case alphanumeric token. */
  token(len: number): string {
    const chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    let s = "";
    for (let i = 0; i < len; i++) s += chars[Math.floor(this.next() * 36)];
    return s;
  }
  digits(len: number): string {
    let s = "";
    for (let i = 0; i < len; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
}

/** Pick from weighted options with a uniform u in [0,1). */
export function weighted<T>(u: number, options: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of options) total += w;
  let x = u * total;
  for (const [v, w] of options) {
    if (x < w) return v;
    x -= w;
  }
  return options[options.length - 1][0];
}

// ---- time (epoch seconds internally, ISO-8601 without milliseconds outside) ----

export const DAY = 86_400;
export const HOUR = 3_600;
/** Generated data ends here (fixed, so data is the same every day). */
export const ANCHOR_SEC = Date.UTC(2026, 10, 1, 0, 0, 0) / 1000;
export const ANCHOR_ISO = "2026-11-01T00:00:00Z";

/** ShopConfig.anchor → epoch seconds ("now": this second; default: ANCHOR_SEC). */
export function resolveAnchor(anchor: "now" | string | number | undefined, nowMs = Date.now()): number {
  if (anchor === undefined) return ANCHOR_SEC;
  if (anchor === "now") return Math.floor(nowMs / 1000);
  const sec = typeof anchor === "number" ? Math.floor(anchor) : Math.floor(Date.parse(anchor) / 1000);
  if (!Number.isFinite(sec)) throw new Error(`invalid store anchor: ${String(anchor)}`);
  return sec;
}

/** ISO-8601 with second precision, like Shopify's DateTime: 2025-03-01T10:00:00Z. */
export function iso(sec: number): string {
  const day = Math.floor(sec / DAY);
  let d = dayCache.get(day);
  if (d === undefined) {
    d = new Date(day * DAY * 1000).toISOString().slice(0, 11);
    if (dayCache.size > 50_000) dayCache.clear();
    dayCache.set(day, d);
  }
  const r = sec - day * DAY;
  const hh = Math.floor(r / 3600);
  const mm = Math.floor((r - hh * 3600) / 60);
  const ss = r - hh * 3600 - mm * 60;
  return d + TWO[hh] + ":" + TWO[mm] + ":" + TWO[ss] + "Z";
}
const dayCache = new Map<number, string>();
const TWO = Array.from({ length: 60 }, (_, i) => (i < 10 ? "0" : "") + i);

/** Parses an ISO datetime (or date-only) into epoch seconds; NaN if invalid. */
export function parseTime(v: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? v + "T00:00:00Z" : v);
  return Number.isNaN(ms) ? NaN : Math.floor(ms / 1000);
}
