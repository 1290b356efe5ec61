/**
 * Raw ingest throughput: 100,000 small records into SQLite through createRawWriter
 * (canonical JSON + SHA-256 + multi-row INSERT … ON CONFLICT DO NOTHING RETURNING via Prisma),
 * compared with a raw better-sqlite3 prepared-statement ceiling on the same rows.
 *
 *   npx tsx bench/raw-ingest.ts [records=100000] [batchSize=500]
 */
import fs from "node:fs";
import Database from "better-sqlite3";
import { createTestDatabase } from "../prisma/testing";
import { canonicalize } from "../app/sync/ingest/canonical";
import { closeRawSqliteConnections, createRawWriter } from "../app/sync/ingest/raw-writer.server";

const N = Number(process.argv[2] ?? 100_000);
const BATCH = Number(process.argv[3] ?? 500);

function record(i: number) {
  return {
    __typename: "Order",
    id: `gid://shopify/Order/${5_000_000 + i}`,
    name: `#${1000 + i}`,
    createdAt: "2025-03-01T10:00:00Z",
    updatedAt: "2025-03-02T11:30:00Z",
    displayFinancialStatus: i % 7 === 0 ? "REFUNDED" : "PAID",
    totalPriceSet: { shopMoney: { amount: `${(i % 997) + 0.5}`, currencyCode: "USD" } },
    tags: ["web", i % 3 === 0 ? "vip" : "regular"],
  };
}

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString("en-US")} records/s`;
}

async function main() {
  const records = Array.from({ length: N }, (_, i) => record(i));

  // 1. CPU only: canonical JSON + hash.
  let t0 = performance.now();
  for (const r of records) canonicalize(r);
  const cpuMs = performance.now() - t0;

  // 2. The writer into a fresh migrated SQLite database.
  const t = await createTestDatabase("sqlite");
  try {
    await t.db.$queryRawUnsafe("SELECT 1"); // connect first: not part of the measurement
    let handed = 0;
    const writer = createRawWriter(t.db, { shop: "bench.myshopify.com", resource: "orders", source: "backfill", batchSize: BATCH, onInserted: (rows) => void (handed += rows.length) });
    const rss0 = process.memoryUsage().rss;
    t0 = performance.now();
    for (const r of records) await writer.add({ gid: r.id, payload: r });
    const counts = await writer.flush();
    const writeMs = performance.now() - t0;

    // 2b. The same through Prisma ($queryRawUnsafe, batch as one JSON parameter), other shop.
    const viaPrisma = createRawWriter(t.db, { shop: "prisma.myshopify.com", resource: "orders", source: "backfill", batchSize: BATCH, store: "prisma" });
    t0 = performance.now();
    for (const r of records) await viaPrisma.add({ gid: r.id, payload: r });
    await viaPrisma.flush();
    const prismaMs = performance.now() - t0;

    // 3. Same records again: every one skipped by the unique index.
    const again = createRawWriter(t.db, { shop: "bench.myshopify.com", resource: "orders", source: "backfill", batchSize: BATCH });
    t0 = performance.now();
    for (const r of records) await again.add({ gid: r.id, payload: r });
    const skipped = await again.flush();
    const skipMs = performance.now() - t0;
    const rss = process.memoryUsage().rss;

    // 4. Ceiling: better-sqlite3 prepared statement, one transaction, hashes precomputed (same rows, other shop).
    const file = t.url.slice("file:".length);
    const raw = new Database(file);
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL");
    const at = new Date().toISOString().replace("Z", "+00:00");
    const pre = records.map((r) => ({ ...canonicalize(r), gid: r.id }));
    const stmt = raw.prepare(
      `INSERT INTO raw_records (shop,resource,gid,shopify_id,hash,payload,source,status,received_at) VALUES (?,?,?,?,?,?,?,'pending',?) ON CONFLICT (shop,hash) DO NOTHING`,
    );
    t0 = performance.now();
    raw.transaction(() => {
      for (let i = 0; i < pre.length; i++) stmt.run("ceiling.myshopify.com", "orders", pre[i].gid, 5_000_000 + i, pre[i].hash, pre[i].json, "backfill", at);
    })();
    const ceilMs = performance.now() - t0;
    raw.close();

    console.log(`records: ${N.toLocaleString("en-US")}, batch ${BATCH}, node ${process.version}`);
    console.log(`canonical JSON + SHA-256 only:         ${rate(N, cpuMs)}`);
    console.log(`raw writer, new records (SQLite):      ${rate(N, writeMs)}  (${counts.inserted} inserted, ${handed} handed to onInserted)`);
    console.log(`raw writer through Prisma:             ${rate(N, prismaMs)}`);
    console.log(`raw writer, all seen before (skipped): ${rate(N, skipMs)}  (${skipped.skipped - counts.skipped} skipped)`);
    console.log(`better-sqlite3 prepared stmt ceiling:  ${rate(N, ceilMs)}  (insert only, hashes precomputed)`);
    console.log(`writer / ceiling: ${(ceilMs / writeMs).toFixed(2)}; RSS ${Math.round(rss0 / 1e6)} MB -> ${Math.round(rss / 1e6)} MB`);
    console.log(`database file: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
  } finally {
    closeRawSqliteConnections();
    await t.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
