/**
 * The cost-aware client through Shopify's own clients against the local simulator:
 * `new shopify.clients.Graphql({ session })` (@shopify/shopify-api) and shopify-app-remix's
 * `admin.graphql` (unauthenticated.admin), both routed to the simulator by its undici dispatcher.
 */
import "@shopify/shopify-api/adapters/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiVersion, Session, shopifyApi, type Shopify } from "@shopify/shopify-api";
import { shopifyApp } from "@shopify/shopify-app-remix/server";
import { startSimulator, installSimulatorDispatcher, type RunningSimulator } from "../../../simulator/src/index";
import { AccessDeniedError, createAdminGraphql, fromShopifyAdmin, RetriesExhaustedError } from "./index";

const DOMAIN = "pacing.myshopify.com";
const LIMITED = "limited.myshopify.com";

let sim: RunningSimulator;
let restoreDispatcher: () => Promise<void>;
let api: Shopify;
let session: Session;

function sessionFor(shop: string): Session {
  const token = sim.issueAccessToken(shop, { expiring: false });
  return new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: token.accessToken, scope: token.scope });
}

beforeAll(async () => {
  sim = await startSimulator({
    shops: [
      { domain: DOMAIN, size: { orders: 300 } },
      { domain: LIMITED, size: { orders: 20 }, scopes: ["read_products"] },
    ],
    log: () => undefined,
  });
  restoreDispatcher = installSimulatorDispatcher(sim.url);
  api = shopifyApi({
    apiKey: sim.apiKey,
    apiSecretKey: sim.apiSecret,
    apiVersion: ApiVersion.July26,
    hostName: "storesync.test",
    isEmbeddedApp: true,
    logger: { level: 0 },
  });
  session = sessionFor(DOMAIN);
});

afterAll(async () => {
  await restoreDispatcher?.();
  await sim?.close();
});

const ORDERS_PAGE = `query Orders($first: Int!, $after: String) {
  orders(first: $first, after: $after, sortKey: ID) { nodes { id name } pageInfo { hasNextPage endCursor } }
}`;

describe("admin client against the simulator (shopify-api GraphqlClient)", () => {
  it("paginates every order, pacing itself so the simulator never throttles", async () => {
    const transport = fromShopifyAdmin(new api.clients.Graphql({ session }));
    let throttledAnswers = 0;
    const client = createAdminGraphql({
      request: async (q, v) => {
        const res = await transport(q, v);
        if (res.errors?.some((e) => e.extensions?.code === "THROTTLED")) throttledAnswers++;
        return res;
      },
    });
    // Leave just enough for one page: the rest of the pages must be paced by restoreRate.
    sim.shop(DOMAIN).bucket.drain();
    const ids: string[] = [];
    const started = Date.now();
    for await (const page of client.paginate<{ id: string }>(ORDERS_PAGE, {}, { connectionPath: "orders", pageSize: 50 })) {
      ids.push(...page.nodes.map((n) => n.id));
      expect(page.cost?.throttleStatus?.restoreRate).toBe(100);
    }
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    // The first call found the bucket empty (the model knew nothing yet): one THROTTLED, then
    // every later page was paced before sending.
    expect(throttledAnswers).toBe(1);
    expect(client.stats().throttled).toBe(1);
    expect(client.stats().pacedMs).toBeGreaterThan(0);
    // 6 pages × ~52 points at 100/s from an empty bucket: about 3 s.
    expect(Date.now() - started).toBeGreaterThan(2500);
  }, 30_000);

  it("retries injected 5xx answers and succeeds", async () => {
    sim.shop(DOMAIN).faults.graphql5xx = { remaining: 2, status: 503 };
    const client = createAdminGraphql({ request: fromShopifyAdmin(new api.clients.Graphql({ session })), backoffMs: 20 });
    const data = await client.graphql<{ shop: { name: string } }>("{ shop { name } }");
    expect(typeof data.shop.name).toBe("string");
    expect(client.stats().retried).toBe(2);
    expect(sim.shop(DOMAIN).faults.graphql5xx.remaining).toBe(0);
  });

  it("gives up after its bounded attempts when 5xx persists", async () => {
    sim.shop(DOMAIN).faults.graphql5xx = { remaining: 10, status: 502 };
    const client = createAdminGraphql({ request: fromShopifyAdmin(new api.clients.Graphql({ session })), backoffMs: 5, maxAttempts: 3 });
    const err = await client.graphql("{ shop { name } }").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect((err as RetriesExhaustedError).attempts).toBe(3);
    sim.shop(DOMAIN).faults.graphql5xx = { remaining: 0, status: 503 };
  });

  it("surfaces a missing scope as AccessDeniedError", async () => {
    const client = createAdminGraphql({ request: fromShopifyAdmin(new api.clients.Graphql({ session: sessionFor(LIMITED) })) });
    const err = await client.graphql("{ orders(first: 1) { nodes { id } } }").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
  });

  it("maps an invalid token to a non-retried AdminHttpError 401", async () => {
    const bad = new Session({ id: "x", shop: DOMAIN, state: "", isOnline: false, accessToken: "shpat_not_a_token" });
    let calls = 0;
    const transport = fromShopifyAdmin(new api.clients.Graphql({ session: bad }));
    const client = createAdminGraphql({ request: (q, v) => (calls++, transport(q, v)) });
    await expect(client.graphql("{ shop { name } }")).rejects.toMatchObject({ name: "AdminHttpError", status: 401 });
    expect(calls).toBe(1);
  });
});

