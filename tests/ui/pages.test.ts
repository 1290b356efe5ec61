/**
 * The admin pages: loaders and actions called with authenticated requests (Shopify's test
 * helpers, the real app modules on a test database), and each page server-rendered with
 * createRemixStub in its empty and data states.
 */
import { createRemixStub } from "@remix-run/testing";
import { RequestType, TEST_SHOP_NAME, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { AppProvider as PolarisAppProvider } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import { type ComponentType, createElement } from "react";
import { renderToString } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import {
  API_KEY,
  API_SECRET_KEY,
  APP_URL,
  TEST_SHOP,
  bootApp,
  respond,
  storeOfflineSession,
  type BootedApp,
} from "../app/harness";

let app: BootedApp;
type Args = { request: Request; params: Record<string, string>; context: Record<string, unknown> };
type RouteModule = {
  default: ComponentType;
  loader: (args: Args) => Promise<unknown>;
  action?: (args: Args) => Promise<unknown>;
};
const routes: Record<string, RouteModule> = {};

async function authed(path: string, init?: RequestInit): Promise<Request> {
  return setUpValidRequest(
    {
      type: RequestType.Bearer,
      store: TEST_SHOP_NAME,
      apiKey: API_KEY,
      apiSecretKey: API_SECRET_KEY,
    },
    new Request(`${APP_URL}${path}`, init),
  );
}

async function load(route: string, path: string, params: Record<string, string> = {}) {
  return routes[route].loader({ request: await authed(path), params, context: {} });
}

async function act(route: string, path: string, form: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form))
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  const request = await authed(path, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  return routes[route].action!({ request, params: {}, context: {} });
}

/** Server-renders `route` at `url` with `data` as its loader data. */
function render(route: string, routePath: string, url: string, data: unknown): string {
  const original = console.error;
  const quiet = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).includes("useLayoutEffect does nothing on the server")) original(...args);
  });
  try {
    const id = `routes/${route}`;
    const RemixStub = createRemixStub([
      { id, path: routePath, Component: routes[route].default, loader: (() => data) as never },
    ]);
    const html = renderToString(
      createElement(
        PolarisAppProvider,
        { i18n: polarisTranslations },
        createElement(RemixStub, {
          initialEntries: [url],
          hydrationData: { loaderData: { [id]: data } },
        }),
      ),
    );
    return html.replace(/<!-- -->/g, "");
  } finally {
    quiet.mockRestore();
  }
}

const AT = new Date("2026-01-05T10:00:00Z");

beforeAll(async () => {
  app = await bootApp();
  for (const name of [
    "app._index",
    "app.data",
    "app.data_.$table.$id",
    "app.activity",
    "app.integrity",
    "app.errors",
    "app.settings",
    "app.insights",
  ])
    routes[name] = (await import(`../../app/routes/${name}.tsx`)) as RouteModule;
  await app.db.shop.create({ data: { shop: TEST_SHOP, currencyCode: "EUR" } });
  await storeOfflineSession(app, TEST_SHOP, "read_orders,read_products");
});

afterAll(async () => {
  await app?.database.drop();
});

