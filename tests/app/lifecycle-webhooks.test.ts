import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { AdminApiContext } from "@shopify/shopify-app-remix/server";

import { loadEnv } from "../../app/load-env.server";

import {
  TEST_SHOP,
  bootApp,
  respond,
  storeOfflineSession,
  testEnvSource,
  webhookRequest,
  type BootedApp,
} from "./harness";

let app: BootedApp;
let uninstalled: typeof import("../../app/routes/webhooks.app.uninstalled");
let scopesUpdate: typeof import("../../app/routes/webhooks.app.scopes_update");

beforeAll(async () => {
  app = await bootApp();
  uninstalled = await import("../../app/routes/webhooks.app.uninstalled");
  scopesUpdate = await import("../../app/routes/webhooks.app.scopes_update");
});

afterAll(async () => {
  await app?.database.drop();
});

beforeEach(async () => {
  await app.db.session.deleteMany();
  await app.db.shop.deleteMany();
});

const UNINSTALL_PATH = "/webhooks/app/uninstalled";
const SCOPES_PATH = "/webhooks/app/scopes_update";

async function post(handler: typeof uninstalled.action, request: Request): Promise<Response> {
  const result = await respond(() => handler({ request, params: {}, context: {} }));
  expect(result).toBeInstanceOf(Response);
  return result as Response;
}

describe("app/uninstalled", () => {
  it("GIVEN an installed shop WHEN uninstalled twice THEN sessions go, the shop is marked once, both answer 200", async () => {
    await app.db.shop.create({
      data: { shop: TEST_SHOP, installedAt: new Date("2026-01-01T00:00:00Z") },
    });
    await storeOfflineSession(app);
    expect(await app.db.session.count({ where: { shop: TEST_SHOP } })).toBe(1);

    const first = await post(
      uninstalled.action,
      webhookRequest({
        topic: "app/uninstalled",
        path: UNINSTALL_PATH,
        body: { id: 1, domain: TEST_SHOP },
      }),
    );
    expect(first.status).toBe(200);
    expect(await app.db.session.count({ where: { shop: TEST_SHOP } })).toBe(0);
    const shop = await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(shop.installState).toBe("uninstalled");
    expect(shop.uninstalledAt).toBeInstanceOf(Date);

    // Shopify delivers at least once: the same event again changes nothing.
    const second = await post(
      uninstalled.action,
      webhookRequest({
        topic: "app/uninstalled",
        path: UNINSTALL_PATH,
        body: { id: 1, domain: TEST_SHOP },
      }),
    );
    expect(second.status).toBe(200);
    const again = await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(again.installState).toBe("uninstalled");
    expect(again.uninstalledAt).toEqual(shop.uninstalledAt);
  });

  it("GIVEN an unknown shop WHEN uninstalled THEN it answers 200 and creates nothing", async () => {
    const response = await post(
      uninstalled.action,
      webhookRequest({
        topic: "app/uninstalled",
        shop: "unknown-shop.myshopify.com",
        path: UNINSTALL_PATH,
        body: {},
      }),
    );
    expect(response.status).toBe(200);
    expect(await app.db.shop.count()).toBe(0);
  });

  it("GIVEN a bad HMAC WHEN delivered THEN it answers 401 and changes nothing", async () => {
    await app.db.shop.create({ data: { shop: TEST_SHOP } });
    await storeOfflineSession(app);
    const response = await post(
      uninstalled.action,
      webhookRequest({
        topic: "app/uninstalled",
        path: UNINSTALL_PATH,
        body: {},
        secret: "wrong-secret",
      }),
    );
    expect(response.status).toBe(401);
    expect(await app.db.session.count()).toBe(1);
    expect((await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).installState).toBe(
      "installed",
    );
  });
});

