/**
 * Search filters, sort orders and lazy scans over generated base data merged with the overlay.
 * Nothing here derives a full record to filter, count or sort: only cheap metadata (Meta).
 */
import type { ResourceName, ScanPosition, SearchFilter, SearchTerm, SortKey } from "../types";
import { numericId } from "./gen";
import type { Meta, ResourceSource } from "./internal";
import { ANCHOR_SEC, DAY, parseTime } from "./rng";

// ---------------------------------------------------------------- filters

type FieldKind = "id" | "time" | "string" | "bool";
interface FieldDef {
  kind: FieldKind;
  get: (m: Meta) => number | string | boolean | undefined;
  /** Maps a query value to the stored form (e.g. fulfillment_status:shipped → fulfilled). */
  normalize?: (v: string) => string;
}

const TIME = (get: (m: Meta) => number | undefined): FieldDef => ({ kind: "time", get });
const STR = (
  get: (m: Meta) => string | undefined,
  normalize?: (v: string) => string,
): FieldDef => ({ kind: "string", get, normalize });

const COMMON: Record<string, FieldDef> = {
  id: { kind: "id", get: (m) => m.id },
  created_at: TIME((m) => m.createdAt),
  updated_at: TIME((m) => m.updatedAt),
};

const FULFILLMENT_ALIASES: Record<string, string> = {
  shipped: "fulfilled",
  fulfilled: "fulfilled",
  partial: "partially_fulfilled",
  partially_fulfilled: "partially_fulfilled",
  unshipped: "unfulfilled",
  unfulfilled: "unfulfilled",
};

