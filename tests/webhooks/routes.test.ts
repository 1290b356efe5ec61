/**
 * The webhook routes end to end with real signing (Shopify's test secret), the real
 * authenticate.webhook, a real SQLite database and the real job runner; payloads are the
 * simulator's REST payloads for 2026-07.
 */
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createStore } from "../../simulator/src/store/store";
import { restPayload } from "../../simulator/src/webhooks/payloads";
import type { GqlRecord } from "../../simulator/src/types";
import { createInProcessRunner } from "../../app/sync/jobs/in-process-runner.server";
import { createWebhookJobs } from "../../app/sync/webhooks/refine.server";
import { getWebhookHealth } from "../../app/sync/webhooks/health.server";
import { setWebhookJobBackend } from "../../app/sync/webhooks/runtime.server";
import { API_SECRET_KEY, APP_URL, TEST_SHOP, bootApp, respond, storeOfflineSession, type BootedApp } from "../app/harness";

type Action = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response> | Response;

let app: BootedApp;
const routes: Record<string, { action: Action; loader?: () => Response }> = {};
const store = createStore({ domain: TEST_SHOP, size: { orders: 30 } });
const ctx = { shop: store.shop(), domain: TEST_SHOP, resolve: (gid: string) => store.node(gid) };

beforeAll(async () => {
  app = await bootApp();
  setWebhookJobBackend(undefined);
  for (const name of ["orders", "customers", "products", "shop", "bulk_operations", "app.uninstalled", "app.scopes_update"])
    routes[name] = (await import(`../../app/routes/webhooks.${name}.tsx`)) as (typeof routes)[string];
});
afterAll(async () => {
  await app?.database.drop();
});
beforeEach(async () => {
  for (const m of ["webhookDelivery", "rawRecord", "order", "lineItem", "fulfillment", "job", "syncRun", "activityEvent", "shop", "session", "customer", "customerAddress"])
    await (app.db as unknown as Record<string, { deleteMany(): Promise<unknown> }>)[m].deleteMany();
  await app.db.shop.create({ data: { shop: TEST_SHOP, currencyCode: "USD", installedAt: new Date("2020-01-01T00:00:00Z") } });
});

let seq = 0;
function signed(topic: string, body: unknown, opts: { webhookId?: string; triggeredAt?: string; secret?: string | null; shop?: string; method?: string } = {}): Request {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": topic,
    "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Shop-Domain": opts.shop ?? TEST_SHOP,
    "X-Shopify-Webhook-Id": opts.webhookId ?? `wh-${++seq}-${Math.random().toString(36).slice(2)}`,
    "X-Shopify-Triggered-At": opts.triggeredAt ?? new Date().toISOString(),
  };
  if (opts.secret !== null) headers["X-Shopify-Hmac-Sha256"] = getHmac(raw, opts.secret ?? API_SECRET_KEY);
  return new Request(`${APP_URL}/webhooks/${topic.split("/")[0]}`, { method: opts.method ?? "POST", body: raw, headers });
}

async function post(route: string, request: Request): Promise<Response> {
  const result = await respond(() => Promise.resolve(routes[route].action({ request, params: {}, context: {} })));
  expect(result).toBeInstanceOf(Response);
  return result as Response;
}

async function refine() {
  await createInProcessRunner({ db: app.db, handlers: createWebhookJobs(), pollMs: 10 }).runUntilIdle({ timeoutMs: 30_000 });
}

function orderRecord(i = 0): GqlRecord {
  let n = 0;
  for (const { record } of store.collection("orders").scan()) if (n++ === i) return record;
  throw new Error("no order");
}
function orderPayload(record: GqlRecord, overrides: Record<string, unknown> = {}) {
  return { ...restPayload("orders/updated", record, undefined, ctx), ...overrides };
}
const orderRow = (id: number | bigint) => app.db.order.findUnique({ where: { shop_id: { shop: TEST_SHOP, id: BigInt(id) } } });

describe("verification", () => {
  it("answers 401 to a bad or missing HMAC and writes nothing", async () => {
    const body = orderPayload(orderRecord());
    expect((await post("orders", signed("orders/create", body, { secret: "wrong" }))).status).toBe(401);
    expect((await post("orders", signed("orders/create", body, { secret: null }))).status).toBe(401);
    expect(await app.db.webhookDelivery.count()).toBe(0);
    expect(await app.db.rawRecord.count()).toBe(0);
    expect(await app.db.job.count()).toBe(0);
  });

  it("answers 405 to other methods", async () => {
    expect((await post("orders", signed("orders/create", {}, { method: "PUT" }))).status).toBe(405);
    expect(routes.orders.loader!().status).toBe(405);
    expect(await app.db.webhookDelivery.count()).toBe(0);
  });

  it("answers 200 for a shop that is not installed, logs it and stores no payload", async () => {
    const response = await post("orders", signed("orders/create", orderPayload(orderRecord()), { shop: "gone.myshopify.com" }));
    expect(response.status).toBe(200);
    const rows = await app.db.webhookDelivery.findMany();
    expect(rows).toMatchObject([{ shop: "gone.myshopify.com", status: "ignored", error: "shop is not installed" }]);
    expect(await app.db.rawRecord.count()).toBe(0);
  });
});

