/**
 * Value normalisation shared by every resource, so that a GraphQL node and the REST webhook payload
 * of the same record produce identical rows: ids → bigint, money → canonical decimal strings,
 * timestamps → UTC Date (whole seconds, Shopify's precision), enums → UPPER_SNAKE, lists → ", ".
 */
import type { ColumnType, TableSpec } from "../refine/tables";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export class RefineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefineError";
  }
}

const GID_ID = /\/(\d+)(?:\?.*)?$/;
const DIGITS = /^\d+$/;

/** Numeric Shopify id of a GID (`gid://shopify/Order/12?x=y` → 12n), a number or a digit string. */
export function legacyId(v: unknown): bigint | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v === "bigint") return v;
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new RefineError(`unsafe numeric id ${v}`);
    return BigInt(v);
  }
  const s = String(v);
  if (DIGITS.test(s)) return BigInt(s);
  const m = GID_ID.exec(s);
  if (m) return BigInt(m[1]!);
  throw new RefineError(`not a Shopify id: ${s}`);
}

/** The GID type of `gid://shopify/<Type>/<id>` (undefined for anything else). */
export function gidType(gid: unknown): string | undefined {
  if (typeof gid !== "string") return undefined;
  return /^gid:\/\/shopify\/([A-Za-z0-9]+)\//.exec(gid)?.[1];
}

export function makeGid(type: string, id: bigint | number | string): string {
  return `gid://shopify/${type}/${id}`;
}

// ------------------------------------------------------------------------------------------------
// Decimals: exact, as strings (never through a float).

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

function parseScaled(v: unknown): { n: bigint; scale: number } {
  let s = typeof v === "number" ? numberToPlain(v) : String(v).trim();
  if (/e/i.test(s)) s = numberToPlain(Number(s));
  const m = DECIMAL.exec(s);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new RefineError(`not a decimal amount: ${String(v)}`);
  const frac = m[3] ?? "";
  const n = BigInt((m[2] || "0") + frac);
  return { n: m[1] === "-" ? -n : n, scale: frac.length };
}

function numberToPlain(x: number): string {
  if (!Number.isFinite(x)) throw new RefineError(`not a decimal amount: ${x}`);
  // toString is exact for the decimal a JSON number was written as (shortest round-trip form).
  const s = x.toString();
  if (!/e/i.test(s)) return s;
  return x.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
}

function formatScaled(n: bigint, scale: number): string {
  const neg = n < 0n;
  let digits = (neg ? -n : n).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    let int = digits.slice(0, -scale);
    const frac = digits.slice(-scale).replace(/0+$/, "");
    int = int.replace(/^0+(?=\d)/, "");
    const out = frac ? `${int}.${frac}` : int;
    return neg && out !== "0" ? `-${out}` : out;
  }
  return neg && digits !== "0" ? `-${digits}` : digits;
}

const PLAIN_DECIMAL = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?$/;

/** Canonical decimal string ("12.30" → "12.3", "-0.00" → "0", 12.5 → "12.5"); null for null/"". */
export function decimal(v: unknown): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v === "string") {
    // Fast path (the usual "12.30"): trim trailing fractional zeros, no arithmetic.
    const m = PLAIN_DECIMAL.exec(v);
    if (m) {
      let frac = m[3] ?? "";
      let end = frac.length;
      while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
      frac = frac.slice(0, end);
      const out = frac ? `${m[2]}.${frac}` : m[2]!;
      return m[1] && out !== "0" ? `-${out}` : out;
    }
  }
  const { n, scale } = parseScaled(v);
  return formatScaled(n, scale);
}

function align(a: { n: bigint; scale: number }, scale: number): bigint {
  return a.n * 10n ** BigInt(scale - a.scale);
}

/** Exact sum of decimal amounts (null entries skipped); "0" for an empty list. */
export function decimalSum(values: readonly unknown[]): string {
  const parsed = values.filter((v) => v !== null && v !== undefined && v !== "").map(parseScaled);
  const scale = Math.max(0, ...parsed.map((p) => p.scale));
  return formatScaled(
    parsed.reduce((acc, p) => acc + align(p, scale), 0n),
    scale,
  );
}