const FIELDS: Partial<Record<ResourceName, Record<string, FieldDef>>> = {
  orders: {
    processed_at: TIME((m) => m.processedAt),
    name: STR(
      (m) => m.name?.replace(/^#/, ""),
      (v) => v.replace(/^#/, ""),
    ),
    status: STR((m) => m.status),
    financial_status: STR((m) => m.financialStatus),
    fulfillment_status: STR(
      (m) => m.fulfillmentStatus,
      (v) => FULFILLMENT_ALIASES[v] ?? v,
    ),
    test: { kind: "bool", get: (m) => m.test },
  },
  products: { title: STR((m) => m.title), status: STR((m) => m.status) },
  customers: { name: STR((m) => m.name), state: STR((m) => m.status) },
  locations: { name: STR((m) => m.name) },
  abandonedCheckouts: {
    name: STR(
      (m) => m.name?.replace(/^#/, ""),
      (v) => v.replace(/^#/, ""),
    ),
  },
  marketingEvents: { started_at: TIME((m) => m.createdAt) },
  discounts: { title: STR((m) => m.title), status: STR((m) => m.status) },
  payouts: { issued_at: TIME((m) => m.createdAt), status: STR((m) => m.status) },
  disputes: { initiated_at: TIME((m) => m.createdAt), status: STR((m) => m.status) },
  balanceTransactions: {
    processed_at: TIME((m) => m.createdAt),
    transaction_date: TIME((m) => m.createdAt),
  },
};

function fieldDef(resource: ResourceName, field: string): FieldDef | undefined {
  return FIELDS[resource]?.[field] ?? COMMON[field];
}

/** A compiled term: a predicate plus, for range-able fields, the numeric interval it accepts. */
export interface CompiledTerm {
  field: string;
  /** Canonical range field: "id" | "created_at" | "updated_at" | "processed_at" (aliases mapped). */
  rangeField?: "id" | "createdAt" | "updatedAt" | "processedAt";
  min?: number; // inclusive
  max?: number; // inclusive
  test: (m: Meta) => boolean;
}

export function compileFilter(resource: ResourceName, filter?: SearchFilter): CompiledTerm[] {
  const out: CompiledTerm[] = [];
  for (const term of filter ?? []) {
    const c = compileTerm(resource, term);
    if (c) out.push(c);
  }
  return out;
}

function compileTerm(resource: ResourceName, term: SearchTerm): CompiledTerm | undefined {
  const field = term.field.toLowerCase();
  const def = fieldDef(resource, field);
  if (!def) return undefined; // unknown fields are ignored, like Shopify
  const raw = unquote(term.value);
  let min = -Infinity;
  let max = Infinity;
  let pred: (m: Meta) => boolean;
  if (def.kind === "id" || def.kind === "time") {
    let v: number;
    let dayOnly = false;
    if (def.kind === "id") v = numericId(raw);
    else {
      v = parseTime(raw);
      dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
    }
    if (!Number.isFinite(v)) return undefined;
    switch (term.op) {
      case ">":
        min = dayOnly ? v + DAY : v + 1;
        break;
      case ">=":
        min = v;
        break;
      case "<":
        max = v - 1;
        break;
      case "<=":
        max = dayOnly ? v + DAY - 1 : v;
        break;
      default:
        min = v;
        max = dayOnly ? v + DAY - 1 : v;
    }
    const get = def.get as (m: Meta) => number | undefined;
    const lo = min;
    const hi = max;
    pred = (m) => {
      const x = get(m);
      return x !== undefined && x >= lo && x <= hi;
    };
  } else if (def.kind === "bool") {
    const want = raw.toLowerCase() === "true";
    pred = (m) => !!def.get(m) === want;
  } else {
    const v = def.normalize ? def.normalize(raw.toLowerCase()) : raw.toLowerCase();
    const get = def.get as (m: Meta) => string | undefined;
    const prefix = v.endsWith("*") ? v.slice(0, -1) : undefined;
    pred = (m) => {
      const x = get(m)?.toLowerCase();
      if (x === undefined) return false;
      switch (term.op) {
        case ">":
          return x > v;
        case ">=":
          return x >= v;
        case "<":
          return x < v;
        case "<=":
          return x <= v;
        default:
          return prefix !== undefined ? x.startsWith(prefix) : x === v;
      }
    };
  }
  if (term.negate) {
    const p = pred;
    return { field, test: (m) => !p(m) };
  }
  const rangeField =
    def.kind === "id"
      ? "id"
      : def.kind === "time"
        ? (RANGE_FIELD.get(def.get) ?? undefined)
        : undefined;
  return {
    field,
    rangeField,
    min: def.kind === "id" || def.kind === "time" ? min : undefined,
    max: def.kind === "id" || def.kind === "time" ? max : undefined,
    test: pred,
  };
}

// Which Meta property each time field reads (so ranges can drive binary searches).
const RANGE_FIELD = new Map<FieldDef["get"], CompiledTerm["rangeField"]>();
RANGE_FIELD.set(COMMON.created_at.get, "createdAt");
RANGE_FIELD.set(COMMON.updated_at.get, "updatedAt");
RANGE_FIELD.set(FIELDS.orders!.processed_at.get, "processedAt");
for (const r of ["marketingEvents", "payouts", "disputes", "balanceTransactions"] as const)
  for (const d of Object.values(FIELDS[r]!))
    if (d.kind === "time") RANGE_FIELD.set(d.get, "createdAt");

function unquote(v: string): string {
  const s = v.trim();
  if (s.length >= 2 && ((s[0] === "'" && s.at(-1) === "'") || (s[0] === '"' && s.at(-1) === '"')))
    return s.slice(1, -1);
  return s;
}

export function matches(terms: CompiledTerm[], m: Meta): boolean {
  for (const t of terms) if (!t.test(m)) return false;
  return true;
}

/** Intersection of the ranges the terms put on one Meta property. */
export function rangeOf(
  terms: CompiledTerm[],
  f: NonNullable<CompiledTerm["rangeField"]>,
): { min: number; max: number } | undefined {
  let min = -Infinity;
  let max = Infinity;
  let any = false;
  for (const t of terms) {
    if (t.rangeField !== f) continue;
    any = true;
    if (t.min !== undefined && t.min > min) min = t.min;
    if (t.max !== undefined && t.max < max) max = t.max;
  }
  return any ? { min, max } : undefined;
}

// ---------------------------------------------------------------- sorting

export type SortValue = number | string;

export function effectiveSortKey(src: ResourceSource, key?: SortKey): SortKey {
  if (!key || key === "ID") return "ID";
  return src.sortKeys.includes(key) ? key : "ID";
}

export function sortValue(src: ResourceSource, m: Meta, key: SortKey): SortValue {
  switch (key) {
    case "CREATED_AT":
      return m.createdAt;
    case "UPDATED_AT":
      return m.updatedAt;
    case "PROCESSED_AT":
      return m.processedAt ?? m.createdAt;
    case "NAME":
      return src.resource === "orders" ? (m.number ?? m.id) : (m.name ?? "").toLowerCase();
    case "TITLE":
      return (m.title ?? "").toLowerCase();
    default:
      return m.id;
  }
}

export function cmp(av: SortValue, aid: number, bv: SortValue, bid: number): number {
  if (av !== bv) {
    if (typeof av === "number" && typeof bv === "number") return av < bv ? -1 : 1;
    const as = String(av);
    const bs = String(bv);
    if (as !== bs) return as < bs ? -1 : 1;
  }
  return aid === bid ? 0 : aid < bid ? -1 : 1;
}

/** Sort keys whose order over base data equals index order. */
export function isMonotonic(src: ResourceSource, key: SortKey): boolean {
  return (
    key === "ID" ||
    (key === "CREATED_AT" && src.createdMonotonic) ||
    (key === "NAME" && src.resource === "orders")
  );
}

/** Which Meta property a sort key reads (for range narrowing on sorted caches). */
export function keyField(key: SortKey): CompiledTerm["rangeField"] | undefined {
  return key === "CREATED_AT"
    ? "createdAt"
    : key === "UPDATED_AT"
      ? "updatedAt"
      : key === "PROCESSED_AT"
        ? "processedAt"
        : undefined;
}

const EPOCH0 = ANCHOR_SEC - 5 * 365 * DAY;
const IDX_BITS = 2 ** 25;

/**
 * A sorted permutation of the live generated indices for a non-monotonic key (built once, lazily).
 * Numeric keys are packed as (value - EPOCH0) * 2^25 + index into a Float64Array (sorted natively).
 */
export class SortedIndex {
  length = 0;
  private packed?: Float64Array;
  private order?: Uint32Array;
  private strings?: string[];
  private numbers?: Float64Array;

  constructor(
    private readonly src: ResourceSource,
    readonly key: SortKey,
  ) {
    const numeric = key !== "NAME" && key !== "TITLE";
    if (!(numeric && src.size < IDX_BITS && this.tryPacked())) this.fallback(numeric);
  }

  private tryPacked(): boolean {
    const src = this.src;
    const buf = new Float64Array(src.size);
    let len = 0;
    for (let i = 0; i < src.size; i++) {
      if (src.sparse && !src.exists(i)) continue;
      const off = (sortValue(src, src.meta(i), this.key) as number) - EPOCH0;
      if (!(off >= 0 && off < 2 ** 28) || !Number.isInteger(off)) return false;
      buf[len++] = off * IDX_BITS + i;
    }
    const p = buf.slice(0, len);
    p.sort();
    this.packed = p;
    this.length = len;
    return true;
  }

  private fallback(numeric: boolean): void {
    const src = this.src;
    const idx: number[] = [];
    for (let i = 0; i < src.size; i++) if (!src.sparse || src.exists(i)) idx.push(i);
    const order = Uint32Array.from(idx);
    if (numeric) {
      const numbers = new Float64Array(src.size);
      for (const i of idx) numbers[i] = sortValue(src, src.meta(i), this.key) as number;
      order.sort((a, b) => numbers[a] - numbers[b] || a - b);
      this.numbers = numbers;
    } else {
      const strings = new Array<string>(src.size);
      for (const i of idx) strings[i] = sortValue(src, src.meta(i), this.key) as string;
      order.sort((a, b) => (strings[a] < strings[b] ? -1 : strings[a] > strings[b] ? 1 : a - b));
      this.strings = strings;
    }
    this.order = order;
    this.length = order.length;
  }

  /** Generated index at sorted position p. */
  index(p: number): number {
    if (this.packed) {
      const e = this.packed[p];
      return e - Math.floor(e / IDX_BITS) * IDX_BITS;
    }
    return this.order![p];
  }
  value(p: number): SortValue {
    if (this.packed) return Math.floor(this.packed[p] / IDX_BITS) + EPOCH0;
    const i = this.order![p];
    return this.strings ? this.strings[i] : this.numbers![i];
  }
  /** First position whose (value, id) compares > 0 (strict) or ≥ 0 against (v, id). */
  lowerBound(v: SortValue, id: number, strict: boolean): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = cmp(this.value(mid), this.src.idOf(this.index(mid)), v, id);
      if (c > 0 || (!strict && c === 0)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
  /** First position whose value is ≥ v (numeric keys). */
  firstValueAtLeast(v: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.value(mid) as number) >= v) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** First index in [lo, hi) where pred holds (pred must be monotone false → true). */
export function searchIndex(lo: number, hi: number, pred: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index range [lo, hi) of generated data allowed by id / created_at (when monotonic) terms. */
export function indexRange(src: ResourceSource, terms: CompiledTerm[]): { lo: number; hi: number } {
  let lo = 0;
  let hi = src.size;
  const idr = rangeOf(terms, "id");
  if (idr) {
    lo = Math.max(
      lo,
      searchIndex(0, src.size, (i) => src.idOf(i) >= idr.min),
    );
    hi = Math.min(
      hi,
      searchIndex(0, src.size, (i) => src.idOf(i) > idr.max),
    );
  }
  if (src.createdMonotonic) {
    const cr = rangeOf(terms, "createdAt");
    if (cr) {
      lo = Math.max(
        lo,
        searchIndex(0, src.size, (i) => src.meta(i).createdAt >= cr.min),
      );
      hi = Math.min(
        hi,
        searchIndex(0, src.size, (i) => src.meta(i).createdAt > cr.max),
      );
    }
  }
  return { lo, hi: Math.max(lo, hi) };
}

/** True when every term is fully answered by indexRange (so counting needs no per-index work). */
export function rangeOnly(src: ResourceSource, terms: CompiledTerm[]): boolean {
  return terms.every(
    (t) =>
      t.rangeField === "id" ||
      (t.rangeField === "createdAt" && src.createdMonotonic && t.field === "created_at"),
  );
}

export type { ScanPosition };