describe("fast answer, durable work", () => {
  it("records delivery + raw payload, refines in the runner, and a duplicate is a no-op", async () => {
    const record = orderRecord();
    const body = orderPayload(record, { x_future_field: { kept: true } });
    const webhookId = "same-webhook-id";
    expect((await post("orders", signed("orders/create", body, { webhookId }))).status).toBe(200);
    expect((await post("orders", signed("orders/create", body, { webhookId }))).status).toBe(200);
    const raws = await app.db.rawRecord.findMany();
    expect(raws).toHaveLength(1);
    expect(raws[0]).toMatchObject({ source: "webhook", status: "pending", resource: "orders", gid: record.id });
    expect(JSON.parse(raws[0].payload).x_future_field).toEqual({ kept: true }); // unknown fields kept raw
    expect(await app.db.job.count({ where: { type: "webhook.refine", status: "queued" } })).toBe(1);

    await refine();
    const row = await orderRow(body.id as number);
    expect(row).toMatchObject({ gid: record.id, name: body.name, deletedAt: null });
    expect((await app.db.rawRecord.findFirstOrThrow()).status).toBe("refined");

    const health = await getWebhookHealth(app.db, TEST_SHOP);
    const create = health.topics.find((t) => t.topic === "orders/create")!;
    expect(create).toMatchObject({ received: 1, processed: 1, duplicates: 1, failed: 0, pending: 0 });
    expect(create.lastReceivedAt).not.toBeNull();
  });

  it("keeps a payload missing a required field with status error and shows it", async () => {
    const { id: _id, admin_graphql_api_id: _gid, ...broken } = orderPayload(orderRecord(1));
    expect((await post("orders", signed("orders/updated", broken))).status).toBe(200);
    await refine();
    const raw = await app.db.rawRecord.findFirstOrThrow();
    expect(raw.status).toBe("error");
    expect(raw.error).toMatch(/id/);
    const health = await getWebhookHealth(app.db, TEST_SHOP);
    expect(health.topics.find((t) => t.topic === "orders/updated")).toMatchObject({ failed: 1 });
    expect(health.recentFailures[0]).toMatchObject({ topic: "orders/updated" });
    expect(await app.db.activityEvent.count({ where: { kind: "webhook.failed", level: "error" } })).toBe(1);
  });
});

describe("order safety", () => {
  const at = (iso: string) => new Date(iso).toISOString();

  it("an update that arrives before its create ends in the updated row", async () => {
    const record = orderRecord(2);
    const v1 = orderPayload(record, { updated_at: "2026-03-01T10:00:00-05:00", note: "v1" });
    const v2 = orderPayload(record, { updated_at: "2026-03-01T10:05:00-05:00", note: "v2" });
    await post("orders", signed("orders/updated", v2));
    await refine();
    await post("orders", signed("orders/create", v1));
    await refine();
    expect(await orderRow(v1.id as number)).toMatchObject({ note: "v2", updatedAt: new Date("2026-03-01T15:05:00Z") });
  });

  it("equal updated_at: the later X-Shopify-Triggered-At wins, in one batch or across batches", async () => {
    const record = orderRecord(3);
    const same = "2026-03-02T10:00:00-05:00";
    const a = orderPayload(record, { updated_at: same, note: "A" });
    const b = orderPayload(record, { updated_at: same, note: "B" });
    // Across batches: B (triggered later) refined first, A arrives late.
    await post("orders", signed("orders/updated", b, { triggeredAt: at("2026-03-02T15:00:00.900Z") }));
    await refine();
    await post("orders", signed("orders/updated", a, { triggeredAt: at("2026-03-02T15:00:00.100Z") }));
    await refine();
    expect((await orderRow(a.id as number))?.note).toBe("B");
    // One batch, received in the wrong order.
    const later = "2026-03-02T10:00:01-05:00";
    const d = orderPayload(record, { updated_at: later, note: "D" });
    const c = orderPayload(record, { updated_at: later, note: "C" });
    await post("orders", signed("orders/updated", d, { triggeredAt: at("2026-03-02T15:00:01.800Z") }));
    await post("orders", signed("orders/updated", c, { triggeredAt: at("2026-03-02T15:00:01.200Z") }));
    await refine();
    expect((await orderRow(a.id as number))?.note).toBe("D");
  });

  it("a delete leaves a tombstone that a late update cannot resurrect", async () => {
    const record = orderRecord(4);
    const live = orderPayload(record, { updated_at: "2026-03-03T10:00:00-05:00", note: "live" });
    await post("orders", signed("orders/create", live));
    await refine();
    await post("orders", signed("orders/delete", { id: live.id }));
    await refine();
    const deleted = await orderRow(live.id as number);
    expect(deleted?.deletedAt).toBeInstanceOf(Date);
    await post("orders", signed("orders/updated", orderPayload(record, { updated_at: "2026-03-03T11:00:00-05:00", note: "late" })));
    await refine();
    expect(await orderRow(live.id as number)).toMatchObject({ note: "live", deletedAt: deleted!.deletedAt });
    // A delete for a record never seen leaves a tombstone too: its create arriving later stays dead.
    const other = orderPayload(orderRecord(5));
    await post("orders", signed("orders/delete", { id: other.id }));
    await refine();
    await post("orders", signed("orders/create", other));
    await refine();
    expect((await orderRow(other.id as number))?.deletedAt).toBeInstanceOf(Date);
  });
});