describe("admin client against the simulator (shopify-app-remix admin.graphql)", () => {
  it("works through unauthenticated.admin(shop).admin and recovers from THROTTLED and 5xx", async () => {
    const sessions = new Map<string, Session>();
    const storage = {
      storeSession: async (s: Session) => (sessions.set(s.id, s), true),
      loadSession: async (id: string) => sessions.get(id),
      deleteSession: async (id: string) => sessions.delete(id),
      deleteSessions: async (ids: string[]) => (ids.forEach((id) => sessions.delete(id)), true),
      findSessionsByShop: async (shop: string) => [...sessions.values()].filter((s) => s.shop === shop),
    };
    await storage.storeSession(session);
    const app = shopifyApp({
      apiKey: sim.apiKey,
      apiSecretKey: sim.apiSecret,
      apiVersion: ApiVersion.July26,
      appUrl: "https://storesync.test",
      scopes: ["read_orders"],
      sessionStorage: storage,
      logger: { level: 0 },
    });
    const { admin } = await app.unauthenticated.admin(DOMAIN);
    const client = createAdminGraphql({ request: fromShopifyAdmin(admin), backoffMs: 20 });

    sim.shop(DOMAIN).bucket.drain();
    sim.shop(DOMAIN).faults.graphql5xx = { remaining: 1, status: 500 };
    const data = await client.graphql<{ orders: { nodes: { id: string }[] } }>(ORDERS_PAGE, { first: 5 });
    expect(data.orders.nodes).toHaveLength(5);
    const stats = client.stats();
    expect(stats.retried).toBe(2); // one 5xx, one THROTTLED
    expect(stats.throttled).toBe(1);
  }, 20_000);

  it("maps the Response that authenticate.admin's error handler throws", async () => {
    let n = 0;
    const client = createAdminGraphql({
      backoffMs: 1,
      request: fromShopifyAdmin({
        graphql: async () => {
          n++;
          if (n === 1) throw new Response('{"errors":"busy"}', { status: 503 });
          if (n === 2) throw new Response('{"errors":"nope"}', { status: 403 });
          return new Response("{}");
        },
      }),
    });
    await expect(client.graphql("{ shop { id } }")).rejects.toMatchObject({ name: "AdminHttpError", status: 403 });
    expect(n).toBe(2);
  });
});
