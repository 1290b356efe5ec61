/**
 * Backfill throughput: a real backfill of the bulk resources (orders, products, customers,
 * inventory items, discounts) of a generated store, through the sync job handlers on the
 * in-process runner (bulkOperationRunQuery → polling → JSONL download → raw ingest → refinement).
 *
 *   npx tsx bench/backfill.ts [--orders 100000] [--million] [--no-pg]
 *
 * Figures:
 *   - records/s: JSONL records ingested and refined, from the first JSONL byte received to the
 *     last committed row (the end of the last ingest job);
 *   - ceiling: the same refined rows inserted by a minimal better-sqlite3 prepared-statement loop
 *     in one transaction (rows read beforehand, outside the timer), as records/s of the same
 *     record count, and the ratio pipeline / ceiling;
 *   - peak RSS (process.memoryUsage().rss sampled every 50 ms during the backfill);
 *   - with --million: the same at 1,000,000 orders and its peak RSS / the 100,000-order one;
 *   - PostgreSQL (when it answers): the same backfill into PostgreSQL, with a pg prepared-statement
 *     loop in one transaction as its ceiling.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

import { engineOf, type Db } from "../app/db.server";
import { createSyncDeps } from "../app/sync/backfill/deps";
import { createSyncJobs } from "../app/sync/backfill/jobs.server";
import { JOB_TYPES } from "../app/sync/backfill/names";
import { startBackfill } from "../app/sync/backfill/start.server";
import type { FetchLike } from "../app/sync/bulk/jsonl";
import { closeRawSqliteConnections } from "../app/sync/ingest/raw-writer.server";
import { createInProcessRunner } from "../app/sync/jobs/in-process-runner.server";
import { TABLE_ORDER, TABLES, type TableName } from "../app/sync/refine/tables";
import { createTestDatabase, postgresAvailability, type TestDatabase } from "../prisma/testing";
import { resolveDatabaseUrl } from "../prisma/database-url";
import { seedShopRow, simulatorAdmin, startSimStore, type SimStore } from "../tests/sync/support";

const BULK_RESOURCES = ["orders", "products", "customers", "inventoryItems", "discounts"];
const args = process.argv.slice(2);
const ORDERS = Number(args[args.indexOf("--orders") + 1] || 0) || 100_000;
const MILLION = args.includes("--million");
const NO_PG = args.includes("--no-pg");

interface Figures {
  engine: string;
  orders: number;
  records: number;
  seconds: number;
  rate: number;
  peakRssMb: number;
  rows: number;
  ceilingSeconds?: number;
  ceilingRate?: number;
  ratio?: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    reset: () => (peak = process.memoryUsage().rss),
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

/** fetch that remembers when the first byte of any bulk result file arrived. */
function timedFetch(mark: { firstByte: number | null }): FetchLike {
  return async (url, init) => {
    const res = await fetch(url, init);
    if (!res.body || !String(url).includes("/_sim/bulk/")) return res;
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          mark.firstByte ??= performance.now();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: res.status, headers: res.headers });
  };
}

