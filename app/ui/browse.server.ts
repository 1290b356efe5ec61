/**
 * Data browser read model: one page of any refined table (keyset pagination on indexed sorts,
 * prefix search on indexed columns, capped counts) and one record with its raw payloads.
 */
import type { Db } from "../db.server";
import { RESOURCE_KEYS } from "../sync/resources/catalog";

import {
  type CursorValue,
  type OrderField,
  type SortDirection,
  decodeCursor,
  encodeCursor,
  flip,
  prefixUpperBound,
  seekWhere,
} from "./keyset";
import { type PlainRow, toPlain, toPlainRow } from "./serialize";
import {
  BROWSE_TABLES,
  type BrowseTable,
  type FieldType,
  findBrowseTable,
  recordPath,
} from "./tables";

/** Counts stop here: "more than 10,000" is all a merchant needs, and it stays cheap. */
export const COUNT_CAP = 10_000;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 250;

interface Delegate {
  findMany(args: Record<string, unknown>): Promise<Record<string, unknown>[]>;
  findFirst(args: Record<string, unknown>): Promise<Record<string, unknown> | null>;
  count(args: Record<string, unknown>): Promise<number>;
}

function delegateOf(db: Db, table: BrowseTable): Delegate {
  return (db as unknown as Record<string, Delegate>)[table.delegate];
}

export class UnknownTableError extends Error {
  constructor(key: string) {
    super(`Unknown table: ${key}`);
    this.name = "UnknownTableError";
  }
}

export function requireTable(key: string): BrowseTable {
  const table = findBrowseTable(key);
  if (!table) throw new UnknownTableError(key);
  return table;
}

export function fieldType(table: BrowseTable, field: string): FieldType {
  const known = [...table.keyFields, ...table.columns].find((f) => f.field === field);
  if (known) return known.type;
  if (/At$|Date$|^date$/.test(field)) return "date";
  if (/Id$/.test(field)) return "bigint";
  return "string";
}

export interface BrowseOptions {
  search?: string | null;
  sort?: string | null;
  direction?: string | null;
  /** Cursor from a previous page's nextCursor (or prevCursor with `before: true`). */
  cursor?: string | null;
  before?: boolean;
  limit?: number;
  /** Only rows of this parent record (the table's `parent.field`, e.g. line items of one order). */
  parent?: string | null;
}

export interface BrowseRow {
  /** Key of the row for its detail URL ("123", or "1~2" for composite keys). */
  key: string;
  values: PlainRow;
}

export interface BrowsePage {
  table: string;
  sort: string;
  direction: SortDirection;
  search: string;
  parent: string | null;
  rows: BrowseRow[];
  /** Cursor of the next page (null on the last page). */
  nextCursor: string | null;
  /** Cursor of the previous page (null on the first page). */
  prevCursor: string | null;
  /** Matching rows, counted up to COUNT_CAP. */
  total: { count: number; capped: boolean };
  /** The shop's currency: amounts of rows without their own currency column are in it. */
  currencyCode: string | null;
}

