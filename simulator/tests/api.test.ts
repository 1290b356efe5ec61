/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON responses in assertions */
/**
 * The simulator's Admin API end to end over HTTP, on real generated stores: validation errors,
 * pagination, filters, counts, nodes, scopes, cost/throttling, bad input, ShopifyQL, webhook subscriptions.
 */
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../src/index.js";
import { createCostBucket } from "../src/graphql/cost.js";

const DEMO = "demo.myshopify.com";
const LIMITED = "limited.myshopify.com";
const ORDERS = 1200;

let sim: RunningSimulator;
let token: string;
let client: GraphQLClient;
const logs: string[] = [];

const endpoint = () => `${sim.url}/admin/api/2026-07/graphql.json`;

async function post(body: unknown, opts: { shop?: string; token?: string | null; version?: string; raw?: string; contentType?: string; method?: string } = {}) {
  const headers: Record<string, string> = { "Content-Type": opts.contentType ?? "application/json", "X-Shopify-Shop-Domain": opts.shop ?? DEMO };
  const tok = opts.token === undefined ? token : opts.token;
  if (tok) headers["X-Shopify-Access-Token"] = tok;
  const res = await fetch(`${sim.url}/admin/api/${opts.version ?? "2026-07"}/graphql.json`, {
    method: opts.method ?? "POST",
    headers,
    body: opts.method === "GET" ? undefined : (opts.raw ?? JSON.stringify(body)),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

const gql = <T = any>(query: string, variables?: Record<string, unknown>) => client.request<T>(query, variables);

beforeAll(async () => {
  sim = await startSimulator({
    shops: [
      { domain: DEMO, size: { orders: ORDERS } },
      { domain: LIMITED, size: { orders: 20 }, scopes: ["read_products"] },
    ],
    log: (l) => logs.push(l),
  });
  token = sim.issueAccessToken(DEMO).accessToken;
  // Paging 1,200 orders quickly would (correctly) throttle a standard bucket; the throttling tests install their own.
  sim.shop(DEMO).bucket = createCostBucket({ restoreRate: 100, maximumAvailable: 1_000_000 });
  client = new GraphQLClient(endpoint(), { headers: { "X-Shopify-Access-Token": token, "X-Shopify-Shop-Domain": DEMO } });
});

afterAll(async () => {
  await sim?.close();
});

describe("validation against the real 2026-07 schema", () => {
  it("rejects an unknown field with Shopify's error shape, HTTP 200 and no data", async () => {
    const r = await post({ query: "{ shop { name notAField } }" });
    expect(r.status).toBe(200);
    expect(r.json.data).toBeUndefined();
    expect(r.json.errors[0]).toMatchObject({
      message: "Field 'notAField' doesn't exist on type 'Shop'",
      locations: [{ line: 1, column: 15 }],
      extensions: { code: "undefinedField", typeName: "Shop", fieldName: "notAField" },
    });
  });

  it("reports syntax errors without data", async () => {
    const r = await post({ query: "{ shop { name " });
    expect(r.status).toBe(200);
    expect(r.json.data).toBeUndefined();
    expect(r.json.errors[0].message).toMatch(/^Parse error/);
  });

  it("requires first or last on connections", async () => {
    const r = await post({ query: "{ orders { nodes { id } } }" });
    expect(r.status).toBe(200);
    expect(r.json.errors[0]).toMatchObject({ message: "you must provide one of first or last", path: ["orders"] });
    expect(r.json.data).toBeNull();
    const big = await post({ query: "{ orders(first: 251) { nodes { id } } }" });
    expect(big.json.errors[0].message).toMatch(/^first cannot exceed 250/);
  });
});

describe("reading the store", () => {
  it("pages through every order with cursors: all ids, in order, no duplicates", async () => {
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r: any = await gql(
        `query($after: String) { orders(first: 250, after: $after, sortKey: ID) { edges { cursor node { id legacyResourceId } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`,
        { after },
      );
      const c = r.orders;
      pages++;
      if (pages === 1) expect(c.pageInfo.hasPreviousPage).toBe(false);
      else expect(c.pageInfo.hasPreviousPage).toBe(true);
      expect(c.pageInfo.startCursor).toBe(c.edges[0].cursor);
      expect(c.pageInfo.endCursor).toBe(c.edges[c.edges.length - 1].cursor);
      for (const e of c.edges) ids.push(e.node.id);
      if (!c.pageInfo.hasNextPage || pages > 20) break;
      after = c.pageInfo.endCursor;
    }
    const count: any = await gql("{ ordersCount(limit: null) { count precision } }");
    expect(count.ordersCount).toEqual({ count: ORDERS, precision: "EXACT" });
    expect(ids.length).toBe(ORDERS);
    expect(new Set(ids).size).toBe(ids.length);
    const nums = ids.map((g) => Number(g.split("/").pop()));
    expect([...nums].sort((a, b) => a - b)).toEqual(nums);
    expect(pages).toBe(Math.ceil(ORDERS / 250));

    // backwards: last/before from the end gives the same tail, reversed order preserved
    const tail: any = await gql("{ orders(last: 5, sortKey: ID) { nodes { id } pageInfo { hasPreviousPage hasNextPage startCursor } } }");
    expect(tail.orders.nodes.map((n: any) => n.id)).toEqual(ids.slice(-5));
    expect(tail.orders.pageInfo.hasPreviousPage).toBe(true);
    const before: any = await gql("query($b: String) { orders(last: 5, before: $b, sortKey: ID) { nodes { id } } }", { b: tail.orders.pageInfo.startCursor });
    expect(before.orders.nodes.map((n: any) => n.id)).toEqual(ids.slice(-10, -5));
    const rev: any = await gql("{ orders(first: 3, sortKey: ID, reverse: true) { nodes { id } } }");
    expect(rev.orders.nodes.map((n: any) => n.id)).toEqual(ids.slice(-3).reverse());
  });

  it("filters with query: and counts agree", async () => {
    const sample: any = await gql("{ orders(first: 250, sortKey: UPDATED_AT) { nodes { id updatedAt } } }");
    const pivot = sample.orders.nodes[125].updatedAt as string;
    const q = `updated_at:>='${pivot}'`;
    const all: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const r: any = await gql("query($q: String, $after: String) { orders(first: 250, after: $after, query: $q, sortKey: UPDATED_AT) { nodes { id updatedAt } pageInfo { hasNextPage endCursor } } }", { q, after });
      for (const n of r.orders.nodes) {
        expect(n.updatedAt >= pivot).toBe(true);
        all.push(n.id);
      }
      if (!r.orders.pageInfo.hasNextPage) break;
      after = r.orders.pageInfo.endCursor;
    }
    const c: any = await gql("query($q: String) { ordersCount(query: $q, limit: null) { count precision } }", { q });
    expect(c.ordersCount.count).toBe(all.length);
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThan(ORDERS);
    const firstId = Number(sample.orders.nodes[0].id.split("/").pop());
    const byId: any = await gql(`{ orders(first: 5, query: "id:>${firstId}", sortKey: ID) { nodes { id } } }`);
    for (const n of byId.orders.nodes) expect(Number(n.id.split("/").pop())).toBeGreaterThan(firstId);
  });

  it("caps counts at limit with precision AT_LEAST", async () => {
    const r: any = await gql("{ a: ordersCount(limit: 10) { count precision } b: ordersCount { count precision } productsCount { count precision } }");
    expect(r.a).toEqual({ count: 10, precision: "AT_LEAST" });
    expect(r.b).toEqual({ count: ORDERS, precision: "EXACT" });
    expect(r.productsCount.count).toBeGreaterThan(0);
  });

  it("nodes(ids) returns null for unknown ids; node/order resolve; interfaces via __typename", async () => {
    const one: any = await gql("{ orders(first: 1) { nodes { id name } } }");
    const id = one.orders.nodes[0].id;
    const r: any = await gql("query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Order { name } } }", {
      ids: [id, "gid://shopify/Order/999999999999", "gid://shopify/Nope/1"],
    });
    expect(r.nodes).toEqual([{ __typename: "Order", id, name: one.orders.nodes[0].name }, null, null]);
    const o: any = await gql("query($id: ID!) { order(id: $id) { id } node(id: $id) { id } }", { id });
    expect(o.order.id).toBe(id);
    expect(o.node.id).toBe(id);
  });

  it("serves shop, nested connections and the other root collections", async () => {
    const r: any = await gql(`{
      shop { name currencyCode ianaTimezone }
      orders(first: 2) { nodes { id lineItems(first: 2) { nodes { id quantity } pageInfo { hasNextPage } } } }
      products(first: 2) { nodes { id variants(first: 3) { nodes { id } } } }
      customers(first: 2) { nodes { id } }
      locations(first: 2) { nodes { id } }
      inventoryItems(first: 2) { nodes { id } }
      abandonedCheckouts(first: 2) { nodes { id } }
      marketingEvents(first: 2) { nodes { id } }
      discountNodes(first: 2) { nodes { id discount { __typename } } }
      codeDiscountNodes(first: 2) { nodes { id codeDiscount { __typename } } }
      disputes(first: 2) { nodes { id } }
      shopifyPaymentsAccount { payouts(first: 2) { nodes { id } } balanceTransactions(first: 2) { nodes { id } } }
      deletionEvents(first: 5, subjectTypes: [PRODUCT]) { nodes { subjectId subjectType occurredAt } }
      currentAppInstallation { accessScopes { handle } }
    }`);
    expect(r.shop.name).toBeTruthy();
    expect(r.orders.nodes).toHaveLength(2);
    expect(Array.isArray(r.orders.nodes[0].lineItems.nodes)).toBe(true);
    expect(r.products.nodes.length).toBeGreaterThan(0);
    for (const n of r.codeDiscountNodes.nodes) expect(n.codeDiscount.__typename).toMatch(/^DiscountCode/);
    expect(r.currentAppInstallation.accessScopes.map((s: any) => s.handle)).toContain("read_orders");
  });

  it("answers the ShopifyQL sales query from the store", async () => {
    const r: any = await gql(`{ shopifyqlQuery(query: "FROM sales SHOW orders, gross_sales, discounts, returns, net_sales, taxes GROUP BY day SINCE 2000-01-01 UNTIL 2100-01-01") {
      parseErrors tableData { columns { name dataType displayName } rows } } }`);
    expect(r.shopifyqlQuery.parseErrors).toEqual([]);
    const cols = r.shopifyqlQuery.tableData.columns.map((c: any) => c.name);
    expect(cols).toEqual(["day", "orders", "gross_sales", "discounts", "returns", "net_sales", "taxes"]);
    const rows = r.shopifyqlQuery.tableData.rows as any[];
    expect(rows.reduce((s, row) => s + row.orders, 0)).toBe(ORDERS);
    for (const row of rows) {
      expect(row.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const net = Number(row.gross_sales) + Number(row.discounts) + Number(row.returns);
      expect(Number(row.net_sales)).toBeCloseTo(net, 2);
    }
    const bad: any = await gql(`{ shopifyqlQuery(query: "FROM nowhere SHOW x") { parseErrors tableData { rows } } }`);
    expect(bad.shopifyqlQuery.parseErrors.length).toBeGreaterThan(0);
    expect(bad.shopifyqlQuery.tableData).toBeNull();
  });
});

describe("scopes", () => {
  it("answers ACCESS_DENIED for a resource whose read scope the shop lacks", async () => {
    const limitedToken = sim.issueAccessToken(LIMITED).accessToken;
    const r = await post({ query: "{ orders(first: 1) { nodes { id } } }" }, { shop: LIMITED, token: limitedToken });
    expect(r.status).toBe(200);
    expect(r.json.data).toBeNull();
    expect(r.json.errors[0]).toMatchObject({
      message: "Access denied for orders field. Required access: `read_orders` access scope.",
      path: ["orders"],
      extensions: { code: "ACCESS_DENIED" },
    });
    const ok = await post({ query: "{ products(first: 1) { nodes { id } } shopifyqlQuery(query: \"FROM sales SHOW orders\") { parseErrors } }" }, { shop: LIMITED, token: limitedToken });
    expect(ok.json.data.products.nodes).toHaveLength(1);
    expect(ok.json.data.shopifyqlQuery).toBeNull();
    expect(ok.json.errors[0].extensions.code).toBe("ACCESS_DENIED");
  });
});

describe("cost and throttling", () => {
  it("reports extensions.cost and refunds requested − actual", async () => {
    const shop = sim.shop(DEMO);
    const saved = shop.bucket;
    shop.bucket = createCostBucket({ restoreRate: 100 });
    const r = await post({ query: "{ orders(first: 10) { nodes { id } } }" });
    expect(r.json.extensions.cost).toMatchObject({
      requestedQueryCost: 12,
      actualQueryCost: 12,
      throttleStatus: { maximumAvailable: 2000, restoreRate: 100 },
    });
    const few = await post({ query: '{ orders(first: 100, query: "id:<0") { nodes { id } } }' });
    expect(few.json.extensions.cost.requestedQueryCost).toBe(102);
    expect(few.json.extensions.cost.actualQueryCost).toBe(2);
    // 2000 − 12 − 102 + 100 refunded (restoration within the test may add a few points)
    expect(few.json.extensions.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(1986);
    shop.bucket = saved;
  });

  it("refuses a query above 1000 points with MAX_COST_EXCEEDED", async () => {
    const r = await post({ query: "{ orders(first: 250) { nodes { id lineItems(first: 50) { nodes { id } } } } }" });
    expect(r.status).toBe(200);
    expect(r.json.data).toBeUndefined();
    expect(r.json.errors[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", maxCost: 1000 });
  });

  it("throttles when the bucket is empty (HTTP 200, THROTTLED) and restores over time", async () => {
    const shop = sim.shop(DEMO);
    const saved = shop.bucket;
    let now = 5_000_000;
    shop.bucket = createCostBucket({ restoreRate: 100, now: () => now });
    try {
      shop.bucket.drain();
      const r = await post({ query: "{ orders(first: 50) { nodes { id } } }" });
      expect(r.status).toBe(200);
      expect(r.json.data).toBeUndefined();
      expect(r.json.errors).toEqual([{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }]);
      expect(r.json.extensions.cost).toMatchObject({ requestedQueryCost: 52, actualQueryCost: null, throttleStatus: { currentlyAvailable: 0 } });
      now += 1000; // +100 points
      const ok = await post({ query: "{ orders(first: 50) { nodes { id } } }" });
      expect(ok.json.errors).toBeUndefined();
      expect(ok.json.extensions.cost.throttleStatus.currentlyAvailable).toBe(100 - 52);
    } finally {
      shop.bucket = saved;
    }
  });
});

describe("bad input never crashes the simulator", () => {
  it("401 without or with a wrong token", async () => {
    const none = await post({ query: "{ shop { name } }" }, { token: null });
    expect(none).toEqual({ status: 401, json: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" } });
    const wrong = await post({ query: "{ shop { name } }" }, { token: "shpat_nope" });
    expect(wrong.status).toBe(401);
    const otherShop = await post({ query: "{ shop { name } }" }, { shop: LIMITED });
    expect(otherShop.status).toBe(401);
  });

  it("400 on malformed JSON or a missing query; 404 on unknown version or shop; 405 on GET", async () => {
    expect(await post(null, { raw: "{not json" })).toEqual({ status: 400, json: { errors: { query: "Required parameter missing or invalid" } } });
    expect((await post({})).status).toBe(400);
    expect((await post({ query: 42 })).status).toBe(400);
    expect((await post(null, { raw: "[1,2]" })).status).toBe(400);
    expect(await post({ query: "{ shop { name } }" }, { version: "2019-01" })).toEqual({ status: 404, json: { errors: "Not Found" } });
    expect((await post({ query: "{ shop { name } }" }, { version: "banana" })).status).toBe(404);
    expect((await post({ query: "{ shop { name } }" }, { shop: "nope.myshopify.com" })).status).toBe(404);
    expect((await post(null, { method: "GET" })).status).toBe(405);
    const weird = await post({ query: "{ shop { name } }", variables: "oops" });
    expect(weird.status).toBe(400);
    const badVar = await post({ query: "query($id: ID!) { order(id: $id) { id } }", variables: {} });
    expect(badVar.status).toBe(200);
    expect(badVar.json.errors[0].message).toMatch(/\$id/);
    const badCursor = await post({ query: '{ orders(first: 2, after: "%%%") { nodes { id } } }' });
    expect(badCursor.status).toBe(200);
    expect(badCursor.json.errors.length).toBe(1);
    const raw = await post(null, { raw: "{ shop { name } }", contentType: "application/graphql" });
    expect(raw.json.data.shop.name).toBeTruthy();
    const ok = await post({ query: "{ shop { name } }" });
    expect(ok.status).toBe(200);
  });

  it("answers through /_sim/shops/<domain>/admin/... and unknown paths with 404", async () => {
    const res = await fetch(`${sim.url}/_sim/shops/${DEMO}/admin/api/2026-07/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${sim.url}/nowhere`)).status).toBe(404);
  });

  it("injects graphql5xx faults before executing", async () => {
    sim.shop(DEMO).faults.graphql5xx = { remaining: 2, status: 502 };
    expect((await post({ query: "{ shop { name } }" })).status).toBe(502);
    expect((await post({ query: "{ shop { name } }" })).status).toBe(502);
    expect((await post({ query: "{ shop { name } }" })).status).toBe(200);
  });

  it("unimplemented mutations answer a GraphQL error, not a crash", async () => {
    const r = await post({ query: 'mutation { tagsAdd(id: "gid://shopify/Order/1", tags: ["x"]) { userErrors { message } } }' });
    expect(r.status).toBe(200);
    expect(r.json.errors[0].extensions.code).toBe("NOT_IMPLEMENTED");
    expect(r.json.extensions.cost.requestedQueryCost).toBe(10);
  });
});

describe("webhook subscriptions through the API", () => {
  it("creates, lists and deletes a subscription", async () => {
    const created: any = await gql(
      `mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: "https://app.example/webhooks/x" }) {
        webhookSubscription { id topic uri endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } } userErrors { field message } } }`,
    );
    const sub = created.webhookSubscriptionCreate.webhookSubscription;
    expect(sub).toMatchObject({ topic: "ORDERS_CREATE", uri: "https://app.example/webhooks/x" });
    expect(sim.webhooks.subscriptions(DEMO).some((s) => s.topic === "orders/create" && s.uri === "https://app.example/webhooks/x")).toBe(true);
    const list: any = await gql("{ webhookSubscriptions(first: 100, topics: [ORDERS_CREATE]) { nodes { id topic uri } } }");
    expect(list.webhookSubscriptions.nodes.map((n: any) => n.id)).toContain(sub.id);
    const del: any = await gql("mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }", { id: sub.id });
    expect(del.webhookSubscriptionDelete).toEqual({ deletedWebhookSubscriptionId: sub.id, userErrors: [] });
  });
});

describe("bulk operations through the API", () => {
  it("runs a bulk query to completion and serves the JSONL", async () => {
    const started: any = await gql(
      `mutation { bulkOperationRunQuery(groupObjects: false, query: "{ orders { edges { node { id } } } }") { bulkOperation { id status } userErrors { field message code } } }`,
    );
    expect(started.bulkOperationRunQuery.userErrors).toEqual([]);
    const id = started.bulkOperationRunQuery.bulkOperation.id;
    let op: any;
    for (let i = 0; i < 200; i++) {
      op = ((await gql("query($id: ID!) { bulkOperation(id: $id) { id status objectCount url errorCode } }", { id })) as any).bulkOperation;
      if (op.status === "COMPLETED" || op.status === "FAILED") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(op.status).toBe("COMPLETED");
    expect(Number(op.objectCount)).toBe(ORDERS);
    const jsonl = await (await fetch(op.url)).text();
    expect(jsonl.trim().split("\n")).toHaveLength(ORDERS);
    const listed: any = await gql("{ bulkOperations(first: 5) { nodes { id status } } }");
    expect(listed.bulkOperations.nodes.map((n: any) => n.id)).toContain(id);
  });
});
