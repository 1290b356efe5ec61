/**
 * Reconciliation test support: a backfilled simulator store (the sync harness of tests/sync),
 * a job runner with the sync AND reconcile jobs, and a deep compare of the LIVE rows of every
 * refined table with the simulator's current data (tombstones are the correct local state of
 * records Shopify deleted, which a freshly refined copy simply lacks).
 */
import { engineOf, type Db } from "../../app/db.server";
import { createSyncJobs } from "../../app/sync/backfill/jobs.server";
import {
  createInProcessRunner,
  type InProcessRunner,
} from "../../app/sync/jobs/in-process-runner.server";
import {
  createReconcileJobs,
  type ReconcileJobOptions,
} from "../../app/sync/reconcile/jobs.server";
import { TABLE_ORDER, TABLES, type TableName } from "../../app/sync/refine/tables";
import { createTestDatabase, type TestDatabase } from "../../prisma/testing";
import { refineExpected, seedShopRow, type SimStore, type SyncHarness } from "../sync/support";

type Json = Record<string, unknown>;

export function reconcileRunner(
  h: SyncHarness,
  options: ReconcileJobOptions = {},
): InProcessRunner {
  return createInProcessRunner({
    db: h.db,
    handlers: [...createSyncJobs(h.deps), ...createReconcileJobs(h.deps, options)],
    pollMs: 20,
    concurrency: 4,
    perShopConcurrency: 3,
  });
}

function normalise(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object" && "toFixed" in (v as object)) return Number(String(v)).toFixed(4);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(4);
  if (typeof v === "string" && /^-?\d+\.\d+$/.test(v)) return Number(v).toFixed(4);
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v)) return new Date(v).toISOString();
  if (typeof v === "boolean") return v ? "1" : "0";
  return String(v);
}

/** Live rows (deleted_at IS NULL) of a refined table, every column but synced_at, as sorted JSON lines. */
export async function liveDump(db: Db, table: TableName, shop: string): Promise<string[]> {
  const cols = ["shop", ...TABLES[table].columns.map((c) => c.column)];
  const p = engineOf(db) === "postgresql" ? "$1" : "?";
  const rows = await db.$queryRawUnsafe<Json[]>(
    `SELECT ${cols.map((c) => `"${c}"`).join(", ")} FROM "${table}" WHERE "shop" = ${p} AND "deleted_at" IS NULL`,
    shop,
  );
  return rows.map((r) => JSON.stringify(cols.map((c) => [c, normalise(r[c])]))).sort();
}

export interface LiveDiff {
  table: TableName;
  actual: number;
  expected: number;
  missing: string[];
  extra: string[];
}

/** Every refined table of the shop (live rows) against the simulator's data refined into a fresh database. */
export async function deepCompare(
  engine: "sqlite" | "postgresql",
  db: Db,
  store: SimStore,
): Promise<LiveDiff[]> {
  let expected: TestDatabase | undefined;
  try {
    expected = await createTestDatabase(engine);
    await seedShopRow(expected.db, store);
    await refineExpected(
      expected.db,
      store,
      String((store.shop.store.shop() as Json).currencyCode),
    );
    const out: LiveDiff[] = [];
    for (const table of TABLE_ORDER) {
      const [a, e] = await Promise.all([
        liveDump(db, table, store.domain),
        liveDump(expected.db, table, store.domain),
      ]);
      const aSet = new Set(a);
      const eSet = new Set(e);
      const missing = e.filter((x) => !aSet.has(x));
      const extra = a.filter((x) => !eSet.has(x));
      if (missing.length || extra.length)
        out.push({
          table,
          actual: a.length,
          expected: e.length,
          missing: missing.slice(0, 2),
          extra: extra.slice(0, 2),
        });
    }
    return out;
  } finally {
    await expected?.drop();
  }
}

/** Waits until Shopify's whole-second clock has moved past every change made so far. */
export async function nextSecond(): Promise<void> {
  const ms = 1000 - (Date.now() % 1000) + 50;
  await new Promise((r) => setTimeout(r, ms));
}

export const numericIdOf = (gid: string) => BigInt(gid.split("/").pop()!.split("?")[0]!);
