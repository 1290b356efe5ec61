/**
 * The mandatory compliance webhooks through the real route (signed, authenticate.webhook):
 * data_request builds a downloadable export; customers/redact leaves no trace of the customer's
 * name, email, phone or address in ANY table (every text column of every table is scanned) while
 * order facts stay; shop/redact removes every row of the shop.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { getHmac } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createStore } from "../../simulator/src/store/store";
import { restPayload } from "../../simulator/src/webhooks/payloads";
import { readCustomerExport } from "../../app/sync/compliance/exports.server";
import { createInProcessRunner } from "../../app/sync/jobs/in-process-runner.server";
import { recordActivity } from "../../app/sync/sync-runs.server";
import { createWebhookJobs } from "../../app/sync/webhooks/refine.server";
import { setWebhookJobBackend } from "../../app/sync/webhooks/runtime.server";
import { API_SECRET_KEY, APP_URL, bootApp, type BootedApp } from "../app/harness";

const SHOP = "privacy-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const PERSON = {
  first: "Zebedee",
  last: "Quixotique",
  email: "zebedee.quixotique@example.org",
  phone: "+15550001111",
  address1: "42 Wallaby Way Zq",
  zip: "90210",
};
const NEEDLES = [PERSON.first, PERSON.last, PERSON.email, PERSON.phone, PERSON.address1];

let app: BootedApp;
let action: (args: { request: Request; params: object; context: object }) => Promise<Response>;
let resourceAction: typeof action;
let customerAction: typeof action;
let exportDir: string;
const store = createStore({ domain: SHOP, size: { orders: 10 } });
const ctx = { shop: store.shop(), domain: SHOP, resolve: (gid: string) => store.node(gid) };

beforeAll(async () => {
  exportDir = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-exports-"));
  process.env.STORESYNC_EXPORT_DIR = exportDir;
  app = await bootApp();
  setWebhookJobBackend(undefined);
  action = (await import("../../app/routes/webhooks.compliance")).action as typeof action;
  resourceAction = (await import("../../app/routes/webhooks.orders")).action as typeof action;
  customerAction = (await import("../../app/routes/webhooks.customers")).action as typeof action;
  for (const shop of [SHOP, OTHER]) await app.db.shop.create({ data: { shop, currencyCode: "USD" } });
});
afterAll(async () => {
  await app?.database.drop();
  fs.rmSync(exportDir, { recursive: true, force: true });
  delete process.env.STORESYNC_EXPORT_DIR;
});

function signed(topic: string, body: unknown, shop = SHOP): Request {
  const raw = JSON.stringify(body);
  return new Request(`${APP_URL}/webhooks/x`, {
    method: "POST",
    body: raw,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": crypto.randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Hmac-Sha256": getHmac(raw, API_SECRET_KEY),
    },
  });
}
const call = async (a: typeof action, topic: string, body: unknown, shop = SHOP) => (await a({ request: signed(topic, body, shop), params: {}, context: {} })).status;

/** Every text value of every table (SQLite) in rows of SHOP, with where it was found. */
async function textCells(): Promise<{ table: string; value: string }[]> {
  const tables = await app.db.$queryRawUnsafe<{ name: string }[]>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%'",
  );
  const out: { table: string; value: string }[] = [];
  for (const { name } of tables) {
    const rows = await app.db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${name}"`);
    for (const row of rows) {
      if (row.shop !== SHOP) continue;
      for (const v of Object.values(row)) if (typeof v === "string") out.push({ table: name, value: v });
    }
  }
  return out;
}
const mentions = (cells: { table: string; value: string }[]) =>
  cells.filter((c) => NEEDLES.some((n) => c.value.toLowerCase().includes(n.toLowerCase()))).map((c) => `${c.table}: ${c.value.slice(0, 120)}`);

