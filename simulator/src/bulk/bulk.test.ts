import { readFileSync } from "node:fs";

import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  type BulkHarness,
  bulkOperationById,
  createBulkHarness,
  runBulkMutation,
  runBulkToEnd,
} from "./testing.js";

const ORDERS_QUERY = `{
  orders(sortKey: ID) {
    edges {
      node {
        id
        name
        createdAt
        updatedAt
        total: totalPriceSet { shopMoney { amount currencyCode } }
        customer { id email }
        transactions { id kind status amountSet { shopMoney { amount } } }
        __typename
        lineItems {
          edges {
            node {
              id
              quantity
              sku
              originalUnitPriceSet { shopMoney { amount } }
            }
          }
        }
      }
    }
  }
}`;

type Line = Record<string, unknown> & { id?: string; __parentId?: string };

async function download(url: string): Promise<{ text: string; lines: Line[]; res: Response }> {
  const res = await fetch(url);
  const text = await res.text();
  const lines = text
    .split("\n")
    .filter((l) => l.length)
    .map((l) => JSON.parse(l) as Line);
  return { text, lines, res };
}

/** The bulk_operations/finish delivery of operation `id` (real webhook delivery to the test receiver). */
async function finishWebhook(h: BulkHarness, id: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const hit = h.receiver.received.find((r) => r.body.admin_graphql_api_id === id);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no bulk_operations/finish for ${id}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Roots with their children re-attached (order of children kept). */
function regroup(lines: Line[]): Map<string, { root: Line; children: Line[] }> {
  const roots = new Map<string, { root: Line; children: Line[] }>();
  for (const l of lines) {
    if (l.__parentId) {
      const { __parentId, ...rest } = l;
      roots.get(__parentId)!.children.push(rest);
    } else roots.set(l.id!, { root: l, children: [] });
  }
  return roots;
}

describe("bulk query validation", () => {
  let h: BulkHarness;
  beforeAll(async () => {
    h = await createBulkHarness({ size: { orders: 5 } });
  });
  afterAll(async () => h.close());

  const cases: [string, string, RegExp][] = [
    [
      "no connection",
      "{ shop { id name } }",
      /^Bulk queries must contain at least one connection\.$/,
    ],
    [
      "too many connections",
      "{ products { edges { node { id variants { edges { node { id } } } media { edges { node { id } } } collections { edges { node { id } } } metafields { edges { node { id } } } sellingPlanGroups { edges { node { id } } } } } } }",
      /cannot contain more than 5 connections/,
    ],
    [
      "nesting too deep",
      "{ products { edges { node { id variants { edges { node { id inventoryItem { id inventoryLevels { edges { node { id } } } } } } } } } } }",
      /nesting depth greater than 2/,
    ],
    [
      "invalid field",
      "{ orders { edges { node { id nope } } } }",
      /^Invalid bulk query: Field 'nope' doesn't exist on type 'Order'$/,
    ],
    ["syntax error", "{ orders { edges ", /^Invalid bulk query: syntax error/],
    ["empty", "", /^Invalid bulk query: syntax error, unexpected end of file$/],
    [
      "nodes instead of edges",
      "{ orders { nodes { id } } }",
      /Selecting via 'nodes' is not supported\. Invalid connection fields: 'orders'\./,
    ],
    ["top-level node", '{ node(id: "gid://shopify/Order/1") { id } }', /top level `node` field/],
    [
      "mutation",
      'mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/1") { userErrors { message } } }',
      /Only `query` operations/,
    ],
    [
      "parent without id",
      "{ orders { edges { node { name lineItems { edges { node { id } } } } } } }",
      /Connection fields without 'id': orders\./,
    ],
    [
      "connection in a list",
      "{ orders { edges { node { id fulfillments { fulfillmentLineItems { edges { node { id } } } } } } } }",
      /connection field within a list field/,
    ],
  ];
  for (const [name, query, message] of cases) {
    it(`refuses: ${name}`, async () => {
      const r = await runBulkMutation(h, query);
      expect(r.bulkOperation).toBeNull();
      expect(r.userErrors.length).toBeGreaterThan(0);
      expect(r.userErrors[0]).toMatchObject({ field: ["query"], code: "INVALID" });
      expect(r.userErrors.map((e) => e.message).join("\n")).toMatch(message);
    });
  }

  it("accepts a valid query without first/last and returns a CREATED BulkOperation", async () => {
    const r = await runBulkMutation(h, ORDERS_QUERY);
    expect(r.userErrors).toEqual([]);
    expect(r.bulkOperation).toMatchObject({
      status: "CREATED",
      type: "QUERY",
      objectCount: "0",
      rootObjectCount: "0",
      url: null,
      query: ORDERS_QUERY,
    });
    expect(String(r.bulkOperation!.id)).toMatch(/^gid:\/\/shopify\/BulkOperation\/\d+$/);
    await h.bulk.idle(h.shop);
  });
});

describe("bulk export JSONL", () => {
  let h: BulkHarness;
  beforeAll(async () => {
    h = await createBulkHarness({ size: { orders: 120 } });
  });
  afterAll(async () => h.close());

  it("flattens nested connections into __parentId lines, interleaved but always after the parent", async () => {
    const op = await runBulkToEnd(h, ORDERS_QUERY);
    expect(op).toMatchObject({ status: "COMPLETED", errorCode: null, partialDataUrl: null });
    expect(op.completedAt).toMatch(/Z$/);
    const { text, lines, res } = await download(op.url as string);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/jsonl");
    expect(op.fileSize).toBe(String(Buffer.byteLength(text)));
    expect(op.objectCount).toBe(String(lines.length));
    const roots = lines.filter((l) => !l.__parentId);
    expect(op.rootObjectCount).toBe(String(roots.length));
    expect(roots.length).toBe(120);

    const seen = new Set<string>();
    let notAdjacent = 0;
    let lastRoot: string | undefined;
    for (const l of lines) {
      if (l.__parentId) {
        expect(seen.has(l.__parentId)).toBe(true); // parent came earlier
        expect(Object.keys(l).at(-1)).toBe("__parentId");
        expect(l).not.toHaveProperty("lineItems");
        if (l.__parentId !== lastRoot) notAdjacent++;
      } else {
        lastRoot = l.id;
        expect(l).not.toHaveProperty("lineItems"); // nested connection removed from the parent line
        expect(l.transactions).toBeInstanceOf(Array); // non-connection lists stay inline
        expect(l.total).toEqual({ shopMoney: { amount: expect.any(String), currencyCode: "USD" } }); // aliases kept
        expect(l.__typename).toBe("Order");
      }
      seen.add(l.id!);
    }
    expect(notAdjacent).toBeGreaterThan(0);
  });

  it("groupObjects: true keeps every child directly after its parent", async () => {
    const op = await runBulkToEnd(h, ORDERS_QUERY, true);
    const { lines } = await download(op.url as string);
    let lastRoot: string | undefined;
    for (const l of lines) {
      if (l.__parentId) expect(l.__parentId).toBe(lastRoot);
      else lastRoot = l.id;
    }
    expect(op.objectCount).toBe(String(lines.length));
  });

  it("exports the same records as the paginated API", async () => {
    const op = await runBulkToEnd(h, ORDERS_QUERY);
    const { lines } = await download(op.url as string);
    const bulk = regroup(lines);

    const selection = ORDERS_QUERY.replace(/^\{\s*orders\(sortKey: ID\) \{/, "").replace(
      /\}\s*$/,
      "",
    );
    const paged = parse(
      `query Page($after: String) { orders(first: 50, after: $after, sortKey: ID) { pageInfo { hasNextPage endCursor } ${selection
        .replace("lineItems {", "lineItems(first: 250) {")
        .replace(/\}\s*$/, "")} } }`,
    );
    const viaApi: Record<string, unknown>[] = [];
    let after: string | null = null;
    for (;;) {
      const r = await h.sim.executor.execute(h.shop, paged, { after });
      expect(r.errors).toBeUndefined();
      const conn = (
        r.data as {
          orders: {
            edges: { node: Record<string, unknown> }[];
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        }
      ).orders;
      viaApi.push(...conn.edges.map((e) => e.node));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(viaApi.length).toBe(bulk.size);
    expect([...bulk.keys()]).toEqual(viaApi.map((n) => n.id)); // same order
    for (const node of viaApi) {
      const { lineItems, ...rest } = node as { lineItems: { edges: { node: unknown }[] } };
      const b = bulk.get(node.id as string)!;
      expect(b.root).toEqual(rest);
      expect(b.children).toEqual(lineItems.edges.map((e) => e.node));
    }
  });

  it("the compiled projector writes exactly what per-record executor.execute writes", async () => {
    const { createBulkManager } = await import("./index.js");
    const viaExecutor = createBulkManager(h.sim, { mode: "executor", interleaveSeed: 99 });
    const viaProjector = createBulkManager(h.sim, { mode: "projector", interleaveSeed: 99 });
    try {
      const query = ORDERS_QUERY.replace(
        "orders(sortKey: ID)",
        "orders(sortKey: UPDATED_AT, reverse: true, query: \"updated_at:>='2025-01-02T00:00:00Z'\")",
      )
        .replace("__typename", "__typename ... on Order { processedAt } ...F")
        .concat(" fragment F on Order { legacyResourceId tags displayFinancialStatus }");
      const a = viaExecutor.runQuery(h.shop, query, {}).bulkOperation!;
      const b = viaProjector.runQuery(h.shop, query, {}).bulkOperation!;
      await viaExecutor.idle();
      await viaProjector.idle();
      const fa = readFileSync(viaExecutor.filePath(h.shop, a.id)!, "utf8");
      const fb = readFileSync(viaProjector.filePath(h.shop, b.id)!, "utf8");
      expect(fa.length).toBeGreaterThan(1000);
      expect(fb).toBe(fa);
      expect(viaExecutor.stats(h.shop, a.id)).toMatchObject({ projected: 0 });
      expect(viaProjector.stats(h.shop, b.id)).toMatchObject({ executed: 0 });
      expect(fa).toContain('"legacyResourceId"');
    } finally {
      await viaExecutor.close();
      await viaProjector.close();
    }
  });

  it("an empty result completes with url null and objectCount 0", async () => {
    const op = await runBulkToEnd(
      h,
      `{ orders(query: "created_at:<'2000-01-01T00:00:00Z'") { edges { node { id } } } }`,
    );
    expect(op).toMatchObject({
      status: "COMPLETED",
      url: null,
      objectCount: "0",
      rootObjectCount: "0",
      fileSize: null,
    });
  });

  it("serves byte ranges", async () => {
    const op = await runBulkToEnd(h, ORDERS_QUERY, true);
    const full = await (await fetch(op.url as string)).text();
    const res = await fetch(op.url as string, { headers: { Range: "bytes=10-29" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes 10-29/${Buffer.byteLength(full)}`);
    expect(await res.text()).toBe(full.slice(10, 30));
  });

  it("result URLs expire (403 with a storage-style error, status EXPIRED)", async () => {
    const op = await runBulkToEnd(h, ORDERS_QUERY);
    expect((await fetch(op.url as string)).status).toBe(200);
    h.bulk.expire(h.shop, op.id as string);
    const res = await fetch(op.url as string);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("<Code>ExpiredToken</Code>");
    expect((await bulkOperationById(h, op.id as string))!.status).toBe("EXPIRED");
    const unknown = await fetch(`${h.sim.url}/_sim/bulk/${"0".repeat(32)}.jsonl`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("<Code>NoSuchKey</Code>");
  });

  it("a short configured lifetime expires URLs by time", async () => {
    const before = h.bulk.resultTtlMs;
    h.bulk.resultTtlMs = 50;
    try {
      const op = await runBulkToEnd(h, ORDERS_QUERY);
      await new Promise((r) => setTimeout(r, 80));
      expect((await fetch(op.url as string)).status).toBe(403);
    } finally {
      h.bulk.resultTtlMs = before;
    }
  });

  it("sends bulk_operations/finish with Shopify's payload", async () => {
    const op = await runBulkToEnd(h, ORDERS_QUERY);
    const hit = await finishWebhook(h, op.id as string);
    expect(hit.headers["x-shopify-topic"]).toBe("bulk_operations/finish");
    expect(hit.headers["x-shopify-shop-domain"]).toBe(h.shop.domain);
    expect(hit.body).toEqual({
      admin_graphql_api_id: op.id,
      completed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00$/),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00$/),
      error_code: null,
      status: "completed",
      type: "query",
    });
  });
});

describe("bulk failures, cancel and limits", () => {
  it("an injected fault fails the operation with partial data (complete lines, a subset)", async () => {
    const h = await createBulkHarness({ size: { orders: 200 } });
    try {
      const full = await runBulkToEnd(h, ORDERS_QUERY, true);
      const all = (await download(full.url as string)).lines;
      h.shop.faults.bulk = { remaining: 1, errorCode: "TIMEOUT", afterFraction: 0.5 };
      const op = await runBulkToEnd(h, ORDERS_QUERY);
      expect(op).toMatchObject({ status: "FAILED", errorCode: "TIMEOUT", url: null });
      expect(h.shop.faults.bulk).toBeNull(); // consumed
      const partial = await download(op.partialDataUrl as string);
      expect(partial.text.endsWith("\n")).toBe(true);
      const roots = partial.lines.filter((l) => !l.__parentId);
      expect(roots.length).toBe(100);
      expect(op.rootObjectCount).toBe("100");
      expect(op.objectCount).toBe(String(partial.lines.length));
      const allJson = new Set(all.map((l) => JSON.stringify(l)));
      for (const l of partial.lines) expect(allJson.has(JSON.stringify(l))).toBe(true);
      expect((await finishWebhook(h, op.id as string)).body).toMatchObject({
        admin_graphql_api_id: op.id,
        status: "failed",
        error_code: "timeout",
      });

      h.shop.faults.bulk = { remaining: 1, errorCode: "INTERNAL_SERVER_ERROR", afterFraction: 0 };
      const none = await runBulkToEnd(h, ORDERS_QUERY);
      expect(none).toMatchObject({
        status: "FAILED",
        errorCode: "INTERNAL_SERVER_ERROR",
        partialDataUrl: null,
        objectCount: "0",
      });
    } finally {
      await h.close();
    }
  });

  it("a missing access scope ends the operation FAILED with ACCESS_DENIED", async () => {
    const h = await createBulkHarness({ size: { orders: 10 }, scopes: ["read_products"] });
    try {
      const op = await runBulkToEnd(h, ORDERS_QUERY);
      expect(op).toMatchObject({
        status: "FAILED",
        errorCode: "ACCESS_DENIED",
        url: null,
        partialDataUrl: null,
      });
      expect((await finishWebhook(h, op.id as string)).body).toMatchObject({
        status: "failed",
        error_code: "access_denied",
      });
    } finally {
      await h.close();
    }
  });

  it("cancel: CANCELING then CANCELED; errors for unknown and finished operations", async () => {
    const h = await createBulkHarness({ size: { orders: 50 }, bulkMinDurationMs: 5_000 });
    try {
      const run = await runBulkMutation(h, ORDERS_QUERY);
      const id = run.bulkOperation!.id as string;
      const cancel = `mutation C($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } } }`;
      const r1 = await h.graphql(cancel, { id });
      expect((r1.data as { bulkOperationCancel: unknown }).bulkOperationCancel).toEqual({
        bulkOperation: { id, status: "CANCELING" },
        userErrors: [],
      });
      await h.bulk.idle(h.shop, 2_000);
      const op = await bulkOperationById(h, id);
      expect(op).toMatchObject({ status: "CANCELED", url: null });
      expect((await finishWebhook(h, id)).body).toMatchObject({
        admin_graphql_api_id: id,
        status: "canceled",
      });

      const r2 = await h.graphql(cancel, { id });
      expect((r2.data as { bulkOperationCancel: unknown }).bulkOperationCancel).toEqual({
        bulkOperation: { id, status: "CANCELED" },
        userErrors: [
          { field: null, message: "A bulk operation cannot be canceled when it is canceled" },
        ],
      });
      const r3 = await h.graphql(cancel, { id: "gid://shopify/BulkOperation/1" });
      expect((r3.data as { bulkOperationCancel: unknown }).bulkOperationCancel).toEqual({
        bulkOperation: null,
        userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }],
      });
    } finally {
      await h.close();
    }
  });

  it("allows five bulk queries at a time per shop; the sixth gets OPERATION_IN_PROGRESS", async () => {
    const h = await createBulkHarness({ size: { orders: 20 }, bulkMinDurationMs: 3_000 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await runBulkMutation(h, ORDERS_QUERY);
        expect(r.userErrors).toEqual([]);
        ids.push(r.bulkOperation!.id as string);
      }
      const sixth = await runBulkMutation(h, ORDERS_QUERY);
      expect(sixth.bulkOperation).toBeNull();
      expect(sixth.userErrors).toEqual([
        {
          field: null,
          code: "OPERATION_IN_PROGRESS",
          message: `A bulk query operation for this app and shop is already in progress: ${[...ids].sort().join(", ")}.`,
        },
      ]);
      const current = await h.graphql(
        `{ currentBulkOperation { id } bulkOperations(first: 10) { nodes { id } } }`,
      );
      expect(current.errors).toBeUndefined();
      expect(current.data).toEqual({
        currentBulkOperation: { id: ids[4] },
        bulkOperations: { nodes: [...ids].reverse().map((id) => ({ id })) },
      });
      h.bulk.cancel(h.shop, ids[0]!);
      await new Promise((r) => setTimeout(r, 50));
      expect((await runBulkMutation(h, ORDERS_QUERY)).userErrors).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe("bulk throughput", () => {
  it("exports 20,000 orders with line items", async () => {
    const h = await createBulkHarness({ size: { orders: 20_000 } });
    try {
      const started = performance.now();
      const op = await runBulkToEnd(h, ORDERS_QUERY);
      const seconds = (performance.now() - started) / 1000;
      const lines = Number(op.objectCount);
      const rate = Math.round(lines / seconds);
      expect(rate).toBeGreaterThan(5_000); // sanity floor only: timing on shared CI machines varies
      console.log(
        `[bulk throughput] ${op.rootObjectCount} orders, ${lines} lines, ${op.fileSize} bytes in ${seconds.toFixed(2)} s = ${rate} lines/s`,
      );
      expect(op.status).toBe("COMPLETED");
      expect(op.rootObjectCount).toBe("20000");
      expect(h.bulk.stats(h.shop, op.id as string)).toMatchObject({ executed: 0 });
    } finally {
      await h.close();
    }
  });
});

describe("bulk queries of every resource the app exports", () => {
  let h: BulkHarness;
  beforeAll(async () => {
    h = await createBulkHarness({ size: { orders: 40 } });
  });
  afterAll(async () => h.close());

  const QUERIES: Record<string, string> = {
    products: `{ products(query: "status:active") { edges { node { id title handle status updatedAt
      variants { edges { node { id sku price inventoryItem { id } selectedOptions { name value } } } }
      media { edges { node { __typename id ... on MediaImage { image { url altText width height } } } } } } } } }`,
    customers: `{ customers { edges { node { id email firstName lastName updatedAt amountSpent { amount currencyCode }
      addressesV2 { edges { node { id address1 city countryCodeV2 zip } } } } } } }`,
    inventoryItems: `{ inventoryItems { edges { node { id sku tracked updatedAt
      inventoryLevels { edges { node { id location { id } quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } } } } } }`,
    locations: `{ locations(includeInactive: true) { edges { node { id name isActive address { city countryCode } } } } }`,
    discountNodes: `{ discountNodes { edges { node { id discount { __typename
      ... on DiscountCodeBasic { title status codes { edges { node { id code } } } }
      ... on DiscountAutomaticBasic { title status } } } } } }`,
    abandonedCheckouts: `{ abandonedCheckouts { edges { node { id createdAt updatedAt totalPriceSet { shopMoney { amount } }
      lineItems { edges { node { id title quantity } } } } } } }`,
    marketingEvents: `{ marketingEvents { edges { node { id type remoteId startedAt utmCampaign } } } }`,
    ordersFull: `{ orders(query: "updated_at:>='2020-01-01T00:00:00Z'", sortKey: UPDATED_AT) { edges { node { id name updatedAt
      refunds { id createdAt totalRefundedSet { shopMoney { amount } } }
      fulfillments { id status createdAt }
      lineItems { edges { node { id quantity variant { id } } } } } } } }`,
  };

  for (const [name, query] of Object.entries(QUERIES)) {
    it(`${name}: projector output equals per-record executor output`, async () => {
      const { createBulkManager } = await import("./index.js");
      const viaExecutor = createBulkManager(h.sim, { mode: "executor", interleaveSeed: 5 });
      const viaProjector = createBulkManager(h.sim, { interleaveSeed: 5 });
      try {
        const a = viaExecutor.runQuery(h.shop, query, {});
        const b = viaProjector.runQuery(h.shop, query, {});
        expect(a.userErrors).toEqual([]);
        await viaExecutor.idle();
        await viaProjector.idle();
        const opA = viaExecutor.get(h.shop, a.bulkOperation!.id)!;
        const opB = viaProjector.get(h.shop, b.bulkOperation!.id)!;
        expect(opA.status).toBe("COMPLETED");
        expect(opB).toMatchObject({
          status: "COMPLETED",
          objectCount: opA.objectCount,
          fileSize: opA.fileSize,
        });
        expect(Number(opA.rootObjectCount)).toBeGreaterThan(0);
        expect(readFileSync(viaProjector.filePath(h.shop, opB.id)!, "utf8")).toBe(
          readFileSync(viaExecutor.filePath(h.shop, opA.id)!, "utf8"),
        );
        expect(viaProjector.stats(h.shop, opB.id)).toMatchObject({ executed: 0 });
        console.log(`[bulk] ${name}: ${opA.rootObjectCount} roots, ${opA.objectCount} lines`);
      } finally {
        await viaExecutor.close();
        await viaProjector.close();
      }
    });
  }

  it("roots without a store collection run through the executor (codeDiscountNodes, shopifyPaymentsAccount)", async () => {
    const codes = await runBulkToEnd(
      h,
      `{ codeDiscountNodes { edges { node { id codeDiscount { __typename ... on DiscountCodeBasic { title codes { edges { node { id code } } } } } } } } }`,
    );
    expect(codes.status).toBe("COMPLETED");
    const { lines } = await download(codes.url as string);
    const roots = lines.filter((l) => !l.__parentId);
    expect(roots.length).toBe(Number(codes.rootObjectCount));
    expect(roots.every((r) => String(r.id).startsWith("gid://shopify/DiscountCodeNode/"))).toBe(
      true,
    );
    for (const child of lines.filter((l) => l.__parentId))
      expect(roots.some((r) => r.id === child.__parentId)).toBe(true);

    const payouts = await runBulkToEnd(
      h,
      `{ shopifyPaymentsAccount { payouts { edges { node { id status issuedAt net { amount } } } } } }`,
    );
    expect(payouts.status).toBe("COMPLETED");
    if (payouts.url) {
      const p = await download(payouts.url as string);
      expect(
        p.lines.every(
          (l) => String(l.id).startsWith("gid://shopify/ShopifyPaymentsPayout/") && !l.__parentId,
        ),
      ).toBe(true);
      expect(String(p.lines.length)).toBe(payouts.rootObjectCount);
    }
  });
});

describe("projector fallback", () => {
  let h: BulkHarness;
  beforeAll(async () => {
    h = await createBulkHarness({ size: { orders: 10 } });
  });
  afterAll(async () => h.close());

  it("declines what only graphql-js can decide (null in a non-null field, async values)", async () => {
    const { compileProjector, ProjectionFallback } = await import("./project.js");
    const { checkBulkQuery } = await import("./validate.js");
    const check = checkBulkQuery(h.sim.schema, "{ orders { edges { node { id name note } } } }");
    if (!check.ok) throw new Error("invalid");
    const p = check.plan;
    const project = compileProjector(p.nodeType!, p.nodeSelections, {
      schema: h.sim.schema,
      fragments: p.fragments,
      operation: p.operation,
      fieldResolver: h.sim.executor.fieldResolver,
      typeResolver: h.sim.executor.typeResolver,
    });
    const ctx = { sim: h.sim, shop: h.shop, bulk: true };
    expect(
      project({ __typename: "Order", id: "gid://shopify/Order/1", name: "#1", note: null }, ctx),
    ).toEqual({
      id: "gid://shopify/Order/1",
      name: "#1",
      note: null,
    });
    expect(() =>
      project({ __typename: "Order", id: "gid://shopify/Order/1", name: null }, ctx),
    ).toThrow(ProjectionFallback);
    expect(() =>
      project(
        { __typename: "Order", id: "gid://shopify/Order/1", name: "#1", note: async () => "x" },
        ctx,
      ),
    ).toThrow(ProjectionFallback);
  });

  it("a record the fast path declines goes through executor.execute (and its error fails the operation)", async () => {
    const [first] = [...h.shop.store.collection("orders").scan({ sortKey: "ID" })];
    h.shop.store.update("orders", first!.record.id, { name: null }, { silent: true });
    const op = await runBulkToEnd(h, "{ orders(sortKey: ID) { edges { node { id name } } } }");
    expect(op).toMatchObject({
      status: "FAILED",
      errorCode: "INTERNAL_SERVER_ERROR",
      partialDataUrl: null,
    });
    expect(h.bulk.stats(h.shop, op.id as string)).toMatchObject({ executed: 1, projected: 0 });
  });
});
