/**
 * Pacing math and error handling of the cost-aware client, against a small model of Shopify's
 * leaky bucket on a virtual clock (sleep advances the clock; no real time passes). The same
 * client against the real simulator is in admin-graphql.sim.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  AdminHttpError,
  createAdminGraphql,
  GraphqlError,
  RetriesExhaustedError,
  type GraphqlResponse,
} from "./index";

function virtualTime() {
  let now = 1_000_000;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => (now += ms),
    get now() {
      return now;
    },
  };
}

/** Shopify-like bucket: deduct requested before running, refund requested - actual after. */
function fakeShopify(t: { clock: () => number }, opts: { max?: number; rate?: number; requested: number; actual: number }) {
  const max = opts.max ?? 2000;
  const rate = opts.rate ?? 100;
  let level = max;
  let at = t.clock();
  const settle = () => {
    const now = t.clock();
    level = Math.min(max, level + ((now - at) / 1000) * rate);
    at = now;
  };
  const log = { calls: 0, throttled: 0 };
  const status = () => ({ maximumAvailable: max, currentlyAvailable: Math.floor(level), restoreRate: rate });
  return {
    log,
    drain() {
      settle();
      level = 0;
    },
    request: async (): Promise<GraphqlResponse> => {
      settle();
      log.calls++;
      if (level < opts.requested) {
        log.throttled++;
        return {
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
          extensions: { cost: { requestedQueryCost: opts.requested, actualQueryCost: null, throttleStatus: status() } },
        };
      }
      level -= opts.requested;
      level += opts.requested - opts.actual;
      return {
        data: { ok: true },
        extensions: { cost: { requestedQueryCost: opts.requested, actualQueryCost: opts.actual, throttleStatus: status() } },
      };
    },
  };
}

describe("createAdminGraphql pacing", () => {
  it("paces itself before being throttled: 60 calls of requested 500 on a 2000/100 bucket, no THROTTLED", async () => {
    const t = virtualTime();
    const shop = fakeShopify(t, { requested: 500, actual: 400 });
    const client = createAdminGraphql({ request: shop.request, clock: t.clock, sleep: t.sleep, random: () => 0 });
    const start = t.now;
    for (let i = 0; i < 60; i++) await client.graphql("{ orders(first: 250) { nodes { id } } }");
    expect(shop.log.throttled).toBe(0);
    expect(shop.log.calls).toBe(60);
    // The minimum possible time: 60 × 400 net points minus the 2000 head start (and the last call
    // still needs 500 available, i.e. 100 above its net), at 100 points/s.
    const elapsed = (t.now - start) / 1000;
    const floor = (60 * 400 - 2000 + 100) / 100;
    expect(elapsed).toBeGreaterThanOrEqual(floor - 1);
    expect(elapsed).toBeLessThan(floor * 1.05 + 2);
    expect(client.stats().throttled).toBe(0);
    expect(client.stats().pacedMs).toBeGreaterThan(0);
  });

  it("retries THROTTLED after exactly the refill time the answer implies", async () => {
    const t = virtualTime();
    const shop = fakeShopify(t, { requested: 300, actual: 300 });
    const client = createAdminGraphql({ request: shop.request, clock: t.clock, sleep: t.sleep, random: () => 0 });
    shop.drain(); // someone else burned the bucket; the client's model knows nothing yet
    const start = t.now;
    await expect(client.graphql("{ shop { id } }")).resolves.toEqual({ ok: true });
    expect(shop.log.throttled).toBe(1);
    expect(shop.log.calls).toBe(2);
    const waited = t.now - start;
    expect(waited).toBeGreaterThanOrEqual(3000); // 300 points at 100/s
    expect(waited).toBeLessThan(3400);
    // Next calls are paced from the learnt model: never throttled again.
    for (let i = 0; i < 10; i++) await client.graphql("{ shop { id } }");
    expect(shop.log.throttled).toBe(1);
  });

  it("shares the model between concurrent callers (reserves points before sending)", async () => {
    // Concurrent sleepers need a real virtual scheduler: timers fire in time order.
    let now = 0;
    const timers: { at: number; resolve: () => void }[] = [];
    const clock = () => now;
    const sleep = (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve }));
    const shop = fakeShopify({ clock }, { requested: 400, actual: 400 });
    const client = createAdminGraphql({ request: shop.request, clock, sleep, random: () => 0 });
    await client.graphql("q"); // learn cost and bucket
    let done = false;
    const all = Promise.all(Array.from({ length: 20 }, () => client.graphql("q"))).then(() => (done = true));
    while (!done) {
      await new Promise((r) => setImmediate(r)); // let every runnable caller reach its next sleep
      if (timers.length === 0) continue;
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift()!;
      now = Math.max(now, next.at);
      next.resolve();
    }
    await all;
    expect(shop.log.throttled).toBe(0);
    // 21 × 400 points with 2000 up front at 100/s: at least 64 s, and pacing wastes little.
    expect(now / 1000).toBeGreaterThanOrEqual(64);
    expect(now / 1000).toBeLessThan(70);
  });

  it("uses an explicit expectedCost before it has learnt the query", async () => {
    const t = virtualTime();
    const shop = fakeShopify(t, { requested: 900, actual: 900 });
    const client = createAdminGraphql({ request: shop.request, clock: t.clock, sleep: t.sleep, random: () => 0 });
    await client.graphql("small"); // learns the bucket (1100 left)
    await client.graphql("big", {}, { expectedCost: 900 });
    await client.graphql("other", {}, { expectedCost: 900 });
    expect(shop.log.throttled).toBe(0);
  });
});