export function decimalSub(a: unknown, b: unknown): string | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  const x = parseScaled(a);
  const y = parseScaled(b);
  const scale = Math.max(x.scale, y.scale);
  return formatScaled(align(x, scale) - align(y, scale), scale);
}

export function decimalMul(a: unknown, k: number): string | null {
  if (a === null || a === undefined || a === "") return null;
  const x = parseScaled(a);
  return formatScaled(x.n * BigInt(k), x.scale);
}

export function decimalCompare(a: string, b: string): number {
  const x = parseScaled(a);
  const y = parseScaled(b);
  const scale = Math.max(x.scale, y.scale);
  const d = align(x, scale) - align(y, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

// ------------------------------------------------------------------------------------------------
// Other scalars

/** UTC Date truncated to whole seconds (REST payloads carry seconds; GraphQL DateTime too). */
export function timestamp(v: unknown): Date | null {
  if (v === undefined || v === null || v === "") return null;
  if (v instanceof Date) return new Date(Math.floor(v.getTime() / 1000) * 1000);
  const ms = Date.parse(String(v));
  if (Number.isNaN(ms)) throw new RefineError(`not a timestamp: ${String(v)}`);
  return new Date(Math.floor(ms / 1000) * 1000);
}

/** One spelling for enums: `paid`, `PAID`, `partially-paid` → `PAID` / `PARTIALLY_PAID`. */
const UPPER_SNAKE = /^[A-Z0-9_]+$/;

export function upper(v: unknown): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v === "string" && UPPER_SNAKE.test(v)) return v;
  return String(v)
    .trim()
    .replace(/[\s-]+/g, "_")
    .toUpperCase();
}

/** A list (array, or REST's comma-separated string) as one ", "-joined string; null when empty. */
export function joinList(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const parts = (Array.isArray(v) ? v.map((x) => String(x)) : String(v).split(","))
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return parts.length ? parts.join(", ") : null;
}

/** Stable JSON text (object keys sorted) for *_json columns; null for null/undefined. */
export function stableJson(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return JSON.stringify(sortKeys(v));
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** Items of a GraphQL list or connection (`[...]`, `{ nodes }`, `{ edges: [{ node }] }`). */
export function nodesOf(v: unknown): Json[] {
  if (Array.isArray(v)) return v as Json[];
  if (v && typeof v === "object") {
    const o = v as Json;
    if (Array.isArray(o.nodes)) return o.nodes as Json[];
    if (Array.isArray(o.edges)) return (o.edges as Json[]).map((e) => e?.node as Json).filter(Boolean);
  }
  return [];
}

/** Whether a connection value is known to be complete (no further page). */
export function isCompleteList(v: unknown): boolean {
  if (Array.isArray(v)) return true;
  if (v && typeof v === "object") {
    const info = (v as Json).pageInfo as Json | undefined;
    return !info || info.hasNextPage !== true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------------
// Money

/** Shop-currency amount of a GraphQL MoneyBag (or a MoneyV2). */
export const bagAmount = (bag: Json | null | undefined): unknown => bag?.shopMoney?.amount ?? bag?.amount ?? null;
export const bagCurrency = (bag: Json | null | undefined): unknown =>
  bag?.shopMoney?.currencyCode ?? bag?.currencyCode ?? null;
export const bagPresentment = (bag: Json | null | undefined): unknown => bag?.presentmentMoney?.amount ?? null;
/** Shop-currency amount of a REST `*_set`. */
export const setAmount = (set: Json | null | undefined): unknown => set?.shop_money?.amount ?? null;
export const setCurrency = (set: Json | null | undefined): unknown =>
  set?.shop_money?.currency_code ?? set?.shop_money?.currency ?? null;

// ------------------------------------------------------------------------------------------------
// Addresses: one normalised object for both shapes (the *_address_json columns).

export interface NormalAddress {
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  country: string | null;
  countryCode: string | null;
  zip: string | null;
  phone: string | null;
}
const s = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));

export function gqlAddress(a: Json | null | undefined): NormalAddress | null {
  if (!a) return null;
  return {
    firstName: s(a.firstName),
    lastName: s(a.lastName),
    name: s(a.name),
    company: s(a.company),
    address1: s(a.address1),
    address2: s(a.address2),
    city: s(a.city),
    province: s(a.province),
    provinceCode: s(a.provinceCode),
    country: s(a.country),
    countryCode: s(a.countryCodeV2 ?? a.countryCode),
    zip: s(a.zip),
    phone: s(a.phone),
  };
}

export function restAddress(a: Json | null | undefined): NormalAddress | null {
  if (!a) return null;
  return {
    firstName: s(a.first_name),
    lastName: s(a.last_name),
    name: s(a.name),
    company: s(a.company),
    address1: s(a.address1),
    address2: s(a.address2),
    city: s(a.city),
    province: s(a.province),
    provinceCode: s(a.province_code),
    country: s(a.country_name ?? a.country),
    countryCode: s(a.country_code),
    zip: s(a.zip),
    phone: s(a.phone),
  };
}

// ------------------------------------------------------------------------------------------------
// Row building from a column mapping

/** Converts a raw getter result to the column's type; undefined stays undefined (= not carried). */
export function coerce(type: ColumnType, v: unknown, where: string): unknown {
  if (v === undefined) return undefined;
  if (v === null) return null;
  switch (type) {
    case "bigint":
      return legacyId(v);
    case "string":
      return typeof v === "string" ? v : String(v);
    case "int": {
      if (v === "") return null;
      const n = typeof v === "number" ? v : Number(v);
      if (!Number.isInteger(n)) throw new RefineError(`${where}: not an integer: ${String(v)}`);
      return n;
    }
    case "float": {
      if (v === "") return null;
      const n = typeof v === "number" ? v : Number(v);
      if (!Number.isFinite(n)) throw new RefineError(`${where}: not a number: ${String(v)}`);
      return n;
    }
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === 1) return true;
      if (v === "false" || v === 0) return false;
      throw new RefineError(`${where}: not a boolean: ${String(v)}`);
    case "decimal":
      return decimal(v);
    case "date":
      return timestamp(v);
  }
}

