import { createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import type { GqlRecord } from "../types.js";
import { startSimulator } from "../index.js";
import {
  createWebhookDispatcher,
  normalizeTopic,
  parseAppTomlWebhooks,
  RETRY_SCHEDULE_MS,
  topicForChange,
} from "./index.js";
import { startReceiver, type Receiver } from "./test-receiver.js";

const SECRET = "test-secret";
const SHOP = "hooks.myshopify.com";
const APP_TOML = fileURLToPath(new URL("../../../shopify.app.toml", import.meta.url));

let receiver: Receiver;
let toClose: { close(): Promise<void> }[] = [];
beforeEach(async () => {
  receiver = await startReceiver();
  toClose = [receiver];
});
afterEach(async () => {
  for (const c of toClose.reverse()) await c.close();
});

/** A real simulator whose webhooks go to the test receiver; optionally a dispatcher with tuned timeouts. */
async function setup(
  extra: {
    timeScale?: number;
    appToml?: string;
    tuning?: Parameters<typeof createWebhookDispatcher>[1];
  } = {},
) {
  const sim = await startSimulator({
    apiSecret: SECRET,
    shops: [{ domain: SHOP, seed: 5, size: { orders: 40 } }],
    appUrl: receiver.url,
    appToml: extra.appToml ?? APP_TOML,
    timeScale: extra.timeScale ?? 1000,
    log: () => {},
  });
  toClose.unshift(sim);
  const shop = sim.shop(SHOP);
  let hooks = sim.webhooks as ReturnType<typeof createWebhookDispatcher>;
  if (extra.tuning) {
    await sim.webhooks.close(); // replace the server's dispatcher by one with tuned timeouts
    hooks = createWebhookDispatcher(sim, extra.tuning);
    hooks.attach(shop);
    toClose.unshift(hooks);
  }
  return { sim, shop, store: shop.store, hooks };
}

describe("subscriptions", () => {
  it("parses the app's real shopify.app.toml (topics + compliance topics, relative URIs)", async () => {
    const { hooks } = await setup();
    const subs = hooks.subscriptions(SHOP);
    const byTopic = Object.fromEntries(subs.map((s) => [s.topic, s.uri]));
    expect(byTopic["orders/create"]).toBe("/webhooks/orders");
    expect(byTopic["orders/paid"]).toBe("/webhooks/orders");
    expect(byTopic["refunds/create"]).toBe("/webhooks/money");
    expect(byTopic["inventory_levels/update"]).toBe("/webhooks/inventory");
    expect(byTopic["customers/redact"]).toBe("/webhooks/compliance");
    expect(byTopic["shop/redact"]).toBe("/webhooks/compliance");
    expect(byTopic["app/uninstalled"]).toBe("/webhooks/app/uninstalled");
    expect(subs.every((s) => s.source === "toml")).toBe(true);
  });

  it("parses a fixture toml and API-created subscriptions (GraphQL enum topics)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-toml-"));
    const file = join(dir, "shopify.app.toml");
    writeFileSync(
      file,
      `[webhooks]\napi_version = "2026-07"\n[[webhooks.subscriptions]]\ntopics = ["products/update"]\nuri = "https://app.example/hooks"\n`,
    );
    expect(
      parseAppTomlWebhooks(
        `[webhooks]\napi_version = "2026-07"\n[[webhooks.subscriptions]]\ncompliance_topics = ["shop/redact"]\nuri = "/c"\n`,
      ),
    ).toEqual({
      apiVersion: "2026-07",
      subscriptions: [{ topic: "shop/redact", uri: "/c" }],
    });
    const { hooks } = await setup({ appToml: file });
    expect(hooks.subscriptions(SHOP)).toEqual([
      {
        id: "gid://shopify/WebhookSubscription/1000001",
        topic: "products/update",
        uri: "https://app.example/hooks",
        source: "toml",
      },
    ]);
    const created = hooks.createSubscription(SHOP, "ORDERS_CREATE", `${receiver.url}/api-hook`);
    expect(created.topic).toBe("orders/create");
    expect(normalizeTopic("APP_SCOPES_UPDATE")).toBe("app/scopes_update");
    expect(normalizeTopic("DISCOUNTS_REDEEMCODE_ADDED")).toBe("discounts/redeemcode_added");
    expect(normalizeTopic("CUSTOMERS_DATA_REQUEST")).toBe("customers/data_request");
    hooks.trigger(SHOP, "orders/create", { id: 1 });
    const [r] = await receiver.waitFor(1);
    expect(r.path).toBe("/api-hook");
    expect(hooks.deleteSubscription(SHOP, created.id)).toBe(true);
    expect(hooks.subscriptions(SHOP).map((s) => s.source)).toEqual(["toml"]);
  });

  it("maps resource + action to Shopify's topic names", () => {
    expect(topicForChange("orders", "update")).toBe("orders/updated");
    expect(topicForChange("products", "update")).toBe("products/update");
    expect(topicForChange("abandonedCheckouts", "delete")).toBe("checkouts/delete");
    expect(topicForChange("inventoryItems", "create")).toBe("inventory_items/create");
    expect(topicForChange("payouts", "create")).toBeNull();
  });
});

