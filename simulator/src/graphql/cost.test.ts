import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { loadAdminSchema } from "../schema.js";
import { calculateActualCost, calculateRequestedCost, createCostBucket, maxCostExceededError, restoreRateForPlan } from "./cost.js";

const schema = loadAdminSchema();
const requested = (q: string, vars: Record<string, unknown> = {}) => calculateRequestedCost(schema, parse(q), vars).requested;

describe("requested query cost (Shopify's calculated cost)", () => {
  it("objects cost 1, scalars and enums 0", () => {
    expect(requested("{ shop { name currencyCode ianaTimezone } }")).toBe(1);
    expect(requested("{ shop { name plan { partnerDevelopment } } }")).toBe(2);
  });

  it("connections cost 2 + first × node cost; pageInfo and edges are free", () => {
    expect(requested("{ products(first: 10) { edges { cursor node { id title } } pageInfo { hasNextPage endCursor } } }")).toBe(12);
    expect(requested("{ orders(first: 250) { nodes { id } } }")).toBe(252);
    expect(requested("query($n: Int) { orders(first: $n) { nodes { id } } }", { n: 50 })).toBe(52);
    expect(requested("{ orders(last: 5) { nodes { id } } }")).toBe(7);
  });

  it("nested connections multiply", () => {
    // 2 + 10 × (1 product + 2 + 5 × 1 variant)
    expect(requested("{ products(first: 10) { edges { node { title variants(first: 5) { edges { node { price } } } } } } }")).toBe(82);
  });

  it("interfaces/unions take the maximum selection; fragments count", () => {
    expect(requested('{ node(id: "gid://shopify/Order/1") { id ... on Order { name customer { id } } ... on Product { title } } }')).toBe(2);
    expect(requested("fragment F on Order { customer { id } } { orders(first: 2) { nodes { ...F } } }")).toBe(2 + 2 * 2);
  });

  it("mutations cost 10", () => {
    expect(requested('mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/1") { userErrors { message } } }')).toBe(10);
  });

  it("a query above 1000 points is detectable and produces Shopify's error shape", () => {
    const cost = requested("{ orders(first: 250) { nodes { lineItems(first: 10) { nodes { id } } } } }");
    expect(cost).toBe(2 + 250 * (1 + 2 + 10));
    const e = maxCostExceededError(cost);
    expect(e.extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", cost, maxCost: 1000 });
    expect(e.message).toContain(`Query cost is ${cost}, which exceeds the single query max cost limit (1000).`);
  });
});

describe("actual query cost", () => {
  it("counts what was returned", () => {
    const doc = parse("{ orders(first: 50) { edges { node { id lineItems(first: 10) { nodes { id } } } } } }");
    const data = {
      orders: {
        edges: [
          { node: { id: "1", lineItems: { nodes: [{ id: "a" }, { id: "b" }] } } },
          { node: { id: "2", lineItems: { nodes: [] } } },
        ],
      },
    };
    expect(calculateRequestedCost(schema, doc).requested).toBe(2 + 50 * (1 + 2 + 10));
    // 2 + (1 + 2 + 2) + (1 + 2)
    expect(calculateActualCost(schema, doc, data)).toBe(10);
    expect(calculateActualCost(schema, parse("{ shop { name } }"), { shop: { name: "x" } })).toBe(1);
    expect(calculateActualCost(schema, parse('{ order(id: "x") { id } }'), { order: null })).toBe(0);
  });
});

describe("leaky bucket", () => {
  it("takes, throttles when empty, restores lazily by elapsed time, refunds, caps at the maximum", () => {
    let now = 1_000_000;
    const b = createCostBucket({ restoreRate: restoreRateForPlan("standard"), now: () => now });
    expect(b.maximumAvailable).toBe(2000);
    expect(b.restoreRate).toBe(100);
    expect(b.available()).toBe(2000);
    expect(b.take(1500)).toBe(true);
    expect(b.available()).toBe(500);
    expect(b.take(600)).toBe(false);
    b.refund(100);
    expect(b.available()).toBe(600);
    b.drain();
    expect(b.available()).toBe(0);
    expect(b.take(1)).toBe(false);
    now += 1500;
    expect(b.available()).toBe(150);
    expect(b.take(150)).toBe(true);
    now += 60_000;
    expect(b.available()).toBe(2000);
    expect(restoreRateForPlan("advanced")).toBe(200);
    expect(restoreRateForPlan("plus")).toBe(1000);
  });
});
