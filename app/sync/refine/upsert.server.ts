/**
 * Writes RowSets into the refined tables: batched multi-row upserts, the version guard, tombstones
 * and removal of children missing from a complete child list — all in one transaction per call.
 *
 *   INSERT INTO t (shop, c1, …, synced_at) VALUES (…), (…), …
 *   ON CONFLICT (shop, <key>) DO UPDATE SET c1 = excluded.c1, …
 *   WHERE t.deleted_at IS NULL AND t.updated_at <= excluded.updated_at
 *   RETURNING <key>
 *
 * One statement per (table, row shape, chunk); chunks stay under the bound-parameter limits
 * (SQLite 32766, PostgreSQL 65535) and come from a fixed size ladder so statement texts repeat.
 * SQLite runs the statements synchronously on the raw writer's direct better-sqlite3 connection
 * (prepared once, one IMMEDIATE transaction per batch); PostgreSQL through a Prisma transaction. RETURNING names the rows that were written, so a row left out
 * by the guard is counted as stale, and rows owned by a stale owner in the same batch (an older
 * order's line items) are dropped too. Decisions (see README.md next to this file):
 *
 *  - Version guard: tables with Shopify's updatedAt compare it (`old <= new`: an equal version is
 *    re-applied, idempotent). Nullable updatedAt: compared only when both sides have one. Tables
 *    without their own version (line items, transactions, addresses, codes, …) follow their owner:
 *    written only when the owner row in the same batch was accepted; alone (a bulk child line),
 *    they are written unguarded except for tombstones.
 *  - Tombstones win: a deleted row is never updated again (Shopify never reuses an id). A delete
 *    for a row never seen inserts a placeholder row with deleted_at set, so a late create/update
 *    cannot resurrect it. Only inventory levels may come back (disconnect, then connect): a
 *    version newer than their deleted_at lifts the tombstone.
 *  - Children removed at the source: when a RowSet carries a complete child list (full REST
 *    payloads, non-truncated inline connections), owned rows not in it get deleted_at — only if
 *    the owner's row was accepted. Bulk child lines never remove anything (reconciliation does).
 *  - Rows missing a NOT NULL column (e.g. a discounts/update payload, which has no type and no
 *    starts_at) cannot be inserted: they update an existing row only, else count as `needsFetch`.
 *  - Webhook first, older snapshot second: rows refused as stale (or dropped with their stale
 *    owner) still fill the columns a REST payload cannot carry (resources/rest-gaps.ts) where the
 *    stored row has NULL, and child rows the owner's REST payload does not list (transactions,
 *    fulfillment line items) are inserted when absent under a live owner. Nothing else of a
 *    stale row is written.
 */
import { setTimeout as delay } from "node:timers/promises";
import type Database from "better-sqlite3";
import type pg from "pg";
import { engineOf, type Db, type Engine } from "~/db.server";
import { directPostgres } from "./direct-postgres.server";
import { directSqlite } from "../ingest/raw-writer.server";
import { REST_GAPS, type RestGap } from "../resources/rest-gaps";
import type { RowSet, Row, Tombstone } from "../resources/types";
import { TABLE_ORDER, TABLES, type ColumnType, type TableName, type TableSpec } from "./tables";

// ------------------------------------------------------------------------------------------------
// Statements as a plan: the write logic is a generator yielding SQL statements, run either through
// a Prisma transaction (PostgreSQL) or synchronously on the direct better-sqlite3 connection with
// cached prepared statements inside one IMMEDIATE transaction (SQLite: no per-query engine
// overhead on the hot path).

export type Op = { kind: "query" | "run"; sql: string; params: unknown[] };
export type Plan<T> = Generator<Op, T, unknown>;

export function* query(sql: string, params: unknown[]): Plan<Record<string, unknown>[]> {
  return (yield { kind: "query", sql, params }) as Record<string, unknown>[];
}
export function* run(sql: string, params: unknown[]): Plan<number> {
  return (yield { kind: "run", sql, params }) as number;
}

