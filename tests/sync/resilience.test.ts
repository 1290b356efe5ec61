/**
 * Failures during a backfill: a bulk operation that fails halfway (TIMEOUT with partialDataUrl),
 * a worker process killed with SIGKILL in the middle of ingest/refinement, a missing access
 * scope — and the same record arriving from a bulk file and from a webhook.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startBackfill } from "../../app/sync/backfill/start.server";
import { readState } from "../../app/sync/backfill/state";
import { prepareThreadStats } from "../../app/sync/ingest/prepare-thread.server";
import { createRawWriter } from "../../app/sync/ingest/raw-writer.server";
import { refineRawRecords } from "../../app/sync/refine/refine-raw.server";
import { definitionFor } from "../../app/sync/resources";
import { TABLES } from "../../app/sync/refine/tables";
import { createTestDatabase, type TestDatabase } from "../../prisma/testing";
import { restPayload } from "../../simulator/src/webhooks/payloads";
import { testEngines } from "../support/engines";
import {
  createSyncHarness,
  diffTables,
  expectedLines,
  refineExpected,
  seedShopRow,
  startSimStore,
  tableDump,
  type SimStore,
  type SyncHarness,
} from "./support";

type Json = Record<string, unknown>;
const here = path.dirname(fileURLToPath(import.meta.url));
const ALL_BUT_ORDERS = ["products", "customers", "locations", "inventoryItems", "payouts", "disputes", "balanceTransactions", "discounts", "marketingEvents", "abandonedCheckouts"];

async function expectEqual(engine: "sqlite" | "postgresql", h: SyncHarness, store: SimStore): Promise<void> {
  const expected: TestDatabase = await createTestDatabase(engine);
  try {
    await seedShopRow(expected.db, store);
    await refineExpected(expected.db, store, String((store.shop.store.shop() as Json).currencyCode));
    const diff = await diffTables(h.db, expected.db, store.domain);
    expect(diff, JSON.stringify(diff, null, 1)).toEqual([]);
  } finally {
    await expected.drop();
  }
}

describe.each(testEngines)("sync resilience (%s)", (engine) => {
  describe("a bulk operation that fails halfway", () => {
    let store: SimStore;
    let h: SyncHarness;
    beforeAll(async () => {
      store = await startSimStore({ domain: `fault-${engine}.myshopify.com`, size: { orders: 800 } });
      h = await createSyncHarness(engine, store);
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await store?.close();
    });

    it("ingests the partial data, resumes from the last roots and still ends equal", async () => {
      store.shop.faults.bulk = { remaining: 1, errorCode: "TIMEOUT", afterFraction: 0.5 };
      const [run] = await startBackfill(h.deps, store.domain, { resources: ["orders"] });
      await h.drain();
      const done = await h.db.syncRun.findUniqueOrThrow({ where: { id: run!.runId } });
      expect(done.status).toBe("succeeded");
      const state = readState(done.cursor);
      expect(state.restarts).toBe(1);
      expect(state.idsAfter).toMatch(/^\d+$/); // the second operation only read the rest
      const allLines = (await expectedLines(store, definitionFor("orders"))).length;
      expect(done.downloadedCount).toBeGreaterThan(allLines / 2);
      expect(done.downloadedCount).toBeLessThan(allLines * 1.5);
      expect(done.skippedCount).toBeGreaterThan(0); // the re-read margin: cheap no-ops
      const retry = await h.db.activityEvent.findFirst({ where: { syncRunId: done.id, kind: "sync.retrying" } });
      expect(retry?.level).toBe("warning");
      await startBackfill(h.deps, store.domain, { resources: ALL_BUT_ORDERS });
      await h.drain();
      await expectEqual(engine, h, store);
    }, 180_000);
  });

  describe("a worker killed mid-refinement", () => {
    let store: SimStore;
    let h: SyncHarness;
    let child: ChildProcess | undefined;
    beforeAll(async () => {
      store = await startSimStore({ domain: `kill-${engine}.myshopify.com`, size: { orders: 2000 } });
      h = await createSyncHarness(engine, store);
    }, 60_000);
    afterAll(async () => {
      child?.kill("SIGKILL");
      await h?.close();
      await store?.close();
    });

    it("restarting ends equal with no duplicates", async () => {
      const [run] = await startBackfill(h.deps, store.domain, { resources: ["orders"] });
      child = spawn(process.execPath, ["--import", "tsx", path.join(here, "worker-child.ts")], {
        env: {
          ...process.env,
          DB_URL: h.database.url,
          SIM_URL: store.sim.url,
          SHOP: store.domain,
          TOKEN: store.token,
          API_KEY: store.sim.apiKey,
          API_SECRET: store.sim.apiSecret,
          INGEST_BATCH: "50",
        },
        stdio: ["ignore", "pipe", "inherit"],
      });
      const exited = new Promise<void>((resolve) => child!.once("exit", () => resolve()));
      // Kill it as soon as refinement is under way.
      const deadline = Date.now() + 60_000;
      let atKill: { status: string; refinedCount: number; downloadedCount: number } | null = null;
      while (Date.now() < deadline) {
        const r = await h.db.syncRun.findUniqueOrThrow({ where: { id: run!.runId } });
        if (r.refinedCount > 0) {
          child.kill("SIGKILL");
          atKill = r;
          break;
        }
        await new Promise((res) => setTimeout(res, 2));
      }
      await exited;
      expect(atKill?.status).toBe("running");
      const jobsLeftRunning = await h.db.job.count({ where: { shop: store.domain, status: "running" } });
      expect(jobsLeftRunning).toBe(1); // the ingest job, orphaned by the dead process

      await h.drain(); // the in-process runner re-queues it and resumes from the checkpoint
      const done = await h.db.syncRun.findUniqueOrThrow({ where: { id: run!.runId } });
      expect(done.status).toBe("succeeded");
      const lines = await expectedLines(store, definitionFor("orders"));
      // One raw record per JSONL line, none left behind, no duplicate rows anywhere.
      expect(await h.db.rawRecord.count({ where: { shop: store.domain, resource: "orders" } })).toBe(lines.length);
      expect(await h.db.rawRecord.count({ where: { shop: store.domain, status: { not: "refined" } } })).toBe(0);
      const orders = await tableDump(h.db, "orders", store.domain);
      expect(new Set(orders).size).toBe(orders.length);
      expect(orders.length).toBe(2000);
      await startBackfill(h.deps, store.domain, { resources: ALL_BUT_ORDERS });
      await h.drain();
      await expectEqual(engine, h, store);
    }, 180_000);
  });

  describe("a 40 MB record in a bulk file", () => {
    let store: SimStore;
    let h: SyncHarness;
    let paddedGid = "";
    // The orders export gains a copy of its first order carrying a 40 MB field no refiner reads. The
    // copy refines to the very same order row. (With a capped old generation, the preparation
    // thread's JSON.parse of this line aborted the whole process on Node 20.)
    const fetchWithHugeRecord: typeof fetch = async (url, init) => {
      const res = await fetch(url, init);
      const ranged = new Headers(init?.headers).has("range");
      if (!String(url).includes("/_sim/bulk/") || ranged || !res.ok) return res;
      const text = await res.text();
      const nl = text.indexOf("\n");
      const first = JSON.parse(text.slice(0, nl)) as Json;
      if (!String(first.id).includes("/Order/")) return new Response(text, { status: res.status, headers: res.headers });
      paddedGid = String(first.id);
      const padded = JSON.stringify({ ...first, __padding: "x".repeat(40 * 2 ** 20) });
      return new Response(`${text.slice(0, nl + 1)}${padded}\n${text.slice(nl + 1)}`, { status: res.status });
    };
    beforeAll(async () => {
      store = await startSimStore({ domain: `huge-${engine}.myshopify.com`, size: { orders: 60 } });
      h = await createSyncHarness(engine, store, {}, { fetch: fetchWithHugeRecord });
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await store?.close();
    });

    it("is prepared on the preparation thread, stored whole, and the store ends equal", async () => {
      const before = prepareThreadStats();
      const [run] = await startBackfill(h.deps, store.domain, { resources: ["orders"] });
      await h.drain();
      const done = await h.db.syncRun.findUniqueOrThrow({ where: { id: run!.runId } });
      expect(done.status).toBe("succeeded");
      expect(done.errorCount).toBe(0);
      expect(prepareThreadStats().onThread).toBe(before.onThread + 1);
      // Both versions of the first order are kept raw; the large one whole.
      const raws = await h.db.rawRecord.findMany({ where: { shop: store.domain, gid: paddedGid }, select: { payload: true } });
      expect(raws.map((r) => r.payload.length > 40 * 2 ** 20).sort()).toEqual([false, true]);
      expect(await h.db.rawRecord.count({ where: { shop: store.domain, resource: "orders" } })).toBe(
        (await expectedLines(store, definitionFor("orders"))).length + 1,
      );
      await startBackfill(h.deps, store.domain, { resources: ALL_BUT_ORDERS });
      await h.drain();
      await expectEqual(engine, h, store);
    }, 180_000);
  });

  describe("a missing access scope", () => {
    let store: SimStore;
    let h: SyncHarness;
    beforeAll(async () => {
      store = await startSimStore({ domain: `scope-${engine}.myshopify.com`, size: { orders: 30 } });
      store.shop.scopes.delete("read_inventory");
      store.shop.scopes.delete("read_orders");
      store.shop.scopes.delete("read_all_orders");
      h = await createSyncHarness(engine, store);
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await store?.close();
    });

    it("pauses the run with the scope named, tells the merchant, and does not retry", async () => {
      await startBackfill(h.deps, store.domain, { resources: ["inventoryItems", "orders", "products"] });
      await h.drain();
      const runs = await h.db.syncRun.findMany({ where: { shop: store.domain } });
      const by = new Map(runs.map((r) => [r.resource, r]));
      // inventoryItems has no count query: the bulk operation itself ends FAILED/ACCESS_DENIED.
      expect(by.get("inventoryItems")).toMatchObject({ status: "paused", error: "missing scope read_inventory" });
      expect(by.get("orders")).toMatchObject({ status: "paused", error: "missing scope read_orders" });
      expect(by.get("products")?.status).toBe("succeeded");
      const warnings = await h.db.activityEvent.findMany({ where: { shop: store.domain, kind: "sync.paused" } });
      expect(warnings.map((w) => w.level)).toEqual(["warning", "warning"]);
      expect(warnings.some((w) => w.message.includes('"read_inventory"'))).toBe(true);
      const failedJobs = await h.db.job.findMany({ where: { shop: store.domain, attempts: { gt: 1 } } });
      expect(failedJobs).toEqual([]);
    }, 120_000);
  });

  describe("the same record from a bulk file and from a webhook", () => {
    let store: SimStore;
    let h: SyncHarness;
    let fresh: TestDatabase;
    beforeAll(async () => {
      store = await startSimStore({ domain: `shapes-${engine}.myshopify.com`, size: { orders: 40 } });
      h = await createSyncHarness(engine, store);
      fresh = await createTestDatabase(engine);
      await seedShopRow(fresh.db, store);
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await fresh?.drop();
      await store?.close();
    });

    it("refines to the same row", async () => {
      await startBackfill(h.deps, store.domain, { resources: ["orders", "products", "customers"] });
      await h.drain();
      const cases: { topic: string; resource: "orders" | "products" | "customers"; table: "orders" | "products" | "customers" }[] = [
        { topic: "orders/updated", resource: "orders", table: "orders" },
        { topic: "products/update", resource: "products", table: "products" },
        { topic: "customers/update", resource: "customers", table: "customers" },
      ];
      for (const c of cases) {
        const records = [...store.shop.store.collection(c.resource).scan()].slice(0, 5).map((x) => x.record);
        const before = await tableDump(h.db, c.table, store.domain);
        for (const target of [h.db, fresh.db]) {
          const payloads = records.map((r) => JSON.parse(JSON.stringify(restPayload(c.topic, r, undefined, { shop: store.shop.store.shop(), domain: store.domain, resolve: (gid) => store.shop.store.node(gid) }))) as Json);
          const writer = createRawWriter(target, {
            shop: store.domain,
            resource: c.resource,
            source: "webhook",
            onInserted: async (rows) => {
              const r = await refineRawRecords(target, store.domain, rows.map((x) => ({ id: x.id, resource: x.resource, source: "webhook", topic: c.topic, payload: x.payload })));
              expect(r.errors).toEqual([]);
            },
          });
          for (const p of payloads) await writer.add({ gid: String(p.admin_graphql_api_id), payload: p });
          await writer.flush();
        }
        // Over the bulk-refined rows: nothing changes.
        expect(await tableDump(h.db, c.table, store.domain)).toEqual(before);
        // Into an empty database: every column the webhook carries equals the bulk-refined row.
        // The columns the webhook shape carries (the refiner leaves the others untouched).
        const carried = definitionFor(c.resource).refineRest(c.topic, JSON.parse(JSON.stringify(restPayload(c.topic, records[0]!, undefined, { shop: store.shop.store.shop(), domain: store.domain, resolve: (gid) => store.shop.store.node(gid) }))) as Json, { shopCurrency: "USD" }).rows[c.table]![0]!;
        const cols = Object.keys(carried).map((f) => TABLES[c.table].byField.get(f)?.column ?? f);
        const fromHook = (await tableDump(fresh.db, c.table, store.domain)).map((l) => new Map(JSON.parse(l) as [string, unknown][]));
        const fromBulk = new Map(before.map((l) => new Map(JSON.parse(l) as [string, unknown][])).map((m) => [m.get("id"), m]));
        expect(fromHook.length).toBe(5);
        for (const row of fromHook) {
          const bulk = fromBulk.get(row.get("id"))!;
          for (const col of cols) if (row.get(col) !== null) expect([c.table, col, row.get(col)]).toEqual([c.table, col, bulk.get(col)]);
        }
      }
    }, 120_000);
  });
});
