/**
 * Raw ingest: every record as received, stored once per shop, record (gid) and SHA-256 of its
 * canonical JSON.
 *
 * `add()` canonicalises and hashes a record (one serialisation: the canonical text is both what is
 * hashed and what is stored) and buffers it; every `batchSize` records the batch is written in ONE
 * transaction with `INSERT … ON CONFLICT (shop, gid, hash) DO NOTHING RETURNING id, hash` — no per-row
 * commit, no per-row round trip. Rows the database already had are skipped by the unique index
 * without being touched; duplicates inside a batch are dropped before sending. RETURNING names
 * exactly the rows that were new, and those — with their already-parsed payload objects — are
 * handed to `onInserted` straight from memory, so refinement processes only new records and never
 * re-reads them.
 *
 * Two stores write the batch:
 *   - by default, `rawInsertPlan` in one transaction of refine/upsert.server.ts `inTransaction`:
 *     on SQLite a dedicated better-sqlite3 connection to the same file (WAL, `BEGIN IMMEDIATE`,
 *     SQLITE_BUSY retried asynchronously so an open Prisma transaction elsewhere in the process
 *     can finish: the connection never waits synchronously, busy_timeout 0); on PostgreSQL
 *     refinement's own node-postgres pool. Going through Prisma costs as much again as the
 *     database itself (every raw query is planned through its query compiler with its
 *     parameters), which the ingest benchmark cannot afford.
 *   - Prisma (`store: "prisma"`): one statement per batch whose rows travel as a single JSON
 *     parameter (`json_array_elements` / `json_each`) instead of ten parameters per row.
 *
 * A caller may also write the batch itself (`writeBatch`): the ingest pipeline inserts the raw
 * rows and refines the new ones in one transaction (refine-raw.server.ts ingestAndRefineBatch,
 * built on `rawInsertPlan`).
 *
 * Table and column names follow prisma/schema.base.prisma (RawRecord @@map("raw_records")).
 */
import type Database from "better-sqlite3";
import { engineOf, SQLITE_WAL_AUTOCHECKPOINT_PAGES as WAL_AUTOCHECKPOINT_PAGES, type Db, type Engine } from "~/db.server";
import { inTransaction } from "../refine/upsert.server";
import { canonicalJson, sha256Hex } from "./canonical";

export type RawSource = "backfill" | "webhook" | "reconcile" | "incremental";

export interface RawRecordInput {
  resource: string;
  /** GraphQL GID (`gid://shopify/Order/123`). */
  gid: string;
  /** Numeric id; derived from the GID when omitted. */
  shopifyId?: bigint | number | string | null;
  /** The record as received (GraphQL node, JSONL line or webhook body). */
  payload: unknown;
  /**
   * What the caller already derived from the payload (the ingest pipeline: its refined RowSet),
   * carried with the row to `writeBatch` / `onInserted`. When given, the batch keeps this instead
   * of the payload object (`payload` is null there; the canonical `json` is always kept), so a
   * batch holds the compact derived value rather than the whole parsed record.
   */
  prepared?: unknown;
  /** Its canonical JSON and SHA-256, when the caller computed them already (prepare.ts). */
  canonical?: { json: string; hash: string };
}

/** A record that was new to the database, as written. */
export interface InsertedRawRecord {
  id: bigint;
  resource: string;
  gid: string;
  shopifyId: bigint | null;
  hash: string;
  /** The payload object passed to add() (not a re-parse); null when add() was given `prepared`. */
  payload: unknown;
  /** Its canonical JSON (what was stored). */
  json: string;
  /** RawRecordInput.prepared, if any. */
  prepared?: unknown;
}

export interface RawWriteCounts {
  inserted: number;
  skipped: number;
}

export interface RawWriterOptions {
  shop: string;
  /** Default resource for add() calls that omit it. */
  resource?: string;
  source: RawSource;
  syncRunId?: string | null;
  webhookDeliveryId?: string | null;
  /** Records per INSERT (default 500). */
  batchSize?: number;
  /** Called after each batch with the rows that were new (in add() order). */
  onInserted?: (rows: InsertedRawRecord[]) => void | Promise<void>;
  /** Time written to received_at (default: now at each batch). */
  now?: () => Date;
  /** "auto" (default): direct SQLite connection on SQLite, Prisma on PostgreSQL. */
  store?: "auto" | "prisma";
  /**
   * Writes a batch instead of the writer's own transaction (e.g. the ingest pipeline: raw insert
   * and refinement of the new rows in ONE transaction, see refine-raw.server.ts
   * ingestAndRefineBatch). Returns the rows that were new; onInserted is still called with them.
   */
  writeBatch?: RawBatchWriter;
}