/** Runs a plan on a node-postgres connection (inside the caller's transaction). */
async function runPlanPg<T>(client: pg.PoolClient, plan: Plan<T>): Promise<T> {
  let step = plan.next();
  while (!step.done) {
    const op = step.value;
    const result = await client.query(op.sql, op.params);
    step = plan.next(op.kind === "query" ? result.rows : (result.rowCount ?? 0));
  }
  return step.value;
}

/** Runs a plan through Prisma (inside the caller's transaction). */
export async function runPlanAsync<T>(tx: Tx, plan: Plan<T>): Promise<T> {
  let step = plan.next();
  while (!step.done) {
    const op = step.value;
    const result = op.kind === "query" ? await tx.$queryRawUnsafe(op.sql, ...op.params) : await tx.$executeRawUnsafe(op.sql, ...op.params);
    step = plan.next(result);
  }
  return step.value;
}

const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function prepared(sqlite: Database.Database, sql: string): Database.Statement {
  let cache = statementCache.get(sqlite);
  if (!cache) statementCache.set(sqlite, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size > 500) cache.clear();
    stmt = sqlite.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

/** Runs a plan synchronously on a better-sqlite3 connection (call inside a transaction). */
export function runPlanSync<T>(sqlite: Database.Database, plan: Plan<T>): T {
  let step = plan.next();
  while (!step.done) {
    const op = step.value;
    const stmt = prepared(sqlite, op.sql);
    const result = op.kind === "query" ? stmt.all(...op.params) : stmt.run(...op.params).changes;
    step = plan.next(result);
  }
  return step.value;
}

/**
 * Runs `build()`'s plan in one transaction: SQLite on the direct connection (IMMEDIATE, retried
 * while another writer holds the lock), PostgreSQL on the direct pool (direct-postgres.server.ts;
 * through a Prisma interactive transaction for a client not made by createDb).
 */
export async function inTransaction<T>(db: Db, build: () => Plan<T>): Promise<T> {
  const sqlite = await directSqlite(db);
  if (!sqlite) {
    const pool = directPostgres(db);
    if (!pool) return db.$transaction((tx) => runPlanAsync(tx, build()), { timeout: 300_000, maxWait: 60_000 });
    const client = await pool.connect();
    let broken = false;
    // The pool listens for errors of idle connections only; a checked-out one reports its own.
    const onError = () => (broken = true);
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const out = await runPlanPg(client, build());
      await client.query("COMMIT");
      return out;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => (broken = true));
      throw error;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }
  const started = Date.now();
  let wait = 2;
  for (;;) {
    try {
      return sqlite.transaction(() => runPlanSync(sqlite, build())).immediate();
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (!code.startsWith("SQLITE_BUSY") || Date.now() - started > 60_000) throw error;
      await delay(wait);
      wait = Math.min(100, wait * 2);
    }
  }
}

export interface ApplyOptions {
  /** synced_at of written rows and deleted_at of tombstones without their own time. */
  now?: Date;
}

export interface ApplyResult {
  /** Rows inserted or updated, per table. */
  upserted: Partial<Record<TableName, number>>;
  /** Rows refused by the version guard or by a tombstone, plus rows of stale owners. */
  skippedStale: number;
  /** Rows newly marked deleted (tombstones, cascades and removed children). */
  tombstoned: number;
  /** Partial rows (missing required columns) whose record is not in the database yet. */
  needsFetch: number;
}

/** The transaction client Prisma hands to `$transaction(async (tx) => …)`. */
export type Tx = Pick<Db, "$executeRawUnsafe" | "$queryRawUnsafe">;

const PARAM_LIMIT: Record<Engine, number> = { sqlite: 32_000, postgresql: 65_000 };

/**
 * Rows per multi-row upsert. SQLite runs in-process: beyond ~100 rows a statement saves nothing
 * per row, while each cached prepared statement keeps its whole program (~100 bytes per bound
 * parameter) in native memory — a 600-row orders upsert alone holds a few MB, and a backfill
 * caches over a hundred shapes × sizes. PostgreSQL: as many as the parameter limit allows (one
 * round trip per statement).
 */
const MAX_ROWS_PER_UPSERT: Record<Engine, number> = { sqlite: 128, postgresql: Number.MAX_SAFE_INTEGER };

