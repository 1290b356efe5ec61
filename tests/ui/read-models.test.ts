/**
 * The UI read models (app/ui/*.server.ts) against seeded rows, on every test engine.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Db } from "../../app/db.server";
import { listActivity } from "../../app/ui/activity.server";
import { browseTable, recordDetail, type BrowsePage } from "../../app/ui/browse.server";
import { listComplianceLog } from "../../app/ui/compliance.server";
import { getDashboard } from "../../app/ui/dashboard.server";
import { listRecordErrors, retryRecordErrors } from "../../app/ui/errors.server";
import {
  getIntegrityReport,
  getVerificationState,
  listIntegrityReports,
  parseFindings,
  requestVerification,
} from "../../app/ui/integrity.server";
import { getDailyMetrics } from "../../app/ui/metrics.server";
import { getShopSettings, saveShopSettings } from "../../app/ui/settings.server";
import { createTestDatabase, type TestDatabase } from "../../prisma/testing";
import { testEngines } from "../support/engines";

const SHOP = "ui-shop.myshopify.com";
const OTHER = "other-ui-shop.myshopify.com";
const ORDER_COUNT = 73;
const BASE = Date.UTC(2026, 0, 1);

/** Order n: created every 3 orders share a timestamp (tie-breaks on id matter). */
function orderRow(n: number, shop = SHOP) {
  const at = new Date(BASE + Math.floor(n / 3) * 60_000);
  return {
    shop,
    id: BigInt(n),
    gid: `gid://shopify/Order/${n}`,
    name: `#${1000 + n}`,
    email: `buyer${n}@example.com`,
    currencyCode: "EUR",
    totalPrice: `${n}.50`,
    createdAt: at,
    updatedAt: at,
  };
}