describe("delivery", () => {
  it("signs the raw body with the app secret and sends Shopify's headers; Shopify's own validator accepts it", async () => {
    const { store, hooks } = await setup();
    const validations = new Map<string, unknown>();
    const shopify = shopifyApi({
      apiKey: "key",
      apiSecretKey: SECRET,
      hostName: "127.0.0.1",
      apiVersion: ApiVersion.July26,
      isEmbeddedApp: true,
      logger: { level: 0 },
    });
    receiver.onRequest = async (req, res, rawBody) => {
      validations.set(
        String(req.headers["x-shopify-webhook-id"]),
        await shopify.webhooks.validate({ rawBody, rawRequest: req, rawResponse: res }),
      );
      return false; // record it too
    };
    const created = store.create("orders", {});
    await hooks.idle();
    const r = receiver.received.find((x) => x.headers["x-shopify-topic"] === "orders/create")!;
    expect(r.path).toBe("/webhooks/orders");
    const h = r.headers;
    expect(h["x-shopify-topic"]).toBe("orders/create");
    expect(h["x-shopify-shop-domain"]).toBe(SHOP);
    expect(h["x-shopify-api-version"]).toBe("2026-07");
    expect(h["x-shopify-webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(h["x-shopify-event-id"]).toMatch(/^[0-9a-f-]{36}$/);
    // Sub-second precision, never before the change's (whole-second) updatedAt.
    expect(h["x-shopify-triggered-at"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(h["x-shopify-triggered-at"] as string)).toBeGreaterThanOrEqual(
      Date.parse(created.updatedAt as string),
    );
    expect(h["content-type"]).toBe("application/json");
    expect(h["user-agent"]).toBe("Shopify-Captain-Hook");
    expect(h["x-shopify-hmac-sha256"]).toBe(
      createHmac("sha256", SECRET).update(r.rawBody).digest("base64"),
    );
    const total = (created.totalPriceSet as { shopMoney: { amount: string } }).shopMoney.amount;
    expect(r.body).toMatchObject({
      id: Number(created.legacyResourceId),
      admin_graphql_api_id: created.id,
      total_price: total,
    });
    expect(Date.parse(r.body.created_at)).toBe(Date.parse(String(created.createdAt)));
    expect(validations.get(String(h["x-shopify-webhook-id"]))).toMatchObject({
      valid: true,
      topic: "ORDERS_CREATE",
      domain: SHOP,
      apiVersion: "2026-07",
      webhookId: h["x-shopify-webhook-id"],
    });
    expect(hooks.deliveries(SHOP).find((d) => d.topic === "orders/create")).toMatchObject({
      status: "delivered",
      attempts: 1,
      lastStatusCode: 200,
    });
    expect(hooks.deliveries(SHOP).find((d) => d.topic === "orders/paid")).toMatchObject({
      status: "delivered",
    }); // a new order is paid
  });

  it("a tampered body fails Shopify's validator", async () => {
    const shopify = shopifyApi({
      apiKey: "key",
      apiSecretKey: "other-secret",
      hostName: "127.0.0.1",
      apiVersion: ApiVersion.July26,
      isEmbeddedApp: true,
      logger: { level: 0 },
    });
    let validation: { valid: boolean } | undefined;
    receiver.onRequest = async (req, res, rawBody) => {
      validation = await shopify.webhooks.validate({ rawBody, rawRequest: req, rawResponse: res });
      return false;
    };
    const { hooks } = await setup();
    hooks.trigger(SHOP, "orders/create", { id: 1 });
    await receiver.waitFor(1);
    expect(validation?.valid).toBe(false);
  });

  it("domain actions send their extra topics with subjects; silent changes send nothing", async () => {
    const { store, hooks } = await setup();
    const o = store.create("orders", {}, { silent: true });
    store.update("orders", o.id, { note: "quiet" }, { silent: true });
    store.refundOrder(o.id, { silent: true });
    await hooks.idle();
    expect(receiver.received).toHaveLength(0);
    expect(hooks.deliveries()).toHaveLength(0);

    const o2 = store.create("orders", {}, { silent: true });
    store.refundOrder(o2.id);
    await hooks.idle();
    const by = (t: string) => receiver.received.filter((r) => r.headers["x-shopify-topic"] === t);
    expect(by("orders/updated")).toHaveLength(1);
    const [refund] = by("refunds/create");
    expect(refund.path).toBe("/webhooks/money");
    expect(refund.body).toMatchObject({ order_id: Number(o2.legacyResourceId) });
    expect(refund.body.admin_graphql_api_id).toMatch(/Refund/);
    const txs = by("order_transactions/create");
    expect(txs.length).toBeGreaterThan(0);
    expect(txs[0].body).toMatchObject({ kind: "refund", order_id: Number(o2.legacyResourceId) });
    const events = new Set(receiver.received.map((r) => r.headers["x-shopify-event-id"]));
    expect(events.size).toBe(1); // one merchant action
    expect(new Set(receiver.received.map((r) => r.headers["x-shopify-webhook-id"])).size).toBe(
      receiver.received.length,
    );

    receiver.received.length = 0;
    const [first] = store.collection("inventoryItems").scan();
    const item = first!.record;
    const level = (item.inventoryLevels as GqlRecord[])[0];
    store.adjustInventory(item.id, (level.location as GqlRecord).id, -2);
    await hooks.idle();
    expect(receiver.received.map((r) => r.headers["x-shopify-topic"]).sort()).toEqual([
      "inventory_items/update",
      "inventory_levels/update",
    ]);
    const lvl = receiver.received.find(
      (r) => r.headers["x-shopify-topic"] === "inventory_levels/update",
    )!;
    expect(lvl.body).toMatchObject({
      inventory_item_id: Number(item.legacyResourceId),
      location_id: Number(
        String((level.location as GqlRecord).id)
          .split("/")
          .pop(),
      ),
    });
  });

  it("retries on 500 with Shopify's backoff (compressed) until 2xx, same webhook id", async () => {
    const { hooks } = await setup({ timeScale: 1000 });
    receiver.respond = (_r, i) => ({ status: i < 2 ? 500 : 200 });
    hooks.trigger(SHOP, "orders/create", { id: 1 });
    const got = await receiver.waitFor(3);
    await hooks.idle();
    expect(new Set(got.map((r) => r.headers["x-shopify-webhook-id"])).size).toBe(1);
    const gap1 = got[1].at - got[0].at;
    const gap2 = got[2].at - got[1].at;
    expect(gap1).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MS[0] / 1000 - 5);
    expect(gap2).toBeGreaterThanOrEqual(RETRY_SCHEDULE_MS[1] / 1000 - 5);
    expect(gap2).toBeGreaterThan(gap1); // exponential
    expect(hooks.deliveries()[0]).toMatchObject({
      status: "delivered",
      attempts: 3,
      lastStatusCode: 200,
    });
  });

  it("gives up after 8 retries (9 attempts) spanning 4 hours of schedule", async () => {
    expect(RETRY_SCHEDULE_MS).toHaveLength(8);
    expect(Math.abs(RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0) - 4 * 3600_000)).toBeLessThan(10);
    const { hooks } = await setup({ timeScale: 200_000 });
    receiver.respond = () => ({ status: 503 });
    hooks.trigger(SHOP, "products/update", { id: 1 });
    await hooks.idle(10_000);
    expect(receiver.received).toHaveLength(9);
    expect(hooks.deliveries()[0]).toMatchObject({
      status: "failed",
      attempts: 9,
      lastStatusCode: 503,
    });
  });

  it("a response slower than the timeout counts as a failure and is retried", async () => {
    const { hooks } = await setup({ timeScale: 1000, tuning: { responseTimeoutMs: 300 } });
    receiver.respond = (_r, i) => ({ status: 200, delayMs: i === 0 ? 1500 : 0 });
    hooks.trigger(SHOP, "orders/create", { id: 1 });
    await receiver.waitFor(2);
    await hooks.idle();
    expect(hooks.deliveries()[0]).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("an unreachable app is retried, then failed", async () => {
    const { hooks, sim } = await setup({ timeScale: 500_000 });
    (sim.options as { appUrl?: string }).appUrl = "http://127.0.0.1:1"; // nothing listens on port 1
    hooks.trigger(SHOP, "orders/create", { id: 1 });
    await hooks.idle(10_000);
    expect(hooks.deliveries()[0]).toMatchObject({ status: "failed", attempts: 9 });
  });
});

describe("faults", () => {
  it("dropRate 1 never attempts; duplicateRate 1 sends the same webhook id twice", async () => {
    const { shop, hooks } = await setup();
    shop.faults.webhooks.dropRate = 1;
    hooks.trigger(SHOP, "orders/create", { id: 1 });
    await hooks.idle();
    expect(hooks.deliveries()[0].status).toBe("dropped");
    expect(receiver.received).toHaveLength(0);

    shop.faults.webhooks.dropRate = 0;
    shop.faults.webhooks.duplicateRate = 1;
    hooks.trigger(SHOP, "orders/create", { id: 2 });
    const got = await receiver.waitFor(2);
    await hooks.idle();
    expect(got[0].headers["x-shopify-webhook-id"]).toBe(got[1].headers["x-shopify-webhook-id"]);
    expect(got[0].rawBody).toBe(got[1].rawBody);
  });

  it("delayMs holds the first attempt", async () => {
    const { shop, hooks } = await setup();
    shop.faults.webhooks.delayMs = 300;
    const t0 = Date.now();
    hooks.trigger(SHOP, "orders/create", { id: 1 });
    const [r] = await receiver.waitFor(1);
    expect(r.at - t0).toBeGreaterThanOrEqual(290);
    await hooks.idle();
  });

  it("reorder delivers a window of webhooks out of order, deterministically", async () => {
    const run = async () => {
      const { shop, hooks } = await setup();
      shop.faults.webhooks.reorder = true;
      for (let i = 1; i <= 6; i++) hooks.trigger(SHOP, "orders/create", { id: i });
      await hooks.idle();
      const ids = receiver.received.map((r) => r.body.id as number);
      receiver.received.length = 0;
      return ids;
    };
    const first = await run();
    expect([...first].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(first).not.toEqual([1, 2, 3, 4, 5, 6]);
    expect(await run()).toEqual(first); // same seed → same order
  });
});

describe("compliance", () => {
  it("sends customers/data_request, customers/redact and shop/redact shaped as Shopify documents", async () => {
    const { store, hooks } = await setup();
    const orders = [...store.collection("orders").scan()].map((x) => x.record);
    const customerId = (orders[0].customer as GqlRecord).id;
    const customer = store.collection("customers").get(customerId)!;
    const theirs = orders
      .filter((o) => (o.customer as GqlRecord).id === customerId)
      .map((o) => Number(o.legacyResourceId));
    const shopId = Number(String(store.shop().id).split("/").pop());
    const who = {
      id: Number(customer.legacyResourceId),
      email: (customer.defaultEmailAddress as { emailAddress: string }).emailAddress,
      phone: (customer.defaultPhoneNumber as { phoneNumber: string } | null)?.phoneNumber ?? null,
    };
    hooks.triggerCompliance(SHOP, "customers/data_request", String(customer.legacyResourceId));
    hooks.triggerCompliance(SHOP, "customers/redact", customer.id);
    hooks.triggerCompliance(SHOP, "shop/redact");
    const got = await receiver.waitFor(3);
    await hooks.idle();
    const by = Object.fromEntries(got.map((r) => [r.headers["x-shopify-topic"] as string, r]));
    expect(Object.keys(by).sort()).toEqual([
      "customers/data_request",
      "customers/redact",
      "shop/redact",
    ]);
    expect(got.every((r) => r.path === "/webhooks/compliance")).toBe(true);
    expect(theirs.length).toBeGreaterThan(0);
    expect(by["customers/data_request"].body).toEqual({
      shop_id: shopId,
      shop_domain: SHOP,
      customer: who,
      orders_requested: expect.arrayContaining(theirs),
      data_request: { id: expect.any(Number) },
    });
    expect(by["customers/data_request"].body.orders_requested).toHaveLength(theirs.length);
    expect(by["customers/redact"].body).toEqual({
      shop_id: shopId,
      shop_domain: SHOP,
      customer: who,
      orders_to_redact: expect.arrayContaining(theirs),
    });
    expect(by["shop/redact"].body).toEqual({ shop_id: shopId, shop_domain: SHOP });
    expect(() => hooks.triggerCompliance(SHOP, "customers/redact", "999999999")).toThrow(
      /Unknown customer/,
    );
  });
});

describe("close", () => {
  it("clears retry timers and aborts in-flight requests", async () => {
    const { hooks } = await setup({ timeScale: 1 });
    receiver.respond = () => ({ status: 200, delayMs: 3000 });
    hooks.trigger(SHOP, "orders/create", { id: 1 });
    await receiver.waitFor(1);
    const t0 = Date.now();
    await hooks.close();
    await hooks.idle(100);
    expect(Date.now() - t0).toBeLessThan(500);
  });
});
