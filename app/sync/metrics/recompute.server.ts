/**
 * After orders changed (backfill or incremental): daily metrics for the affected local days, the
 * analytics snapshots, then the ShopifyQL reports for the same window. Each step is a SyncRun
 * (resources "dailyMetrics" and "reports") so the dashboard shows them like any other resource.
 */
import type { SyncDeps } from "../backfill/deps";
import { createSyncRun, finishRun, markRunRunning, recordActivity, type SyncKind } from "../sync-runs.server";
import { recomputeDailyMetrics, shopClock, localDay } from "./daily.server";
import { refreshReports } from "./reports.server";
import { recomputeAnalyticsSnapshots } from "./snapshot.server";

export interface RecomputeRequest {
  from: string | null;
  to: string | null;
  kind: string;
}

export interface RecomputeResult {
  days: number;
  fromDay: string | null;
  toDay: string | null;
  reports: { key: string; rows: number; error: string | null }[];
}

export async function recomputeAfterSync(deps: Pick<SyncDeps, "db" | "adminFor" | "clock">, shop: string, req: RecomputeRequest): Promise<RecomputeResult> {
  const { db } = deps;
  const kind = (req.kind === "backfill" ? "backfill" : "incremental") as SyncKind;

  const metricsRun = await createSyncRun(db, { shop, resource: "dailyMetrics", kind });
  await markRunRunning(db, metricsRun.id);
  const daily = await recomputeDailyMetrics(db, shop, { from: req.from, to: req.to });
  await recomputeAnalyticsSnapshots(db, shop, deps.clock());
  await db.syncRun.update({ where: { id: metricsRun.id }, data: { refinedCount: daily.written, downloadedCount: daily.written } });
  await finishRun(db, metricsRun.id, "succeeded");
  await recordActivity(db, {
    shop,
    resource: "dailyMetrics",
    syncRunId: metricsRun.id,
    kind: "metrics.recomputed",
    message:
      daily.fromDay && daily.toDay && daily.fromDay !== daily.toDay
        ? `Daily sales figures were updated for ${daily.fromDay} to ${daily.toDay}.`
        : daily.fromDay
          ? `Daily sales figures were updated for ${daily.fromDay}.`
          : `Daily sales figures were recalculated.`,
    data: daily,
  });

  // Reports over the same window (the whole history when the range was open).
  const clock = await shopClock(db, shop);
  const [first, last] = await Promise.all([
    db.dailyMetric.findFirst({ where: { shop }, orderBy: { date: "asc" }, select: { date: true } }),
    db.dailyMetric.findFirst({ where: { shop }, orderBy: { date: "desc" }, select: { date: true } }),
  ]);
  const since = daily.fromDay ?? first?.date.toISOString().slice(0, 10) ?? localDay(deps.clock(), clock.timeZone);
  const until = daily.toDay ?? last?.date.toISOString().slice(0, 10) ?? since;
  const reportsRun = await createSyncRun(db, { shop, resource: "reports", kind });
  await markRunRunning(db, reportsRun.id);
  const admin = await deps.adminFor(shop);
  const reports = await refreshReports(db, admin, shop, { since, until });
  const rows = reports.reduce((n, r) => n + r.rows, 0);
  const failed = reports.find((r) => r.error);
  await db.syncRun.update({ where: { id: reportsRun.id }, data: { refinedCount: rows, downloadedCount: rows } });
  if (failed?.error?.startsWith("missing scope")) await finishRun(db, reportsRun.id, "paused", failed.error);
  else if (failed) await finishRun(db, reportsRun.id, "failed", failed.error);
  else await finishRun(db, reportsRun.id, "succeeded");
  return { days: daily.written, fromDay: daily.fromDay, toDay: daily.toDay, reports };
}