/** A canonicalised record waiting in a batch. */
export interface RawBatchRow {
  resource: string;
  gid: string;
  shopifyId: bigint | null;
  hash: string;
  json: string;
  /** The payload object passed to add() (null when add() was given `prepared`). */
  payload: unknown;
  /** RawRecordInput.prepared, if any. */
  prepared?: unknown;
}

/** What every row of a batch shares. */
export interface RawBatchContext {
  shop: string;
  source: RawSource;
  syncRunId: string | null;
  webhookDeliveryId: string | null;
  receivedAt: Date;
}

export type RawBatchWriter = (batch: readonly RawBatchRow[], context: RawBatchContext) => Promise<InsertedRawRecord[]>;

export interface RawWriter {
  /** Buffer a record; writes the batch (and awaits onInserted) when it is full. */
  add(record: Omit<RawRecordInput, "resource"> & { resource?: string }): Promise<void>;
  /** Write what is buffered. Returns the totals since the writer was created. */
  flush(): Promise<RawWriteCounts>;
  /** Totals so far (written batches only). */
  readonly counts: RawWriteCounts;
}

type Pending = RawBatchRow;

const COLUMNS = [
  "shop",
  "resource",
  "gid",
  "shopify_id",
  "hash",
  "payload",
  "source",
  "status",
  "sync_run_id",
  "webhook_delivery_id",
  "received_at",
] as const;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function createRawWriter(db: Db, options: RawWriterOptions): RawWriter {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const engine = engineOf(db);
  const now = options.now ?? (() => new Date());
  let pending: Pending[] = [];
  let seenInBatch = new Set<string>();
  let duplicatesInBatch = 0;
  const counts: RawWriteCounts = { inserted: 0, skipped: 0 };

  async function writeBatch(): Promise<void> {
    if (pending.length === 0 && duplicatesInBatch === 0) return;
    const batch = pending;
    const dups = duplicatesInBatch;
    pending = [];
    seenInBatch = new Set();
    duplicatesInBatch = 0;
    if (batch.length === 0) {
      counts.skipped += dups;
      return;
    }
    const context: RawBatchContext = {
      shop: options.shop,
      source: options.source,
      syncRunId: options.syncRunId ?? null,
      webhookDeliveryId: options.webhookDeliveryId ?? null,
      receivedAt: now(),
    };
    const inserted = options.writeBatch
      ? await options.writeBatch(batch, context)
      : options.store === "prisma"
        ? await insertRawBatchPrisma(db, options, batch, context.receivedAt)
        : await inTransaction(db, () => rawInsertPlan(engine, context, batch, "pending"));
    counts.inserted += inserted.length;
    counts.skipped += batch.length - inserted.length + dups;
    if (inserted.length > 0 && options.onInserted) await options.onInserted(inserted);
  }

  return {
    counts,
    async add(record) {
      const resource = record.resource ?? options.resource;
      if (!resource) throw new Error("raw writer: resource is required (in add() or the writer options)");
      const json = record.canonical?.json ?? canonicalJson(record.payload);
      const hash = record.canonical?.hash ?? sha256Hex(json);
      if (seenInBatch.has(hash)) {
        duplicatesInBatch++;
      } else {
        seenInBatch.add(hash);
        const shopifyId = toShopifyId(record.shopifyId, record.gid);
        pending.push(
          record.prepared === undefined
            ? { resource, gid: record.gid, shopifyId, hash, json, payload: record.payload }
            : { resource, gid: record.gid, shopifyId, hash, json, payload: null, prepared: record.prepared },
        );
      }
      if (pending.length >= batchSize) await writeBatch();
    },
    async flush() {
      await writeBatch();
      return { ...counts };
    },
  };
}

/** A statement of a plan (the shape of refine/upsert.server.ts `Op`). */
export type RawPlanOp = { kind: "query" | "run"; sql: string; params: unknown[] };

const SQLITE_PLAN_INSERT =
  `INSERT INTO "raw_records" (${[...COLUMNS, "refined_at"].map((col) => `"${col}"`).join(",")}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ` +
  `ON CONFLICT ("shop","gid","hash") DO NOTHING RETURNING "id"`;

/**
 * The statements inserting `batch` with `status` ('refined' rows get refined_at = receivedAt), to
 * run inside a transaction the caller owns (refine/upsert.server.ts inTransaction: synchronously on
 * the direct SQLite connection, or through Prisma on PostgreSQL). Returns the rows that were new,
 * in batch order. Duplicates inside the batch must have been dropped (the writer does).
 */
