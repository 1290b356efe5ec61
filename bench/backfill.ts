/**
 * Backfill throughput: a real backfill of the bulk resources (orders, products, customers,
 * inventory items, discounts) of a generated store, through the sync job handlers on the
 * in-process runner (bulkOperationRunQuery → polling → JSONL download → raw ingest → refinement).
 *
 *   npx tsx bench/backfill.ts [--orders 100000] [--million] [--no-pg | --pg-only] [--no-ceiling]
 *
 * Figures:
 *   - records/s: JSONL records ingested and refined, from the first JSONL byte received to the
 *     last committed row (the end of the last ingest job). The simulator runs in a child process
 *     (bench/sim-child.ts), so neither its store nor its file generation is in this process, and
 *     the bulk result downloads are held until every bulk file of the backfill is generated: the
 *     window measures the app's ingest, not the simulator;
 *   - ceiling: the same rows the pipeline wrote — raw_records AND refined rows — inserted into a
 *     fresh database with the same schema and indexes by a minimal prepared-statement loop in one
 *     transaction (rows read beforehand, outside the timer), as records/s of the same record count,
 *     and the ratio pipeline / ceiling;
 *   - peak RSS of this process (process.memoryUsage().rss sampled every 50 ms during the backfill);
 *   - with --million: the same at 1,000,000 orders and its peak RSS / the 100,000-order one;
 *   - PostgreSQL (when it answers): the same backfill into PostgreSQL, with a pg prepared-statement
 *     loop in one transaction as its ceiling.
 */
import "@shopify/shopify-api/adapters/node";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import v8 from "node:v8";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";

import { engineOf } from "../app/db.server";
import { ApiVersion, Session, shopifyApi } from "@shopify/shopify-api";
import { createAdminGraphql, fromShopifyAdmin, type AdminGraphql } from "../app/sync/admin-client";
import { createSyncDeps } from "../app/sync/backfill/deps";
import { createSyncJobs } from "../app/sync/backfill/jobs.server";
import { JOB_TYPES } from "../app/sync/backfill/names";
import { startBackfill } from "../app/sync/backfill/start.server";
import type { FetchLike } from "../app/sync/bulk/jsonl";
import { limitHeapGrowth } from "../app/sync/ingest/heap.server";
import { prepareThreadStats } from "../app/sync/ingest/prepare-thread.server";
import { closeRawSqliteConnections, tuneSqliteWriter } from "../app/sync/ingest/raw-writer.server";
import { createInProcessRunner } from "../app/sync/jobs/in-process-runner.server";
import { TABLE_ORDER, TABLES } from "../app/sync/refine/tables";
import { createTestDatabase, postgresAvailability, type TestDatabase } from "../prisma/testing";
import { resolveDatabaseUrl } from "../prisma/database-url";
import { installSimulatorDispatcher } from "../simulator/src/dispatcher";

const BULK_RESOURCES = ["orders", "products", "customers", "inventoryItems", "discounts"];
const args = process.argv.slice(2);
const ORDERS = Number(args[args.indexOf("--orders") + 1] || 0) || 100_000;
const MILLION = args.includes("--million");
const NO_PG = args.includes("--no-pg");
const PG_ONLY = args.includes("--pg-only");
const NO_CEILING = args.includes("--no-ceiling");

