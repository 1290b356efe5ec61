/**
 * Test support for the sync tests (and the benchmark): the store simulator in-process, Shopify's
 * own GraphqlClient routed to it, a migrated database, the sync jobs on an in-process runner, and
 * the deep compare of every refined table against the simulator's current data.
 */
import "@shopify/shopify-api/adapters/node";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ApiVersion, Session, shopifyApi } from "@shopify/shopify-api";
import { parse } from "graphql";

import { engineOf, type Db } from "../../app/db.server";
import { createAdminGraphql, fromShopifyAdmin, type AdminGraphql } from "../../app/sync/admin-client";
import { createSyncDeps, type SyncDeps, type SyncTuning } from "../../app/sync/backfill/deps";
import { createSyncJobs } from "../../app/sync/backfill/jobs.server";
import { closeRawSqliteConnections } from "../../app/sync/ingest/raw-writer.server";
import { createInProcessRunner, type InProcessRunner } from "../../app/sync/jobs/in-process-runner.server";
import { applyRowSets } from "../../app/sync/refine/upsert.server";
import { TABLE_ORDER, TABLES, type TableName } from "../../app/sync/refine/tables";
import { resourceDefinitions } from "../../app/sync/resources";
import type { ResourceDefinition, RowSet } from "../../app/sync/resources/types";
import { createTestDatabase, type TestDatabase } from "../../prisma/testing";
import { installSimulatorDispatcher, startSimulator, type RunningSimulator } from "../../simulator/src/index";
import type { SimShop, StoreSize } from "../../simulator/src/types";

type Json = Record<string, unknown>;

/** The cost-aware client over @shopify/shopify-api's GraphqlClient with a simulator token. */
export function simulatorAdmin(simApiKey: string, simApiSecret: string, shop: string, accessToken: string): AdminGraphql {
  const api = shopifyApi({
    apiKey: simApiKey,
    apiSecretKey: simApiSecret,
    apiVersion: ApiVersion.July26,
    hostName: "storesync.test",
    isEmbeddedApp: true,
    logger: { level: 0 },
  });
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken });
  return createAdminGraphql({ request: fromShopifyAdmin(new api.clients.Graphql({ session })) });
}

export interface SimStore {
  sim: RunningSimulator;
  domain: string;
  shop: SimShop;
  token: string;
  restoreDispatcher(): Promise<void>;
  close(): Promise<void>;
}