async function walk(
  db: Db,
  table: string,
  options: { sort?: string; direction?: "asc" | "desc"; search?: string; limit: number },
): Promise<{ keys: string[]; pages: BrowsePage[] }> {
  const pages: BrowsePage[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = await browseTable(db, SHOP, table, { ...options, cursor });
    pages.push(page);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { keys: pages.flatMap((p) => p.rows.map((r) => r.key)), pages };
}

describe.each(testEngines)("UI read models on %s", (engine) => {
  let t: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    t = await createTestDatabase(engine);
    db = t.db;
    await db.shop.create({
      data: {
        shop: SHOP,
        currencyCode: "EUR",
        settingsJson: JSON.stringify({ pausedResources: { payouts: { reason: "x", since: "y" } } }),
      },
    });
    const orders = Array.from({ length: ORDER_COUNT }, (_, i) => orderRow(i + 1));
    orders[4] = { ...orders[4], deletedAt: new Date(BASE) } as (typeof orders)[number]; // order 5: tombstoned
    await db.order.createMany({ data: orders });
    await db.order.createMany({ data: [orderRow(500, OTHER)] });
    await db.customer.createMany({
      data: [
        {
          shop: SHOP,
          id: 11n,
          gid: "gid://shopify/Customer/11",
          email: "ann@example.com",
          lastName: "Smith",
          displayName: "Ann Smith",
          createdAt: new Date(BASE),
          updatedAt: new Date(BASE),
        },
        {
          shop: SHOP,
          id: 12n,
          gid: "gid://shopify/Customer/12",
          email: "bob@example.com",
          lastName: "Jones",
          displayName: "Bob Jones",
          createdAt: new Date(BASE + 1000),
          updatedAt: new Date(BASE),
        },
      ],
    });
    await db.order.update({
      where: { shop_id: { shop: SHOP, id: 1n } },
      data: { customerId: 11n },
    });
    await db.lineItem.createMany({
      data: [1, 2].map((n) => ({
        shop: SHOP,
        id: BigInt(900 + n),
        gid: `gid://shopify/LineItem/${900 + n}`,
        orderId: 1n,
        title: `Shirt ${n}`,
        quantity: n,
        currencyCode: "EUR",
        originalUnitPrice: "10.00",
      })),
    });
    const delivery = await db.webhookDelivery.create({
      data: { webhookId: "wh-1", shop: SHOP, topic: "orders/updated", status: "processed" },
    });
    await db.rawRecord.createMany({
      data: [
        {
          shop: SHOP,
          resource: "orders",
          gid: "gid://shopify/Order/1",
          hash: "h1",
          payload: '{"id":"gid://shopify/Order/1","name":"#1001"}',
          source: "backfill",
          status: "refined",
          receivedAt: new Date(BASE),
        },
        {
          shop: SHOP,
          resource: "orders",
          gid: "gid://shopify/Order/1",
          hash: "h2",
          payload: '{"id":1,"name":"#1001","note":"gift"}',
          source: "webhook",
          status: "refined",
          webhookDeliveryId: delivery.id,
          receivedAt: new Date(BASE + 5000),
        },
        {
          shop: SHOP,
          resource: "orders",
          gid: "gid://shopify/Order/77",
          hash: "h3",
          payload: '{"not":"an order"}',
          source: "webhook",
          status: "error",
          error: "missing required field: name",
          receivedAt: new Date(BASE + 6000),
        },
        {
          shop: OTHER,
          resource: "orders",
          gid: "gid://shopify/Order/1",
          hash: "h1",
          payload: "{}",
          source: "backfill",
          status: "error",
          error: "other shop",
        },
      ],
    });
  });

  afterAll(async () => {
    await t?.drop();
  });

  describe("browseTable", () => {
    const live = Array.from({ length: ORDER_COUNT }, (_, i) => i + 1).filter((n) => n !== 5);
    const byCreated = (a: number, b: number) => Math.floor(a / 3) - Math.floor(b / 3) || a - b;

    it("walks every order once, in (created_at, id) order, both directions, without OFFSET", async () => {
      const asc = await walk(db, "orders", { sort: "createdAt", direction: "asc", limit: 10 });
      expect(asc.keys).toEqual([...live].sort(byCreated).map(String));
      expect(asc.pages).toHaveLength(8);
      expect(asc.pages[0].prevCursor).toBeNull();
      expect(asc.pages[1].prevCursor).not.toBeNull();
      expect(asc.pages[0].total).toEqual({ count: live.length, capped: false });

      const desc = await walk(db, "orders", { sort: "createdAt", direction: "desc", limit: 7 });
      expect(desc.keys).toEqual([...live].sort((a, b) => byCreated(b, a)).map(String));
    });

    it("goes back a page with prevCursor and lands on the same rows", async () => {
      const { pages } = await walk(db, "orders", { sort: "name", direction: "asc", limit: 9 });
      for (let i = pages.length - 1; i > 0; i--) {
        const back = await browseTable(db, SHOP, "orders", {
          sort: "name",
          direction: "asc",
          limit: 9,
          cursor: pages[i].prevCursor,
          before: true,
        });
        expect(back.rows.map((r) => r.key)).toEqual(pages[i - 1].rows.map((r) => r.key));
        expect(back.nextCursor).not.toBeNull();
        expect(Boolean(back.prevCursor)).toBe(i - 1 > 0);
      }
    });

    it("searches by order-number prefix (with or without #) and by exact id", async () => {
      const prefix = await browseTable(db, SHOP, "orders", {
        search: "#107",
        sort: "id",
        direction: "asc",
      });
      expect(prefix.rows.map((r) => r.key)).toEqual(["70", "71", "72", "73"]);
      const noHash = await browseTable(db, SHOP, "orders", {
        search: "1007",
        sort: "id",
        direction: "asc",
      });
      expect(noHash.rows.map((r) => r.values.name)).toEqual(["#1007"]);
      const byId = await browseTable(db, SHOP, "orders", {
        search: "12",
        sort: "id",
        direction: "asc",
      });
      expect(byId.rows.map((r) => r.key)).toEqual(["12"]);
      expect(byId.total.count).toBe(1);
      const nothing = await browseTable(db, SHOP, "orders", { search: "zzz" });
      expect(nothing.rows).toEqual([]);
      expect(nothing.total.count).toBe(0);
    });

    it("searches customers by email prefix (case-insensitive) and by last name", async () => {
      const email = await browseTable(db, SHOP, "customers", { search: "ANN@" });
      expect(email.rows.map((r) => r.values.displayName)).toEqual(["Ann Smith"]);
      const name = await browseTable(db, SHOP, "customers", { search: "jon" });
      expect(name.rows.map((r) => r.key)).toEqual(["12"]);
    });

    it("filters a child table by its parent and never leaks another shop's rows", async () => {
      const items = await browseTable(db, SHOP, "line_items", {
        parent: "1",
        sort: "id",
        direction: "asc",
      });
      expect(items.rows.map((r) => r.key)).toEqual(["901", "902"]);
      const other = await browseTable(db, SHOP, "orders", { search: "500" });
      expect(other.rows).toEqual([]);
      await expect(browseTable(db, SHOP, "nope")).rejects.toThrow("Unknown table");
    });

    it("ignores a malformed cursor and serializes bigints, decimals and dates as text", async () => {
      const page = await browseTable(db, SHOP, "orders", {
        cursor: "garbage",
        limit: 1,
        sort: "id",
        direction: "asc",
      });
      expect(page.rows[0].values).toMatchObject({ id: "1", name: "#1001", currencyCode: "EUR" });
      expect(page.rows[0].values.totalPrice).toMatch(/^1\.5/);
      expect(page.rows[0].values.createdAt).toBe(new Date(BASE).toISOString());
    });
  });

  describe("recordDetail", () => {
    it("returns every column, related tables and the raw payloads with their sources", async () => {
      const detail = await recordDetail(db, SHOP, "orders", "1");
      expect(detail).not.toBeNull();
      expect(detail!.title).toBe("#1001");
      expect(detail!.gid).toBe("gid://shopify/Order/1");
      expect(detail!.fields.find((f) => f.field === "email")?.value).toBe("buyer1@example.com");
      expect(detail!.related.map((r) => r.label)).toContain("Line items");
      expect(detail!.related.find((r) => r.label === "Line items")!.path).toBe(
        "/app/data?table=line_items&parent=1",
      );
      expect(detail!.rawPayloads.map((r) => r.sourceLabel)).toEqual([
        "Webhook orders/updated",
        "Full sync (bulk file)",
      ]);
      expect(detail!.rawPayloads[0].payload).toContain('"note": "gift"');

      const item = await recordDetail(db, SHOP, "line_items", "901");
      expect(item!.parent).toEqual({ label: "Order 1", path: "/app/data/orders/1" });
      expect(await recordDetail(db, SHOP, "orders", "500")).toBeNull(); // other shop
      expect(await recordDetail(db, SHOP, "orders", "abc")).toBeNull();
    });

    it("shows tombstoned records as deleted", async () => {
      const detail = await recordDetail(db, SHOP, "orders", "5");
      expect(detail!.deletedAt).toBe(new Date(BASE).toISOString());
    });
  });

  describe("listActivity", () => {
    beforeAll(async () => {
      const events = Array.from({ length: 30 }, (_, i) => ({
        shop: SHOP,
        kind: i % 3 === 0 ? "webhook.received" : "sync.finished",
        resource: i % 2 === 0 ? "orders" : "products",
        message: `Event ${i}`,
        subjectGid: i === 0 ? "gid://shopify/Order/1" : null,
        createdAt: new Date(BASE + Math.floor(i / 2) * 1000), // pairs share a timestamp
      }));
      await db.activityEvent.createMany({ data: events });
      await db.activityEvent.create({
        data: { shop: OTHER, kind: "sync.finished", message: "Other shop" },
      });
    });

    it("pages newest first across equal timestamps, and back", async () => {
      const seen: string[] = [];
      const pages = [];
      let cursor: string | null = null;
      do {
        const page = await listActivity(db, SHOP, { cursor, limit: 7 });
        pages.push(page);
        seen.push(...page.items.map((i) => i.sentence));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(30);
      expect(new Set(seen).size).toBe(30);
      expect(seen[0]).toBe("Event 29.");
      expect(seen[29]).toBe("Event 0.");
      const back = await listActivity(db, SHOP, {
        cursor: pages[2].prevCursor,
        before: true,
        limit: 7,
      });
      expect(back.items.map((i) => i.id)).toEqual(pages[1].items.map((i) => i.id));
    });

    it("filters by resource and by kind group, and links the affected record", async () => {
      const orders = await listActivity(db, SHOP, { resource: "orders", limit: 100 });
      expect(orders.items).toHaveLength(15);
      expect(orders.items.every((i) => i.resourceLabel === "Orders")).toBe(true);
      const webhooks = await listActivity(db, SHOP, { kind: "webhook", limit: 100 });
      expect(webhooks.items).toHaveLength(10);
      const both = await listActivity(db, SHOP, {
        kind: "webhook",
        resource: "orders",
        limit: 100,
      });
      expect(both.items).toHaveLength(5);
      expect(both.items.at(-1)!.recordPath).toBe("/app/data/orders/1");
      const exact = await listActivity(db, SHOP, { kind: "sync.finished", limit: 100 });
      expect(exact.items).toHaveLength(20);
    });
  });

  describe("records in error", () => {
    it("lists only this shop's failed records, with the reason and a link", async () => {
      const page = await listRecordErrors(db, SHOP);
      expect(page.total).toEqual({ count: 1, capped: false });
      expect(page.items[0]).toMatchObject({
        resource: "orders",
        resourceLabel: "Orders",
        error: "missing required field: name",
        recordPath: "/app/data/orders/77",
      });
      expect((await listRecordErrors(db, SHOP, { resource: "products" })).items).toEqual([]);
    });

    it("retry refines the record again; one that still fails keeps error status with the new reason", async () => {
      const [item] = (await listRecordErrors(db, SHOP)).items;
      const result = await retryRecordErrors(db, SHOP, { ids: [item.id] });
      expect(result).toMatchObject({ retried: 1, refined: 0, stillFailing: 1, remaining: 0 });
      const row = await db.rawRecord.findUniqueOrThrow({ where: { id: item.id } });
      expect(row.status).toBe("error");
      expect(row.error).toBeTruthy();
      expect(await retryRecordErrors(db, SHOP, { ids: [999_999] })).toMatchObject({ retried: 0 });
      // The other shop's record was never touched.
      expect((await db.rawRecord.findFirstOrThrow({ where: { shop: OTHER } })).error).toBe(
        "other shop",
      );
    });
  });

  describe("integrity", () => {
    it("queues one reconcile.run job per shop and reports it as queued", async () => {
      expect(await getVerificationState(db, SHOP)).toEqual({ queued: false, running: false });
      const first = await requestVerification(db, SHOP);
      const second = await requestVerification(db, SHOP);
      expect(first.alreadyQueued).toBe(false);
      expect(second).toEqual({ jobId: first.jobId, alreadyQueued: true });
      const job = await db.job.findUniqueOrThrow({ where: { id: first.jobId } });
      expect(job).toMatchObject({ type: "reconcile.run", shop: SHOP, status: "queued" });
      expect(await getVerificationState(db, SHOP)).toEqual({ queued: true, running: false });
    });

    it("lists report history newest first and reads one report's findings", async () => {
      for (let i = 0; i < 3; i++)
        await db.integrityReport.create({
          data: {
            shop: SHOP,
            status: "done",
            verdict: i === 2 ? "healed" : "verified",
            startedAt: new Date(BASE + i * 3600_000),
            durationMs: 1200,
            summaryJson: JSON.stringify({
              orders: { local: 72, remote: 72 + i, missing: i, healed: i },
              products: { local: 0, remote: 0, missing: 0 },
            }),
            aggregateCheckJson: JSON.stringify({ netSales: "123.45", matches: true }),
          },
        });
      const first = await listIntegrityReports(db, SHOP, { limit: 2 });
      expect(first.reports.map((r) => r.verdict)).toEqual(["healed", "verified"]);
      expect(first.reports[0].resourcesWithFindings).toBe(1);
      const rest = await listIntegrityReports(db, SHOP, { limit: 2, cursor: first.nextCursor });
      expect(rest.reports).toHaveLength(1);
      expect(rest.nextCursor).toBeNull();

      const detail = await getIntegrityReport(db, SHOP, first.reports[0].id);
      expect(detail!.findings.map((f) => f.label)).toEqual(["Orders", "Products"]);
      expect(detail!.findings[0].metrics).toContainEqual({ label: "Missing", value: "2" });
      expect(detail!.aggregateChecks).toContainEqual({ label: "Net sales", value: "123.45" });
      expect(await getIntegrityReport(db, OTHER, first.reports[0].id)).toBeNull();
    });

    it("parses the other findings shapes", () => {
      expect(parseFindings(JSON.stringify([{ resource: "orders", missing: 1 }]))[0]).toMatchObject({
        label: "Orders",
        hasDifferences: true,
      });
      expect(
        parseFindings(JSON.stringify({ resources: { customers: { stale: 0 } } }))[0],
      ).toMatchObject({ label: "Customers", hasDifferences: false });
      expect(parseFindings("not json")).toEqual([]);
    });

    it("tells a reconciliation's own report in words (durations are not differences)", async () => {
      const counts = (missing = 0, stale = 0, zombie = 0) => ({ missing, stale, zombie });
      const resource = (key: string, found: ReturnType<typeof counts>, healed = counts()) => ({
        resource: key,
        mode: "bulk-map",
        remoteCount: 100,
        localCount: 100 - found.missing,
        found: { ...found, countMismatch: 0 },
        healed,
        live: 0,
        skippedLive: 0,
        remaining: counts(),
        reasons: [],
        samples: { missing: [], stale: [], zombie: [] },
        durationMs: 547,
      });
      const summary = {
        trigger: "manual",
        progress: { done: 2, total: 2, current: null },
        resources: {
          orders: resource("orders", counts(2, 1), counts(2, 1)),
          products: resource("products", counts()),
        },
        totals: { found: 3, healed: 3, remaining: 0 },
        reasons: [],
      };
      const findings = parseFindings(JSON.stringify(summary));
      expect(findings.map((f) => [f.label, f.hasDifferences])).toEqual([
        ["Orders", true],
        ["Products", false],
      ]);
      expect(findings[0].metrics).toEqual([
        { label: "In Shopify", value: "100" },
        { label: "In StoreSync", value: "98" },
        { label: "Missing", value: "2" },
        { label: "Out of date", value: "1" },
        { label: "Fixed", value: "3" },
      ]);
      expect(findings[1].metrics).toContainEqual({ label: "Differences", value: "None" });
      expect(findings[1].metrics.map((m) => m.label)).not.toContain("Duration ms");

      const report = await db.integrityReport.create({
        data: {
          shop: SHOP,
          status: "done",
          verdict: "healed",
          startedAt: new Date(BASE + 10 * 3600_000),
          summaryJson: JSON.stringify(summary),
          aggregateCheckJson: JSON.stringify({
            status: "match",
            from: "2024-12-04",
            to: "2026-11-21",
            comparedDays: 100,
            differences: [],
            healedDays: [],
          }),
        },
      });
      const detail = await getIntegrityReport(db, SHOP, report.id);
      expect(detail!.resourcesWithFindings).toBe(1);
      expect(detail!.aggregateChecks).toEqual([
        { label: "Result", value: "The totals match" },
        { label: "Days compared", value: "100 (2024-12-04 to 2026-11-21)" },
      ]);
      await db.integrityReport.delete({ where: { id: report.id } });
    });
  });

  describe("settings", () => {
    it("defaults, validates, saves and keeps keys owned by other modules", async () => {
      const before = await getShopSettings(db, SHOP);
      expect(before.settings.syncIntervalMinutes).toBe(15);
      expect(before.settings.enabledResources).toContain("orders");
      expect(before.paused).toHaveProperty("payouts");

      await saveShopSettings(db, SHOP, {
        enabledResources: ["products", "orders"],
        syncIntervalMinutes: 60,
        reconcileSchedule: "weekly",
        reconcileHourUtc: 4,
      });
      const after = await getShopSettings(db, SHOP);
      expect(after.settings).toEqual({
        enabledResources: ["orders", "products"],
        syncIntervalMinutes: 60,
        reconcileSchedule: "weekly",
        reconcileHourUtc: 4,
      });
      const stored = JSON.parse(
        (await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).settingsJson,
      );
      expect(stored.pausedResources).toHaveProperty("payouts");
      await expect(saveShopSettings(db, SHOP, { syncIntervalMinutes: 1 })).rejects.toThrow();
      await expect(saveShopSettings(db, SHOP, { enabledResources: ["bogus"] })).rejects.toThrow();
    });
  });

  describe("daily metrics", () => {
    it("returns one point per day with gaps as zero and range totals", async () => {
      await db.dailyMetric.createMany({
        data: [
          { day: "2026-01-03", orders: 2, net: "30.00", returns: "5.00" },
          { day: "2026-01-05", orders: 1, net: "12.50", returns: "0.00" },
        ].map((d) => ({
          shop: SHOP,
          date: new Date(`${d.day}T00:00:00Z`),
          currencyCode: "EUR",
          orders: d.orders,
          grossSales: d.net,
          discounts: "0",
          returns: d.returns,
          netSales: d.net,
          taxes: "0",
          shipping: "0",
          totalSales: d.net,
          unitsSold: d.orders,
          averageOrderValue: "0",
        })),
      });
      const metrics = await getDailyMetrics(db, SHOP, "7", new Date("2026-01-06T15:00:00Z"));
      expect(metrics.from).toBe("2025-12-31");
      expect(metrics.to).toBe("2026-01-06");
      expect(metrics.days).toHaveLength(7);
      expect(metrics.days.map((d) => d.orders)).toEqual([0, 0, 0, 2, 0, 1, 0]);
      expect(metrics.days[3]).toMatchObject({ date: "2026-01-03", netSales: 30, refunds: 5 });
      expect(metrics.totals).toMatchObject({
        orders: 3,
        netSales: 42.5,
        refunds: 5,
        averageOrderValue: 14.17,
      });
      expect(metrics.currencyCode).toBe("EUR");
      expect((await getDailyMetrics(db, OTHER, "7", new Date("2026-01-06T15:00:00Z"))).empty).toBe(
        true,
      );
    });
  });

  describe("compliance log", () => {
    it("lists requests and what was done, linking each data request's export", async () => {
      await db.webhookDelivery.create({
        data: {
          webhookId: "wh-dr",
          shop: SHOP,
          topic: "customers/data_request",
          status: "processed",
          receivedAt: new Date(BASE),
        },
      });
      const exportId = "0b9d7a52-63a4-4a9e-9f3c-5a3f0e2b8c11";
      await db.activityEvent.createMany({
        data: [
          {
            shop: SHOP,
            kind: "compliance.data_request",
            message: "The export is ready to download.",
            dataJson: JSON.stringify({ exportId, counts: { orders: 1 } }),
            createdAt: new Date(BASE + 1000),
          },
          {
            shop: SHOP,
            kind: "compliance.data_request",
            message: "An erased export.",
            dataJson: JSON.stringify({ exportId, redacted: true }),
            createdAt: new Date(BASE + 500),
          },
          {
            shop: SHOP,
            kind: "compliance.customer_redact",
            message: "Erased a customer.",
            createdAt: new Date(BASE + 2000),
          },
          {
            shop: OTHER,
            kind: "compliance.data_request",
            message: "Other shop.",
            createdAt: new Date(BASE),
          },
        ],
      });
      const log = await listComplianceLog(db, SHOP);
      expect(log.map((e) => e.sentence)).toEqual([
        "Erased a customer.",
        "The export is ready to download.",
        "An erased export.",
        "A customer asked for the data StoreSync holds about them.",
      ]);
      expect(log.map((e) => e.exportPath)).toEqual([
        null,
        `/app/compliance/${exportId}/download`,
        null,
        null,
      ]);
      expect(log[3]).toMatchObject({ topic: "customers/data_request", status: "Done" });
    });
  });

  describe("dashboard", () => {
    it("says what state the shop is in and carries progress, errors and webhook health", async () => {
      await db.syncRun.create({
        data: {
          shop: SHOP,
          resource: "orders",
          kind: "backfill",
          status: "running",
          // The bulk file's lines (orders and their children) vs the orders in Shopify.
          expectedCount: 200,
          remoteCount: 40,
          downloadedCount: 100,
          refinedCount: 80,
          createdAt: new Date(BASE),
        },
      });
      const dash = await getDashboard(db, SHOP, new Date(BASE + 10_000));
      expect(dash.state).toBe("backfilling");
      expect(dash.working).toBe(true);
      expect(dash.progress.orders).toMatchObject({
        expected: 200,
        remote: 40,
        downloaded: 100,
        refined: 80,
        percent: 50,
      });
      // A newer run that has not counted yet: "In Shopify" keeps the latest known count.
      await db.syncRun.create({
        data: {
          shop: SHOP,
          resource: "orders",
          kind: "incremental",
          status: "queued",
          createdAt: new Date(BASE + 1000),
        },
      });
      const queued = await getDashboard(db, SHOP, new Date(BASE + 10_000));
      expect(queued.progress.orders).toMatchObject({ kind: "incremental", expected: null, remote: 40 });
      await db.syncRun.deleteMany({ where: { shop: SHOP, kind: "incremental" } });
      // Payouts have no count query: "In Shopify" comes from the latest finished verification.
      await db.syncRun.create({
        data: { shop: SHOP, resource: "payouts", kind: "backfill", status: "succeeded", createdAt: new Date(BASE) },
      });
      const verification = await db.integrityReport.create({
        data: {
          shop: SHOP,
          status: "done",
          verdict: "verified",
          summaryJson: JSON.stringify({ resources: { payouts: { remoteCount: 17 }, orders: { remoteCount: 39 } } }),
        },
      });
      const verified = await getDashboard(db, SHOP, new Date(BASE + 10_000));
      expect(verified.progress.payouts).toMatchObject({ remote: 17 });
      expect(verified.progress.orders).toMatchObject({ remote: 40 }); // the run's own count wins
      await db.integrityReport.delete({ where: { id: verification.id } });
      await db.syncRun.deleteMany({ where: { shop: SHOP, resource: "payouts" } });
      expect(dash.recordErrors).toEqual({ orders: 1 });
      expect(dash.webhooks.lastTopic).toBe("orders/updated");
      expect(dash.webhooks.received24h).toBe(2);
      expect(dash.resources.find((r) => r.key === "orders")!.count).toBe(ORDER_COUNT - 1);

      await db.syncRun.updateMany({
        where: { shop: SHOP },
        data: { status: "succeeded", finishedAt: new Date(BASE) },
      });
      const after = await getDashboard(db, SHOP, new Date(BASE + 10_000));
      expect(after.state).toBe("needs_attention"); // the record in error
      expect(after.working).toBe(true); // the queued verification
    });
  });
});