interface Figures {
  engine: string;
  orders: number;
  records: number;
  seconds: number;
  rate: number;
  peakRssMb: number;
  rawRows: number;
  rows: number;
  /** Time from the backfill start until every bulk file was generated (not measured). */
  generateSeconds: number;
  /** CPU time of this process (all threads) in the window, and its system part. */
  cpuSeconds: number;
  sysSeconds: number;
  /** Bytes written to files and sockets by this process in the window (Linux), and by the ceiling's loop. */
  writtenMb?: number;
  ceilingWrittenMb?: number;
  ceilingSeconds?: number;
  ceilingRate?: number;
  ratio?: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function rssSampler() {
  let peak = process.memoryUsage().rss;
  let peakHeap = 0;
  let peakDetail = "";
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak) {
      peak = m.rss;
      peakHeap = m.heapTotal;
      peakDetail = `heap used ${(m.heapUsed / 2 ** 20).toFixed(0)} MB, external ${(m.external / 2 ** 20).toFixed(0)} MB, array buffers ${(m.arrayBuffers / 2 ** 20).toFixed(0)} MB`;
    }
  }, 50);
  return {
    reset: () => (peak = process.memoryUsage().rss),
    stop: () => {
      clearInterval(timer);
      if (process.env.BENCH_DEBUG)
        console.log(`V8 heap of the main thread at the RSS peak: ${(peakHeap / 2 ** 20).toFixed(0)} MB (${peakDetail})`);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The simulator in a child process

interface SimInfo {
  url: string;
  apiKey: string;
  apiSecret: string;
  domain: string;
  token: string;
  currencyCode: string;
  ianaTimezone: string;
  name: string;
}

interface ChildSim {
  info: SimInfo;
  admin: AdminGraphql;
  close(): Promise<void>;
}

/** The cost-aware client over @shopify/shopify-api's GraphqlClient with a simulator token (as tests/sync/support, without loading the simulator here). */
function simulatorAdmin(
  apiKey: string,
  apiSecretKey: string,
  shop: string,
  accessToken: string,
): AdminGraphql {
  const api = shopifyApi({
    apiKey,
    apiSecretKey,
    apiVersion: ApiVersion.July26,
    hostName: "storesync.test",
    isEmbeddedApp: true,
    logger: { level: 0 },
  });
  const session = new Session({
    id: `offline_${shop}`,
    shop,
    state: "",
    isOnline: false,
    accessToken,
  });
  return createAdminGraphql({ request: fromShopifyAdmin(new api.clients.Graphql({ session })) });
}

async function startChildSim(domain: string, orders: number): Promise<ChildSim> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "sim-child.ts");
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", script, JSON.stringify({ domain, orders, bulkMinDurationMs: 0 })],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const info = await new Promise<SimInfo>((resolve, reject) => {
    let buf = "";
    child.once("exit", (code) => reject(new Error(`simulator child exited with ${code}`)));
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString("utf8");
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as SimInfo);
    });
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const restoreDispatcher = installSimulatorDispatcher(info.url);
  const admin = simulatorAdmin(info.apiKey, info.apiSecret, info.domain, info.token);
  let closing: Promise<void> | null = null;
  return {
    info,
    admin,
    close() {
      closing ??= (async () => {
        await restoreDispatcher();
        child.stdin!.end();
        child.kill("SIGTERM");
        await exited;
      })();
      return closing;
    },
  };
}

