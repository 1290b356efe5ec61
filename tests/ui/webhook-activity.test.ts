/**
 * Live updates in the activity feed: webhooks received through the real receive path, refined by
 * the real `webhook.refine` job, leave ONE merchant-readable event per job run (not one per
 * delivery), linking to the record when only one changed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../prisma/testing";
import { createStore } from "../../simulator/src/store/store";
import { restPayload } from "../../simulator/src/webhooks/payloads";
import { createInProcessRunner } from "../../app/sync/jobs/in-process-runner.server";
import { receiveWebhook } from "../../app/sync/webhooks/receive.server";
import { createWebhookJobs, describeAppliedChanges } from "../../app/sync/webhooks/refine.server";
import { listActivity } from "../../app/ui/activity.server";
import { testEngines } from "../support/engines";

const SHOP = "live-activity.myshopify.com";
const store = createStore({ domain: SHOP, size: { orders: 8 } });
const ctx = { shop: store.shop(), domain: SHOP, resolve: (gid: string) => store.node(gid) };
const quiet = { log: () => undefined };
const orders = [...store.collection("orders").scan()].map(({ record }) => record);
const products = [...store.collection("products").scan()].map(({ record }) => record);

describe("describeAppliedChanges", () => {
  const change = (resource: string, n: number, deleted = false, name: string | null = null) => ({
    resource,
    gid: `gid://shopify/X/${n}`,
    deleted,
    name,
  });
  it("counts per kind of record, in plain words", () => {
    expect(
      describeAppliedChanges([change("orders", 1), change("orders", 2), change("orders", 3), change("products", 4)]),
    ).toBe("Updated 3 orders and 1 product from Shopify in real time.");
    expect(
      describeAppliedChanges([change("customers", 1), change("inventoryItems", 2), change("inventoryItems", 3, true)]),
    ).toBe("Updated 1 customer and 1 inventory item and removed 1 inventory item from Shopify in real time.");
    expect(describeAppliedChanges([change("orders", 1, false, "#1001")])).toBe(
      "Updated order #1001 from Shopify in real time.",
    );
    expect(describeAppliedChanges([change("orders", 1, true)])).toBe("Removed an order from Shopify in real time.");
    expect(describeAppliedChanges([change("customers", 1, false, null)])).toBe(
      "Updated a customer from Shopify in real time.",
    );
  });
});

describe.each(testEngines)("webhook activity on %s", (engine) => {
  let t: TestDatabase;
  let seq = 0;

  const receive = (topic: string, payload: Record<string, unknown>) =>
    receiveWebhook(
      t.db,
      { shop: SHOP, topic, webhookId: `w-${++seq}`, triggeredAt: new Date().toISOString(), apiVersion: "2026-07", payload },
      quiet,
    );
  const refine = () =>
    createInProcessRunner({ db: t.db, handlers: createWebhookJobs({ coalesceMs: 0 }) }).runUntilIdle({ timeoutMs: 30_000 });
  const applied = () =>
    t.db.activityEvent.findMany({ where: { shop: SHOP, kind: "webhook.applied" }, orderBy: { id: "asc" } });

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    await t.db.shop.create({ data: { shop: SHOP, currencyCode: "EUR" } });
  });
  beforeEach(async () => {
    await t.db.activityEvent.deleteMany({ where: { shop: SHOP } });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("a burst of deliveries becomes one event that counts the records, not the deliveries", async () => {
    for (const record of orders.slice(0, 3)) {
      expect(await receive("orders/updated", restPayload("orders/updated", record, undefined, ctx))).toMatchObject({ status: "accepted" });
    }
    // Another topic for an order of the burst, with a newer version: still one order.
    const again = { ...restPayload("orders/paid", orders[0], undefined, ctx), note: "paid", updated_at: new Date().toISOString() };
    expect(await receive("orders/paid", again)).toMatchObject({ status: "accepted" });
    await receive("products/update", restPayload("products/update", products[0], undefined, ctx));
    await refine();

    expect(await t.db.rawRecord.count({ where: { shop: SHOP, status: "refined" } })).toBe(5);
    const events = await applied();
    expect(events.map((e) => e.message)).toEqual(["Updated 3 orders and 1 product from Shopify in real time."]);
    expect(events[0]).toMatchObject({ level: "info", resource: null, subjectGid: null });

    const feed = await listActivity(t.db, SHOP, { kind: "webhook" });
    expect(feed.items.map((i) => i.sentence)).toEqual(["Updated 3 orders and 1 product from Shopify in real time."]);
  });

  it("one record: the sentence names it and the feed links to it", async () => {
    const record = orders[5];
    const payload = restPayload("orders/updated", record, undefined, ctx);
    await receive("orders/updated", payload);
    await refine();

    const events = await applied();
    expect(events).toHaveLength(1);
    expect(events[0].message).toBe(`Updated order ${String(record.name)} from Shopify in real time.`);
    expect(events[0]).toMatchObject({ resource: "orders", subjectGid: record.id });
    const feed = await listActivity(t.db, SHOP, { resource: "orders" });
    expect(feed.items[0].recordPath).toBe(`/app/data/orders/${String(record.id).split("/").pop()}`);
  });

  it("a delivery that cannot be applied is reported as failed, not as updated", async () => {
    const broken = { ...restPayload("orders/updated", orders[6], undefined, ctx), id: undefined, admin_graphql_api_id: undefined };
    await receive("orders/updated", broken);
    await refine();
    expect(await applied()).toHaveLength(0);
    expect(await t.db.activityEvent.count({ where: { shop: SHOP, kind: "webhook.failed" } })).toBe(1);
  });
});