const PG_TYPE: Record<ColumnType, string> = {
  bigint: "bigint",
  string: "text",
  int: "integer",
  bool: "boolean",
  decimal: "numeric",
  date: "timestamptz",
  float: "double precision",
};

const q = (name: string) => `"${name}"`;

/** SQLite stores DateTime as ISO text with `+00:00` (what Prisma writes), so text order = time order. */
export function sqliteTimestamp(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

function bindValue(engine: Engine, type: ColumnType | "shop", v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (engine === "sqlite") {
    if (v instanceof Date) return sqliteTimestamp(v);
    if (typeof v === "boolean") return v ? 1 : 0;
    return v;
  }
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  if (type === "decimal" && typeof v !== "string") return String(v);
  return v;
}

class Sql {
  readonly params: unknown[] = [];
  constructor(readonly engine: Engine) {}
  /** A placeholder for `value` bound as `type`. */
  p(type: ColumnType | "shop", value: unknown): string {
    this.params.push(bindValue(this.engine, type, value));
    if (this.engine === "sqlite") return "?";
    return `$${this.params.length}::${type === "shop" ? "text" : PG_TYPE[type]}`;
  }
}

const keyOf = (spec: TableSpec, row: Row) => spec.key.map((k) => String(row[k])).join("|");

function versionGuard(spec: TableSpec, t: string): string {
  const tomb = spec.resurrectable
    ? `(${t}."deleted_at" IS NULL OR (excluded."updated_at" IS NOT NULL AND ${t}."deleted_at" < excluded."updated_at"))`
    : `${t}."deleted_at" IS NULL`;
  if (spec.version === "required") return `${tomb} AND ${t}."updated_at" <= excluded."updated_at"`;
  if (spec.version === "optional")
    return `${tomb} AND (${t}."updated_at" IS NULL OR excluded."updated_at" IS NULL OR ${t}."updated_at" <= excluded."updated_at")`;
  return tomb;
}

/** Merges rows with the same key: the newer version wins; same version → fields of both, later wins. */
function mergeRows(spec: TableSpec, rows: Row[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) {
    const k = keyOf(spec, row);
    const prev = byKey.get(k);
    if (!prev) {
      byKey.set(k, row);
      continue;
    }
    const a = prev.updatedAt instanceof Date ? prev.updatedAt.getTime() : undefined;
    const b = row.updatedAt instanceof Date ? row.updatedAt.getTime() : undefined;
    if (spec.version && a !== undefined && b !== undefined && a !== b) {
      if (b > a) byKey.set(k, row);
    } else byKey.set(k, { ...prev, ...row });
  }
  return [...byKey.values()];
}

function shapeOf(row: Row): string[] {
  const keys = Object.keys(row);
  for (const k of keys) if (row[k] === undefined) return keys.filter((f) => row[f] !== undefined);
  return keys;
}

const requiredFields = new Map<TableName, string[]>();
function missesRequired(spec: TableSpec, row: Row): boolean {
  let req = requiredFields.get(spec.name);
  if (!req) requiredFields.set(spec.name, (req = spec.columns.filter((c) => c.required).map((c) => c.field)));
  for (const f of req) if (row[f] === undefined || row[f] === null) return true;
  return false;
}

/** Statement texts by (engine, table, shape, rows): built once, so the prepared statement is reused. */
const upsertTexts = new Map<string, string>();

function upsertText(engine: Engine, spec: TableSpec, cols: ColumnSpecLite[], sig: string, size: number, returning: boolean): string {
  const cacheKey = `${engine}|${spec.name}|${sig}|${size}|${returning}`;
  let text = upsertTexts.get(cacheKey);
  if (text) return text;
  const t = q(spec.name);
  const keyCols = spec.key.map((k) => q(spec.byField.get(k)!.column));
  const insertCols = [q("shop"), ...cols.map((c) => q(c.column)), q("synced_at")].join(", ");
  const keySet = new Set(spec.key);
  const updates = cols.filter((c) => !keySet.has(c.field)).map((c) => `${q(c.column)} = excluded.${q(c.column)}`);
  updates.push(`"synced_at" = excluded."synced_at"`);
  if (spec.resurrectable) updates.push(`"deleted_at" = NULL`);
  const types: (ColumnType | "shop")[] = ["shop", ...cols.map((c) => c.type), "date"];
  let n = 0;
  const tuple = () => `(${types.map((ty) => (engine === "sqlite" ? "?" : `$${++n}::${ty === "shop" ? "text" : PG_TYPE[ty]}`)).join(", ")})`;
  const values = Array.from({ length: size }, tuple).join(", ");
  text =
    `INSERT INTO ${t} (${insertCols}) VALUES ${values}` +
    ` ON CONFLICT (${["\"shop\"", ...keyCols].join(", ")}) DO UPDATE SET ${updates.join(", ")}` +
    ` WHERE ${versionGuard(spec, t)}` +
    (returning ? ` RETURNING ${keyCols.join(", ")}` : "");
  if (upsertTexts.size > 2000) upsertTexts.clear();
  upsertTexts.set(cacheKey, text);
  return text;
}

type ColumnSpecLite = { field: string; column: string; type: ColumnType };

function* upsertShape(
  engine: Engine,
  spec: TableSpec,
  shop: string,
  fields: string[],
  rows: Row[],
  now: Date,
  accepted: Set<string> | null,
): Plan<number> {
  const cols = fields.map((f) => spec.byField.get(f)!);
  const sig = fields.join(",");
  let written = 0;
  const perRow = cols.length + 2;
  const chunk = Math.max(1, Math.min(MAX_ROWS_PER_UPSERT[engine], Math.floor(PARAM_LIMIT[engine] / perRow)));
  const shopParam = bindValue(engine, "shop", shop);
  const nowParam = bindValue(engine, "date", now);
  const keyColumns = spec.key.map((k) => spec.byField.get(k)!.column);
  for (let i = 0; i < rows.length; ) {
    // Chunk sizes from a fixed ladder (max, 256, 64, 16, 4, 1) so statement texts repeat across
    // batches and the prepared-statement cache hits.
    const left = rows.length - i;
    let size = chunk;
    if (left < chunk) for (size = 256; size > left; size >>= 2);
    size = Math.max(1, Math.min(size, chunk));
    const params: unknown[] = new Array(size * perRow);
    let p = 0;
    for (let r = i; r < i + size; r++) {
      const row = rows[r]!;
      params[p++] = shopParam;
      for (const c of cols) params[p++] = bindValue(engine, c.type, row[c.field]);
      params[p++] = nowParam;
    }
    i += size;
    if (!accepted) {
      // Nobody asks which rows of this table were written: the changed-row count is enough.
      written += yield* run(upsertText(engine, spec, cols, sig, size, false), params);
      continue;
    }
    const returned = yield* query(upsertText(engine, spec, cols, sig, size, true), params);
    written += returned.length;
    for (const r of returned) accepted.add(keyColumns.length === 1 ? String(r[keyColumns[0]!]) : keyColumns.map((k) => String(r[k])).join("|"));
  }
  return written;
}

/** Tables that own rows of other tables (their accepted keys decide about the owned rows). */
const OWNER_TABLES = new Set(Object.values(TABLES).flatMap((t) => (t.owner ? [t.owner.table] : [])));

/** A row without every required column: update an existing row only. */
function* updateOnly(engine: Engine, spec: TableSpec, shop: string, row: Row, now: Date): Plan<boolean> {
  const sql = new Sql(engine);
  const keySet = new Set(spec.key);
  const sets = shapeOf(row)
    .filter((f) => !keySet.has(f))
    .map((f) => {
      const c = spec.byField.get(f)!;
      return `${q(c.column)} = ${sql.p(c.type, row[f])}`;
    });
  sets.push(`"synced_at" = ${sql.p("date", now)}`);
  const where = [`"shop" = ${sql.p("shop", shop)}`, `"deleted_at" IS NULL`];
  for (const k of spec.key) {
    const c = spec.byField.get(k)!;
    where.push(`${q(c.column)} = ${sql.p(c.type, row[k])}`);
  }
  if (spec.version && row.updatedAt instanceof Date) where.push(`("updated_at" IS NULL OR "updated_at" <= ${sql.p("date", row.updatedAt)})`);
  const n = yield* run(`UPDATE ${q(spec.name)} SET ${sets.join(", ")} WHERE ${where.join(" AND ")}`, sql.params);
  return n > 0;
}

const PLACEHOLDER: Record<ColumnType, (now: Date) => unknown> = {
  bigint: () => 0n,
  string: () => "",
  int: () => 0,
  bool: () => false,
  decimal: () => "0",
  date: (now) => now,
  float: () => 0,
};

function* applyTombstones(engine: Engine, shop: string, tombstones: Tombstone[], now: Date): Plan<number> {
  let count = 0;
  const byTable = new Map<TableName, Tombstone[]>();
  for (const ts of tombstones) (byTable.get(ts.table) ?? byTable.set(ts.table, []).get(ts.table)!).push(ts);
  for (const [table, list] of byTable) {
    const spec = TABLES[table];
    // Placeholder rows carry the key, a gid and type-neutral values for the other required columns.
    const cols = spec.columns.filter((c) => c.required || spec.key.includes(c.field) || c.field === "gid");
    const perRow = cols.length + 3;
    const chunk = Math.max(1, Math.floor(PARAM_LIMIT[engine] / perRow));
    const unique = [...new Map(list.map((ts) => [keyOf(spec, ts.key), ts])).values()];
    for (let i = 0; i < unique.length; i += chunk) {
      const sql = new Sql(engine);
      const values = unique.slice(i, i + chunk).map((ts) => {
        const at = ts.deletedAt ?? now;
        const shopParam = sql.p("shop", shop); // placeholders in text order (SQLite binds `?` by position)
        const vals = cols.map((c) => {
          if (c.field in ts.key) return sql.p(c.type, ts.key[c.field]);
          if (c.field === "gid")
            return sql.p(c.type, spec.gidType && ts.key.id !== undefined ? `gid://shopify/${spec.gidType}/${String(ts.key.id)}` : null);
          return sql.p(c.type, PLACEHOLDER[c.type](at));
        });
        return `(${[shopParam, ...vals, sql.p("date", now), sql.p("date", at)].join(", ")})`;
      });
      const keyCols = ["\"shop\"", ...spec.key.map((k) => q(spec.byField.get(k)!.column))];
      const text =
        `INSERT INTO ${q(table)} (${["\"shop\"", ...cols.map((c) => q(c.column)), "\"synced_at\"", "\"deleted_at\""].join(", ")}) ` +
        `VALUES ${values.join(", ")} ON CONFLICT (${keyCols.join(", ")}) DO UPDATE SET "deleted_at" = excluded."deleted_at", "synced_at" = excluded."synced_at" ` +
        `WHERE ${q(table)}."deleted_at" IS NULL`;
      count += yield* run(text, sql.params);
    }
    // Cascade to owned rows.
    const owners = unique.filter((ts) => ts.cascade).map((ts) => ts.key.id);
    if (owners.length) {
      for (const child of Object.values(TABLES)) {
        if (child.owner?.table !== table) continue;
        count += yield* markDeleted(engine, child, shop, owners, [], now);
      }
    }
  }
  return count;
}

/**
 * deleted_at = now for live rows of `spec` owned by `owners`, except the (owner, id) pairs kept.
 */
function* markDeleted(
  engine: Engine,
  spec: TableSpec,
  shop: string,
  owners: unknown[],
  keep: [unknown, unknown][],
  now: Date,
): Plan<number> {
  const owner = spec.byField.get(spec.owner!.field)!;
  const id = spec.byField.get("id");
  let count = 0;
  const chunk = Math.floor(PARAM_LIMIT[engine] / 3);
  // Keep pairs are per owner; chunk by owner so each statement sees all pairs of its owners.
  const keepByOwner = new Map<string, [unknown, unknown][]>();
  for (const pair of keep) (keepByOwner.get(String(pair[0])) ?? keepByOwner.set(String(pair[0]), []).get(String(pair[0]))!).push(pair);
  let i = 0;
  while (i < owners.length) {
    const sql = new Sql(engine);
    const batch: unknown[] = [];
    const pairs: [unknown, unknown][] = [];
    while (i < owners.length && batch.length + pairs.length < chunk) {
      batch.push(owners[i]);
      pairs.push(...(keepByOwner.get(String(owners[i])) ?? []));
      i++;
    }
    const set = `"deleted_at" = ${sql.p("date", now)}, "synced_at" = ${sql.p("date", now)}`;
    const where = [
      `"shop" = ${sql.p("shop", shop)}`,
      `"deleted_at" IS NULL`,
      `${q(owner.column)} IN (${batch.map((o) => sql.p("bigint", o)).join(", ")})`,
    ];
    if (pairs.length && id)
      where.push(
        `(${q(owner.column)}, "id") NOT IN (VALUES ${pairs.map(([o, x]) => `(${sql.p("bigint", o)}, ${sql.p("bigint", x)})`).join(", ")})`,
      );
    count += yield* run(`UPDATE ${q(spec.name)} SET ${set} WHERE ${where.join(" AND ")}`, sql.params);
  }
  return count;
}

/**
 * A stale row (refused by the version guard, or owned by a refused owner): insert it when absent
 * under a live owner (child lists REST does not carry), then fill the REST-gap columns the stored
 * row has as NULL. See resources/rest-gaps.ts.
 */
function* fillGaps(engine: Engine, spec: TableSpec, gap: RestGap, shop: string, row: Row, ownedByStale: boolean, now: Date): Plan<void> {
  if (ownedByStale && gap.insertIfAbsent && spec.owner && !missesRequired(spec, row)) {
    const sql = new Sql(engine);
    const fields = shapeOf(row);
    const values = [sql.p("shop", shop), ...fields.map((f) => sql.p(spec.byField.get(f)!.type, row[f])), sql.p("date", now)];
    const owner = TABLES[spec.owner.table];
    const ownerLive = `SELECT 1 FROM ${q(owner.name)} o WHERE o."shop" = ${sql.p("shop", shop)} AND o."id" = ${sql.p("bigint", row[spec.owner.field])} AND o."deleted_at" IS NULL`;
    const keyCols = ["\"shop\"", ...spec.key.map((k) => q(spec.byField.get(k)!.column))];
    yield* run(
      `INSERT INTO ${q(spec.name)} (${["\"shop\"", ...fields.map((f) => q(spec.byField.get(f)!.column)), "\"synced_at\""].join(", ")}) ` +
        `SELECT ${values.join(", ")} WHERE EXISTS (${ownerLive}) ON CONFLICT (${keyCols.join(", ")}) DO NOTHING`,
      sql.params,
    );
  }
  const fill = Object.keys(row).filter((f) => gap.columns.has(f) && row[f] !== undefined && row[f] !== null && !spec.key.includes(f));
  if (!fill.length) return;
  const sql = new Sql(engine);
  const sets = fill.map((f) => {
    const c = spec.byField.get(f)!;
    return `${q(c.column)} = COALESCE(${q(c.column)}, ${sql.p(c.type, row[f])})`;
  });
  const where = [`"shop" = ${sql.p("shop", shop)}`, `"deleted_at" IS NULL`];
  for (const k of spec.key) {
    const c = spec.byField.get(k)!;
    where.push(`${q(c.column)} = ${sql.p(c.type, row[k])}`);
  }
  yield* run(`UPDATE ${q(spec.name)} SET ${sets.join(", ")} WHERE ${where.join(" AND ")}`, sql.params);
}

/** The statements of applyRowSets, to run inside a transaction the caller owns (see inTransaction). */
export function* applyRowSetsPlan(engine: Engine, shop: string, rowSets: readonly RowSet[], now: Date): Plan<ApplyResult> {
  const result: ApplyResult = { upserted: {}, skippedStale: 0, tombstoned: 0, needsFetch: 0 };
  const byTable = new Map<TableName, Row[]>();
  const tombstones: Tombstone[] = [];
  const complete = new Map<TableName, { ownerId: bigint; ids: bigint[] }[]>();
  for (const set of rowSets) {
    for (const [table, rows] of Object.entries(set.rows) as [TableName, Row[]][]) {
      if (rows?.length) (byTable.get(table) ?? byTable.set(table, []).get(table)!).push(...rows);
    }
    tombstones.push(...set.tombstones);
    for (const c of set.complete) (complete.get(c.table) ?? complete.set(c.table, []).get(c.table)!).push(c);
  }

  // Keys written per table (accepted) and keys refused (stale), for owner checks.
  const accepted = new Map<TableName, Set<string>>();
  const refused = new Map<TableName, Set<string>>();
  for (const table of TABLE_ORDER) {
    const spec = TABLES[table];
    let rows = byTable.get(table);
    if (!rows?.length) continue;
    const gap = REST_GAPS.get(table);
    let staleOwned: Row[] = [];
    if (spec.owner) {
      const stale = refused.get(spec.owner.table);
      if (stale?.size) {
        const before = rows.length;
        if (gap) staleOwned = rows.filter((r) => stale.has(String(r[spec.owner!.field])));
        rows = rows.filter((r) => !stale.has(String(r[spec.owner!.field])));
        result.skippedStale += before - rows.length;
      }
    }
    rows = mergeRows(spec, rows);
    const ok = new Set<string>();
    const shapes = new Map<string, { fields: string[]; rows: Row[] }>();
    for (const row of rows) {
      if (missesRequired(spec, row)) {
        if (yield* updateOnly(engine, spec, shop, row, now)) ok.add(keyOf(spec, row));
        else result.needsFetch++;
        continue;
      }
      // Rows built by the same mapping list their fields in the same order: one shape, one statement.
      const fields = shapeOf(row);
      const sig = fields.join(",");
      const group = shapes.get(sig) ?? shapes.set(sig, { fields, rows: [] }).get(sig)!;
      group.rows.push(row);
    }
    const tracked = OWNER_TABLES.has(table) || gap !== undefined;
    let written = ok.size;
    let sent = 0;
    for (const { fields, rows: group } of shapes.values()) {
      sent += group.length;
      written += yield* upsertShape(engine, spec, shop, fields, group, now, tracked ? ok : null);
    }
    const bad = new Set<string>();
    if (tracked) {
      for (const { rows: group } of shapes.values()) for (const row of group) if (!ok.has(keyOf(spec, row))) bad.add(keyOf(spec, row));
      result.skippedStale += bad.size;
      result.upserted[table] = ok.size;
    } else {
      result.skippedStale += sent - (written - ok.size);
      result.upserted[table] = written;
    }
    accepted.set(table, ok);
    refused.set(table, bad);
    if (gap && (bad.size || staleOwned.length)) {
      for (const { rows: group } of shapes.values())
        for (const row of group) if (bad.has(keyOf(spec, row))) yield* fillGaps(engine, spec, gap, shop, row, false, now);
      for (const row of mergeRows(spec, staleOwned)) yield* fillGaps(engine, spec, gap, shop, row, true, now);
    }
  }

  // Children no longer present in a complete list of an accepted owner.
  for (const [table, lists] of complete) {
    const spec = TABLES[table];
    if (!spec.owner) continue;
    const ownerOk = accepted.get(spec.owner.table);
    const live = lists.filter((l) => ownerOk?.has(String(l.ownerId)));
    if (!live.length) continue;
    const owners = [...new Set(live.map((l) => l.ownerId))];
    const keep = live.flatMap((l) => l.ids.map((id) => [l.ownerId, id] as [unknown, unknown]));
    result.tombstoned += yield* markDeleted(engine, spec, shop, owners, keep, now);
  }

  if (tombstones.length) result.tombstoned += yield* applyTombstones(engine, shop, tombstones, now);
  return result;
}

/** Applies RowSets in one transaction (see the file comment for the rules). */
export async function applyRowSets(db: Db, shop: string, rowSets: readonly RowSet[], options: ApplyOptions = {}): Promise<ApplyResult> {
  const engine = engineOf(db);
  const now = options.now ?? new Date();
  return inTransaction(db, () => applyRowSetsPlan(engine, shop, rowSets, now));
}