describe("createAdminGraphql errors", () => {
  const t = virtualTime();
  const base = { clock: t.clock, sleep: t.sleep, random: () => 0.5, backoffMs: 100 };

  it("retries 5xx and network errors with backoff, bounded", async () => {
    let n = 0;
    const client = createAdminGraphql({
      ...base,
      request: async () => {
        n++;
        if (n === 1) throw new AdminHttpError(503);
        if (n === 2) throw new TypeError("fetch failed");
        return { data: { fine: 1 } };
      },
    });
    const before = t.now;
    await expect(client.graphql("q")).resolves.toEqual({ fine: 1 });
    expect(n).toBe(3);
    expect(t.now - before).toBe(75 + 150); // 100×0.75 then 200×0.75

    const always = createAdminGraphql({ ...base, maxAttempts: 3, request: async () => Promise.reject(new AdminHttpError(502)) });
    const err = await always.graphql("q").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect((err as RetriesExhaustedError).attempts).toBe(3);
    expect((err as Error).cause).toBeInstanceOf(AdminHttpError);
  });

  it("honours Retry-After on 429 and does not retry other 4xx", async () => {
    let n = 0;
    const client = createAdminGraphql({
      ...base,
      request: async () => (++n === 1 ? Promise.reject(new AdminHttpError(429, "slow down", 2000)) : { data: { ok: 1 } }),
    });
    const before = t.now;
    await client.graphql("q");
    expect(t.now - before).toBeGreaterThanOrEqual(2000);

    let m = 0;
    const unauthorized = createAdminGraphql({ ...base, request: async () => (m++, Promise.reject(new AdminHttpError(401))) });
    await expect(unauthorized.graphql("q")).rejects.toMatchObject({ name: "AdminHttpError", status: 401 });
    expect(m).toBe(1);
  });

  it("surfaces ACCESS_DENIED as AccessDeniedError without retrying", async () => {
    let n = 0;
    const client = createAdminGraphql({
      ...base,
      request: async () => {
        n++;
        return {
          data: { orders: null },
          errors: [{ message: "Access denied for orders field. Required access: `read_orders` access scope.", path: ["orders"], extensions: { code: "ACCESS_DENIED" } }],
        };
      },
    });
    const err = await client.graphql("q").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect((err as Error).message).toContain("read_orders");
    expect(n).toBe(1);
  });

  it("surfaces other GraphQL errors as GraphqlError with the message; retries INTERNAL_SERVER_ERROR", async () => {
    const client = createAdminGraphql({
      ...base,
      request: async () => ({ errors: [{ message: "Query cost is 1500", extensions: { code: "MAX_COST_EXCEEDED" } }] }),
    });
    const err = await client.graphql("q").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphqlError);
    expect((err as GraphqlError).message).toBe("Query cost is 1500");
    expect((err as GraphqlError).code).toBe("MAX_COST_EXCEEDED");

    let n = 0;
    const flaky = createAdminGraphql({
      ...base,
      request: async () => (++n < 3 ? { errors: [{ message: "Internal error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] } : { data: { x: 1 } }),
    });
    await expect(flaky.graphql("q")).resolves.toEqual({ x: 1 });
    expect(n).toBe(3);
  });

  it("paginates a connection with first/after (nodes or edges), stopping at the last page", async () => {
    const all = Array.from({ length: 23 }, (_, i) => ({ id: `gid://shopify/ShopifyPaymentsPayout/${i + 1}` }));
    const seen: { first: unknown; after: unknown }[] = [];
    const client = createAdminGraphql({
      ...base,
      request: async (_q, v) => {
        seen.push({ first: v?.first, after: v?.after });
        const start = v?.after ? Number(v.after) : 0;
        const first = Number(v?.first);
        const nodes = all.slice(start, start + first);
        const end = start + nodes.length;
        return {
          data: {
            shopifyPaymentsAccount: {
              payouts: { edges: nodes.map((node, i) => ({ node, cursor: String(start + i + 1) })), pageInfo: { hasNextPage: end < all.length, endCursor: String(end) } },
            },
          },
        };
      },
    });
    const got: string[] = [];
    for await (const page of client.paginate<{ id: string }>("query($first:Int!,$after:String){...}", {}, { connectionPath: "shopifyPaymentsAccount.payouts", pageSize: 10 })) {
      got.push(...page.nodes.map((n) => n.id));
    }
    expect(got).toEqual(all.map((n) => n.id));
    expect(seen).toEqual([
      { first: 10, after: null },
      { first: 10, after: "10" },
      { first: 10, after: "20" },
    ]);

    const none = createAdminGraphql({ ...base, request: async () => ({ data: { shopifyPaymentsAccount: null } }) });
    const pages = [];
    for await (const p of none.paginate("q", {}, { connectionPath: ["shopifyPaymentsAccount", "payouts"] })) pages.push(p);
    expect(pages).toEqual([]);
  });
});
