/**
 * `npm run bench:scale` (tsx bench/scale.ts): the same multi-shop backfill with 1, 2 and 4 worker
 * processes on the multi-worker queue backend (PostgreSQL at TEST_POSTGRES_URL, default
 * postgresql://root@127.0.0.1:5432/test). Prints shops completed per minute, records per second
 * and the speed-up over one worker; exits 1 if 2 workers reach less than 1.5× one worker.
 *
 * Env: BENCH_SHOPS (default 30), BENCH_SCALE (size multiplier of the mixed sizes, default 0.4 as in the scale test),
 * BENCH_WORKERS (default "1,2,4"), BENCH_CONCURRENCY (jobs per worker, default 2),
 * BENCH_BULK_MS (simulated bulk operation latency, default 300 ms: Shopify's bulk operations take
 * seconds to minutes, so the real workload waits on the network as much as it computes).
 */
import { createTestDatabase, postgresAvailability } from "../prisma/testing";
import {
  allSettled,
  mixedSizes,
  seedAndStartBackfills,
  spawnWorker,
  startScaleSim,
} from "../tests/scale/support";

const SHOPS = Number(process.env.BENCH_SHOPS ?? 30);
const SCALE = Number(process.env.BENCH_SCALE ?? 0.4);
const WORKERS = (process.env.BENCH_WORKERS ?? "1,2,4").split(",").map(Number);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const BULK_MS = Number(process.env.BENCH_BULK_MS ?? 300);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Result {
  workers: number;
  seconds: number;
  records: number;
  shopsPerMinute: number;
  recordsPerSecond: number;
  /** Seconds until half / 90% of the shops were completely copied. */
  p50: number;
  p90: number;
}

async function runOnce(workers: number): Promise<Result> {
  const s = await startScaleSim(mixedSizes(SHOPS, SCALE), `bench-${workers}`, {
    bulkMinDurationMs: BULK_MS,
  });
  const t = await createTestDatabase("postgresql");
  const procs: ReturnType<typeof spawnWorker>[] = [];
  try {
    await seedAndStartBackfills(t.db, s);
    const t0 = Date.now();
    for (let i = 0; i < workers; i++)
      procs.push(
        spawnWorker(t.url, s, { concurrency: CONCURRENCY, leaseMs: 30_000, ingestBatch: 1000 }),
      );
    const deadline = t0 + 20 * 60_000;
    while (!(await allSettled(t.db))) {
      if (Date.now() > deadline) throw new Error("benchmark run did not finish in 20 minutes");
      await sleep(100);
    }
    const seconds = (Date.now() - t0) / 1000;
    const failed = await t.db.syncRun.count({ where: { status: { not: "succeeded" } } });
    if (failed > 0) throw new Error(`${failed} sync runs did not succeed`);
    const records = await t.db.rawRecord.count();
    const perShop = await t.db.syncRun.groupBy({ by: ["shop"], _max: { finishedAt: true } });
    const done = perShop
      .map((r) => ((r._max.finishedAt?.getTime() ?? Date.now()) - t0) / 1000)
      .sort((a, b) => a - b);
    const pct = (q: number) =>
      done[Math.min(done.length - 1, Math.floor(q * done.length))] ?? seconds;
    return {
      workers,
      seconds,
      records,
      shopsPerMinute: SHOPS / (seconds / 60),
      recordsPerSecond: records / seconds,
      p50: pct(0.5),
      p90: pct(0.9),
    };
  } finally {
    for (const p of procs) p.child.kill("SIGTERM");
    await Promise.all(procs.map((p) => p.exited));
    await t.drop();
    await s.close();
  }
}

const pg = await postgresAvailability();
if (!pg.available) {
  console.error(`bench:scale needs PostgreSQL ${pg.reason}`);
  process.exit(1);
}
console.log(
  `bench:scale — ${SHOPS} shops (mixed sizes ×${SCALE}), ${CONCURRENCY} jobs per worker, bulk latency ${BULK_MS} ms`,
);
const results: Result[] = [];
for (const w of WORKERS) {
  const r = await runOnce(w);
  results.push(r);
  const base = results[0]!;
  console.log(
    `${String(w).padStart(2)} worker(s): ${r.seconds.toFixed(1)} s, ${r.shopsPerMinute.toFixed(1)} shops/min, ${Math.round(r.recordsPerSecond)} records/s (${r.records} records), speed-up ×${(base.seconds / r.seconds).toFixed(2)}; half the shops done at ${r.p50.toFixed(1)} s, 90% at ${r.p90.toFixed(1)} s`,
  );
}
const one = results.find((r) => r.workers === 1);
const two = results.find((r) => r.workers === 2);
if (one && two) {
  const speedup = one.seconds / two.seconds;
  const ok = speedup >= 1.5;
  console.log(
    `2 workers vs 1: ×${speedup.toFixed(2)} (target ≥ 1.5) ${ok ? "OK" : "BELOW TARGET"}`,
  );
  process.exit(ok ? 0 : 1);
}