/** Order fields for a sort: the sort field, then the key fields (unique tie-break). */
export function orderFields(table: BrowseTable, sort: string): OrderField[] {
  const fields: OrderField[] = [{ field: sort, type: fieldType(table, sort) }];
  for (const key of table.keyFields)
    if (key.field !== sort) fields.push({ field: key.field, type: key.type });
  return fields;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Index-friendly search: OR of prefix ranges on indexed columns and exact id matches. */
export function searchWhere(table: BrowseTable, rawQuery: string): Record<string, unknown> | null {
  const query = rawQuery.trim();
  if (!query || table.search.length === 0) return null;
  const branches: Record<string, unknown>[] = [];
  for (const search of table.search) {
    const type = fieldType(table, search.field);
    if (search.mode === "id") {
      const digits = query.replace(/^#/, "");
      if (!/^\d{1,19}$/.test(digits)) continue;
      if (type === "bigint") branches.push({ [search.field]: BigInt(digits) });
      else if (type === "int" && Number(digits) <= 2_147_483_647)
        branches.push({ [search.field]: Number(digits) });
      continue;
    }
    const variants = new Set<string>();
    const base = search.lower ? query.toLowerCase() : query;
    for (const v of search.lower ? [base] : [base, base.toLowerCase(), capitalize(base)]) {
      variants.add(v);
      if (search.ensurePrefix && !v.startsWith(search.ensurePrefix))
        variants.add(search.ensurePrefix + v);
    }
    for (const v of variants) {
      branches.push({
        AND: [
          { [search.field]: { gte: v } },
          { [search.field]: { lt: prefixUpperBound(v) } },
          { [search.field]: { startsWith: v } },
        ],
      });
    }
  }
  return { OR: branches };
}

function selectFor(table: BrowseTable): Record<string, true> {
  const select: Record<string, true> = {};
  for (const f of [...table.keyFields, ...table.columns]) {
    select[f.field] = true;
    if (f.currencyField) select[f.currencyField] = true;
  }
  select[table.titleField] = true;
  return select;
}

export function rowKey(table: BrowseTable, row: Record<string, unknown>): string {
  return table.keyFields.map((k) => String(toPlain(row[k.field]))).join("~");
}

/** One page of `tableKey` for `shop`. Throws UnknownTableError for a table it does not know. */
export async function browseTable(
  db: Db,
  shop: string,
  tableKey: string,
  options: BrowseOptions = {},
): Promise<BrowsePage> {
  const table = requireTable(tableKey);
  const sort = table.sorts.some((s) => s.field === options.sort)
    ? (options.sort as string)
    : table.defaultSort.field;
  const direction: SortDirection =
    options.direction === "asc" || options.direction === "desc"
      ? options.direction
      : sort === table.defaultSort.field
        ? table.defaultSort.direction
        : "asc";
  const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, options.limit ?? DEFAULT_PAGE_SIZE));
  const fields = orderFields(table, sort);
  const cursor = decodeCursor(options.cursor, fields);
  const before = Boolean(options.before && cursor);

  const filters: Record<string, unknown>[] = [{ shop }];
  if (table.tombstone) filters.push({ deletedAt: null });
  const search = searchWhere(table, options.search ?? "");
  if (search) filters.push(search);
  const parent =
    table.parent && options.parent && /^\d{1,19}$/.test(options.parent) ? options.parent : null;
  if (table.parent && parent) filters.push({ [table.parent.field]: BigInt(parent) });
  const baseWhere = { AND: filters };

  // Reading backwards (previous page): walk the opposite order, then put the rows back.
  const walk = before ? flip(direction) : direction;
  const where = cursor ? { AND: [...filters, seekWhere(fields, cursor, walk)] } : baseWhere;
  const delegate = delegateOf(db, table);
  const [found, count, shopRow] = await Promise.all([
    delegate.findMany({
      where,
      orderBy: fields.map((f) => ({ [f.field]: walk })),
      take: limit + 1,
      select: selectFor(table),
    }),
    delegate.count({ where: baseWhere, take: COUNT_CAP + 1 }),
    db.shop.findUnique({ where: { shop }, select: { currencyCode: true } }),
  ]);
  const more = found.length > limit;
  const page = found.slice(0, limit);
  if (before) page.reverse();

  const cursorOf = (row: Record<string, unknown>) =>
    encodeCursor(fields.map((f) => row[f.field] as CursorValue));
  const first = page[0];
  const last = page[page.length - 1];
  const nextCursor = last && (before || more) ? cursorOf(last) : null;
  const prevCursor = first && (before ? more : Boolean(cursor)) ? cursorOf(first) : null;

  return {
    table: table.key,
    sort,
    direction,
    search: options.search?.trim() ?? "",
    parent,
    rows: page.map((row) => ({ key: rowKey(table, row), values: toPlainRow(row) })),
    nextCursor,
    prevCursor,
    total: { count: Math.min(count, COUNT_CAP), capped: count > COUNT_CAP },
    currencyCode: shopRow?.currencyCode ?? null,
  };
}

/** "about 1,234" / "more than 10,000". */
export function describeCount(total: { count: number; capped: boolean }): string {
  const n = new Intl.NumberFormat("en-US").format(total.count);
  return total.capped ? `more than ${n}` : n;
}

// ---------------------------------------------------------------------------------------------
// Record detail
// ---------------------------------------------------------------------------------------------

export interface RawPayloadView {
  id: number;
  source: string;
  /** Where it came from, in words ("Webhook orders/updated", "Full sync (bulk file)", ...). */
  sourceLabel: string;
  status: string;
  error: string | null;
  receivedAt: string;
  refinedAt: string | null;
  hash: string;
  /** Pretty-printed JSON (cut at 100,000 characters). */
  payload: string;
  truncated: boolean;
}

export interface RecordField {
  field: string;
  label: string;
  value: string | number | boolean | null;
  /** JSON columns are pretty-printed. */
  json: boolean;
}

export interface RecordDetail {
  table: string;
  tableLabel: string;
  key: string;
  title: string;
  gid: string | null;
  deletedAt: string | null;
  fields: RecordField[];
  parent: { label: string; path: string } | null;
  /** Tables holding rows that belong to this record, with a filtered browser link. */
  related: { label: string; path: string }[];
  rawPayloads: RawPayloadView[];
}

export const RAW_PAYLOAD_LIMIT = 20;
const PAYLOAD_MAX_CHARS = 100_000;
/** raw_records.resource values a record may be stored under (index-friendly IN list). */
const RAW_RESOURCES = [...new Set<string>([...RESOURCE_KEYS, ...BROWSE_TABLES.map((t) => t.key)])];

