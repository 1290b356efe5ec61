/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON responses in assertions */
/** A 1,000,000-order store is paged lazily: first pages, a deep cursor, the tail and exact counts stay fast. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../src/index.js";
import { createCostBucket } from "../src/graphql/cost.js";

const SHOP = "big.myshopify.com";
let sim: RunningSimulator;
let token: string;

async function gql(query: string, variables?: Record<string, unknown>): Promise<any> {
  const r = await fetch(`${sim.url}/admin/api/2026-07/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token, "X-Shopify-Shop-Domain": SHOP },
    body: JSON.stringify({ query, variables }),
  });
  const j: any = await r.json();
  expect(j.errors).toBeUndefined();
  return j.data;
}

beforeAll(async () => {
  sim = await startSimulator({ shops: [{ domain: SHOP, size: { orders: 1_000_000 } }] });
  sim.shop(SHOP).bucket = createCostBucket({ restoreRate: 1000, maximumAvailable: 1_000_000 });
  token = sim.issueAccessToken(SHOP).accessToken;
});
afterAll(() => sim?.close());

it("pages through a 1,000,000-order store without materialising it", async () => {
  const started = Date.now();
  const seen: number[] = [];
  let after: string | null = null;
  for (let page = 0; page < 4; page++) {
    const d: any = await gql("query($a: String) { orders(first: 250, after: $a, sortKey: ID) { nodes { id } pageInfo { hasNextPage endCursor } } }", { a: after });
    seen.push(...d.orders.nodes.map((n: any) => Number(n.id.split("/").pop())));
    expect(d.orders.pageInfo.hasNextPage).toBe(true);
    after = d.orders.pageInfo.endCursor;
  }
  expect(seen).toHaveLength(1000);
  expect(new Set(seen).size).toBe(1000);
  for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
  const tail: any = await gql("{ orders(last: 3, sortKey: ID) { nodes { id } pageInfo { hasNextPage hasPreviousPage } } }");
  expect(tail.orders.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  const counts: any = await gql("{ all: ordersCount(limit: null) { count precision } capped: ordersCount { count precision } }");
  expect(counts.all).toEqual({ count: 1_000_000, precision: "EXACT" });
  expect(counts.capped).toEqual({ count: 10_000, precision: "AT_LEAST" });
  expect(Date.now() - started).toBeLessThan(20_000);
});
