/**
 * receiveWebhook + the refine job on every test engine (SQLite: direct prepared statements;
 * PostgreSQL: Prisma transaction): accepted / duplicate / same payload / ignored, then refinement.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../prisma/testing";
import { createStore } from "../../simulator/src/store/store";
import { restPayload } from "../../simulator/src/webhooks/payloads";
import { createInProcessRunner } from "../../app/sync/jobs/in-process-runner.server";
import { receiveWebhook } from "../../app/sync/webhooks/receive.server";
import { createWebhookJobs } from "../../app/sync/webhooks/refine.server";
import { getWebhookHealth } from "../../app/sync/webhooks/health.server";
import { testEngines } from "../support/engines";

const SHOP = "receive.myshopify.com";
const store = createStore({ domain: SHOP, size: { orders: 5 } });
const ctx = { shop: store.shop(), domain: SHOP, resolve: (gid: string) => store.node(gid) };
const quiet = { log: () => undefined };

describe.each(testEngines)("receiveWebhook on %s", (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.db.shop.create({ data: { shop: SHOP, currencyCode: "USD" } });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("accepts once, dedupes by webhook id and by payload, ignores unknown shops, refines", async () => {
    const [a, b] = [...store.collection("orders").scan()].slice(0, 2).map(({ record }) => restPayload("orders/updated", record, undefined, ctx));
    const input = { shop: SHOP, topic: "orders/updated", webhookId: "w-1", triggeredAt: new Date().toISOString(), apiVersion: "2026-07", payload: a };
    const first = await receiveWebhook(t.db, input, quiet);
    expect(first).toMatchObject({ status: "accepted" });
    expect(first.rawRecordId).toEqual(expect.any(Number));
    expect(await receiveWebhook(t.db, input, quiet)).toMatchObject({ status: "duplicate" });
    // Same record version under another topic/webhook id: the delivery is kept, the payload is not stored twice.
    expect(await receiveWebhook(t.db, { ...input, topic: "orders/paid", webhookId: "w-2" }, quiet)).toMatchObject({ status: "accepted", rawRecordId: null });
    expect(await receiveWebhook(t.db, { ...input, webhookId: "w-3", payload: b }, quiet)).toMatchObject({ status: "accepted" });
    expect(await receiveWebhook(t.db, { ...input, shop: "nobody.myshopify.com", webhookId: "w-4" }, quiet)).toMatchObject({ status: "ignored" });
    // Concurrent duplicates of one new webhook: exactly one is accepted.
    const racing = await Promise.all(Array.from({ length: 5 }, () => receiveWebhook(t.db, { ...input, webhookId: "w-5", payload: { ...b, note: "race" } }, quiet)));
    expect(racing.filter((r) => r.status === "accepted")).toHaveLength(1);

    expect(await t.db.rawRecord.count({ where: { shop: SHOP } })).toBe(3);
    expect(await t.db.job.count({ where: { shop: SHOP, type: "webhook.refine" } })).toBe(1);
    await createInProcessRunner({ db: t.db, handlers: createWebhookJobs({ coalesceMs: 0 }) }).runUntilIdle();
    expect(await t.db.rawRecord.count({ where: { shop: SHOP, status: "refined" } })).toBe(3);
    expect(await t.db.order.count({ where: { shop: SHOP } })).toBe(2);
    expect((await t.db.order.findFirstOrThrow({ where: { shop: SHOP, id: BigInt(b.id as number) } })).note).toBe("race");
    const health = await getWebhookHealth(t.db, SHOP);
    expect(health.totals).toMatchObject({ received: 4, processed: 4, duplicates: 5, pending: 0, failed: 0 });
  });
});

describe("receiveWebhook on sqlite while another connection holds the write lock", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("sqlite");
    await t.db.shop.create({ data: { shop: SHOP, currencyCode: "USD" } });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("waits, then commits every waiting delivery (one failing alone) with its raw record and one refine job", async () => {
    const records = [...store.collection("orders").scan()].map(({ record }) => restPayload("orders/updated", record, undefined, ctx));
    const base = { shop: SHOP, topic: "orders/updated", triggeredAt: new Date().toISOString(), apiVersion: "2026-07" };
    // One delivery written while nothing holds the lock, so the direct connection is open.
    expect(await receiveWebhook(t.db, { ...base, webhookId: "g-0", payload: records[0] }, quiet)).toMatchObject({ status: "accepted" });
    // A trigger makes exactly one delivery fail; the others in its group must not be rolled back with it.
    await t.db.$executeRawUnsafe(
      `CREATE TRIGGER fail_one BEFORE INSERT ON webhook_deliveries WHEN NEW.webhook_id = 'g-bad' BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END`,
    );
    await t.db.job.deleteMany();

    const holder = new Database(t.url.replace(/^file:/, ""));
    holder.exec("BEGIN IMMEDIATE");
    let settled = 0;
    const pending = [
      receiveWebhook(t.db, { ...base, webhookId: "g-1", payload: records[1] }, quiet),
      receiveWebhook(t.db, { ...base, webhookId: "g-2", payload: records[2] }, quiet),
      receiveWebhook(t.db, { ...base, webhookId: "g-2", payload: records[2] }, quiet), // Shopify retrying at once
      receiveWebhook(t.db, { ...base, webhookId: "g-bad", payload: records[3] }, quiet).catch((error: Error) => error),
      receiveWebhook(t.db, { ...base, webhookId: "g-3", payload: records[4] }, quiet),
    ].map((p) => p.finally(() => settled++));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(0); // nothing answered while the lock is held
    expect(await t.db.webhookDelivery.count()).toBe(1);
    holder.exec("COMMIT");
    holder.close();

    const [g1, g2, g2again, bad, g3] = await Promise.all(pending);
    expect(g1).toMatchObject({ status: "accepted", rawRecordId: expect.any(Number) });
    expect(g3).toMatchObject({ status: "accepted", rawRecordId: expect.any(Number) });
    expect([g2, g2again].map((r) => (r as { status: string }).status).sort()).toEqual(["accepted", "duplicate"]);
    expect(bad).toBeInstanceOf(Error);
    expect((bad as Error).message).toMatch(/refused by test trigger/);
    expect(await t.db.webhookDelivery.findUnique({ where: { webhookId: "g-bad" } })).toBeNull();
    expect(await t.db.rawRecord.count({ where: { shop: SHOP } })).toBe(4);
    // The refine job went into the deliveries' transaction: one, queued, and the runner runs it.
    const jobs = await t.db.job.findMany({ where: { shop: SHOP } });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ type: "webhook.refine", status: "queued", dedupeKey: `webhook.refine:${SHOP}`, attempts: 0, maxAttempts: 5 });
    await createInProcessRunner({ db: t.db, handlers: createWebhookJobs({ coalesceMs: 0 }) }).runUntilIdle();
    expect(await t.db.rawRecord.count({ where: { shop: SHOP, status: "refined" } })).toBe(4);
    expect(await t.db.order.count({ where: { shop: SHOP } })).toBe(4);
    expect((await t.db.job.findFirstOrThrow({ where: { shop: SHOP } })).status).toBe("done");
  });
});
