/**
 * Backfill end to end against the store simulator: real bulk operations (bulkOperationRunQuery,
 * bulkOperation polling, JSONL result files) and paginated queries through Shopify's own
 * GraphqlClient, the sync jobs on the in-process runner, raw ingest and refinement into a real
 * database — then every refined table is compared with the simulator's data refined directly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { Prisma } from "../../app/db.server";
import { startBackfill, startSync } from "../../app/sync/backfill/start.server";
import { onBulkOperationFinished } from "../../app/sync/backfill/start.server";
import { JOB_TYPES } from "../../app/sync/backfill/names";
import { createSyncJobs } from "../../app/sync/backfill/jobs.server";
import { createInProcessRunner } from "../../app/sync/jobs/in-process-runner.server";
import { createTestDatabase, type TestDatabase } from "../../prisma/testing";
import { testEngines } from "../support/engines";
import { createSyncHarness, diffTables, refineExpected, rowCounts, seedShopRow, startSimStore, type SimStore, type SyncHarness } from "./support";

type Json = Record<string, unknown>;

describe.each(testEngines)("backfill and incremental sync (%s)", (engine) => {
  let store: SimStore;
  let h: SyncHarness;
  let expected: TestDatabase;

  async function expectEqualToSimulator() {
    // A fresh database holding the simulator's current records refined directly (no jobs, no files).
    await expected?.drop();
    expected = await createTestDatabase(engine);
    await seedShopRow(expected.db, store);
    await refineExpected(expected.db, store, String((store.shop.store.shop() as Json).currencyCode));
    const diff = await diffTables(h.db, expected.db, store.domain);
    expect(diff, JSON.stringify(diff, null, 1)).toEqual([]);
  }

  beforeAll(async () => {
    store = await startSimStore({ domain: `backfill-${engine}.myshopify.com`, size: { orders: 200 } });
    h = await createSyncHarness(engine, store);
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await expected?.drop();
    await store?.close();
  });

  it("a full backfill ends with every refined table equal to the simulator's data", async () => {
    const runs = await startBackfill(h.deps, store.domain);
    expect(runs.length).toBe(11);
    await h.drain();

    const syncRuns = await h.db.syncRun.findMany({ where: { shop: store.domain } });
    const byResource = new Map(syncRuns.map((r) => [r.resource, r]));
    for (const r of runs) expect(byResource.get(r.resource)?.status, r.resource).toBe("succeeded");
    const orders = byResource.get("orders")!;
    expect(orders.expectedCount).toBe(orders.downloadedCount); // objectCount of the bulk file
    // The remote count is in orders (count query, then the bulk file's rootObjectCount), not lines.
    expect(orders.remoteCount).toBe(200);
    expect(orders.expectedCount).toBeGreaterThan(200);
    expect(orders.refinedCount).toBe(orders.downloadedCount);
    expect(orders.errorCount).toBe(0);
    expect(orders.startedAt).not.toBeNull();
    expect(orders.finishedAt).not.toBeNull();

    const counts = await rowCounts(h.db, store.domain);
    expect(counts.orders).toBe(200);
    expect(counts.line_items).toBeGreaterThan(200);
    expect(counts.products).toBeGreaterThan(0);
    expect(byResource.get("products")?.remoteCount).toBe(counts.products);
    expect(counts.customers).toBeGreaterThan(0);
    expect(counts.inventory_levels).toBeGreaterThan(0);
    await expectEqualToSimulator();

    // Spot checks against the simulator's GraphQL-shaped records directly.
    let checked = 0;
    for (const { record } of store.shop.store.collection("orders").scan()) {
      if (checked++ % 37 !== 0) continue;
      const id = BigInt(String(record.id).split("/").pop()!);
      const row = await h.db.order.findUniqueOrThrow({ where: { shop_id: { shop: store.domain, id } } });
      expect(row.gid).toBe(record.id);
      expect(row.updatedAt.toISOString()).toBe(new Date(String(record.updatedAt)).toISOString());
      const total = (record.totalPriceSet as { shopMoney: { amount: string } }).shopMoney.amount;
      expect(new Prisma.Decimal(String(row.totalPrice)).equals(new Prisma.Decimal(total))).toBe(true);
    }

    // Every raw record refined; the activity feed tells the story.
    expect(await h.db.rawRecord.count({ where: { shop: store.domain, status: { not: "refined" } } })).toBe(0);
    const activity = await h.db.activityEvent.findMany({ where: { shop: store.domain } });
    expect(activity.some((a) => a.kind === "backfill.started")).toBe(true);
    expect(activity.filter((a) => a.kind === "sync.succeeded").length).toBeGreaterThanOrEqual(11);

    // Orders finished: daily metrics, analytics snapshots and the ShopifyQL report were computed.
    const metrics = await h.db.dailyMetric.findMany({ where: { shop: store.domain } });
    expect(metrics.reduce((n, m) => n + m.orders, 0)).toBe(200);
    expect(metrics.every((m) => m.shopifyqlNetSales !== null)).toBe(true);
    for (const m of metrics) expect(Math.abs(Number(m.netSales) - Number(m.shopifyqlNetSales))).toBeLessThan(0.011);
    expect(await h.db.analyticsSnapshot.count({ where: { shop: store.domain } })).toBe(2);
    expect(await h.db.reportRow.count({ where: { shop: store.domain } })).toBe(metrics.length);
  }, 120_000);

  it("a second run with no changes writes nothing", async () => {
    const rawBefore = await h.db.rawRecord.count({ where: { shop: store.domain } });
    const orderSynced = await h.db.order.findMany({ where: { shop: store.domain }, select: { id: true, syncedAt: true } });
    const runs = await startSync(h.deps, store.domain, { kind: "incremental" });
    expect(runs.every((r) => r.started && r.kind === "incremental")).toBe(true);
    await h.drain();
    expect(await h.db.rawRecord.count({ where: { shop: store.domain } })).toBe(rawBefore);
    const after = await h.db.order.findMany({ where: { shop: store.domain }, select: { id: true, syncedAt: true } });
    expect(after).toEqual(orderSynced); // no row rewritten
    const latest = await h.db.syncRun.findMany({ where: { shop: store.domain, kind: "incremental", resource: { notIn: ["dailyMetrics", "reports"] } } });
    expect(latest.every((r) => r.status === "succeeded" && r.refinedCount === 0)).toBe(true);
    await expectEqualToSimulator();
  }, 120_000);

  it("incremental sync after changes ends equal", async () => {
    const s = store.shop.store;
    const orderIds = [...s.collection("orders").scan()].slice(0, 5).map((x) => x.record.id);
    s.refundOrder(orderIds[0]!, { silent: true });
    const fulfillable = [...s.collection("orders").scan()]
      .map((x) => x.record)
      .find((o) => (o.lineItems as { unfulfilledQuantity: number }[]).some((l) => l.unfulfilledQuantity > 0));
    s.fulfillOrder(fulfillable!.id, { silent: true });
    s.update("orders", orderIds[2]!, { note: "changed by the incremental test" }, { silent: true });
    const product = [...s.collection("products").scan()][0]!.record;
    s.update("products", product.id, { title: "Renamed product" }, { silent: true });
    s.create("customers", {}, { silent: true });
    const runs = await startSync(h.deps, store.domain, { kind: "incremental" });
    const ordersRun = runs.find((r) => r.resource === "orders")!;
    expect(ordersRun.updatedSince).not.toBeNull();
    await h.drain();
    const run = await h.db.syncRun.findUniqueOrThrow({ where: { id: ordersRun.runId } });
    expect(run.status).toBe("succeeded");
    expect(run.refinedCount).toBeGreaterThan(0);
    expect(run.downloadedCount).toBeLessThan(200); // only what changed (plus the overlap window)
    // Progress counts what this run reads; the remote count stays every order in Shopify.
    expect(run.expectedCount).toBeLessThan(200);
    expect(run.remoteCount).toBe(200);
    const customersRun = await h.db.syncRun.findFirstOrThrow({ where: { id: runs.find((r) => r.resource === "customers")!.runId } });
    expect(customersRun.remoteCount).toBe(s.collection("customers").count());
    await expectEqualToSimulator();
    const note = await h.db.order.findFirstOrThrow({ where: { shop: store.domain, gid: orderIds[2]! } });
    expect(note.note).toBe("changed by the incremental test");
  }, 120_000);

  it("the bulk_operations/finish webhook moves the poll forward", async () => {
    // A run waiting for its operation: the webhook makes its await job due now.
    const runs = await startSync(h.deps, store.domain, { kind: "incremental", resources: ["customers"] });
    const runId = runs[0]!.runId;
    // A runner that only knows the start job: the operation starts, nobody polls it.
    const startOnly = createInProcessRunner({ db: h.db, handlers: createSyncJobs(h.deps).filter((d) => d.type === JOB_TYPES.bulkStart) });
    await startOnly.runUntilIdle({ horizonMs: 0 });
    const run = await h.db.syncRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.bulkOperationId).toMatch(/^gid:\/\/shopify\/BulkOperation\//);
    // Push the scheduled poll far away, as if backoff had grown.
    await h.db.job.updateMany({ where: { type: JOB_TYPES.bulkAwait, status: "queued", shop: store.domain }, data: { runAt: new Date(Date.now() + 3_600_000) } });
    await store.sim.bulk.idle(store.shop);
    const moved = await onBulkOperationFinished(h.deps, store.domain, { admin_graphql_api_id: run.bulkOperationId, status: "completed" });
    expect(moved).toBe(runId);
    expect(await onBulkOperationFinished(h.deps, store.domain, { admin_graphql_api_id: "gid://shopify/BulkOperation/1" })).toBeNull();
    await h.drain();
    expect((await h.db.syncRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("succeeded");
    // Leave nothing for later tests: the schedule job lives an hour away.
    await h.db.job.deleteMany({ where: { shop: store.domain, status: "queued", type: { not: JOB_TYPES.schedule } } });
  }, 120_000);
});
