/**
 * Reconciliation end to end against the store simulator: a backfilled store, drift of every kind
 * injected across several resources (webhooks that never arrived, silent edits, silent deletes,
 * rows altered in our own database), ONE reconciliation run as the job "Verify integrity"
 * enqueues — it finds all of it, heals it, the database then equals the simulator's data, and a
 * second run reports verified with zero findings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { Prisma } from "../../app/db.server";
import { startBackfill } from "../../app/sync/backfill/start.server";
import {
  RECONCILE_JOB_TYPES,
  afterBackfillReconcile,
  requestReconciliation,
} from "../../app/sync/reconcile/jobs.server";
import {
  runReconciliation,
  type ReconcileSummary,
  type ResourceReport,
} from "../../app/sync/reconcile/engine.server";
import type { AggregateCheck } from "../../app/sync/reconcile/aggregate.server";
import { refetchRecords, DEFAULT_HEAL_TUNING } from "../../app/sync/reconcile/heal.server";
import { meter } from "../../app/sync/reconcile/admin.server";
import { mapSpecFor } from "../../app/sync/reconcile/remote-maps";
import { definitionFor } from "../../app/sync/resources";
import { testEngines } from "../support/engines";
import { createSyncHarness, startSimStore, type SimStore, type SyncHarness } from "../sync/support";
import { deepCompare, nextSecond, numericIdOf, reconcileRunner } from "./support";

type Json = Record<string, unknown>;

describe.each(testEngines)("reconciliation (%s)", (engine) => {
  let store: SimStore;
  let h: SyncHarness;
  const shop = () => store.domain;

  async function latestReport() {
    const r = await h.db.integrityReport.findFirstOrThrow({
      where: { shop: shop() },
      orderBy: { startedAt: "desc" },
    });
    return {
      row: r,
      summary: JSON.parse(r.summaryJson ?? "{}") as ReconcileSummary,
      aggregate: r.aggregateCheckJson ? (JSON.parse(r.aggregateCheckJson) as AggregateCheck) : null,
    };
  }

  /** "Verify integrity": the job the Integrity page enqueues, run by a runner with every job type. */
  async function verifyIntegrity() {
    const before = await h.db.integrityReport.count({ where: { shop: shop() } });
    await requestReconciliation(h.db, shop());
    const runner = reconcileRunner(h, { run: { liveSkewMs: 0 } });
    await runner.runUntilIdle({ horizonMs: 1_000, timeoutMs: 120_000 });
    expect(await h.db.integrityReport.count({ where: { shop: shop() } })).toBe(before + 1);
    return latestReport();
  }

  beforeAll(async () => {
    store = await startSimStore({
      domain: `reconcile-${engine}.myshopify.com`,
      size: { orders: 150 },
      seed: 9,
    });
    h = await createSyncHarness(engine, store);
    await startBackfill(h.deps, shop());
    await h.drain();
    await nextSecond();
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await store?.close();
  });

  it("right after a backfill the store is verified, with counts per resource and the aggregate check", async () => {
    const { row, summary, aggregate } = await verifyIntegrity();
    expect(row.status).toBe("done");
    expect(row.verdict, JSON.stringify(summary.reasons)).toBe("verified");
    expect(summary.totals).toEqual({ found: 0, healed: 0, remaining: 0 });
    expect(summary.progress).toMatchObject({ done: summary.progress.total, current: null });
    const orders = summary.resources.orders!;
    expect(orders.mode).toBe("bulk-map");
    expect(orders.remoteCount).toBe(150);
    expect(orders.localCount).toBe(150);
    expect(summary.resources.locations!.mode).toBe("paged-map");
    expect(Object.keys(summary.resources).length).toBe(11);
    expect(aggregate?.status).toBe("match");
    expect(aggregate?.comparedDays).toBeGreaterThan(0);
    expect(summary.cost.bulkOperations).toBe(7); // one id map per bulk resource + checkouts + balance transactions
    expect(summary.cost.actualCost).toBeGreaterThan(0);
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it("one run finds 100% of injected drift, heals it, and the database equals the simulator; a second run is verified", async () => {
    const s = store.shop.store;
    const db = h.db;
    const orders = [...s.collection("orders").scan({ sortKey: "ID" })].map((x) => x.record);
    const o = (i: number) => orders[i * 7 + 3]!; // distinct, spread out
    const key = (gid: string) => ({ shop_id: { shop: shop(), id: numericIdOf(gid) } });

    // --- orders ------------------------------------------------------------------------------
    // Remote: silent edits (stale), a webhook that never arrived (the harness has no receiver),
    // a silent refund, silent creates (missing), a silent delete (zombie).
    s.update("orders", o(0).id, { note: "silently edited" }, { silent: true });
    s.update("orders", o(1).id, { tags: ["edited", "silently"] }, { silent: true });
    s.update("orders", o(2).id, { note: "its orders/updated webhook was dropped" });
    s.refundOrder(o(3).id, { silent: true });
    const newOrders = [
      s.create("orders", {}, { silent: true }),
      s.create("orders", {}, { silent: true }),
    ];
    s.delete("orders", o(4).id, { silent: true });
    // Local: an older version with wrong totals (stale), a hard-deleted row and a wrongly
    // tombstoned row (missing), a row Shopify never had (zombie), a total altered in place
    // without a version change (found by the aggregate check).
    const older = await db.order.findUniqueOrThrow({ where: key(o(5).id) });
    await db.order.update({
      where: key(o(5).id),
      data: {
        updatedAt: new Date(older.updatedAt.getTime() - 86_400_000),
        totalPrice: new Prisma.Decimal("1.00"),
      },
    });
    await db.order.delete({ where: key(o(6).id) });
    await db.order.update({ where: key(o(7).id), data: { deletedAt: new Date() } });
    await db.order.create({
      data: {
        shop: shop(),
        id: 990000000001n,
        gid: "gid://shopify/Order/990000000001",
        name: "#GHOST",
        createdAt: new Date(),
        updatedAt: new Date(),
        currencyCode: "USD",
        totalPrice: new Prisma.Decimal("5"),
      },
    });
    const tampered = orders.find(
      (x, i) =>
        i > 80 &&
        Number((x.totalDiscountsSet as { shopMoney: { amount: string } }).shopMoney.amount) === 0 &&
        x.processedAt,
    )!;
    await db.order.update({
      where: key(tampered.id),
      data: { totalDiscounts: new Prisma.Decimal("3.33") },
    });

    // --- products (+ their inventory items) -------------------------------------------------
    const products = [...s.collection("products").scan({ sortKey: "ID" })].map((x) => x.record);
    s.update("products", products[1]!.id, { title: "Silently renamed" }, { silent: true });
    const deletedProduct = s.delete("products", products[2]!.id, { silent: true });
    const newProduct = s.create("products", {}, { silent: true });
    await db.product.delete({ where: key(products[3]!.id) });

    // --- customers ---------------------------------------------------------------------------
    const customers = [...s.collection("customers").scan({ sortKey: "ID" })].map((x) => x.record);
    s.update("customers", customers[1]!.id, { note: "silent note" }, { silent: true });
    s.delete("customers", customers[2]!.id, { silent: true });
    s.create("customers", { firstName: "Late", lastName: "Arrival" }, { silent: true });
    const newer = await db.customer.findUniqueOrThrow({ where: key(customers[3]!.id) });
    await db.customer.update({
      where: key(customers[3]!.id),
      data: {
        updatedAt: new Date(newer.updatedAt.getTime() + 86_400_000),
        email: "tampered@example.com",
      },
    });

    // --- small resources ---------------------------------------------------------------------
    const location = [...s.collection("locations").scan()][0]!.record;
    s.update("locations", location.id, { name: "Renamed warehouse" }, { silent: true });
    const discount = [...s.collection("discounts").scan()][0]!.record;
    s.update("discounts", discount.id, { title: "Silently retitled" }, { silent: true });
    const payout = [...s.collection("payouts").scan()]
      .map((x) => x.record)
      .find((p) => p.status !== "FAILED")!;
    s.update("payouts", payout.id, { status: "FAILED" }, { silent: true });
    s.create("marketingEvents", {}, { silent: true });

    const variantsOf = (p: GqlRecord) => ((p.variants as unknown[]) ?? []).length;
    await nextSecond();

    const { row, summary, aggregate } = await verifyIntegrity();
    const r = (k: string) => summary.resources[k]!;
    const found = (k: string) => ({
      missing: r(k).found.missing,
      stale: r(k).found.stale,
      zombie: r(k).found.zombie,
    });
    expect(found("orders")).toEqual({ missing: 4, stale: 5, zombie: 2 }); // o(0..3) + o(5) stale
    expect(found("products")).toEqual({ missing: 2, stale: 1, zombie: 1 });
    expect(found("inventoryItems")).toEqual({
      missing: variantsOf(newProduct),
      stale: 0,
      zombie: variantsOf(deletedProduct),
    });
    expect(found("customers")).toEqual({ missing: 1, stale: 2, zombie: 1 });
    expect(found("locations")).toEqual({ missing: 0, stale: 1, zombie: 0 });
    expect(found("discounts")).toEqual({ missing: 0, stale: 1, zombie: 0 });
    expect(found("payouts")).toEqual({ missing: 0, stale: 1, zombie: 0 });
    expect(found("marketingEvents")).toEqual({ missing: 1, stale: 0, zombie: 0 });
    for (const k of ["disputes", "balanceTransactions", "abandonedCheckouts"])
      expect(found(k), k).toEqual({ missing: 0, stale: 0, zombie: 0 });
    // Everything found was healed; the tampered day was found by the aggregate check and healed.
    for (const rep of Object.values(summary.resources) as ResourceReport[]) {
      expect(rep.healed, rep.resource).toEqual({
        missing: rep.found.missing,
        stale: rep.found.stale,
        zombie: rep.found.zombie,
      });
      expect(rep.remaining, rep.resource).toEqual({ missing: 0, stale: 0, zombie: 0 });
    }
    expect(aggregate?.status).toBe("match");
    expect(aggregate?.healedDays.length).toBe(1);
    expect(row.verdict, JSON.stringify(summary.reasons)).toBe("healed");
    expect(summary.totals.remaining).toBe(0);
    expect(summary.totals.healed).toBe(summary.totals.found);
    expect(summary.resources.orders!.samples.missing).toContain(newOrders[0]!.id);

    // Healed records went through raw ingest as "reconcile" records.
    expect(
      await db.rawRecord.count({ where: { shop: shop(), source: "reconcile" } }),
    ).toBeGreaterThan(0);
    // Zombies carry a tombstone; the deleted product's comes from deletionEvents.
    const ghost = await db.order.findUniqueOrThrow({
      where: { shop_id: { shop: shop(), id: 990000000001n } },
    });
    expect(ghost.deletedAt).not.toBeNull();
    const event = s.deletionEvents().find((e) => e.subjectId === deletedProduct.id)!;
    const tomb = await db.product.findUniqueOrThrow({ where: key(deletedProduct.id) });
    expect(tomb.deletedAt?.toISOString()).toBe(new Date(event.occurredAt).toISOString());

    // The database now equals the simulator's data, table by table.
    const diff = await deepCompare(engine, db, store);
    expect(diff, JSON.stringify(diff, null, 1)).toEqual([]);

    // A second run: verified, zero findings.
    await nextSecond();
    const second = await verifyIntegrity();
    expect(second.row.verdict, JSON.stringify(second.summary.reasons)).toBe("verified");
    expect(second.summary.totals).toEqual({ found: 0, healed: 0, remaining: 0 });
    const activity = await db.activityEvent.findMany({
      where: { shop: shop(), kind: { startsWith: "reconcile." } },
      orderBy: { id: "asc" },
    });
    expect(activity.map((a) => a.kind)).toEqual([
      "reconcile.verified",
      "reconcile.healed",
      "reconcile.verified",
    ]);
  }, 180_000);

  it("does not fight live traffic: fresh remote changes and fresh local writes are not drift, and a forced heal never overwrites a newer write", async () => {
    const s = store.shop.store;
    const order = [...s.collection("orders").scan({ sortKey: "ID" })][10]!.record;
    // A change made "now" (within the live skew): its webhook / the incremental sync will bring it.
    s.update("orders", order.id, { note: "live change" }, { silent: true });
    const result = await runReconciliation(h.deps, shop(), {
      trigger: "manual",
      resources: ["orders"],
      aggregate: false,
      liveSkewMs: 5_000,
    });
    expect(result.verdict).toBe("verified");
    expect(result.summary.resources.orders!.skippedLive).toBeGreaterThanOrEqual(1);
    const row = await h.db.order.findUniqueOrThrow({
      where: { shop_id: { shop: shop(), id: numericIdOf(order.id) } },
    });
    expect(row.note).not.toBe("live change"); // left to the live path, not touched

    // A forced heal (local row newer than Shopify) whose row was written after it was read: skipped.
    const def = definitionFor("orders");
    const healed = await refetchRecords(
      {
        db: h.db,
        shop: shop(),
        admin: meter(await h.deps.adminFor(shop())),
        fetch: h.deps.fetch,
        def,
        spec: mapSpecFor("orders"),
        tuning: DEFAULT_HEAL_TUNING,
      },
      [{ id: numericIdOf(order.id), forceSyncedAtMs: row.syncedAt.getTime() - 1_000 }],
    );
    expect(healed.liveSkipped).toEqual([numericIdOf(order.id)]);
    expect(healed.written).toBe(0);
    // Bring the live change in (as the incremental sync would) so the store is equal again.
    await nextSecond();
    const after = await runReconciliation(h.deps, shop(), {
      trigger: "manual",
      resources: ["orders"],
      aggregate: false,
      liveSkewMs: 0,
    });
    expect(after.verdict).toBe("healed");
    expect(after.summary.resources.orders!.healed.stale).toBe(1);
  }, 120_000);

  it("many records to refetch go through filtered bulk operations (id ranges) instead of nodes(ids:)", async () => {
    const s = store.shop.store;
    const orders = [...s.collection("orders").scan({ sortKey: "ID" })].map((x) => x.record);
    for (const i of [20, 21, 90])
      s.update("orders", orders[i]!.id, { note: `bulk heal ${i}` }, { silent: true });
    await nextSecond();
    const result = await runReconciliation(h.deps, shop(), {
      trigger: "manual",
      resources: ["orders"],
      liveSkewMs: 0,
      tuning: { bulkThreshold: 2, maxBulkRanges: 2 },
    });
    expect(result.verdict, JSON.stringify(result.summary.reasons)).toBe("healed");
    expect(result.summary.resources.orders!.healed.stale).toBe(3);
    expect(result.summary.cost.bulkOperations).toBe(1 + 2); // the orders id map + two id ranges
    const diff = await deepCompare(engine, h.db, store);
    expect(diff, JSON.stringify(diff, null, 1)).toEqual([]);
  }, 120_000);

  it("is scheduled per shop (reconcileEveryHours) and enqueued after a backfill, waiting while syncs run", async () => {
    await h.db.shop.update({
      where: { shop: shop() },
      data: { settingsJson: JSON.stringify({ reconcileEveryHours: 6 }) },
    });
    // The backfill in beforeAll already armed the default (24 h) schedule and a first run;
    // start from none so this test sees what the 6-hour setting arms.
    await h.db.job.deleteMany({
      where: { shop: shop(), type: { in: [RECONCILE_JOB_TYPES.run, RECONCILE_JOB_TYPES.schedule] } },
    });
    const t0 = Date.now();
    const first = await afterBackfillReconcile(h.db, shop());
    const again = await afterBackfillReconcile(h.db, shop());
    expect(again).toEqual({ id: first.id, deduped: true });
    const schedule = await h.db.job.findFirstOrThrow({
      where: { shop: shop(), type: RECONCILE_JOB_TYPES.schedule, status: "queued" },
    });
    const hours = (schedule.runAt.getTime() - t0) / 3_600_000;
    expect(hours).toBeGreaterThan(5.99);
    expect(hours).toBeLessThan(6.01);
    // A sync still running: the reconcile job waits instead of judging a half-copied store.
    const busy = await h.db.syncRun.create({
      data: { shop: shop(), resource: "orders", kind: "incremental", status: "running" },
    });
    const reports = await h.db.integrityReport.count({ where: { shop: shop() } });
    const runner = reconcileRunner(h, { run: { liveSkewMs: 0 }, waitForSyncMs: 60_000 });
    await runner.runUntilIdle({ horizonMs: 0 });
    expect(await h.db.integrityReport.count({ where: { shop: shop() } })).toBe(reports);
    const waiting = await h.db.job.findUniqueOrThrow({ where: { id: first.id } });
    expect(waiting.status).toBe("queued");
    expect(waiting.runAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
    await h.db.syncRun.update({ where: { id: busy.id }, data: { status: "succeeded" } });
    await h.db.job.update({ where: { id: first.id }, data: { runAt: new Date() } });
    await runner.runUntilIdle({ horizonMs: 0 });
    const { row, summary } = await latestReport();
    expect(summary.trigger).toBe("backfill");
    expect(row.verdict, JSON.stringify(summary.reasons)).toBe("verified");
    // The schedule job enqueues a scheduled run and re-arms itself.
    await h.db.job.update({ where: { id: schedule.id }, data: { runAt: new Date() } });
    await runner.runUntilIdle({ horizonMs: 0 });
    const rearmed = await h.db.job.findUniqueOrThrow({ where: { id: schedule.id } });
    expect(rearmed.status).toBe("queued");
    expect(rearmed.runAt.getTime()).toBeGreaterThan(Date.now() + 5 * 3_600_000);
    expect((await latestReport()).summary.trigger).toBe("schedule");
  }, 120_000);
});

type GqlRecord = Json;
