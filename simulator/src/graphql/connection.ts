/**
 * Relay connections over (a) plain arrays held in records and (b) lazy sorted scans of a store
 * collection. Cursors are opaque base64 JSON: `{"last_id","last_value"}` for scans (a ScanPosition),
 * `{"offset"}` for arrays. Never materialises a scan: it pulls first/last + 1 items.
 */
import { GraphQLError } from "graphql";
import type { ScanOptions, ScanPosition, SearchFilter, SortKey } from "../types.js";

export const MAX_PAGE_SIZE = 250;

/** A lazily scanned, sorted source (root collections). */
export interface ScanSource {
  readonly kind: "scan";
  scan(options: ScanOptions): Iterable<{ record: unknown; position: ScanPosition }>;
  /** Extra filter always applied (e.g. read_all_orders window). */
  baseFilter?: SearchFilter;
}

export function scanSource(scan: ScanSource["scan"], baseFilter?: SearchFilter): ScanSource {
  return { kind: "scan", scan, baseFilter };
}

export function isScanSource(v: unknown): v is ScanSource {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "scan" && typeof (v as ScanSource).scan === "function";
}

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
  sortKey?: string | null;
  filter?: SearchFilter;
}

export interface Edge {
  cursor: string;
  node: unknown;
}

export interface ConnectionValue {
  readonly edges: Iterable<Edge>;
  readonly nodes: Iterable<unknown>;
  readonly pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const enc = (o: unknown) => Buffer.from(JSON.stringify(o), "utf8").toString("base64");

export function encodeScanCursor(p: ScanPosition): string {
  return enc({ last_id: Number.isSafeInteger(Number(p.id)) ? Number(p.id) : p.id, last_value: p.sortValue });
}

export function encodeOffsetCursor(offset: number): string {
  return enc({ offset });
}

function invalidCursor(): GraphQLError {
  return new GraphQLError("Invalid cursor for current pagination sort.", { extensions: { code: "BAD_REQUEST" } });
}

function decode(cursor: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as unknown;
    if (v && typeof v === "object") return v as Record<string, unknown>;
  } catch {
    /* fallthrough */
  }
  throw invalidCursor();
}

export function decodeScanCursor(cursor: string): ScanPosition {
  const v = decode(cursor);
  if (!("last_id" in v) || !("last_value" in v)) throw invalidCursor();
  const sortValue = v.last_value;
  if (typeof sortValue !== "string" && typeof sortValue !== "number") throw invalidCursor();
  return { id: String(v.last_id), sortValue };
}

export function decodeOffsetCursor(cursor: string): number {
  const v = decode(cursor);
  if (typeof v.offset !== "number" || !Number.isInteger(v.offset) || v.offset < 0) throw invalidCursor();
  return v.offset;
}

/** Shopify's argument checks (skipped in bulk mode). */
export function checkPageArgs(args: ConnectionArgs, bulk: boolean): void {
  if (bulk) return;
  const { first, last } = args;
  if (first == null && last == null) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  if (first != null && last != null) {
    throw new GraphQLError("providing both first and last is not supported", { extensions: { code: "BAD_REQUEST" } });
  }
  for (const [name, n] of [
    ["first", first],
    ["last", last],
  ] as const) {
    if (n == null) continue;
    if (n < 0) throw new GraphQLError(`${name} must be a non-negative integer`, { extensions: { code: "BAD_REQUEST" } });
    if (n > MAX_PAGE_SIZE) {
      throw new GraphQLError(
        `${name} cannot exceed ${MAX_PAGE_SIZE}. To query larger amounts of data with fewer limits, bulk operations should be used instead.`,
        { extensions: { code: "BAD_REQUEST" } },
      );
    }
  }
}

const SORT_KEYS = new Set<SortKey>(["ID", "CREATED_AT", "UPDATED_AT", "PROCESSED_AT", "NAME", "TITLE"]);

export function toSortKey(s: string | null | undefined): SortKey {
  if (s && SORT_KEYS.has(s as SortKey)) return s as SortKey;
  if (s === "ORDER_NUMBER") return "NAME";
  return "ID";
}

function page(
  items: { cursor: string; node: unknown }[],
  hasNextPage: boolean,
  hasPreviousPage: boolean,
): ConnectionValue {
  return {
    edges: items,
    nodes: items.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: items.length ? items[0]!.cursor : null,
      endCursor: items.length ? items[items.length - 1]!.cursor : null,
    },
  };
}

/** A connection over an array (nested connections). Bulk mode: every item. */
export function arrayConnection(all: readonly unknown[], args: ConnectionArgs, bulk: boolean): ConnectionValue {
  const list = args.reverse ? [...all].reverse() : all;
  let start = args.after ? decodeOffsetCursor(args.after) + 1 : 0;
  let end = args.before ? Math.min(decodeOffsetCursor(args.before), list.length) : list.length;
  start = Math.min(start, list.length);
  if (end < start) end = start;
  if (!bulk || args.first != null || args.last != null) {
    if (args.first != null) end = Math.min(end, start + args.first);
    else if (args.last != null) start = Math.max(start, end - args.last);
  }
  const items: Edge[] = [];
  for (let i = start; i < end; i++) items.push({ cursor: encodeOffsetCursor(i), node: list[i] });
  return page(items, end < list.length, start > 0);
}

/** A connection over a lazily scanned collection. Bulk mode without first/last: a lazy stream of every item. */
export function scanConnection(source: ScanSource, args: ConnectionArgs, bulk: boolean): ConnectionValue {
  const filter = [...(source.baseFilter ?? []), ...(args.filter ?? [])];
  const sortKey = toSortKey(args.sortKey);
  const reverse = !!args.reverse;
  const afterPos = args.after ? decodeScanCursor(args.after) : undefined;
  const beforePos = args.before ? decodeScanCursor(args.before) : undefined;

  if (bulk && args.first == null && args.last == null) {
    const stream = function* (): Generator<Edge> {
      for (const { record, position } of source.scan({ filter, sortKey, reverse, after: afterPos })) {
        if (beforePos && position.id === beforePos.id) return;
        yield { cursor: encodeScanCursor(position), node: record };
      }
    };
    return {
      get edges() {
        return stream();
      },
      get nodes() {
        return (function* () {
          for (const e of stream()) yield e.node;
        })();
      },
      pageInfo: { hasNextPage: false, hasPreviousPage: !!afterPos, startCursor: null, endCursor: null },
    };
  }

  if (args.last != null && args.first == null) {
    // Walk backwards from `before` (or the end), stop at `after`.
    const want = args.last;
    const items: Edge[] = [];
    let more = false;
    let hitAfter = false;
    for (const { record, position } of source.scan({ filter, sortKey, reverse: !reverse, after: beforePos })) {
      if (afterPos && position.id === afterPos.id) {
        hitAfter = true;
        break;
      }
      if (items.length >= want) {
        more = true;
        break;
      }
      items.push({ cursor: encodeScanCursor(position), node: record });
    }
    items.reverse();
    return page(items, !!beforePos, more || hitAfter);
  }

  const want = args.first ?? Number.POSITIVE_INFINITY;
  const items: Edge[] = [];
  let more = false;
  for (const { record, position } of source.scan({ filter, sortKey, reverse, after: afterPos })) {
    if (beforePos && position.id === beforePos.id) {
      more = true;
      break;
    }
    if (items.length >= want) {
      more = true;
      break;
    }
    items.push({ cursor: encodeScanCursor(position), node: record });
  }
  return page(items, more, !!afterPos);
}
