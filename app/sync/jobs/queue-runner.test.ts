/**
 * The multi-worker backend on a real PostgreSQL: several runners (as several workers would) on
 * one database. GIVEN jobs in the `jobs` table, WHEN runners claim them, THEN per-shop limits
 * hold across runners, small shops are not starved by a big one, dead workers' jobs come back,
 * and a poison job is parked with its error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  postgresAvailability,
  type TestDatabase,
} from "../../../prisma/testing";
import { defineJob } from "./define";
import { enqueue } from "./enqueue.server";
import { createQueueRunner, type QueueRunner } from "./queue-runner.server";
import type { JobDefinition } from "./types";

const pg = await postgresAvailability();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!pg.available)(`multi-worker queue runner (PostgreSQL) ${pg.reason}`, () => {
  let t: TestDatabase;
  const runners: QueueRunner[] = [];
  beforeAll(async () => {
    t = await createTestDatabase("postgresql");
  }, 60_000);
  afterAll(async () => {
    for (const r of runners) await r.close({ timeoutMs: 1000 });
    await t?.drop();
  });

  function runner(
    handlers: JobDefinition<never>[],
    opts: { concurrency?: number; perShopConcurrency?: number; leaseMs?: number } = {},
  ) {
    const r = createQueueRunner({ db: t.db, url: t.url, handlers, pollMs: 10, ...opts });
    runners.push(r);
    return r;
  }

  async function until(cond: () => Promise<boolean>, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await cond())) {
      if (Date.now() > deadline) throw new Error("timed out");
      await sleep(20);
    }
  }

  it("holds a concurrencyKey limit and ctx.withShopLimit across workers, and serves small shops before a big one is done", async () => {
    const live = new Map<string, number>();
    let maxBulk = 0;
    let maxSection = 0;
    const section = new Map<string, number>();
    const order: string[] = [];
    const bulk = defineJob<{ i: number }>(
      "t.bulk",
      async (ctx) => {
        const n = (live.get(ctx.job.shop) ?? 0) + 1;
        live.set(ctx.job.shop, n);
        maxBulk = Math.max(maxBulk, n);
        order.push(ctx.job.shop);
        await ctx.withShopLimit("start", 1, async () => {
          const inside = (section.get(ctx.job.shop) ?? 0) + 1;
          section.set(ctx.job.shop, inside);
          maxSection = Math.max(maxSection, inside);
          await sleep(15);
          section.set(ctx.job.shop, inside - 1);
        });
        await sleep(30);
        live.set(ctx.job.shop, (live.get(ctx.job.shop) ?? 1) - 1);
      },
      { concurrencyKey: "bulk", concurrencyLimit: 2 },
    ) as JobDefinition<never>;

    // GIVEN a big shop with 40 jobs queued first, then 8 small shops with 2 jobs each
    for (let i = 0; i < 40; i++)
      await enqueue(t.db, { type: bulk.type, shop: "big.myshopify.com", payload: { i } });
    await sleep(5);
    for (let s = 0; s < 8; s++)
      for (let i = 0; i < 2; i++)
        await enqueue(t.db, { type: bulk.type, shop: `small-${s}.myshopify.com`, payload: { i } });

    // WHEN three workers run them
    const rs = [
      runner([bulk], { concurrency: 3 }),
      runner([bulk], { concurrency: 3 }),
      runner([bulk], { concurrency: 3 }),
    ];
    await Promise.all(rs.map((r) => r.start()));
    await until(
      async () =>
        (await t.db.job.count({ where: { type: "t.bulk", status: { not: "done" } } })) === 0,
      30_000,
    );
    await Promise.all(rs.map((r) => r.stop()));

    // THEN at most 2 bulk jobs of one shop ran at once, the section at most 1 at once per shop,
    expect(maxBulk).toBeLessThanOrEqual(2);
    expect(maxSection).toBe(1);
    // and every small shop's jobs ran before the big shop was a third done.
    const lastSmall = Math.max(...order.map((s, i) => (s.startsWith("small-") ? i : -1)));
    const bigBefore = order.slice(0, lastSmall).filter((s) => s === "big.myshopify.com").length;
    expect(bigBefore).toBeLessThan(14);
    expect(order).toHaveLength(56);
  }, 60_000);

  it("re-queues the jobs of a worker that died (lease expired) exactly once, and parks a poison job with its error", async () => {
    const ran: string[] = [];
    const work = defineJob("t.work", async (ctx) => {
      ran.push(ctx.job.id);
    }) as JobDefinition<never>;
    const poison = defineJob(
      "t.poison",
      async () => {
        throw new Error("cannot parse this");
      },
      { maxAttempts: 3, backoff: { type: "fixed", ms: 20 } },
    ) as JobDefinition<never>;

    // GIVEN a job left running by a worker that was SIGKILLed 10 s ago
    const orphan = await enqueue(t.db, {
      type: work.type,
      shop: "dead.myshopify.com",
      payload: {},
    });
    await t.db.job.update({
      where: { id: orphan.id },
      data: {
        status: "running",
        attempts: 1,
        lockedBy: "gone:1",
        lockedAt: new Date(Date.now() - 10_000),
      },
    });
    // and a job that always throws
    const bad = await enqueue(t.db, {
      type: poison.type,
      shop: "dead.myshopify.com",
      payload: {},
      maxAttempts: 3,
    });

    // WHEN two live workers with a 2 s lease start
    const rs = [
      runner([work, poison], { leaseMs: 2000 }),
      runner([work, poison], { leaseMs: 2000 }),
    ];
    await Promise.all(rs.map((r) => r.start()));
    await until(async () => {
      const jobs = await t.db.job.findMany({ where: { id: { in: [orphan.id, bad.id] } } });
      return jobs.every((j) => j.status === "done" || j.status === "parked");
    });
    await Promise.all(rs.map((r) => r.stop()));

    // THEN the orphan ran once more, and the poison job is parked with its error after 3 attempts
    expect(ran.filter((id) => id === orphan.id)).toHaveLength(1);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: orphan.id } })).toMatchObject({
      status: "done",
      attempts: 2,
    });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: bad.id } })).toMatchObject({
      status: "parked",
      attempts: 3,
      lastError: "Error: cannot parse this",
    });
  }, 60_000);

  it("drains on stop: running jobs finish, nothing new is claimed", async () => {
    let finished = 0;
    const slow = defineJob("t.slow", async () => {
      await sleep(300);
      finished++;
    }) as JobDefinition<never>;
    for (let i = 0; i < 4; i++)
      await enqueue(t.db, { type: slow.type, shop: `drain-${i}.myshopify.com`, payload: {} });
    const r = runner([slow], { concurrency: 2 });
    await r.start();
    await until(async () => r.active === 2);
    await r.stop({ timeoutMs: 5000 });
    expect(finished).toBe(2);
    const rows = await t.db.job.findMany({ where: { type: "t.slow" } });
    expect(rows.filter((j) => j.status === "done")).toHaveLength(2);
    expect(rows.filter((j) => j.status === "queued")).toHaveLength(2);
  }, 30_000);
});