async function backfill(store: SimStore, database: TestDatabase): Promise<Figures> {
  const db = database.db;
  await seedShopRow(db, store);
  const admin = simulatorAdmin(store.sim.apiKey, store.sim.apiSecret, store.domain, store.token);
  const mark = { firstByte: null as number | null };
  let lastCommit = 0;
  const deps = createSyncDeps({
    db,
    adminFor: () => admin,
    fetch: timedFetch(mark),
    tuning: { pollBaseMs: 100, pollMaxMs: 500 },
  });
  // Only the backfill jobs: metrics/reports run after the measured window in the app.
  const handlers = createSyncJobs(deps).filter((d) => d.type !== JOB_TYPES.metrics && d.type !== JOB_TYPES.schedule);
  const runner = createInProcessRunner({ db, handlers, pollMs: 20, concurrency: 4, perShopConcurrency: 3 });
  global.gc?.();
  const rss = rssSampler();
  rss.reset();
  await startBackfill(deps, store.domain, { resources: BULK_RESOURCES });
  await runner.runUntilIdle({ horizonMs: 2_000, timeoutMs: 60 * 60_000 });
  const peak = rss.stop();
  const runs = await db.syncRun.findMany({ where: { shop: store.domain, resource: { in: BULK_RESOURCES } } });
  for (const r of runs) if (r.status !== "succeeded") throw new Error(`${r.resource}: ${r.status} ${r.error}`);
  lastCommit = Math.max(...runs.map((r) => r.finishedAt!.getTime()));
  const records = runs.reduce((n, r) => n + r.downloadedCount, 0);
  // performance.now() and Date are different clocks: convert the first byte to epoch ms.
  const firstByteEpoch = Date.now() - (performance.now() - mark.firstByte!);
  const seconds = (lastCommit - firstByteEpoch) / 1000;
  let rows = 0;
  for (const t of TABLE_ORDER) rows += Number(((await db.$queryRawUnsafe<{ n: bigint | number }[]>(`SELECT COUNT(*) AS n FROM "${t}"`))[0]!).n);
  return { engine: engineOf(db), orders: ORDERS, records, seconds, rate: records / seconds, peakRssMb: peak / 1024 / 1024, rows };
}