describe("empty store", () => {
  it("every page renders its empty state", async () => {
    const data = await load("app.data", "/app/data");
    const html = render("app.data", "/app/data", "/app/data", data);
    expect(html).toContain("No orders yet");
    expect(html).toMatch(
      /<label id="[^"]+" for="[^"]+" class="Polaris-Label__Text"><span[^>]*>Table</,
    );

    const activity = await load("app.activity", "/app/activity");
    expect(render("app.activity", "/app/activity", "/app/activity", activity)).toContain(
      "Nothing has happened yet",
    );

    const integrity = await load("app.integrity", "/app/integrity");
    expect(render("app.integrity", "/app/integrity", "/app/integrity", integrity)).toContain(
      "No integrity reports yet",
    );

    const errors = await load("app.errors", "/app/errors");
    expect(render("app.errors", "/app/errors", "/app/errors", errors)).toContain(
      "No records in error",
    );

    const settings = await load("app.settings", "/app/settings");
    const settingsHtml = render("app.settings", "/app/settings", "/app/settings", settings);
    expect(settingsHtml).toContain("No privacy requests yet");
    expect(settingsHtml).toContain("Data to sync");

    const insights = await load("app.insights", "/app/insights");
    const insightsHtml = render("app.insights", "/app/insights", "/app/insights", insights);
    expect(insightsHtml).toContain("No sales in this period yet");
    // An empty range still shows money in the shop's currency, never a bare "0".
    expect(insightsHtml.match(/headingLg">€0\.00</g)).toHaveLength(3); // net sales, refunds, AOV

    const dashboard = await load("app._index", "/app");
    const dashHtml = render("app._index", "/app", "/app", dashboard);
    expect(dashHtml).toContain("Setting up");
    expect(dashHtml).toContain("No live updates received yet.");
  });

  it("an unknown record renders a not-found state", async () => {
    const data = await load("app.data_.$table.$id", "/app/data/orders/42", {
      table: "orders",
      id: "42",
    });
    const html = render(
      "app.data_.$table.$id",
      "/app/data/:table/:id",
      "/app/data/orders/42",
      data,
    );
    expect(html).toContain("This record is not in your copy");
  });
});

describe("with data", () => {
  beforeAll(async () => {
    const { db } = app;
    await db.order.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        shop: TEST_SHOP,
        id: BigInt(i + 1),
        gid: `gid://shopify/Order/${i + 1}`,
        name: `#${1001 + i}`,
        currencyCode: "EUR",
        totalPrice: "19.90",
        createdAt: new Date(AT.getTime() + i * 1000),
        updatedAt: AT,
      })),
    });
    await db.rawRecord.create({
      data: {
        shop: TEST_SHOP,
        resource: "orders",
        gid: "gid://shopify/Order/1",
        hash: "a",
        payload: '{"name":"#1001"}',
        source: "backfill",
        status: "refined",
      },
    });
    await db.rawRecord.create({
      data: {
        shop: TEST_SHOP,
        resource: "orders",
        gid: "gid://shopify/Order/999",
        hash: "b",
        payload: '{"bad":true}',
        source: "webhook",
        status: "error",
        error: "missing required field: name",
      },
    });
    await db.activityEvent.create({
      data: {
        shop: TEST_SHOP,
        kind: "webhook.received",
        resource: "orders",
        message: "Order #1001 was updated in Shopify",
        subjectGid: "gid://shopify/Order/1",
      },
    });
    await db.syncRun.create({
      data: {
        shop: TEST_SHOP,
        resource: "orders",
        kind: "backfill",
        status: "running",
        expectedCount: 120, // lines of the bulk file (orders and their children)
        remoteCount: 40, // orders in Shopify
        downloadedCount: 60,
        refinedCount: 60,
        startedAt: AT,
      },
    });
    await db.dailyMetric.create({
      data: {
        shop: TEST_SHOP,
        date: new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z"),
        currencyCode: "EUR",
        orders: 3,
        grossSales: "59.70",
        discounts: "0",
        returns: "0",
        netSales: "59.70",
        taxes: "0",
        shipping: "0",
        totalSales: "59.70",
        unitsSold: 3,
        averageOrderValue: "19.90",
      },
    });
  });

  it("dashboard: progress bar, errors link and the plain-words state", async () => {
    const data = (await load("app._index", "/app")) as { state: string; working: boolean };
    expect(data.state).toBe("backfilling");
    expect(data.working).toBe(true);
    const html = render("app._index", "/app", "/app", data);
    expect(html).toContain("Copying your store");
    expect(html).toContain("Polaris-ProgressBar");
    expect(html).toContain("60 downloaded, 60 stored");
    // "In Shopify" compares orders with orders (the remote count), the bar counts lines.
    const ordersRow = /<tr[^>]*>(?:(?!<\/tr>).)*?>Orders<(?:(?!<\/tr>).)*<\/tr>/s.exec(html)?.[0] ?? "";
    const cells = [...ordersRow.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/gs)].map((m) => m[1]);
    expect(cells[2]).toBe("40");
    expect(ordersRow).toContain("of 120");
    expect(html).toContain('href="/app/errors?resource=orders"');
    expect(html).toContain("1 records could not be processed");
    expect(html).toContain("Updating automatically while StoreSync works");
  });

  it("data browser: IndexTable page with sortable headings, search and pagination", async () => {
    const data = (await load("app.data", "/app/data?table=orders&sort=createdAt&dir=asc")) as {
      rows: { key: string }[];
      nextCursor: string | null;
    };
    expect(data.rows).toHaveLength(50);
    expect(data.rows[0].key).toBe("1");
    const html = render("app.data", "/app/data", "/app/data?table=orders", data);
    expect(html).toContain("Polaris-IndexTable");
    expect(html).toContain("About 60 orders");
    expect(html).toContain('href="/app/data/orders/1"');
    expect(html).toContain("€19.90");

    const next = (await load(
      "app.data",
      `/app/data?table=orders&sort=createdAt&dir=asc&cursor=${data.nextCursor}`,
    )) as { rows: { key: string }[] };
    expect(next.rows.map((r) => r.key)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(51 + i)),
    );

    const search = (await load("app.data", "/app/data?table=orders&q=1010")) as {
      rows: { key: string }[];
    };
    expect(search.rows.map((r) => r.key)).toEqual(["10"]);
  });

  it("record detail shows stored values and raw payloads", async () => {
    const data = await load("app.data_.$table.$id", "/app/data/orders/1", {
      table: "orders",
      id: "1",
    });
    const html = render("app.data_.$table.$id", "/app/data/:table/:id", "/app/data/orders/1", data);
    expect(html).toContain("#1001");
    expect(html).toContain("Raw payloads (1)");
    expect(html).toContain("Full sync (bulk file)");
  });

  it("activity: a sentence per event linking to the record, filters kept in the URL", async () => {
    const data = await load("app.activity", "/app/activity?kind=webhook");
    const html = render("app.activity", "/app/activity", "/app/activity?kind=webhook", data);
    expect(html).toContain("Order #1001 was updated in Shopify.");
    expect(html).toContain('href="/app/data/orders/1"');
    const none = (await load("app.activity", "/app/activity?kind=reconcile")) as {
      items: unknown[];
    };
    expect(none.items).toEqual([]);
  });

  it("integrity: the action queues a reconcile.run job and the page shows it queued", async () => {
    const result = await act("app.integrity", "/app/integrity", { intent: "verify" });
    expect(result).toEqual({ ok: true, message: "Verification queued" });
    expect(await app.db.job.count({ where: { shop: TEST_SHOP, type: "reconcile.run" } })).toBe(1);
    const data = await load("app.integrity", "/app/integrity");
    expect(render("app.integrity", "/app/integrity", "/app/integrity", data)).toContain(
      "Verification queued",
    );
  });

  it("records in error: listed with the reason; retry runs refinement again", async () => {
    const data = (await load("app.errors", "/app/errors")) as { items: { id: number }[] };
    const html = render("app.errors", "/app/errors", "/app/errors", data);
    expect(html).toContain("missing required field: name");
    expect(html).toContain("Retry");
    const result = (await act("app.errors", "/app/errors", {
      intent: "retry",
      id: String(data.items[0].id),
    })) as { retried: number; message: string };
    expect(result.retried).toBe(1);
    expect(result.message).toContain("of 1 records processed");
  });

  it("settings: saves validated settings, refuses invalid ones, starts a full re-sync", async () => {
    const saved = await act("app.settings", "/app/settings", {
      intent: "save",
      enabledResources: ["orders", "customers"],
      syncIntervalMinutes: "30",
      reconcileSchedule: "daily",
      reconcileHourUtc: "2",
    });
    expect(saved).toEqual({ ok: true, message: "Settings saved" });
    const bad = (await act("app.settings", "/app/settings", {
      intent: "save",
      syncIntervalMinutes: "2",
    })) as { ok: boolean; errors: Record<string, string> };
    expect(bad.ok).toBe(false);
    expect(Object.keys(bad.errors)).toContain("syncIntervalMinutes");

    const resync = (await act("app.settings", "/app/settings", { intent: "resync" })) as {
      ok: boolean;
      message: string;
    };
    expect(resync.ok).toBe(true);
    // orders already has a running backfill; customers gets a new one
    expect(
      await app.db.syncRun.count({
        where: { shop: TEST_SHOP, resource: "customers", kind: "backfill" },
      }),
    ).toBe(1);
    expect(await app.db.syncRun.count({ where: { shop: TEST_SHOP, resource: "products" } })).toBe(
      0,
    );
  });

  it("insights: totals server-render; charts are client-only behind a fixed-height skeleton", async () => {
    const data = await load("app.insights", "/app/insights?range=7");
    const html = render("app.insights", "/app/insights", "/app/insights?range=7", data);
    expect(html).toContain("Store at a glance");
    expect(html).toContain("€59.70");
    expect(html).toContain('aria-label="Loading orders per day"');
    expect(html).toContain("height:260px");
  });

  it("settings lists privacy requests with a download button for exports", async () => {
    await app.db.activityEvent.create({
      data: {
        shop: TEST_SHOP,
        kind: "compliance.data_request",
        message: "Shopify forwarded a customer's request for their data.",
        dataJson: JSON.stringify({ exportId: "0b9d7a52-63a4-4a9e-9f3c-5a3f0e2b8c11" }),
      },
    });
    const settings = await load("app.settings", "/app/settings");
    const html = render("app.settings", "/app/settings", "/app/settings", settings);
    expect(html).toContain("Shopify forwarded a customer&#x27;s request for their data.");
    expect(html).toContain("Download");
  });

  it("refuses requests without a valid session token", async () => {
    const request = new Request(`${APP_URL}/app/data`, {
      headers: { Authorization: "Bearer nope" },
    });
    const response = await respond(() =>
      routes["app.data"].loader({ request, params: {}, context: {} }),
    );
    expect((response as Response).status).toBe(401);
  });
});
