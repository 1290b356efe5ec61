import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../prisma/testing";
import { testEngines } from "../../../tests/support/engines";
import { defineJob } from "./define";
import { enqueue } from "./enqueue.server";
import { createInProcessRunner } from "./in-process-runner.server";
import { listStoppedJobs, retryStoppedJob } from "./stopped.server";
import { PermanentJobError } from "./types";

const fast = { type: "exponential", baseMs: 10, maxMs: 50, jitter: false } as const;

describe.each(testEngines)("in-process job runner on %s", (engine) => {
  let t: TestDatabase;
  let n = 0;
  const shop = () => `shop-${++n}.myshopify.com`; // each test its own shop: tests never see each other's jobs

  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("runs queued jobs with their payload and marks them done", async () => {
    const s = shop();
    const seen: { payload: unknown; attempt: number; resource: string | null }[] = [];
    const echo = defineJob<{ n: number }>(`echo-${s}`, async (ctx, payload) => {
      seen.push({ payload, attempt: ctx.job.attempt, resource: ctx.job.resource });
    });
    await enqueue(t.db, { type: echo, shop: s, resource: "orders", payload: { n: 1 } });
    await enqueue(t.db, { type: echo, shop: s, payload: { n: 2 } });
    const runner = createInProcessRunner({ db: t.db, handlers: [echo] });
    await runner.runUntilIdle();
    expect(seen.map((x) => x.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(seen[0]).toMatchObject({ attempt: 1, resource: "orders" });
    const rows = await t.db.job.findMany({ where: { shop: s } });
    expect(rows.every((r) => r.status === "done" && r.attempts === 1 && r.lockedBy === null)).toBe(true);
  });

  it("retries with backoff, then parks after maxAttempts with the error", async () => {
    const s = shop();
    const times: number[] = [];
    const flaky = defineJob(`flaky-${s}`, async (ctx) => {
      times.push(Date.now());
      if (ctx.job.attempt < 3) throw new Error(`boom ${ctx.job.attempt}`);
    }, { maxAttempts: 5, backoff: fast });
    const doomed = defineJob(`doomed-${s}`, async () => {
      throw new Error("always broken");
    }, { maxAttempts: 3, backoff: fast });
    const a = await enqueue(t.db, { type: flaky, shop: s, payload: {} });
    const b = await enqueue(t.db, { type: doomed, shop: s, payload: {} });
    await createInProcessRunner({ db: t.db, handlers: [flaky, doomed] }).runUntilIdle();
    const ja = await t.db.job.findUniqueOrThrow({ where: { id: a.id } });
    expect(ja).toMatchObject({ status: "done", attempts: 3, lastError: null });
    expect(times).toHaveLength(3);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(9); // 10 ms, then 20 ms
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(19);
    const jb = await t.db.job.findUniqueOrThrow({ where: { id: b.id } });
    expect(jb).toMatchObject({ status: "parked", attempts: 3, lastError: "Error: always broken" });
  });

  it("a parked job is visible (stopped jobs, activity feed) and can be queued again", async () => {
    const s = shop();
    let healthy = false;
    const poison = defineJob(`poison-${s}`, async () => {
      if (!healthy) throw new Error("payload rejected by Shopify");
    }, { maxAttempts: 2, backoff: fast });
    const job = await enqueue(t.db, { type: poison, shop: s, resource: "orders", payload: {} });
    await createInProcessRunner({ db: t.db, handlers: [poison] }).runUntilIdle();

    const stopped = await listStoppedJobs(t.db, s);
    expect(stopped).toEqual([
      expect.objectContaining({ id: job.id, status: "parked", attempts: 2, error: "Error: payload rejected by Shopify" }),
    ]);
    const events = await t.db.activityEvent.findMany({ where: { shop: s } });
    expect(events).toEqual([
      expect.objectContaining({ kind: "job.parked", level: "error", resource: "orders" }),
    ]);
    expect(events[0]!.message).toContain("payload rejected by Shopify");
    // Another shop cannot requeue it; its own shop can, and the job then runs to the end.
    expect(await retryStoppedJob(t.db, "someone-else.myshopify.com", job.id)).toBe(false);
    healthy = true;
    expect(await retryStoppedJob(t.db, s, job.id)).toBe(true);
    await createInProcessRunner({ db: t.db, handlers: [poison] }).runUntilIdle();
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "done", attempts: 1 });
    expect(await listStoppedJobs(t.db, s)).toEqual([]);
    // A sync run's own job is reported by its run (failed, with the error), not listed again.
    await t.db.job.create({ data: { shop: s, type: "sync.bulk.ingest", status: "parked", lastError: "x" } });
    expect(await listStoppedJobs(t.db, s)).toEqual([]);
  });

  it("fails a PermanentJobError at once without retrying", async () => {
    const s = shop();
    let calls = 0;
    const perm = defineJob(`perm-${s}`, async () => {
      calls++;
      throw new PermanentJobError("scope missing");
    }, { maxAttempts: 5, backoff: fast });
    const { id } = await enqueue(t.db, { type: perm, shop: s, payload: {} });
    await createInProcessRunner({ db: t.db, handlers: [perm] }).runUntilIdle();
    expect(calls).toBe(1);
    expect(await t.db.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "failed", lastError: "PermanentJobError: scope missing" });
  });

  it("dedupes on dedupeKey while queued or running, and accepts the key again once done", async () => {
    const s = shop();
    let runs = 0;
    const sync = defineJob(`sync-${s}`, async () => {
      runs++;
    });
    const key = `sync:${s}:orders`;
    const first = await enqueue(t.db, { type: sync, shop: s, payload: { a: 1 }, dedupeKey: key });
    const second = await enqueue(t.db, { type: sync, shop: s, payload: { a: 2 }, dedupeKey: key });
    expect(first.deduped).toBe(false);
    expect(second).toEqual({ id: first.id, deduped: true });
    // Concurrent enqueues race on the unique index: still one job.
    const racing = await Promise.all(Array.from({ length: 5 }, () => enqueue(t.db, { type: sync, shop: s, payload: {}, dedupeKey: key })));
    expect(new Set(racing.map((r) => r.id))).toEqual(new Set([first.id]));
    await createInProcessRunner({ db: t.db, handlers: [sync] }).runUntilIdle();
    expect(runs).toBe(1);
    const again = await enqueue(t.db, { type: sync, shop: s, payload: {}, dedupeKey: key });
    expect(again.deduped).toBe(false);
    expect(again.id).not.toBe(first.id);
  });

  it("reschedules when the handler asks to, without counting a failure", async () => {
    const s = shop();
    let runs = 0;
    const poll = defineJob(`poll-${s}`, async () => {
      runs++;
      return runs < 3 ? { reschedule: new Date(Date.now() + 20) } : undefined;
    }, { maxAttempts: 1 });
    const { id } = await enqueue(t.db, { type: poll, shop: s, payload: {} });
    await createInProcessRunner({ db: t.db, handlers: [poll] }).runUntilIdle();
    expect(runs).toBe(3);
    expect(await t.db.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "done", attempts: 1 });
  });

  it("picks up jobs a dead process left running (and parks those out of attempts)", async () => {
    const s = shop();
    let runs = 0;
    const work = defineJob(`work-${s}`, async () => {
      runs++;
    }, { maxAttempts: 3 });
    // A process claimed these and died: rows stuck in `running` with a stale lock.
    const orphan = await enqueue(t.db, { type: work, shop: s, payload: {}, dedupeKey: `orphan-${s}` });
    const spent = await enqueue(t.db, { type: work, shop: s, payload: {} });
    const old = new Date(Date.now() - 60 * 60_000);
    await t.db.job.update({ where: { id: orphan.id }, data: { status: "running", lockedBy: "dead-worker", lockedAt: old, attempts: 1 } });
    await t.db.job.update({ where: { id: spent.id }, data: { status: "running", lockedBy: "dead-worker", lockedAt: old, attempts: 3 } });
    const runner = createInProcessRunner({ db: t.db, handlers: [work], pollMs: 20 });
    await runner.start();
    const deadline = Date.now() + 10_000;
    while (runs < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await runner.stop();
    expect(runs).toBe(1);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: orphan.id } })).toMatchObject({ status: "done", attempts: 2, dedupeKey: null });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: spent.id } })).toMatchObject({ status: "parked" });
  });

  it("with recoverAllOnStart: false only takes over expired leases", async () => {
    const s = shop();
    const work = defineJob(`lease-${s}`, async () => undefined);
    const live = await enqueue(t.db, { type: work, shop: s, payload: {} });
    const expired = await enqueue(t.db, { type: work, shop: s, payload: {} });
    await t.db.job.update({ where: { id: live.id }, data: { status: "running", lockedBy: "other-live-worker", lockedAt: new Date(), attempts: 1 } });
    await t.db.job.update({ where: { id: expired.id }, data: { status: "running", lockedBy: "dead", lockedAt: new Date(Date.now() - 120_000), attempts: 1 } });
    await createInProcessRunner({ db: t.db, handlers: [work], leaseMs: 60_000, recoverAllOnStart: false }).runUntilIdle();
    expect(await t.db.job.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({ status: "running", lockedBy: "other-live-worker" });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: expired.id } })).toMatchObject({ status: "done" });
  });

  it("respects the global, per-shop and per-key concurrency limits", async () => {
    const shops = [shop(), shop()];
    let active = 0;
    let peak = 0;
    const perShopActive = new Map<string, number>();
    const perShopPeak = new Map<string, number>();
    const bulkActive = new Map<string, number>();
    let bulkPeak = 0;
    const track = async (s: string, bulk: boolean) => {
      active++;
      peak = Math.max(peak, active);
      perShopActive.set(s, (perShopActive.get(s) ?? 0) + 1);
      perShopPeak.set(s, Math.max(perShopPeak.get(s) ?? 0, perShopActive.get(s)!));
      if (bulk) {
        bulkActive.set(s, (bulkActive.get(s) ?? 0) + 1);
        bulkPeak = Math.max(bulkPeak, bulkActive.get(s)!);
      }
      await new Promise((r) => setTimeout(r, 30));
      active--;
      perShopActive.set(s, perShopActive.get(s)! - 1);
      if (bulk) bulkActive.set(s, bulkActive.get(s)! - 1);
    };
    const bulkA = defineJob<{ i: number }>(`bulkA-${shops[0]}`, async (ctx) => track(ctx.job.shop, true), { concurrencyKey: "bulk", concurrencyLimit: 2 });
    const bulkB = defineJob<{ i: number }>(`bulkB-${shops[0]}`, async (ctx) => track(ctx.job.shop, true), { concurrencyKey: "bulk", concurrencyLimit: 2 });
    const light = defineJob<{ i: number }>(`light-${shops[0]}`, async (ctx) => track(ctx.job.shop, false));
    for (const s of shops) {
      for (let i = 0; i < 4; i++) {
        await enqueue(t.db, { type: bulkA, shop: s, payload: { i } });
        await enqueue(t.db, { type: bulkB, shop: s, payload: { i } });
        await enqueue(t.db, { type: light, shop: s, payload: { i } });
      }
    }
    const runner = createInProcessRunner({ db: t.db, handlers: [bulkA, bulkB, light], concurrency: 5, perShopConcurrency: 3 });
    await runner.runUntilIdle();
    expect(await t.db.job.count({ where: { shop: { in: shops }, status: "done" } })).toBe(24);
    expect(peak).toBeLessThanOrEqual(5);
    expect(peak).toBeGreaterThanOrEqual(4); // it does run things in parallel
    for (const s of shops) expect(perShopPeak.get(s)).toBeLessThanOrEqual(3);
    expect(bulkPeak).toBeLessThanOrEqual(2); // bulkA and bulkB share the "bulk" key per shop
    expect(bulkPeak).toBe(2);
  });

  it("withShopLimit lets handlers share a per-shop semaphore", async () => {
    const s = shop();
    let inside = 0;
    let peak = 0;
    const job = defineJob(`sem-${s}`, async (ctx) =>
      ctx.withShopLimit("bulk-ops", 1, async () => {
        inside++;
        peak = Math.max(peak, inside);
        await new Promise((r) => setTimeout(r, 20));
        inside--;
      }),
    );
    for (let i = 0; i < 4; i++) await enqueue(t.db, { type: job, shop: s, payload: {} });
    await createInProcessRunner({ db: t.db, handlers: [job], concurrency: 4, perShopConcurrency: 4 }).runUntilIdle();
    expect(peak).toBe(1);
  });

  it("stop() drains running jobs gracefully; follow-up jobs enqueued through ctx run", async () => {
    const s = shop();
    const order: string[] = [];
    const child = defineJob<{ from: string }>(`child-${s}`, async (_ctx, p) => {
      order.push(`child of ${p.from}`);
    });
    const parent = defineJob(`parent-${s}`, async (ctx) => {
      await new Promise((r) => setTimeout(r, 150));
      order.push("parent");
      await ctx.enqueue({ type: child, shop: ctx.job.shop, payload: { from: ctx.job.id } });
    });
    const { id } = await enqueue(t.db, { type: parent, shop: s, payload: {} });
    const runner = createInProcessRunner({ db: t.db, handlers: [parent, child], pollMs: 10 });
    await runner.start();
    while (runner.active === 0) await new Promise((r) => setTimeout(r, 5));
    await runner.stop(); // parent is mid-run: stop waits for it
    expect(order).toEqual(["parent"]);
    expect(await t.db.job.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "done" });
    await runner.runUntilIdle();
    expect(order).toEqual(["parent", `child of ${id}`]);
  });

  it("two runners on one database never run the same job twice", async () => {
    const s1 = shop();
    const runs = new Map<string, number>();
    const work = defineJob(`dual-${s1}`, async (ctx) => {
      runs.set(ctx.job.id, (runs.get(ctx.job.id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
    });
    for (let i = 0; i < 30; i++) await enqueue(t.db, { type: work, shop: `${s1}-${i % 6}`, payload: {} });
    const a = createInProcessRunner({ db: t.db, handlers: [work], workerId: "a", recoverAllOnStart: false });
    const b = createInProcessRunner({ db: t.db, handlers: [work], workerId: "b", recoverAllOnStart: false });
    await Promise.all([a.runUntilIdle(), b.runUntilIdle()]);
    expect(runs.size).toBe(30);
    expect([...runs.values()].every((v) => v === 1)).toBe(true);
  });
});
