/**
 * SyncRun and ActivityEvent helpers: what the dashboard polls (status, counts, timings) and the
 * merchant-readable activity feed. Plain functions over `Db`; every sync job writes through here.
 */
import type { Db } from "../db.server";

export type SyncKind = "backfill" | "incremental" | "reconcile";
export type SyncRunStatus = "queued" | "running" | "succeeded" | "failed" | "canceled" | "paused";
export type ActivityLevel = "info" | "warning" | "error";

export interface SyncRunRow {
  id: string;
  shop: string;
  resource: string;
  kind: string;
  status: string;
  bulkOperationId: string | null;
  /** Progress total: JSONL lines of the bulk file (parents and children) or nodes to page. */
  expectedCount: number | null;
  /** Top-level records in Shopify (orders, products…): the count query or the bulk `rootObjectCount`. */
  remoteCount: number | null;
  downloadedCount: number;
  refinedCount: number;
  skippedCount: number;
  errorCount: number;
  cursor: string | null;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RunCounts {
  downloaded?: number;
  refined?: number;
  skipped?: number;
  errors?: number;
}

export async function createSyncRun(
  db: Db,
  input: { shop: string; resource: string; kind: SyncKind; cursor?: unknown },
): Promise<SyncRunRow> {
  return db.syncRun.create({
    data: {
      shop: input.shop,
      resource: input.resource,
      kind: input.kind,
      status: "queued",
      cursor: input.cursor === undefined ? null : JSON.stringify(input.cursor),
    },
  });
}

export async function getSyncRun(db: Db, id: string): Promise<SyncRunRow | null> {
  return db.syncRun.findUnique({ where: { id } });
}

/** queued/paused → running (keeps the first startedAt). */
export async function markRunRunning(
  db: Db,
  id: string,
  data: {
    expectedCount?: number | null;
    remoteCount?: number | null;
    bulkOperationId?: string | null;
  } = {},
): Promise<void> {
  const run = await db.syncRun.findUnique({ where: { id }, select: { startedAt: true } });
  await db.syncRun.update({
    where: { id },
    data: {
      status: "running",
      startedAt: run?.startedAt ?? new Date(),
      ...(data.expectedCount !== undefined ? { expectedCount: data.expectedCount } : {}),
      ...(data.remoteCount !== undefined ? { remoteCount: data.remoteCount } : {}),
      ...(data.bulkOperationId !== undefined ? { bulkOperationId: data.bulkOperationId } : {}),
    },
  });
}

/** Adds to the run's counters (atomic increments; safe with concurrent writers). */
export async function addRunCounts(
  db: Db,
  id: string,
  counts: RunCounts,
  cursor?: unknown,
): Promise<void> {
  const inc = (n: number | undefined) => ({ increment: n ?? 0 });
  await db.syncRun.update({
    where: { id },
    data: {
      downloadedCount: inc(counts.downloaded),
      refinedCount: inc(counts.refined),
      skippedCount: inc(counts.skipped),
      errorCount: inc(counts.errors),
      ...(cursor !== undefined ? { cursor: JSON.stringify(cursor) } : {}),
    },
  });
}

export async function setRunCursor(db: Db, id: string, cursor: unknown): Promise<void> {
  await db.syncRun.update({ where: { id }, data: { cursor: JSON.stringify(cursor) } });
}

export function parseCursor<T>(run: Pick<SyncRunRow, "cursor">, fallback: T): T {
  if (!run.cursor) return fallback;
  try {
    return { ...fallback, ...(JSON.parse(run.cursor) as T) };
  } catch {
    return fallback;
  }
}

export async function finishRun(
  db: Db,
  id: string,
  status: Exclude<SyncRunStatus, "queued" | "running">,
  error?: string | null,
): Promise<void> {
  await db.syncRun.update({
    where: { id },
    data: { status, finishedAt: new Date(), error: error ? error.slice(0, 4000) : null },
  });
}

export interface ActivityInput {
  shop: string;
  kind: string;
  message: string;
  level?: ActivityLevel;
  resource?: string | null;
  syncRunId?: string | null;
  subjectGid?: string | null;
  data?: unknown;
}

export async function recordActivity(db: Db, input: ActivityInput): Promise<void> {
  await db.activityEvent.create({
    data: {
      shop: input.shop,
      kind: input.kind,
      level: input.level ?? "info",
      message: input.message,
      resource: input.resource ?? null,
      syncRunId: input.syncRunId ?? null,
      subjectGid: input.subjectGid ?? null,
      dataJson: input.data === undefined ? null : JSON.stringify(input.data, bigintSafe),
    },
  });
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** Runs of a shop that are not finished (queued/running/paused). */
export async function activeRuns(db: Db, shop: string): Promise<SyncRunRow[]> {
  return db.syncRun.findMany({
    where: { shop, status: { in: ["queued", "running", "paused"] } },
    orderBy: { createdAt: "asc" },
  });
}

export interface RunProgress {
  id: string;
  resource: string;
  kind: string;
  status: string;
  /** Progress total (lines or nodes), comparable with `downloaded`/`refined`. */
  expected: number | null;
  /**
   * Top-level records in Shopify, comparable with the local row count: this run's own count, or
   * the latest earlier run's when this one has not counted (yet). Null: never counted.
   */
  remote: number | null;
  downloaded: number;
  refined: number;
  skipped: number;
  errors: number;
  /** 0..1 when the expected count is known. */
  fraction: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
}

/** The latest run of each resource, shaped for the UI to poll. */
export async function getSyncProgress(
  db: Db,
  shop: string,
  now: Date = new Date(),
): Promise<RunProgress[]> {
  const [runs, remote] = await Promise.all([
    db.syncRun.findMany({
      where: { shop },
      orderBy: { createdAt: "desc" },
      distinct: ["resource"],
    }),
    latestRemoteCounts(db, shop),
  ]);
  return runs.map((r) => {
    const end = r.finishedAt ?? (r.startedAt ? now : null);
    return {
      id: r.id,
      resource: r.resource,
      kind: r.kind,
      status: r.status,
      expected: r.expectedCount,
      remote: r.remoteCount ?? remote.get(r.resource) ?? null,
      downloaded: r.downloadedCount,
      refined: r.refinedCount,
      skipped: r.skippedCount,
      errors: r.errorCount,
      fraction: r.expectedCount
        ? Math.min(1, r.downloadedCount / Math.max(1, r.expectedCount))
        : null,
      startedAt: r.startedAt?.toISOString() ?? null,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      durationMs: r.startedAt && end ? end.getTime() - r.startedAt.getTime() : null,
      error: r.error,
    };
  });
}

/**
 * Per resource, the remote count of its latest run that has one; for resources without a count
 * query (payouts, disputes, marketing events…), the count the latest finished integrity
 * verification read from Shopify.
 */
export async function latestRemoteCounts(db: Db, shop: string): Promise<Map<string, number>> {
  const [rows, report] = await Promise.all([
    db.syncRun.findMany({
      where: { shop, remoteCount: { not: null } },
      orderBy: { createdAt: "desc" },
      distinct: ["resource"],
      select: { resource: true, remoteCount: true },
    }),
    db.integrityReport.findFirst({
      where: { shop, status: "done" },
      orderBy: { startedAt: "desc" },
      select: { summaryJson: true },
    }),
  ]);
  const counts = new Map<string, number>();
  try {
    const summary = JSON.parse(report?.summaryJson ?? "{}") as {
      resources?: Record<string, { remoteCount?: unknown }>;
    };
    for (const [resource, r] of Object.entries(summary.resources ?? {}))
      if (typeof r?.remoteCount === "number") counts.set(resource, r.remoteCount);
  } catch {
    // An unreadable report adds nothing.
  }
  for (const r of rows) counts.set(r.resource, r.remoteCount!);
  return counts;
}