export async function startSimStore(
  opts: { domain?: string; size?: StoreSize; seed?: number; bulkMinDurationMs?: number; plan?: "basic" | "standard" | "advanced" | "plus" } = {},
): Promise<SimStore> {
  const domain = opts.domain ?? "sync-test.myshopify.com";
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-sync-sim-"));
  const sim = await startSimulator({
    // Plus: 1000 points/s restore, so cost-aware paging does not dominate the test time.
    shops: [{ domain, seed: opts.seed ?? 5, size: opts.size ?? { orders: 200 }, plan: opts.plan ?? "plus" }],
    bulkMinDurationMs: opts.bulkMinDurationMs ?? 20,
    dataDir,
    log: () => undefined,
  });
  const restoreDispatcher = installSimulatorDispatcher(sim.url);
  const token = sim.issueAccessToken(domain, { expiring: false }).accessToken;
  return {
    sim,
    domain,
    shop: sim.shop(domain),
    token,
    restoreDispatcher,
    async close() {
      await restoreDispatcher();
      await sim.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Shop row as the install hook would have written it (currency, time zone). */
export async function seedShopRow(db: Db, store: SimStore): Promise<void> {
  const s = store.shop.store.shop() as Json;
  await db.shop.upsert({
    where: { shop: store.domain },
    create: { shop: store.domain, currencyCode: String(s.currencyCode ?? "USD"), ianaTimezone: String(s.ianaTimezone ?? "UTC"), name: String(s.name ?? "") },
    update: {},
  });
}

export const FAST_TUNING: Partial<SyncTuning> = { pollBaseMs: 20, pollMaxMs: 100, restartBaseMs: 20, ingestBatch: 500 };

export interface SyncHarness {
  store: SimStore;
  database: TestDatabase;
  db: Db;
  deps: SyncDeps;
  runner: InProcessRunner;
  /** Runs every due job (and those due within a few seconds) to the end. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function createSyncHarness(
  engine: "sqlite" | "postgresql",
  store: SimStore,
  tuning: Partial<SyncTuning> = {},
  overrides: Partial<Pick<SyncDeps, "fetch">> = {},
): Promise<SyncHarness> {
  const database = await createTestDatabase(engine);
  const db = database.db;
  await seedShopRow(db, store);
  const admin = simulatorAdmin(store.sim.apiKey, store.sim.apiSecret, store.domain, store.token);
  const deps = createSyncDeps({ db, adminFor: () => admin, tuning: { ...FAST_TUNING, ...tuning }, ...overrides });
  const runner = createInProcessRunner({ db, handlers: createSyncJobs(deps), pollMs: 20, concurrency: 4, perShopConcurrency: 3 });
  return {
    store,
    database,
    db,
    deps,
    runner,
    drain: () => runner.runUntilIdle({ horizonMs: 5_000, timeoutMs: 120_000 }),
    async close() {
      closeRawSqliteConnections();
      await database.drop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Deep compare

/** Splits a bulk-mode result node into JSONL-like lines: nested connections become child lines with __parentId. */
function flatten(node: Json, parentId: string | null, out: Json[]): void {
  const own: Json = {};
  const children: Json[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (v && typeof v === "object" && !Array.isArray(v) && Array.isArray((v as Json).edges)) {
      for (const e of (v as { edges: { node: Json }[] }).edges) children.push(e.node);
    } else own[k] = v;
  }
  if (parentId) own.__parentId = parentId;
  out.push(own);
  for (const c of children) flatten(c, String(node.id), out);
}

/** Every record of a resource as the pipeline would receive it, read straight from the simulator's executor (no bulk file, no jobs). */
export async function expectedLines(store: SimStore, def: ResourceDefinition): Promise<Json[]> {
  const doc = parse(def.fetchMode === "bulk" ? def.bulkQuery() : def.pageQuery);
  const nodes: Json[] = [];
  let after: string | null = null;
  for (;;) {
    const result = await store.sim.executor.execute(store.shop, doc, { first: 250, after, query: null }, { bulk: true });
    if (result.errors?.length) throw new Error(`${def.key}: ${result.errors.map((e) => e.message).join("; ")}`);
    let conn = result.data as Json | null | undefined;
    for (const key of def.connectionPath) conn = conn?.[key] as Json | undefined;
    const c = conn as { edges?: { node: Json }[]; nodes?: Json[]; pageInfo?: { hasNextPage: boolean; endCursor: string | null } } | undefined;
    nodes.push(...(c?.nodes ?? (c?.edges ?? []).map((e) => e.node)));
    if (def.fetchMode === "bulk" || !c?.pageInfo?.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  if (def.fetchMode !== "bulk") return JSON.parse(JSON.stringify(nodes)) as Json[];
  const out: Json[] = [];
  for (const n of nodes) flatten(JSON.parse(JSON.stringify(n)) as Json, null, out);
  return out;
}

/** Refines the simulator's current records directly into `db` (a fresh database). */
export async function refineExpected(db: Db, store: SimStore, shopCurrency: string | null): Promise<void> {
  for (const def of resourceDefinitions) {
    const lines = await expectedLines(store, def);
    const sets: RowSet[] = lines.map((l) => def.refineGraphql(l, (l.__parentId as string | undefined) ?? null, { shopCurrency }));
    for (let i = 0; i < sets.length; i += 500) await applyRowSets(db, store.domain, sets.slice(i, i + 500));
  }
}

const IGNORED = new Set(["synced_at"]);

function normalise(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object" && v !== null && "toFixed" in v && typeof (v as { toFixed: unknown }).toFixed === "function") return Number(String(v)).toFixed(4);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(4);
  if (typeof v === "string" && /^-?\d+\.\d+$/.test(v)) return Number(v).toFixed(4);
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v)) return new Date(v).toISOString();
  if (typeof v === "boolean") return v ? "1" : "0";
  return String(v);
}

/** All rows of a refined table of a shop, every column except synced_at, as sorted JSON lines. */
export async function tableDump(db: Db, table: TableName, shop: string): Promise<string[]> {
  const spec = TABLES[table];
  const cols = ["shop", ...spec.columns.map((c) => c.column), "deleted_at"].filter((c) => !IGNORED.has(c));
  const rows = await db.$queryRawUnsafe<Json[]>(
    `SELECT ${cols.map((c) => `"${c}"`).join(", ")} FROM "${table}" WHERE "shop" = ${engineParam(db)}`,
    shop,
  );
  return rows.map((r) => JSON.stringify(cols.map((c) => [c, normalise(r[c])]))).sort();
}

function engineParam(db: Db): string {
  return engineOf(db) === "postgresql" ? "$1" : "?";
}

export interface TableDiff {
  table: TableName;
  actual: number;
  expected: number;
  missing: string[];
  extra: string[];
}

/** Compares every refined table of `shop` in `actual` with `expected`; returns the tables that differ. */
export async function diffTables(actual: Db, expected: Db, shop: string): Promise<TableDiff[]> {
  const out: TableDiff[] = [];
  for (const table of TABLE_ORDER) {
    const [a, e] = await Promise.all([tableDump(actual, table, shop), tableDump(expected, table, shop)]);
    const aSet = new Set(a);
    const eSet = new Set(e);
    const missing = e.filter((x) => !aSet.has(x));
    const extra = a.filter((x) => !eSet.has(x));
    if (missing.length || extra.length) out.push({ table, actual: a.length, expected: e.length, missing: missing.slice(0, 3), extra: extra.slice(0, 3) });
  }
  return out;
}

export async function rowCounts(db: Db, shop: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLE_ORDER) out[table] = (await tableDump(db, table, shop)).length;
  return out;
}