describe("app lifecycle", () => {
  it("shop/update refreshes currency and time zone", async () => {
    const body = { ...restPayload("shop/update", store.shop(), undefined, ctx), currency: "EUR", iana_timezone: "Europe/Paris", name: "Renamed" };
    expect((await post("shop", signed("shop/update", body))).status).toBe(200);
    expect(await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).toMatchObject({ currencyCode: "EUR", ianaTimezone: "Europe/Paris", name: "Renamed" });
    expect((await app.db.webhookDelivery.findFirstOrThrow()).status).toBe("processed");
  });

  it("app/scopes_update pauses a resource that lost its scope, visibly, and resumes it", async () => {
    const all = ["read_orders", "read_products", "read_customers", "read_inventory", "read_locations", "read_discounts", "read_shopify_payments_payouts", "read_shopify_payments_disputes", "read_reports", "read_marketing_events"];
    await app.db.syncRun.create({ data: { shop: TEST_SHOP, resource: "customers", kind: "incremental", status: "queued" } });
    await post("app.scopes_update", signed("app/scopes_update", { current: all.filter((s) => s !== "read_customers") }));
    const shop = await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(shop.grantedScopes).not.toContain("read_customers");
    expect(JSON.parse(shop.settingsJson).pausedResources.customers.reason).toMatch(/read_customers/);
    expect(await app.db.syncRun.findFirstOrThrow({ where: { resource: "customers" } })).toMatchObject({ status: "paused" });
    expect(await app.db.activityEvent.count({ where: { kind: "sync.paused", resource: "customers" } })).toBe(1);
    expect(await app.db.syncRun.count({ where: { resource: "orders", status: "paused" } })).toBe(0);

    await post("app.scopes_update", signed("app/scopes_update", { current: all }));
    const back = await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(JSON.parse(back.settingsJson).pausedResources).toEqual({});
    expect(await app.db.activityEvent.count({ where: { kind: "sync.resumed", resource: "customers" } })).toBe(1);
  });

  it("app/uninstalled cancels runs and jobs, is idempotent, and ignores an event older than a reinstall", async () => {
    await storeOfflineSession(app);
    await app.db.syncRun.create({ data: { shop: TEST_SHOP, resource: "orders", kind: "backfill", status: "running", bulkOperationId: "gid://shopify/BulkOperation/1" } });
    await app.db.job.create({ data: { shop: TEST_SHOP, type: "sync.bulk.await", status: "queued", dedupeKey: "await-1" } });
    for (let i = 0; i < 2; i++) expect((await post("app.uninstalled", signed("app/uninstalled", {}))).status).toBe(200);
    expect(await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).toMatchObject({ installState: "uninstalled" });
    expect(await app.db.session.count()).toBe(0);
    expect(await app.db.syncRun.findFirstOrThrow()).toMatchObject({ status: "canceled" });
    expect(await app.db.job.findFirstOrThrow()).toMatchObject({ status: "failed", dedupeKey: null });

    // Reinstalled since; a late app/uninstalled triggered before the reinstall changes nothing.
    await app.db.shop.update({ where: { shop: TEST_SHOP }, data: { installState: "installed", installedAt: new Date(), uninstalledAt: null } });
    await post("app.uninstalled", signed("app/uninstalled", {}, { triggeredAt: new Date(Date.now() - 60_000).toISOString() }));
    expect((await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).installState).toBe("installed");
  });

  it("bulk_operations/finish is handed to the backfill jobs (no waiting run: nothing to do)", async () => {
    const body = { admin_graphql_api_id: "gid://shopify/BulkOperation/42", completed_at: new Date().toISOString(), created_at: new Date().toISOString(), error_code: null, status: "completed", type: "query" };
    expect((await post("bulk_operations", signed("bulk_operations/finish", body))).status).toBe(200);
    expect((await app.db.webhookDelivery.findFirstOrThrow()).status).toBe("processed");
  });
});
