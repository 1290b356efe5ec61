/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON responses in assertions */
/**
 * Shopify's own libraries, unchanged, against the simulator through the undici dispatcher:
 * token exchange and refresh with @shopify/shopify-api 13, queries with its GraphqlClient and with
 * @shopify/admin-api-client; and the dispatcher's network guard.
 */
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, LogSeverity, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { createAdminApiClient } from "@shopify/admin-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installSimulatorDispatcher, startSimulator, type RunningSimulator } from "../src/index.js";

const SHOP = "demo.myshopify.com";
let sim: RunningSimulator;
let uninstall: () => Promise<void>;

const shopify = () =>
  shopifyApi({
    apiKey: sim.apiKey,
    apiSecretKey: sim.apiSecret,
    apiVersion: ApiVersion.July26,
    hostName: "localhost:3000",
    isEmbeddedApp: true,
    scopes: ["read_orders"],
    logger: { level: LogSeverity.Error },
  });

beforeAll(async () => {
  sim = await startSimulator({ shops: [{ domain: SHOP, size: { orders: 30 } }] });
  uninstall = installSimulatorDispatcher(sim.url);
});

afterAll(async () => {
  await uninstall?.();
  await sim?.close();
});

describe("@shopify/shopify-api 13 against the simulator", () => {
  it("token exchange (expiring offline), GraphqlClient query, refresh", async () => {
    const api = shopify();
    const { session } = await api.auth.tokenExchange({
      shop: SHOP,
      sessionToken: sim.sessionToken(SHOP),
      requestedTokenType: RequestedTokenType.OfflineAccessToken,
      expiring: true,
    });
    expect(session.accessToken).toMatch(/^shpat_/);
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(session.expires!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(session.scope).toContain("read_orders");
    expect(sim.validateAccessToken(SHOP, session.accessToken!)).toBe("ok");

    const client = new api.clients.Graphql({ session });
    const res = await client.request<{ orders: { nodes: { id: string }[] } }>("query { orders(first: 5) { nodes { id } } }");
    expect(res.data?.orders.nodes).toHaveLength(5);
    expect((res.extensions as any)?.cost?.throttleStatus?.maximumAvailable).toBe(2000);

    const { session: refreshed } = await api.auth.refreshToken({ shop: SHOP, refreshToken: session.refreshToken! });
    expect(refreshed.accessToken).not.toBe(session.accessToken);
    expect(sim.validateAccessToken(SHOP, session.accessToken!)).toBe("invalid");
    expect(sim.validateAccessToken(SHOP, refreshed.accessToken!)).toBe("ok");
  });

  it("online token exchange carries the user", async () => {
    const api = shopify();
    const { session } = await api.auth.tokenExchange({
      shop: SHOP,
      sessionToken: sim.sessionToken(SHOP, { userId: 42 }),
      requestedTokenType: RequestedTokenType.OnlineAccessToken,
    });
    expect(session.isOnline).toBe(true);
    expect(session.onlineAccessInfo?.associated_user.id).toBe(42);
  });

  it("an invalid token is refused: the library raises with the 401", async () => {
    const api = shopify();
    const session = api.session.customAppSession(SHOP);
    session.accessToken = "shpat_not_a_token";
    const client = new api.clients.Graphql({ session });
    await expect(client.request("{ shop { name } }")).rejects.toMatchObject({ response: { code: 401 } });
  });

  it("a tampered session token fails the exchange", async () => {
    const api = shopify();
    const good = sim.sessionToken(SHOP);
    // Signed with another secret: the library's own check rejects it before calling, so post it ourselves.
    const res = await fetch(`https://${SHOP}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        client_id: sim.apiKey,
        client_secret: sim.apiSecret,
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token: good.slice(0, -3) + "abc",
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_subject_token");
    expect(api).toBeTruthy();
  });
});

describe("@shopify/admin-api-client against the simulator", () => {
  it("queries orders through the dispatcher unchanged", async () => {
    const accessToken = sim.issueAccessToken(SHOP).accessToken;
    const client = createAdminApiClient({ storeDomain: SHOP, apiVersion: "2026-07", accessToken });
    const { data, errors, extensions } = await client.request<{ orders: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } } }>(
      "query($n: Int!) { orders(first: $n) { nodes { id } pageInfo { hasNextPage } } }",
      { variables: { n: 10 } },
    );
    expect(errors).toBeUndefined();
    expect(data?.orders.nodes).toHaveLength(10);
    expect(data?.orders.pageInfo.hasNextPage).toBe(true);
    expect((extensions as any).cost.requestedQueryCost).toBe(12);
  });
});

describe("dispatcher network guard", () => {
  it("refuses non-loopback hosts and still allows loopback", async () => {
    await expect(fetch("https://example.com/")).rejects.toThrow();
    const res = await fetch(`${sim.url}/nowhere`);
    expect(res.status).toBe(404);
  });
});
