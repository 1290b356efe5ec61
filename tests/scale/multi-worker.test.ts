/**
 * Scale-out on PostgreSQL: GIVEN many simulated shops of mixed sizes and 3 worker processes on
 * the multi-worker queue backend, WHEN they backfill every shop while webhooks flow and one worker
 * is killed with SIGKILL midway, THEN every shop ends equal to the simulator's data (deep compare
 * of every refined table; columns a REST webhook payload cannot carry are listed in
 * REST_SHAPE_GAPS), with no duplicates, no job left behind, and at most 5 bulk operations
 * per shop in flight at any time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, postgresAvailability, type TestDatabase } from "../../prisma/testing";
import { refineExpected, seedShopRow, tableDump, type SimStore } from "../sync/support";
import {
  allSettled,
  diffShop,
  mixedSizes,
  seedAndStartBackfills,
  spawnWorker,
  startScaleSim,
  webhookRound,
  type ScaleSim,
  type WorkerProc,
} from "./support";

const pg = await postgresAvailability();
// Part of `npm test` (about 1-3 minutes); STORESYNC_SCALE_TEST=0 skips it on a quick local run.
const enabled = process.env.STORESYNC_SCALE_TEST !== "0";
const SHOPS = Number(process.env.SCALE_TEST_SHOPS ?? 30);
async function stateOf(t: TestDatabase): Promise<string> {
  const runs = await t.db.syncRun.findMany({
    where: { status: { in: ["queued", "running"] } },
    select: { shop: true, resource: true, status: true, cursor: true },
  });
  const jobs = await t.db.job.findMany({
    where: { status: { in: ["queued", "running", "parked", "failed"] } },
    select: {
      shop: true,
      type: true,
      status: true,
      runAt: true,
      attempts: true,
      lastError: true,
      lockedBy: true,
    },
  });
  return JSON.stringify({
    runs: runs.slice(0, 5),
    jobs: jobs.filter((j) => j.type !== "sync.schedule").slice(0, 10),
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!pg.available || !enabled)(
  `3 workers, ${SHOPS} shops, one SIGKILL (PostgreSQL) ${pg.reason}`,
  () => {
    let s: ScaleSim;
    let t: TestDatabase;
    const workers: WorkerProc[] = [];

    beforeAll(async () => {
      s = await startScaleSim(mixedSizes(SHOPS, 0.4), "scale-test");
      t = await createTestDatabase("postgresql");
    }, 60_000);
    afterAll(async () => {
      for (const w of workers) w.child.kill("SIGKILL");
      await t?.drop();
      await s?.close();
    });

    it("ends with every shop equal to the simulator", async () => {
      await seedAndStartBackfills(t.db, s);
      for (let i = 0; i < 3; i++)
        workers.push(spawnWorker(t.url, s, { concurrency: 4, leaseMs: 3000, ingestBatch: 100 }));

      // Webhooks flow while the workers backfill; one worker is SIGKILLed once refinement is under way.
      let killed = false;
      let round = 0;
      let maxBulkInFlight = 0;
      const deadline = Date.now() + 300_000;
      for (;;) {
        if (Date.now() > deadline)
          throw new Error(`scale test did not settle in time: ${await stateOf(t)}`);
        if (round < 4) await webhookRound(t.db, s, round++);
        const perShop = await t.db.syncRun.groupBy({
          by: ["shop"],
          where: { status: "running", cursor: { contains: '"phase":"awaiting"' } },
          _count: { _all: true },
        });
        maxBulkInFlight = Math.max(maxBulkInFlight, ...perShop.map((r) => r._count._all), 0);
        if (!killed) {
          const [done, refined] = await Promise.all([
            t.db.syncRun.count({ where: { status: "succeeded" } }),
            t.db.syncRun.aggregate({ _sum: { refinedCount: true } }),
          ]);
          if (done > 0 && (refined._sum.refinedCount ?? 0) > 0) {
            const running = await t.db.job.count({
              where: { status: "running", lockedBy: { not: null } },
            });
            if (running > 0) {
              workers[0]!.child.kill("SIGKILL");
              await workers[0]!.exited;
              killed = true;
            }
          }
        }
        if (killed && round >= 4 && (await allSettled(t.db))) break;
        await sleep(200);
      }
      expect(killed).toBe(true);
      expect(maxBulkInFlight).toBeLessThanOrEqual(5);

      // Drain the survivors gracefully (SIGTERM).
      for (const w of workers.slice(1)) w.child.kill("SIGTERM");
      expect(await Promise.all(workers.slice(1).map((w) => w.exited))).toEqual([0, 0]);

      const runs = await t.db.syncRun.findMany({
        select: { shop: true, resource: true, status: true, error: true },
      });
      expect(runs.filter((r) => r.status !== "succeeded")).toEqual([]);
      expect(
        await t.db.job.count({ where: { status: { in: ["parked", "failed", "running"] } } }),
      ).toBe(0);

      // Deep compare, every shop, every refined table.
      const expected = await createTestDatabase("postgresql");
      try {
        for (const domain of s.domains) {
          const store = { domain, shop: s.sim.shop(domain), sim: s.sim } as unknown as SimStore;
          await seedShopRow(expected.db, store);
          await refineExpected(
            expected.db,
            store,
            String((s.sim.shop(domain).store.shop() as Record<string, unknown>).currencyCode),
          );
          const diff = await diffShop(t.db, expected.db, domain);
          expect(diff, `${domain}: ${JSON.stringify(diff, null, 1)}`).toEqual([]);
          const orders = await tableDump(t.db, "orders", domain);
          expect(new Set(orders).size).toBe(orders.length);
        }
      } finally {
        await expected.drop();
      }
    }, 420_000);
  },
);
