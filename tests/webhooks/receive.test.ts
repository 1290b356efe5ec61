/**
 * receiveWebhook + the refine job on every test engine (SQLite: direct prepared statements;
 * PostgreSQL: Prisma transaction): accepted / duplicate / same payload / ignored, then refinement.
 */
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