export interface RefineContext {
  /** The shop's currency (shops.currency_code): for rows whose source carries no currency. */
  shopCurrency?: string | null;
}

export type Getter<S> = (src: S, ctx: RefineContext) => unknown;
/**
 * One table's field mapping, written once: `[graphqlGetter, restGetter]` side by side. A `null`
 * REST getter means webhook payloads do not carry the column: webhook rows leave it untouched.
 */
export type Mapping = Record<string, readonly [Getter<Json>, Getter<Json> | null]>;

export type Shape = "graphql" | "rest";

/** Builds a row of `spec` from `src` with the side of `mapping`; `fixed` values (keys, owner ids) win. */
export function buildRow(
  spec: TableSpec,
  mapping: Mapping,
  shape: Shape,
  src: Json,
  ctx: RefineContext,
  fixed: Record<string, unknown> = {},
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const field in mapping) {
    const col = spec.byField.get(field);
    if (!col) throw new Error(`${spec.name}: mapping names unknown field ${field}`);
    const getter = mapping[field]![shape === "graphql" ? 0 : 1];
    if (!getter) continue;
    const v = coerce(col.type, getter(src, ctx), `${spec.name}.${field}`);
    if (v !== undefined) row[field] = v;
  }
  for (const field in fixed) {
    const col = spec.byField.get(field);
    if (!col) throw new Error(`${spec.name}: unknown field ${field}`);
    row[field] = coerce(col.type, fixed[field], `${spec.name}.${field}`);
  }
  for (const k of spec.key) {
    if (row[k] === undefined || row[k] === null) throw new RefineError(`${spec.name}: missing key ${k}`);
  }
  if (shape === "graphql") {
    // GraphQL nodes are whole records: a missing required value means a malformed record.
    // (REST payloads may be partial on purpose: such rows only update a known row.)
    for (const c of spec.columns)
      if (c.required && (row[c.field] === undefined || row[c.field] === null))
        throw new RefineError(`${spec.name}: ${c.field} is missing`);
  }
  return row;
}