export function humanize(field: string): string {
  const words = field
    .replace(/Json$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return capitalize(words.replace(/\bid\b/g, "ID").replace(/\bgid\b/g, "GID"));
}

/** Parses "123" / "1~2" into the table's key fields; null when it does not fit. */
export function parseRecordKey(
  table: BrowseTable,
  key: string,
): Record<string, CursorValue> | null {
  const parts = key.split("~");
  if (parts.length !== table.keyFields.length) return null;
  const out: Record<string, CursorValue> = {};
  for (let i = 0; i < parts.length; i++) {
    const f = table.keyFields[i];
    const part = parts[i];
    if (f.type === "bigint") {
      if (!/^-?\d{1,19}$/.test(part)) return null;
      out[f.field] = BigInt(part);
    } else if (f.type === "int") {
      if (!/^\d{1,10}$/.test(part)) return null;
      out[f.field] = Number(part);
    } else if (f.type === "date") {
      const date = new Date(part);
      if (Number.isNaN(date.getTime())) return null;
      out[f.field] = date;
    } else out[f.field] = part;
  }
  return out;
}

export function describeSource(source: string, topic?: string | null): string {
  switch (source) {
    case "backfill":
      return "Full sync (bulk file)";
    case "incremental":
      return "Scheduled update";
    case "reconcile":
      return "Integrity check";
    case "webhook":
      return topic ? `Webhook ${topic}` : "Webhook";
    default:
      return source;
  }
}

function prettyPayload(text: string): { payload: string; truncated: boolean } {
  let pretty = text;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // keep the stored text
  }
  return pretty.length > PAYLOAD_MAX_CHARS
    ? { payload: pretty.slice(0, PAYLOAD_MAX_CHARS), truncated: true }
    : { payload: pretty, truncated: false };
}

/** One record of `tableKey` with every column, its parent/related links and raw payloads. */
export async function recordDetail(
  db: Db,
  shop: string,
  tableKey: string,
  key: string,
): Promise<RecordDetail | null> {
  const table = requireTable(tableKey);
  const keyWhere = parseRecordKey(table, key);
  if (!keyWhere) return null;
  const row = await delegateOf(db, table).findFirst({ where: { shop, ...keyWhere } });
  if (!row) return null;
  const plain = toPlainRow(row);
  const gid = table.hasGid && typeof row.gid === "string" ? row.gid : null;

  const raws = gid
    ? await db.rawRecord.findMany({
        where: { shop, resource: { in: RAW_RESOURCES }, gid },
        orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
        take: RAW_PAYLOAD_LIMIT,
      })
    : [];
  const deliveryIds = raws.map((r) => r.webhookDeliveryId).filter((id): id is string => !!id);
  const deliveries = deliveryIds.length
    ? await db.webhookDelivery.findMany({
        where: { id: { in: deliveryIds } },
        select: { id: true, topic: true },
      })
    : [];
  const topicOf = new Map(deliveries.map((d) => [d.id, d.topic]));

  const fields: RecordField[] = Object.entries(plain)
    .filter(([field]) => field !== "shop")
    .map(([field, value]) => {
      const json = field.endsWith("Json") && typeof value === "string";
      let shown: RecordField["value"] = value;
      if (json) {
        try {
          shown = JSON.stringify(JSON.parse(value as string), null, 2);
        } catch {
          shown = value;
        }
      }
      return { field, label: humanize(field), value: shown, json };
    });

  const parentValue = table.parent ? plain[table.parent.field] : null;
  const parentTable = table.parent ? findBrowseTable(table.parent.table) : undefined;
  const ownId = plain[table.keyFields[0].field];
  const related =
    table.keyFields.length === 1 && table.keyFields[0].type === "bigint"
      ? BROWSE_TABLES.filter((t) => t.parent?.table === table.key).map((t) => ({
          label: t.label,
          path: `/app/data?table=${t.key}&parent=${encodeURIComponent(String(ownId))}`,
        }))
      : [];

  const titleValue = plain[table.titleField];
  return {
    table: table.key,
    tableLabel: table.label,
    key,
    title:
      titleValue === null || titleValue === undefined
        ? `${table.label} ${key}`
        : String(titleValue),
    gid,
    deletedAt: typeof plain.deletedAt === "string" ? plain.deletedAt : null,
    fields,
    parent:
      parentTable && parentValue !== null && parentValue !== undefined
        ? {
            label: `${parentTable.label.replace(/s$/, "")} ${parentValue}`,
            path: recordPath(parentTable.key, String(parentValue)),
          }
        : null,
    related,
    rawPayloads: raws.map((r) => ({
      id: r.id,
      source: r.source,
      sourceLabel: describeSource(
        r.source,
        r.webhookDeliveryId ? topicOf.get(r.webhookDeliveryId) : null,
      ),
      status: r.status,
      error: r.error,
      receivedAt: r.receivedAt.toISOString(),
      refinedAt: r.refinedAt?.toISOString() ?? null,
      hash: r.hash,
      ...prettyPayload(r.payload),
    })),
  };
}