/** Resolves once the shop has `count` bulk operations and none of them is still running. */
async function bulkFilesReady(
  admin: AdminGraphql,
  count: number,
  timeoutMs = 30 * 60_000,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    const data = await admin.graphql<{ bulkOperations: { nodes: { status: string }[] } }>(
      `query { bulkOperations(first: 50) { nodes { status } } }`,
    );
    const ops = data.bulkOperations.nodes;
    const running = ops.filter(
      (o) => o.status === "CREATED" || o.status === "RUNNING" || o.status === "CANCELING",
    ).length;
    if (ops.length >= count && running === 0) return;
    if (Date.now() - started > timeoutMs)
      throw new Error(`bulk files not generated after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Mark {
  firstByte: number | null;
  cpu: NodeJS.CpuUsage | null;
  written: number | null;
}

/** Bytes this process has passed to write() so far (Linux /proc/self/io `wchar`; null elsewhere). */
function writtenBytes(): number | null {
  try {
    const m = /^wchar: (\d+)$/m.exec(fs.readFileSync("/proc/self/io", "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * fetch that holds every bulk result download until `ready` resolves (all files generated), and
 * remembers when the first byte of any of them arrived.
 */
function timedFetch(mark: Mark, ready: () => Promise<void>): FetchLike {
  return async (url, init) => {
    const bulk = String(url).includes("/_sim/bulk/");
    if (bulk) await ready();
    const res = await fetch(url, init);
    if (!res.body || !bulk) return res;
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (mark.firstByte === null) {
            mark.firstByte = performance.now();
            mark.cpu = process.cpuUsage();
            mark.written = writtenBytes();
          }
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: res.status, headers: res.headers });
  };
}

async function backfill(sim: ChildSim, database: TestDatabase, orders: number): Promise<Figures> {
  const db = database.db;
  const shop = sim.info.domain;
  await db.shop.upsert({
    where: { shop },
    create: {
      shop,
      currencyCode: sim.info.currencyCode,
      ianaTimezone: sim.info.ianaTimezone,
      name: sim.info.name,
    },
    update: {},
  });
  const mark: Mark = { firstByte: null, cpu: null, written: null };
  const started = performance.now();
  let generated = 0;
  let readyPromise: Promise<void> | null = null;
  const ready = () =>
    (readyPromise ??= bulkFilesReady(sim.admin, BULK_RESOURCES.length).then(() => {
      generated = performance.now();
    }));
  const deps = createSyncDeps({
    db,
    adminFor: () => sim.admin,
    fetch: timedFetch(mark, ready),
    tuning: { pollBaseMs: 100, pollMaxMs: 500 },
  });
  // Only the backfill jobs: metrics/reports run after the measured window in the app.
  const handlers = createSyncJobs(deps).filter(
    (d) => d.type !== JOB_TYPES.metrics && d.type !== JOB_TYPES.schedule,
  );
  const runner = createInProcessRunner({
    db,
    handlers,
    pollMs: 100,
    concurrency: 4,
    perShopConcurrency: 3,
  });
  global.gc?.();
  const rss = rssSampler();
  rss.reset();
  const baseRss = process.memoryUsage().rss;
  await startBackfill(deps, shop, { resources: BULK_RESOURCES });
  await runner.runUntilIdle({ horizonMs: 2_000, timeoutMs: 60 * 60_000 });
  const peak = rss.stop();
  const cpu = process.cpuUsage(mark.cpu ?? undefined);
  const writtenEnd = writtenBytes();
  if (process.env.BENCH_DEBUG)
    console.log(
      `RSS before the backfill ${(baseRss / 2 ** 20).toFixed(0)} MB, peak ${(peak / 2 ** 20).toFixed(0)} MB`,
    );
  const runs = await db.syncRun.findMany({ where: { shop, resource: { in: BULK_RESOURCES } } });
  for (const r of runs)
    if (r.status !== "succeeded") throw new Error(`${r.resource}: ${r.status} ${r.error}`);
  const lastCommit = Math.max(...runs.map((r) => r.finishedAt!.getTime()));
  const records = runs.reduce((n, r) => n + r.downloadedCount, 0);
  // performance.now() and Date are different clocks: convert the first byte to epoch ms.
  const firstByteEpoch = Date.now() - (performance.now() - mark.firstByte!);
  const seconds = (lastCommit - firstByteEpoch) / 1000;
  const count = async (t: string) =>
    Number(
      (await db.$queryRawUnsafe<{ n: bigint | number }[]>(`SELECT COUNT(*) AS n FROM "${t}"`))[0]!
        .n,
    );
  let rows = 0;
  for (const t of TABLE_ORDER) rows += await count(t);
  const rawRows = await count("raw_records");
  return {
    engine: engineOf(db),
    orders,
    records,
    seconds,
    rate: records / seconds,
    peakRssMb: peak / 1024 / 1024,
    rawRows,
    rows,
    generateSeconds: (generated - started) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    sysSeconds: cpu.system / 1e6,
    writtenMb: writtenEnd !== null && mark.written !== null ? (writtenEnd - mark.written) / 2 ** 20 : undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// Ceilings: the rows the pipeline wrote, copied by a minimal prepared-statement loop

/** raw_records columns as the pipeline writes them (the id is the table's own autoincrement). */
const RAW_COLUMNS = [
  "shop",
  "resource",
  "gid",
  "shopify_id",
  "hash",
  "payload",
  "source",
  "status",
  "error",
  "sync_run_id",
  "webhook_delivery_id",
  "received_at",
  "refined_at",
];

function ceilingTables(): { table: string; cols: string[] }[] {
  return [
    { table: "raw_records", cols: RAW_COLUMNS },
    ...TABLE_ORDER.map((table) => ({
      table,
      cols: ["shop", ...TABLES[table].columns.map((c) => c.column), "synced_at", "deleted_at"],
    })),
  ];
}

/** Minimal better-sqlite3 loop: the raw and refined rows of `source` into a fresh database, one transaction. */
function sqliteCeiling(sourceFile: string, targetFile: string): { seconds: number; writtenMb?: number } {
  const src = new Database(sourceFile, { readonly: true });
  const dst = new Database(targetFile);
  tuneSqliteWriter(dst); // the pipeline's own connection settings: like for like
  let elapsed = 0;
  let written = 0;
  let t = performance.now();
  let w = writtenBytes();
  dst.exec("BEGIN");
  elapsed += performance.now() - t;
  for (const { table, cols } of ceilingTables()) {
    const insert = dst.prepare(
      `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(",")}) VALUES (${cols.map(() => "?").join(",")})`,
    );
    const select = src
      .prepare(`SELECT ${cols.map((c) => `"${c}"`).join(",")} FROM "${table}" ORDER BY rowid`)
      .raw(true);
    select.safeIntegers(true);
    let chunk: unknown[][] = [];
    const flush = () => {
      t = performance.now();
      w = writtenBytes();
      for (const row of chunk) insert.run(row);
      elapsed += performance.now() - t;
      written += (writtenBytes() ?? 0) - (w ?? 0);
      chunk = [];
    };
    for (const row of select.iterate() as IterableIterator<unknown[]>) {
      chunk.push(row);
      if (chunk.length >= 20_000) flush();
    }
    flush();
  }
  t = performance.now();
  w = writtenBytes();
  dst.exec("COMMIT");
  elapsed += performance.now() - t;
  written += (writtenBytes() ?? 0) - (w ?? 0);
  src.close();
  dst.close();
  return { seconds: elapsed / 1000, writtenMb: w === null ? undefined : written / 2 ** 20 };
}

/** Minimal pg loop: the same rows read from `source` and inserted with prepared statements in one transaction. */
async function postgresCeiling(source: TestDatabase, target: TestDatabase): Promise<number> {
  const cfg = (url: string) =>
    (
      resolveDatabaseUrl(url) as Extract<
        ReturnType<typeof resolveDatabaseUrl>,
        { engine: "postgresql" }
      >
    ).pgConfig as pg.ClientConfig;
  const src = new pg.Client(cfg(source.url));
  const dst = new pg.Client(cfg(target.url));
  await src.connect();
  await dst.connect();
  await src.query("BEGIN");
  let elapsed = 0;
  let t = performance.now();
  await dst.query("BEGIN");
  elapsed += performance.now() - t;
  for (const { table, cols } of ceilingTables()) {
    const text = `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(",")}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(",")})`;
    await src.query(
      `DECLARE c CURSOR FOR SELECT ${cols.map((c) => `"${c}"::text`).join(",")} FROM "${table}"`,
    );
    for (;;) {
      const { rows } = await src.query({ text: "FETCH 20000 FROM c", rowMode: "array" });
      if (rows.length === 0) break;
      t = performance.now();
      // Queued on the one connection: pg sends them one after the other, no per-row await in JS.
      await Promise.all(
        rows.map((row) => dst.query({ name: `ins_${table}`, text, values: row as unknown[] })),
      );
      elapsed += performance.now() - t;
    }
    await src.query("CLOSE c");
  }
  t = performance.now();
  await dst.query("COMMIT");
  elapsed += performance.now() - t;
  await src.query("COMMIT");
  await src.end();
  await dst.end();
  return elapsed / 1000;
}

function print(f: Figures) {
  console.log(
    `\n[${f.engine}] ${fmt(f.orders)} orders: ${fmt(f.records)} JSONL records in ${f.seconds.toFixed(2)} s = ${fmt(f.rate)} records/s (target ≥ 20,000 on SQLite)`,
  );
  console.log(
    `[${f.engine}] rows written: ${fmt(f.rawRows)} raw + ${fmt(f.rows)} refined; peak RSS ${f.peakRssMb.toFixed(0)} MB (target ≤ 300 MB); ` +
      `bulk files generated by the simulator in ${f.generateSeconds.toFixed(1)} s before the window`,
  );
  console.log(
    `[${f.engine}] CPU of this process in the window: ${f.cpuSeconds.toFixed(2)} s (system ${f.sysSeconds.toFixed(2)} s) = ${fmt(f.records / f.cpuSeconds)} records per CPU-second; load average ${os.loadavg()[0]!.toFixed(2)}`,
  );
  if (f.writtenMb !== undefined)
    console.log(
      `[${f.engine}] written by this process in the window: ${fmt(f.writtenMb)} MB = ${((f.writtenMb * 1024) / f.records).toFixed(1)} KB per record` +
        (f.ceilingWrittenMb !== undefined ? `; by the ceiling's loop: ${fmt(f.ceilingWrittenMb)} MB` : ""),
    );
  if (f.ceilingSeconds !== undefined)
    console.log(
      `[${f.engine}] raw-driver ceiling: same raw + refined rows in ${f.ceilingSeconds.toFixed(2)} s = ${fmt(f.ceilingRate!)} records/s; ratio ${f.ratio!.toFixed(3)} (target ≥ 0.35)`,
    );
}

