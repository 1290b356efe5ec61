/**
 * What a resource module exports (one per catalog resource fetched from Shopify) and what its
 * refiners produce. See app/sync/resources/README.md for the decisions behind RowSet.
 */
import type { TableName } from "../refine/tables";
import type { ResourceKey } from "./catalog";
import type { Json, RefineContext } from "./normalize";

export type { Json, RefineContext } from "./normalize";
export type { TableName } from "../refine/tables";

/** A refined row keyed by Prisma field names (bigint ids, decimal strings, Date, ...). Absent = not carried. */
export type Row = Record<string, unknown>;

export interface Tombstone {
  table: TableName;
  /** The key fields of the row (without shop). */
  key: Row;
  /** When Shopify deleted it (default: the `now` of applyRowSets). */
  deletedAt?: Date;
  /** Also tombstone every row owned by it (e.g. an order's line items, refunds, ...). */
  cascade?: boolean;
}

/**
 * A complete list of the children an owner has right now (a full REST payload, or a paginated node
 * whose connection was not truncated): rows of `table` owned by `ownerId` that are not in `ids`
 * get deleted_at — if the owner's own row was accepted (not stale).
 */
export interface CompleteChildList {
  table: TableName;
  ownerId: bigint;
  ids: bigint[];
}

export interface RowSet {
  rows: Partial<Record<TableName, Row[]>>;
  tombstones: Tombstone[];
  complete: CompleteChildList[];
}

export function emptyRowSet(): RowSet {
  return { rows: {}, tombstones: [], complete: [] };
}

export function addRows(set: RowSet, table: TableName, ...rows: Row[]): void {
  (set.rows[table] ??= []).push(...rows);
}

export interface BulkQueryOptions {
  /** ISO timestamp: only records updated at or after it (incremental sync). */
  updatedSince?: string;
  /** Numeric id: only records with a greater id (resume a backfill). */
  idsAfter?: string;
}

export interface ResourceDefinition {
  key: ResourceKey;
  fetchMode: "bulk" | "paginated";
  /** GID type of the root records (`Order`). */
  rootGidType: string;
  /** Every GID type this resource's refiners accept (root + bulk child lines). */
  gidTypes: readonly string[];
  /** Tables written by the refiners. */
  tables: readonly TableName[];
  webhookTopics: readonly string[];
  /** Shopify search field the updatedSince filter uses (none: incremental = full fetch). */
  updatedSinceField: string | null;
  /** Full bulk query document (a #graphql template literal whose `query: ""` is replaced by the filter). */
  bulkQuery(opts?: BulkQueryOptions): string;
  /** Paginated query: variables `$first: Int!`, `$after: String`, `$query: String`. */
  pageQuery: string;
  /** Path from `data` to the connection in pageQuery / remoteMapQuery results. */
  connectionPath: readonly string[];
  /** `{ <x>Count(query: $query) { count precision } }` where the Admin API has one. */
  countQuery: string | null;
  /** Ids (+ updatedAt where the type has one) only, paginated, for reconciliation. */
  remoteMapQuery: string;
  /** One JSONL line / page node (children as separate lines with `__parentId`, or inline). */
  refineGraphql(node: Json, parentGid?: string | null, ctx?: RefineContext): RowSet;
  /** One REST webhook payload of `topic`. */
  refineRest(topic: string, payload: Json, ctx?: RefineContext): RowSet;
}