export function* rawInsertPlan(
  engine: Engine,
  ctx: RawBatchContext,
  batch: readonly RawBatchRow[],
  status: "pending" | "refined",
): Generator<RawPlanOp, InsertedRawRecord[], unknown> {
  const out: InsertedRawRecord[] = [];
  if (batch.length === 0) return out;
  if (engine === "sqlite") {
    const at = ctx.receivedAt.toISOString().replace("Z", "+00:00");
    const refinedAt = status === "refined" ? at : null;
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      const got = (yield {
        kind: "query",
        sql: SQLITE_PLAN_INSERT,
        params: [ctx.shop, r.resource, r.gid, r.shopifyId, r.hash, r.json, ctx.source, status, ctx.syncRunId, ctx.webhookDeliveryId, at, refinedAt],
      }) as { id: bigint | number }[];
      if (got.length > 0) out.push({ id: BigInt(got[0]!.id), resource: r.resource, gid: r.gid, shopifyId: r.shopifyId, hash: r.hash, payload: r.payload, json: r.json, prepared: r.prepared });
    }
    return out;
  }
  const rows: unknown[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i]!;
    const id = r.shopifyId === null ? null : r.shopifyId <= MAX_SAFE ? Number(r.shopifyId) : r.shopifyId.toString();
    rows[i] = [r.resource, r.gid, id, r.hash, r.json];
  }
  const at = ctx.receivedAt.toISOString();
  const returned = (yield {
    kind: "query",
    sql:
      `INSERT INTO "raw_records" (${[...COLUMNS, "refined_at"].map((c) => `"${c}"`).join(",")}) ` +
      `SELECT $1::text, j->>0, j->>1, (j->>2)::bigint, j->>3, j->>4, $2::text, $3::text, $4::text, $5::text, $6::timestamptz, $7::timestamptz ` +
      `FROM json_array_elements($8::json) AS j ` +
      `ON CONFLICT ("shop","gid","hash") DO NOTHING RETURNING "id","hash"`,
    params: [ctx.shop, ctx.source, status, ctx.syncRunId, ctx.webhookDeliveryId, at, status === "refined" ? at : null, JSON.stringify(rows)],
  }) as { id: bigint | number; hash: string }[];
  if (returned.length === 0) return out;
  const ids = new Map<string, bigint>();
  for (const r of returned) ids.set(r.hash, BigInt(r.id));
  for (const r of batch) {
    const id = ids.get(r.hash);
    if (id !== undefined) out.push({ id, resource: r.resource, gid: r.gid, shopifyId: r.shopifyId, hash: r.hash, payload: r.payload, json: r.json, prepared: r.prepared });
  }
  return out;
}

