/**
 * The simulator delivers real signed webhooks (REST payloads, 2026-07) to the app's routes over
 * HTTP with its faults on — duplicates, reordering, delays — and the app answers 503 to some first
 * attempts (Shopify retries them). When everything is delivered and refined, every touched record
 * in the database equals what the simulator's final data refines to.
 */
import path from "node:path";

import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startSimulator, type RunningSimulator } from "../../simulator/src/index";
import { restPayload } from "../../simulator/src/webhooks/payloads";
import type { GqlRecord, ResourceName } from "../../simulator/src/types";
import { createInProcessRunner, type InProcessRunner } from "../../app/sync/jobs/in-process-runner.server";
import { definitionForTopic } from "../../app/sync/resources";
import { TABLES, type TableName } from "../../app/sync/refine/tables";
import { createWebhookJobs } from "../../app/sync/webhooks/refine.server";
import { getWebhookHealth } from "../../app/sync/webhooks/health.server";
import { setWebhookJobBackend } from "../../app/sync/webhooks/runtime.server";
import { bootApp, type BootedApp } from "../app/harness";
import { startWebhookAppServer, type WebhookAppServer } from "./app-server";

const SHOP = "faults-shop.myshopify.com";

let app: BootedApp;
let runner: InProcessRunner;
let server: WebhookAppServer;
let sim: RunningSimulator;

beforeAll(async () => {
  app = await bootApp();
  await app.db.shop.create({ data: { shop: SHOP, currencyCode: "USD" } });
  runner = createInProcessRunner({ db: app.db, handlers: createWebhookJobs(), pollMs: 200 });
  setWebhookJobBackend(runner);
  await runner.start();
  server = await startWebhookAppServer();
  sim = await startSimulator({
    shops: [{ domain: SHOP, seed: 7, size: { orders: 60 } }],
    appToml: path.resolve("shopify.app.toml"),
    appUrl: server.url,
    apiKey: API_KEY,
    apiSecret: API_SECRET_KEY,
    timeScale: 20_000, // Shopify's first retry (~56 s) after ~3 ms
    log: () => undefined,
  });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await server?.close();
  await runner?.stop();
  setWebhookJobBackend(undefined);
  await app?.database.drop();
});

async function settled(timeoutMs = 20_000): Promise<void> {
  await sim.webhooks.idle(timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await app.db.rawRecord.count({ where: { shop: SHOP, status: "pending" } });
    const jobs = await app.db.job.count({ where: { shop: SHOP, status: { in: ["queued", "running"] } } });
    if (pending === 0 && jobs === 0) return;
    if (Date.now() > deadline) throw new Error(`not refined: ${pending} pending, ${jobs} jobs`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function first(resource: ResourceName, n: number): GqlRecord[] {
  const out: GqlRecord[] = [];
  for (const { record } of sim.shop(SHOP).store.collection(resource).scan()) {
    out.push(record);
    if (out.length >= n) break;
  }
  return out;
}

/** Comparable form of a column value (Decimal/number/string amounts, Dates, bigints). */
function norm(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "object" && v !== null && "toFixed" in v) return Number(String(v));
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v;
}

/** The root row the simulator's final record refines to, compared with the stored row. */
async function expectStoredEqualsSimulator(topic: string, record: GqlRecord) {
  const ctx = { shop: sim.shop(SHOP).store.shop(), domain: SHOP, resolve: (gid: string) => sim.shop(SHOP).store.node(gid) };
  const payload = restPayload(topic, record, undefined, ctx);
  const set = definitionForTopic(topic)!.refineRest(topic, payload, { shopCurrency: "USD" });
  const [table, rows] = Object.entries(set.rows)[0] as [TableName, Record<string, unknown>[]];
  const expected = rows[0];
  const spec = TABLES[table];
  const where = Object.fromEntries(spec.key.map((k) => [k, expected[k]]));
  const delegate = (app.db as unknown as Record<string, { findFirst(a: unknown): Promise<Record<string, unknown> | null> }>)[
    spec.model.charAt(0).toLowerCase() + spec.model.slice(1)
  ];
  const stored = await delegate.findFirst({ where: { shop: SHOP, ...where } });
  expect(stored, `${topic} ${record.id}`).not.toBeNull();
  for (const [field, value] of Object.entries(expected)) expect(norm(stored![field]), `${record.id} ${field}`).toEqual(norm(value));
  expect(stored!.deletedAt).toBeNull();
}

describe("webhooks from the simulator with faults", () => {
  it("duplicates, reordering, delays and 5xx retries end with the database equal to the simulator", async () => {
    const shop = sim.shop(SHOP);
    // delayMs holds every delivery of the three rounds in one reorder window: versions arrive shuffled.
    shop.faults.webhooks = { dropRate: 0, duplicateRate: 0.3, delayMs: 2_500, reorder: true };
    server.failNext(6, 503);
    const store = shop.store;

    const orders = first("orders", 12);
    const customers = first("customers", 6);
    const products = first("products", 4);
    // Several updates per record, delivered out of order: the last one must win. Rounds are a
    // second apart: the simulator's change clock (updated_at and X-Shopify-Triggered-At) has whole
    // seconds, so two changes within one second carry nothing that orders them.
    for (let round = 0; round < 3; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, 1_050));
      for (const o of orders) store.update("orders", o.id, { note: `order ${o.id} round ${round}`, tags: [`r${round}`] });
      for (const c of customers) store.update("customers", c.id, { note: `customer round ${round}` });
      for (const p of products) store.update("products", p.id, { title: `Product ${p.id} v${round}` });
    }
    const created = [store.create("orders", {}), store.create("orders", {})];
    const deletedOrder = orders.pop()!;
    store.delete("orders", deletedOrder.id);
    const deletedProduct = products.pop()!;
    store.delete("products", deletedProduct.id);

    await settled();

    for (const o of [...orders, ...created]) await expectStoredEqualsSimulator("orders/updated", store.collection("orders").get(o.id)!);
    for (const c of customers) await expectStoredEqualsSimulator("customers/update", store.collection("customers").get(c.id)!);
    for (const p of products) await expectStoredEqualsSimulator("products/update", store.collection("products").get(p.id)!);
    const gone = await app.db.order.findFirst({ where: { shop: SHOP, gid: deletedOrder.id } });
    expect(gone?.deletedAt).toBeInstanceOf(Date);
    const goneProduct = await app.db.product.findFirst({ where: { shop: SHOP, gid: deletedProduct.id } });
    expect(goneProduct?.deletedAt).toBeInstanceOf(Date);

    // The faults really happened, and health tells.
    const log = sim.webhooks.deliveries(SHOP);
    expect(log.every((d) => d.status === "delivered")).toBe(true);
    expect(log.some((d) => d.attempts > 1)).toBe(true); // duplicates and 5xx retries
    expect(server.answers.filter((a) => a.status === 503)).toHaveLength(6);
    const health = await getWebhookHealth(app.db, SHOP);
    expect(health.totals.duplicates).toBeGreaterThan(0);
    expect(health.totals.failed).toBe(0);
    expect(health.totals.pending).toBe(0);
    expect(await app.db.rawRecord.count({ where: { shop: SHOP, status: "error" } })).toBe(0);
  }, 60_000);
});