/** Minimal better-sqlite3 loop: the refined rows of `source` into a fresh database, one transaction. */
function sqliteCeiling(sourceFile: string, targetFile: string): number {
  const src = new Database(sourceFile, { readonly: true });
  const dst = new Database(targetFile);
  dst.pragma("journal_mode = WAL");
  dst.pragma("synchronous = NORMAL");
  let elapsed = 0;
  let t = performance.now();
  dst.exec("BEGIN");
  elapsed += performance.now() - t;
  for (const table of TABLE_ORDER) {
    const cols = ["shop", ...TABLES[table].columns.map((c) => c.column), "synced_at", "deleted_at"];
    const insert = dst.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(",")}) VALUES (${cols.map(() => "?").join(",")})`);
    const select = src.prepare(`SELECT ${cols.map((c) => `"${c}"`).join(",")} FROM "${table}"`).raw(true);
    select.safeIntegers(true);
    let chunk: unknown[][] = [];
    const flush = () => {
      t = performance.now();
      for (const row of chunk) insert.run(row);
      elapsed += performance.now() - t;
      chunk = [];
    };
    for (const row of select.iterate() as IterableIterator<unknown[]>) {
      chunk.push(row);
      if (chunk.length >= 20_000) flush();
    }
    flush();
  }
  t = performance.now();
  dst.exec("COMMIT");
  elapsed += performance.now() - t;
  src.close();
  dst.close();
  return elapsed / 1000;
}

/** Minimal pg loop: the same rows read from `source` and inserted with prepared statements in one transaction. */
async function postgresCeiling(source: TestDatabase, target: TestDatabase): Promise<number> {
  const cfg = (url: string) => (resolveDatabaseUrl(url) as Extract<ReturnType<typeof resolveDatabaseUrl>, { engine: "postgresql" }>).pgConfig as pg.ClientConfig;
  const src = new pg.Client(cfg(source.url));
  const dst = new pg.Client(cfg(target.url));
  await src.connect();
  await dst.connect();
  let elapsed = 0;
  let t = performance.now();
  await dst.query("BEGIN");
  elapsed += performance.now() - t;
  for (const table of TABLE_ORDER) {
    const cols = ["shop", ...TABLES[table].columns.map((c) => c.column), "synced_at", "deleted_at"];
    const text = `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(",")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(",")})`;
    let offset = 0;
    for (;;) {
      const { rows } = await src.query({ text: `SELECT ${cols.map((c) => `"${c}"::text`).join(",")} FROM "${table}" ORDER BY 1 OFFSET ${offset} LIMIT 20000`, rowMode: "array" });
      if (rows.length === 0) break;
      offset += rows.length;
      t = performance.now();
      for (const row of rows) await dst.query({ name: `ins_${table}`, text, values: row as unknown[] });
      elapsed += performance.now() - t;
    }
  }
  t = performance.now();
  await dst.query("COMMIT");
  elapsed += performance.now() - t;
  await src.end();
  await dst.end();
  return elapsed / 1000;
}

function print(f: Figures) {
  console.log(`\n[${f.engine}] ${fmt(f.orders)} orders: ${fmt(f.records)} JSONL records in ${f.seconds.toFixed(2)} s = ${fmt(f.rate)} records/s (target ≥ 20,000 on SQLite)`);
  console.log(`[${f.engine}] refined rows: ${fmt(f.rows)}; peak RSS ${f.peakRssMb.toFixed(0)} MB (target ≤ 300 MB)`);
  if (f.ceilingSeconds !== undefined)
    console.log(
      `[${f.engine}] raw-driver ceiling: same rows in ${f.ceilingSeconds.toFixed(2)} s = ${fmt(f.ceilingRate!)} records/s; ratio ${f.ratio!.toFixed(3)} (target ≥ 0.35)`,
    );
}

async function runSqlite(orders: number, withCeiling: boolean): Promise<Figures> {
  const store = await startSimStore({ domain: `bench-${orders}.myshopify.com`, size: { orders }, bulkMinDurationMs: 0 });
  const database = await createTestDatabase("sqlite");
  try {
    const f = await backfill(store, database);
    if (withCeiling) {
      closeRawSqliteConnections();
      await database.db.$disconnect();
      const file = database.url.replace(/^file:/, "");
      const empty = await createTestDatabase("sqlite");
      await empty.db.$disconnect();
      const target = empty.url.replace(/^file:/, "");
      f.ceilingSeconds = sqliteCeiling(file, target);
      f.ceilingRate = f.records / f.ceilingSeconds;
      f.ratio = f.rate / f.ceilingRate;
      await empty.drop();
    }
    return f;
  } finally {
    closeRawSqliteConnections();
    await database.drop();
    await store.close();
  }
}

async function runPostgres(orders: number): Promise<Figures | null> {
  const availability = await postgresAvailability();
  if (!availability.available) {
    console.log(`\n[postgresql] skipped: ${availability.reason}`);
    return null;
  }
  const store = await startSimStore({ domain: `bench-pg-${orders}.myshopify.com`, size: { orders }, bulkMinDurationMs: 0 });
  const database = await createTestDatabase("postgresql");
  const target = await createTestDatabase("postgresql");
  try {
    const f = await backfill(store, database);
    f.ceilingSeconds = await postgresCeiling(database, target);
    f.ceilingRate = f.records / f.ceilingSeconds;
    f.ratio = f.rate / f.ceilingRate;
    return f;
  } finally {
    await database.drop();
    await target.drop();
    await store.close();
  }
}

async function main() {
  console.log(`StoreSync backfill benchmark — ${os.cpus().length} CPUs, Node ${process.version}`);
  const base = await runSqlite(ORDERS, true);
  print(base);
  if (MILLION) {
    const big = await runSqlite(1_000_000, false);
    print(big);
    console.log(`[sqlite] RSS at ${fmt(1_000_000)} orders / RSS at ${fmt(ORDERS)} orders = ${(big.peakRssMb / base.peakRssMb).toFixed(2)} (target ≤ 1.2)`);
  }
  if (!NO_PG) {
    const p = await runPostgres(ORDERS);
    if (p) print(p);
  }
  const ok = base.rate >= 20_000 && (base.ratio ?? 0) >= 0.35 && base.peakRssMb <= 300;
  console.log(`\nSQLite targets ${ok ? "met" : "NOT met"}.`);
}

fs.mkdirSync(path.join(os.tmpdir()), { recursive: true });
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

export type { Db, TableName };