/** One multi-row insert through Prisma (both engines); returns the rows that were new. */
async function insertRawBatchPrisma(
  db: Db,
  options: Pick<RawWriterOptions, "shop" | "source" | "syncRunId" | "webhookDeliveryId">,
  batch: readonly Pending[],
  receivedAt: Date,
): Promise<InsertedRawRecord[]> {
  if (batch.length === 0) return [];
  const shop = options.shop;
  const source = options.source;
  const run = options.syncRunId ?? null;
  const delivery = options.webhookDeliveryId ?? null;
  // The batch travels as ONE JSON text parameter, expanded by the database (json_each on SQLite,
  // json_array_elements on PostgreSQL): a handful of bound parameters per statement instead of ten
  // per row, which is where a parameter-per-value insert spends its time. Each element is
  // [resource, gid, shopifyId, hash, canonicalJson]; the payload is a JSON string inside it.
  const rows: unknown[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i];
    const id = r.shopifyId === null ? null : r.shopifyId <= MAX_SAFE ? Number(r.shopifyId) : r.shopifyId.toString();
    rows[i] = [r.resource, r.gid, id, r.hash, r.json];
  }
  const packed = JSON.stringify(rows);
  const columns = COLUMNS.map((c) => `"${c}"`).join(",");
  const engine = engineOf(db);
  let sql: string;
  let args: unknown[];
  if (engine === "postgresql") {
    sql =
      `INSERT INTO "raw_records" (${columns}) ` +
      `SELECT $1, j->>0, j->>1, (j->>2)::bigint, j->>3, j->>4, $2, 'pending', $3, $4, $5::timestamptz ` +
      `FROM json_array_elements($6::json) AS j ` +
      `ON CONFLICT ("shop","gid","hash") DO NOTHING RETURNING "id","hash"`;
    args = [shop, source, run, delivery, receivedAt.toISOString(), packed];
  } else {
    // The SQLite adapter stores DateTime as ISO-8601 text with an explicit offset; match it.
    // `WHERE true` resolves SQLite's INSERT … SELECT … ON CONFLICT parsing ambiguity.
    sql =
      `INSERT INTO "raw_records" (${columns}) ` +
      `SELECT ?, j.value->>0, j.value->>1, j.value->>2, j.value->>3, j.value->>4, ?, 'pending', ?, ?, ? ` +
      `FROM json_each(?) AS j WHERE true ` +
      `ON CONFLICT ("shop","gid","hash") DO NOTHING RETURNING "id","hash"`;
    args = [shop, source, run, delivery, receivedAt.toISOString().replace("Z", "+00:00"), packed];
  }
  const returned = await db.$queryRawUnsafe<{ id: bigint | number; hash: string }[]>(sql, ...args);
  if (returned.length === 0) return [];
  const ids = new Map<string, bigint>();
  for (const r of returned) ids.set(r.hash, BigInt(r.id));
  const out: InsertedRawRecord[] = [];
  for (const r of batch) {
    const id = ids.get(r.hash);
    if (id !== undefined) out.push({ id, resource: r.resource, gid: r.gid, shopifyId: r.shopifyId, hash: r.hash, payload: r.payload, json: r.json, prepared: r.prepared });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Direct SQLite store
// ---------------------------------------------------------------------------------------------

const sqliteFiles = new WeakMap<Db, Promise<string>>();

/** The main database file of a SQLite `Db` (PRAGMA database_list), cached per client. */
function sqliteFileOf(db: Db): Promise<string> {
  let file = sqliteFiles.get(db);
  if (!file) {
    file = db.$queryRawUnsafe<{ name: string; file: string }[]>("PRAGMA database_list").then((rows) => {
      const main = rows.find((r) => r.name === "main");
      if (!main?.file) throw new Error("raw writer: the SQLite database has no file (in-memory databases are not supported)");
      return main.file;
    });
    sqliteFiles.set(db, file);
    file.catch(() => sqliteFiles.delete(db));
  }
  return file;
}

const connections = new Map<string, Database.Database>();

// Loaded on first use only: a PostgreSQL deployment never loads the native SQLite module here.
let sqliteModule: Promise<typeof Database> | undefined;

async function directConnection(file: string): Promise<Database.Database> {
  let c = connections.get(file);
  if (c) return c;
  sqliteModule ??= import("better-sqlite3").then((m) => m.default);
  const Sqlite = await sqliteModule;
  c = connections.get(file); // another caller may have opened it meanwhile
  if (c) return c;
  c = new Sqlite(file, { fileMustExist: true, timeout: 0 });
  tuneSqliteWriter(c);
  c.defaultSafeIntegers(true);
  connections.set(file, c);
  return c;
}

/**
 * Settings of the ingest connection (also used by the benchmark's raw-driver ceiling, so that
 * the two are compared like for like).
 */
export function tuneSqliteWriter(db: Database.Database): void {
  db.pragma("journal_mode = WAL");
  // WAL + NORMAL: a commit is durable against an application crash; an OS crash may lose the last
  // transactions, which a resumed backfill re-reads from its checkpoint anyway.
  db.pragma("synchronous = NORMAL");
  // Ingest touches pages all over the refined tables' secondary indexes: a larger page cache than
  // the 2 MB default keeps more of them in memory between batches. Not much larger: the cache is
  // resident memory of the app process (a 32 MB cache cost ~60 MB of peak RSS in a backfill for
  // no measurable speed-up); pages it misses are in the OS page cache.
  db.pragma(`cache_size = -${SQLITE_CACHE_KB}`);
  db.pragma("temp_store = MEMORY");
  // A backfill transaction writes thousands of pages; checkpointing every 1000 (the default) means
  // a checkpoint — with its fsyncs — after nearly every batch. Every 10,000 pages (~40 MB of WAL)
  // costs a tenth of the syncs for the same pages copied.
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
}


/** Page cache of the ingest connection, in KiB. */
const SQLITE_CACHE_KB = 8 * 1024;

/**
 * The direct better-sqlite3 connection the raw writer uses for a SQLite `Db` (undefined on
 * PostgreSQL). Refinement may write its batches through it too (prepared statements, its own
 * `transaction()`), avoiding Prisma's per-query overhead on the hot path.
 */
export async function directSqlite(db: Db): Promise<Database.Database | undefined> {
  if (engineOf(db) !== "sqlite") return undefined;
  return directConnection(await sqliteFileOf(db));
}

/** Close the direct SQLite connections (tests, shutdown). */
export function closeRawSqliteConnections(): void {
  for (const c of connections.values()) c.close();
  connections.clear();
}

/** Numeric id from an explicit value or the GID's last path segment (`gid://shopify/Order/123?x=1` -> 123n). */
export function toShopifyId(explicit: bigint | number | string | null | undefined, gid: string): bigint | null {
  if (typeof explicit === "bigint") return explicit;
  if (typeof explicit === "number" && Number.isSafeInteger(explicit)) return BigInt(explicit);
  if (typeof explicit === "string" && /^\d+$/.test(explicit)) return BigInt(explicit);
  const slash = gid.lastIndexOf("/");
  if (slash < 0) return null;
  const q = gid.indexOf("?", slash);
  const tail = gid.slice(slash + 1, q < 0 ? undefined : q);
  return /^\d{1,19}$/.test(tail) ? BigInt(tail) : null;
}
