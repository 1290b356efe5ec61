import { createRemixStub } from "@remix-run/testing";
import {
  RequestType,
  TEST_SHOP_NAME,
  getJwt,
  setUpValidRequest,
} from "@shopify/shopify-api/test-helpers";
import { AppProvider as PolarisAppProvider } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import { shopifyApp } from "@shopify/shopify-app-remix/server";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { loadEnv } from "../../app/load-env.server";
import { SYNC_RESOURCES } from "../../app/sync/resources/catalog";
import type { SyncOverview } from "../../app/sync/status.server";

import {
  API_KEY,
  API_SECRET_KEY,
  APP_URL,
  TEST_SHOP,
  bootApp,
  respond,
  storeOfflineSession,
  testEnvSource,
  type BootedApp,
} from "./harness";

let app: BootedApp;
let route: typeof import("../../app/routes/app._index");

async function authenticatedRequest(path = "/app"): Promise<Request> {
  return setUpValidRequest(
    {
      type: RequestType.Bearer,
      store: TEST_SHOP_NAME,
      apiKey: API_KEY,
      apiSecretKey: API_SECRET_KEY,
    },
    new Request(`${APP_URL}${path}`),
  );
}

beforeAll(async () => {
  app = await bootApp();
  route = await import("../../app/routes/app._index");

  // GIVEN an installed shop with some synced rows and sync history
  const { db } = app;
  await db.shop.create({ data: { shop: TEST_SHOP, currencyCode: "EUR" } });
  const base = { shop: TEST_SHOP, currencyCode: "EUR", totalPrice: "10.00" };
  const at = new Date("2026-01-05T10:00:00Z");
  await db.order.createMany({
    data: [
      {
        ...base,
        id: 1n,
        gid: "gid://shopify/Order/1",
        name: "#1001",
        createdAt: at,
        updatedAt: at,
      },
      {
        ...base,
        id: 2n,
        gid: "gid://shopify/Order/2",
        name: "#1002",
        createdAt: at,
        updatedAt: at,
      },
      {
        ...base,
        id: 3n,
        gid: "gid://shopify/Order/3",
        name: "#1003",
        createdAt: at,
        updatedAt: at,
        deletedAt: at, // tombstoned: not counted
      },
    ],
  });
  await db.order.create({
    data: {
      ...base,
      shop: "other-shop.myshopify.com",
      id: 9n,
      gid: "gid://shopify/Order/9",
      name: "#9",
      createdAt: at,
      updatedAt: at,
    },
  });
  await db.syncRun.createMany({
    data: [
      {
        shop: TEST_SHOP,
        resource: "orders",
        kind: "backfill",
        status: "succeeded",
        finishedAt: new Date("2026-01-05T10:30:00Z"),
        createdAt: new Date("2026-01-05T10:00:00Z"),
      },
      {
        shop: TEST_SHOP,
        resource: "products",
        kind: "backfill",
        status: "running",
        createdAt: new Date("2026-01-05T11:00:00Z"),
      },
    ],
  });
  await storeOfflineSession(app, TEST_SHOP, "read_orders,read_products");
});

afterAll(async () => {
  await app?.database.drop();
});

describe("/app (dashboard)", () => {
  let overview: SyncOverview;

  it("GIVEN a valid session token WHEN the loader runs THEN it returns the shop's sync overview", async () => {
    const request = await authenticatedRequest();
    overview = (await route.loader({ request, params: {}, context: {} })) as SyncOverview;

    expect(overview.shop).toBe(TEST_SHOP);
    expect(overview.installState).toBe("installed");
    expect(overview.resources.map((r) => r.key)).toEqual(SYNC_RESOURCES.map((r) => r.key));
    const orders = overview.resources.find((r) => r.key === "orders")!;
    expect(orders).toEqual({
      key: "orders",
      label: "Orders",
      count: 2,
      lastSyncedAt: "2026-01-05T10:30:00.000Z",
      status: "succeeded",
    });
    const products = overview.resources.find((r) => r.key === "products")!;
    expect(products).toMatchObject({ count: 0, lastSyncedAt: null, status: "running" });
    expect(overview.resources.find((r) => r.key === "payouts")).toMatchObject({
      count: 0,
      status: "never",
    });
    expect(overview.summary).toBe("StoreSync is copying your store: products in progress.");
  });

  it("GIVEN the loader data WHEN the page renders THEN the Polaris resource table shows every resource", () => {
    // React warns that the router's layout effect cannot run on the server: expected here.
    const original = console.error;
    const quiet = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).includes("useLayoutEffect does nothing on the server"))
        original(...args);
    });
    const RemixStub = createRemixStub([
      { id: "routes/app._index", path: "/app", Component: route.default, loader: () => overview },
    ]);
    const html = renderToString(
      createElement(
        PolarisAppProvider,
        { i18n: polarisTranslations },
        createElement(RemixStub, {
          initialEntries: ["/app"],
          hydrationData: { loaderData: { "routes/app._index": overview } },
        }),
      ),
    );
    quiet.mockRestore();

    expect(html).toContain("Dashboard");
    expect(html).toContain("StoreSync is copying your store: products in progress.");
    expect(html).toContain("Polaris-DataTable");
    for (const heading of ["Data", "Rows stored", "Last synced", "Status"])
      expect(html).toContain(heading);
    for (const resource of SYNC_RESOURCES) expect(html).toContain(resource.label);
    expect(html).toContain("Jan 5, 2026, 10:30 AM UTC");
    expect(html).toContain("Synced");
    expect(html).toContain("Syncing");
    expect(html).toContain("Not synced yet");
  });

  it("GIVEN a session token signed with another secret WHEN the loader runs THEN it is refused", async () => {
    const { token } = await getJwt(TEST_SHOP_NAME, API_KEY, "not-the-secret");
    const request = new Request(`${APP_URL}/app`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const response = await respond(() => route.loader({ request, params: {}, context: {} }));
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).status).toBe(401);
  });
});

describe("buildShopifyAppConfig", () => {
  it("builds a working shopifyApp(...) that authenticates against the encrypted session storage", async () => {
    const env = loadEnv(testEnvSource(app.database.url));
    const config = app.shopify.buildShopifyAppConfig(env, { db: app.db });
    expect(config).toMatchObject({
      apiVersion: "2026-07",
      authPathPrefix: "/auth",
      distribution: "app_store",
      future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
    });
    expect(config.scopes).toEqual(
      SYNC_RESOURCES.flatMap((r) => r.scopes).filter((s, i, all) => all.indexOf(s) === i),
    );

    const shopify = shopifyApp(config);
    expect(shopify.login).toBeTypeOf("function");
    const { session } = await shopify.authenticate.admin(await authenticatedRequest());
    expect(session.shop).toBe(TEST_SHOP);
    expect(session.accessToken).toBe("totally_real_token"); // decrypted by the storage

    const stored = await app.db.session.findUniqueOrThrow({
      where: { id: `offline_${TEST_SHOP}` },
    });
    expect(stored.accessToken).not.toContain("totally_real_token"); // encrypted at rest
  });
});