async function runSqlite(orders: number, withCeiling: boolean): Promise<Figures> {
  const sim = await startChildSim(`bench-${orders}.myshopify.com`, orders);
  const database = await createTestDatabase("sqlite");
  try {
    const f = await backfill(sim, database, orders);
    await sim.close();
    if (process.env.BENCH_DEBUG) {
      const stat = new Database(database.url.replace(/^file:/, ""), { readonly: true });
      const rows = stat
        .prepare(`SELECT name, COUNT(*) AS pages, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 25`)
        .all() as { name: string; pages: number; bytes: number }[];
      console.log(`Largest tables and indexes: ${rows.map((r) => `${r.name} ${(r.bytes / 2 ** 20).toFixed(0)} MB`).join(", ")}`);
      stat.close();
    }
    if (withCeiling) {
      closeRawSqliteConnections();
      await database.db.$disconnect();
      const file = database.url.replace(/^file:/, "");
      const empty = await createTestDatabase("sqlite");
      await empty.db.$disconnect();
      const target = empty.url.replace(/^file:/, "");
      const ceiling = sqliteCeiling(file, target);
      f.ceilingSeconds = ceiling.seconds;
      f.ceilingWrittenMb = ceiling.writtenMb;
      f.ceilingRate = f.records / f.ceilingSeconds;
      f.ratio = f.rate / f.ceilingRate;
      await empty.drop();
    }
    return f;
  } finally {
    closeRawSqliteConnections();
    await database.drop();
    await sim.close().catch(() => undefined);
  }
}