describe("compliance webhooks", () => {
  let customerId: number;
  let orderIds: number[] = [];

  it("GIVEN a customer with orders stored from webhooks", async () => {
    const customerRecord = [...store.collection("customers").scan()][0].record;
    const customer: Record<string, unknown> = {
      ...restPayload("customers/create", customerRecord, undefined, ctx),
      first_name: PERSON.first,
      last_name: PERSON.last,
      email: PERSON.email,
      phone: PERSON.phone,
    };
    customerId = customer.id as number;
    const address = { first_name: PERSON.first, last_name: PERSON.last, name: `${PERSON.first} ${PERSON.last}`, address1: PERSON.address1, city: "Sydney", zip: PERSON.zip, phone: PERSON.phone, country_code: "AU" };
    (customer as Record<string, unknown>).addresses = ((customer.addresses as Record<string, unknown>[]) ?? []).map((a) => ({ ...a, ...address }));
    (customer as Record<string, unknown>).default_address = { ...((customer.default_address as object) ?? {}), ...address };
    expect(await call(customerAction, "customers/create", customer)).toBe(200);
    const orders = [...store.collection("orders").scan()].slice(0, 2).map(({ record }): Record<string, unknown> => ({
      ...restPayload("orders/create", record, undefined, ctx),
      email: PERSON.email,
      contact_email: PERSON.email,
      phone: PERSON.phone,
      customer: { id: customerId, email: PERSON.email, first_name: PERSON.first, last_name: PERSON.last, admin_graphql_api_id: `gid://shopify/Customer/${customerId}` },
      billing_address: address,
      shipping_address: address,
    }));
    orderIds = orders.map((o) => o.id as number);
    for (const o of orders) expect(await call(resourceAction, "orders/create", o)).toBe(200);
    await createInProcessRunner({ db: app.db, handlers: createWebhookJobs() }).runUntilIdle();
    // Free text quoting the customer, and another shop with the same customer data.
    await recordActivity(app.db, { shop: SHOP, kind: "note", message: `Synced the order of ${PERSON.first} ${PERSON.last} <${PERSON.email}>` });
    await app.db.job.create({ data: { shop: SHOP, type: "x", status: "done", payloadJson: JSON.stringify({ email: PERSON.email }) } });
    await app.db.customer.create({ data: { shop: OTHER, id: BigInt(customerId), gid: "g", email: PERSON.email, createdAt: new Date(), updatedAt: new Date() } });

    expect(await app.db.order.count({ where: { shop: SHOP, customerId: BigInt(customerId) } })).toBe(2);
    expect(mentions(await textCells()).length).toBeGreaterThan(5);
  });

  it("customers/data_request assembles everything stored into a downloadable export", async () => {
    const body = { shop_id: 1, shop_domain: SHOP, orders_requested: orderIds, customer: { id: customerId, email: PERSON.email, phone: PERSON.phone }, data_request: { id: 9 } };
    expect(await call(action, "customers/data_request", body)).toBe(200);
    const event = await app.db.activityEvent.findFirstOrThrow({ where: { shop: SHOP, kind: "compliance.data_request" } });
    const data = JSON.parse(event.dataJson!) as { exportId: string; counts: Record<string, number> };
    expect(data.counts).toMatchObject({ customers: 1, orders: 2, addresses: 1 });
    expect(data.counts.rawRecords).toBeGreaterThanOrEqual(3);
    expect(event.dataJson).not.toContain(PERSON.email); // the log names no personal data
    const file = await readCustomerExport(app.db, SHOP, data.exportId);
    const doc = JSON.parse(file!.body);
    expect(doc.customers[0]).toMatchObject({ email: PERSON.email, firstName: PERSON.first });
    expect(doc.orders).toHaveLength(2);
    expect(doc.orders[0].lineItems.length).toBeGreaterThan(0);
    expect(await readCustomerExport(app.db, OTHER, data.exportId)).toBeNull(); // another shop cannot read it
  });

  it("customers/redact leaves no name, email, phone or address in any table, keeping order facts", async () => {
    const before = await app.db.order.findMany({ where: { shop: SHOP, id: { in: orderIds.map(BigInt) } }, orderBy: { id: "asc" } });
    const lineItems = await app.db.lineItem.count({ where: { shop: SHOP } });
    const body = { shop_id: 1, shop_domain: SHOP, customer: { id: customerId, email: PERSON.email, phone: PERSON.phone }, orders_to_redact: orderIds };
    expect(await call(action, "customers/redact", body)).toBe(200);

    expect(mentions(await textCells())).toEqual([]);
    const customers = await app.db.customer.findMany({ where: { shop: SHOP } });
    expect(customers[0]).toMatchObject({ firstName: null, lastName: null, email: null, phone: null });
    expect(customers[0].deletedAt).toBeInstanceOf(Date);
    expect(await app.db.customer.findFirst({ where: { shop: OTHER } })).toMatchObject({ email: PERSON.email });
    expect(await app.db.customerAddress.count({ where: { shop: SHOP } })).toBe(0);

    const after = await app.db.order.findMany({ where: { shop: SHOP, id: { in: orderIds.map(BigInt) } }, orderBy: { id: "asc" } });
    expect(after.map((o) => [o.name, String(o.totalPrice), o.createdAt.toISOString(), o.customerId])).toEqual(
      before.map((o) => [o.name, String(o.totalPrice), o.createdAt.toISOString(), o.customerId]),
    );
    expect(after.every((o) => o.email === null && o.billingAddressJson === null)).toBe(true);
    expect(await app.db.lineItem.count({ where: { shop: SHOP } })).toBe(lineItems);
    const raws = await app.db.rawRecord.findMany({ where: { shop: SHOP } });
    expect(raws.every((r) => JSON.parse(r.payload).__redacted)).toBe(true);
    expect(JSON.parse(raws.find((r) => r.resource === "orders")!.payload).total_price).toBeDefined();

    // Logged with counts; the export is gone.
    const log = await app.db.activityEvent.findFirstOrThrow({ where: { shop: SHOP, kind: "compliance.customer_redact" } });
    expect(JSON.parse(log.dataJson!)).toMatchObject({ orders: 2, addresses: 1 });
    expect(fs.readdirSync(path.join(exportDir, SHOP))).toEqual([]);
    // Delivered again: a no-op.
    expect(await call(action, "customers/redact", body)).toBe(200);
  });

  it("shop/redact erases every row of the shop, logging counts", async () => {
    expect(await call(action, "shop/redact", { shop_id: 1, shop_domain: SHOP })).toBe(200);
    const cells = await app.db.$queryRawUnsafe<{ name: string }[]>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%'",
    );
    const left: Record<string, number> = {};
    for (const { name } of cells) {
      const [{ n }] = await app.db.$queryRawUnsafe<{ n: bigint | number }[]>(`SELECT COUNT(*) AS n FROM "${name}" WHERE shop = ?`, SHOP);
      if (Number(n) > 0) left[name] = Number(n);
    }
    // Only the record of the request itself: its delivery and the log entry.
    expect(left).toEqual({ webhook_deliveries: 1, activity_events: 1 });
    const log = await app.db.activityEvent.findFirstOrThrow({ where: { shop: SHOP } });
    expect(log.kind).toBe("compliance.shop_redact");
    expect(JSON.parse(log.dataJson!).deleted.order).toBe(2);
    expect(await app.db.shop.count({ where: { shop: OTHER } })).toBe(1);
  });
});
