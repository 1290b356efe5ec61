/**
 * Saved ShopifyQL reports (tables reports + report_rows): the app-defined queries run through
 * `shopifyqlQuery`, one run id per execution; the previous runs' rows are replaced. The
 * "sales_by_day" report also cross-checks daily_metrics (shopifyql_net_sales, cross_checked_at).
 */
import { randomUUID } from "node:crypto";
import { Prisma, type Db } from "../../db.server";
import { AccessDeniedError, type AdminGraphql } from "../admin-client";
import { SHOPIFYQL_QUERY, type ShopifyqlResult } from "../backfill/documents";
import { recordActivity } from "../sync-runs.server";
import { dayDate } from "./daily.server";

export interface ReportDefinition {
  key: string;
  name: string;
  /** ShopifyQL for the local-day window [since, until]. */
  query(since: string, until: string): string;
}

export const SALES_BY_DAY: ReportDefinition = {
  key: "sales_by_day",
  name: "Sales by day",
  query: (since, until) =>
    `FROM sales SHOW orders, gross_sales, discounts, returns, net_sales, shipping_charges, taxes, total_sales GROUP BY day SINCE ${since} UNTIL ${until} ORDER BY day`,
};

export const REPORTS: readonly ReportDefinition[] = [SALES_BY_DAY];

export interface ReportRefresh {
  key: string;
  rows: number;
  error: string | null;
}

/** Rows of a ShopifyQL answer as objects keyed by column name (rows may be objects or arrays). */
export function reportRows(result: ShopifyqlResult["shopifyqlQuery"]): Record<string, unknown>[] {
  const table = result?.tableData;
  if (!table || !Array.isArray(table.rows)) return [];
  const names = table.columns.map((c) => c.name);
  return (table.rows as unknown[]).map((row) => {
    if (Array.isArray(row)) return Object.fromEntries(names.map((n, i) => [n, row[i]]));
    return (row ?? {}) as Record<string, unknown>;
  });
}

export async function refreshReports(db: Db, admin: AdminGraphql, shop: string, window: { since: string; until: string }): Promise<ReportRefresh[]> {
  const out: ReportRefresh[] = [];
  for (const def of REPORTS) {
    const query = def.query(window.since, window.until);
    const report = await db.report.upsert({
      where: { shop_key: { shop, key: def.key } },
      create: { shop, key: def.key, name: def.name, query, schedule: "after-sync" },
      update: { query, deletedAt: null },
    });
    const runId = randomUUID();
    try {
      const data = await admin.graphql<ShopifyqlResult>(SHOPIFYQL_QUERY, { query });
      const errors = data.shopifyqlQuery?.parseErrors ?? [];
      if (errors.length) throw new Error(`ShopifyQL: ${errors.join("; ")}`);
      const rows = reportRows(data.shopifyqlQuery);
      const now = new Date();
      await db.$transaction(async (tx) => {
        for (let i = 0; i < rows.length; i += 500) {
          await tx.reportRow.createMany({
            data: rows.slice(i, i + 500).map((r, j) => ({ shop, reportId: report.id, runId, rowIndex: i + j, dataJson: JSON.stringify(r), capturedAt: now })),
          });
        }
        await tx.reportRow.deleteMany({ where: { shop, reportId: report.id, runId: { not: runId } } });
        await tx.report.update({ where: { id: report.id }, data: { lastRunAt: now, lastRunId: runId, lastError: null } });
      });
      if (def.key === SALES_BY_DAY.key) await crossCheck(db, shop, rows, now);
      out.push({ key: def.key, rows: rows.length, error: null });
    } catch (err) {
      const message = err instanceof AccessDeniedError ? "missing scope read_reports" : err instanceof Error ? err.message : String(err);
      await db.report.update({ where: { id: report.id }, data: { lastError: message.slice(0, 2000) } });
      if (err instanceof AccessDeniedError) {
        await recordActivity(db, {
          shop,
          resource: "reports",
          kind: "report.paused",
          level: "warning",
          message: `StoreSync cannot run your "${def.name}" report: the app needs the "read_reports" permission.`,
        });
      }
      out.push({ key: def.key, rows: 0, error: message });
    }
  }
  return out;
}

/** Stores ShopifyQL's net sales next to each local day's computed figures. */
async function crossCheck(db: Db, shop: string, rows: Record<string, unknown>[], at: Date): Promise<void> {
  for (const r of rows) {
    const day = typeof r.day === "string" ? r.day.slice(0, 10) : null;
    if (!day || r.net_sales === undefined || r.net_sales === null) continue;
    await db.dailyMetric.updateMany({
      where: { shop, date: dayDate(day) },
      data: { shopifyqlNetSales: new Prisma.Decimal(String(r.net_sales)), crossCheckedAt: at },
    });
  }
}