async function runPostgres(orders: number): Promise<Figures | null> {
  const availability = await postgresAvailability();
  if (!availability.available) {
    console.log(`\n[postgresql] skipped: ${availability.reason}`);
    return null;
  }
  const sim = await startChildSim(`bench-pg-${orders}.myshopify.com`, orders);
  const database = await createTestDatabase("postgresql");
  const target = await createTestDatabase("postgresql");
  try {
    const f = await backfill(sim, database, orders);
    await sim.close();
    if (!NO_CEILING) {
      f.ceilingSeconds = await postgresCeiling(database, target);
      f.ceilingRate = f.records / f.ceilingSeconds;
      f.ratio = f.rate / f.ceilingRate;
    }
    return f;
  } finally {
    await database.drop();
    await target.drop();
    await sim.close().catch(() => undefined);
  }
}

async function main() {
  console.log(
    `StoreSync backfill benchmark — ${os.cpus().length} CPUs, Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}; MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? "unset"}; NODE_OPTIONS=${process.env.NODE_OPTIONS || "unset"}; V8 flags: ${process.execArgv.filter((a) => a.startsWith("--") && !a.includes("tsx") && a !== "--require" && a !== "--import").join(" ") || "none"}; heap limit ${(v8.getHeapStatistics().heap_size_limit / 2 ** 20).toFixed(0)} MB`,
  );
  if (PG_ONLY) {
    const p = await runPostgres(ORDERS);
    if (p) print(p);
    return;
  }
  const base = await runSqlite(ORDERS, !NO_CEILING);
  print(base);
  console.log(`[sqlite] V8 heap growing factor while ingesting: ${limitHeapGrowth() ? `1.${String(limitHeapGrowth()).padStart(2, "0")} (STORESYNC_HEAP_GROWING_PERCENT)` : "V8's own"}`);
  const threads = prepareThreadStats();
  console.log(
    `[sqlite] ingests prepared on a preparation thread: ${threads.onThread}, on their job's thread: ${threads.onOwnThread}` +
      (threads.unavailable ? ` (no thread: ${threads.unavailable})` : ` (STORESYNC_INGEST_THREADS=${process.env.STORESYNC_INGEST_THREADS ?? "1 (default)"})`),
  );
  if (MILLION) {
    const big = await runSqlite(1_000_000, false);
    print(big);
    console.log(
      `[sqlite] RSS at ${fmt(1_000_000)} orders / RSS at ${fmt(ORDERS)} orders = ${(big.peakRssMb / base.peakRssMb).toFixed(2)} (target ≤ 1.2)`,
    );
  }
  if (!NO_PG) {
    const p = await runPostgres(ORDERS);
    if (p) print(p);
  }
  const ok =
    base.rate >= 20_000 && (NO_CEILING || (base.ratio ?? 0) >= 0.35) && base.peakRssMb <= 300;
  console.log(`\nSQLite targets ${ok ? "met" : "NOT met"}.`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