describe("app/scopes_update", () => {
  it("GIVEN a granted scope change WHEN delivered THEN the session and the shop store payload.current", async () => {
    await app.db.shop.create({ data: { shop: TEST_SHOP, grantedScopes: "read_orders" } });
    const session = await storeOfflineSession(app, TEST_SHOP, "read_orders");

    const response = await post(
      scopesUpdate.action,
      webhookRequest({
        topic: "app/scopes_update",
        path: SCOPES_PATH,
        body: {
          id: 1,
          previous: ["read_orders"],
          current: ["read_orders", "read_products"],
          updated_at: "2026-01-05T10:00:00.000Z",
        },
      }),
    );
    expect(response.status).toBe(200);
    const stored = await app.db.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(stored.scope).toBe("read_orders,read_products");
    const loaded = await app.shopify.sessionStorage!.loadSession(session.id);
    expect(loaded?.scope).toBe("read_orders,read_products");
    const shop = await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(shop.grantedScopes).toBe("read_orders,read_products");
  });

  it("GIVEN a bad HMAC WHEN delivered THEN it answers 401", async () => {
    const response = await post(
      scopesUpdate.action,
      webhookRequest({
        topic: "app/scopes_update",
        path: SCOPES_PATH,
        body: { current: [] },
        secret: "nope",
      }),
    );
    expect(response.status).toBe(401);
  });
});

describe("afterAuth hook (install)", () => {
  function fakeAdmin(): AdminApiContext {
    // Stands in for Shopify's Admin API: answers the shop-details query like 2026-07 does.
    const graphql = async () =>
      Response.json({
        data: {
          shop: {
            id: "gid://shopify/Shop/42",
            name: "Test Shop",
            email: "owner@example.com",
            currencyCode: "EUR",
            ianaTimezone: "Europe/Paris",
            plan: { publicDisplayName: "Basic" },
            primaryDomain: { host: "shop.example.com" },
          },
        },
      });
    return { graphql } as unknown as AdminApiContext;
  }

  it("records the shop, calls onShopInstalled once per install and again after a reinstall", async () => {
    const installs: string[] = [];
    const config = app.shopify.buildShopifyAppConfig(loadEnv(testEnvSource(app.database.url)), {
      db: app.db,
      onShopInstalled: async (shop) => {
        installs.push(shop);
      },
    });
    const session = { shop: TEST_SHOP, scope: "read_orders,read_products" };

    await config.hooks.afterAuth({ session, admin: fakeAdmin() });
    const shop = await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(shop).toMatchObject({
      installState: "installed",
      grantedScopes: "read_orders,read_products",
      shopifyId: 42n,
      name: "Test Shop",
      currencyCode: "EUR",
      ianaTimezone: "Europe/Paris",
      planName: "Basic",
      primaryDomain: "shop.example.com",
      uninstalledAt: null,
    });
    expect(installs).toEqual([TEST_SHOP]);

    // A token re-issued later runs afterAuth again: not a new install.
    await config.hooks.afterAuth({ session, admin: fakeAdmin() });
    expect(installs).toEqual([TEST_SHOP]);
    expect(
      (await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).installedAt,
    ).toEqual(shop.installedAt);

    // Uninstall, then install again.
    await post(
      uninstalled.action,
      webhookRequest({ topic: "app/uninstalled", path: UNINSTALL_PATH, body: {} }),
    );
    await config.hooks.afterAuth({ session, admin: fakeAdmin() });
    const back = await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } });
    expect(back.installState).toBe("installed");
    expect(back.uninstalledAt).toBeNull();
    expect(installs).toEqual([TEST_SHOP, TEST_SHOP]);
  });

  it("still records the shop when the Admin API cannot be reached", async () => {
    const config = app.shopify.buildShopifyAppConfig(loadEnv(testEnvSource(app.database.url)), {
      db: app.db,
      onShopInstalled: async () => {},
    });
    const failing = {
      graphql: async () => {
        throw new Error("network down");
      },
    } as unknown as AdminApiContext;
    const warn = console.warn;
    console.warn = () => {};
    try {
      await config.hooks.afterAuth({
        session: { shop: TEST_SHOP, scope: "read_orders" },
        admin: failing,
      });
    } finally {
      console.warn = warn;
    }
    expect(await app.db.shop.findUniqueOrThrow({ where: { shop: TEST_SHOP } })).toMatchObject({
      installState: "installed",
      grantedScopes: "read_orders",
      name: null,
    });
  });
});
