/**
 * Aggregate cross-check: the daily figures computed locally from the refined orders (the same
 * computation as daily_metrics, app/sync/metrics/daily.server.ts) against ShopifyQL's `sales`
 * table for the same shop-local days (by processedAt; refunds on the order's day). Money is
 * compared at the cent; a day that differs in any metric is reported with both sides.
 */
import { Prisma, type Db } from "~/db.server";
import { AccessDeniedError, type AdminGraphql } from "../admin-client";
import { SHOPIFYQL_QUERY, type ShopifyqlResult } from "../backfill/documents";
import { computeDailyFigures, dayDate, type DayFigures } from "../metrics/daily.server";
import { reportRows } from "../metrics/reports.server";

export const AGGREGATE_METRICS = [
  "orders",
  "gross_sales",
  "discounts",
  "returns",
  "net_sales",
  "taxes",
] as const;
export type AggregateMetric = (typeof AGGREGATE_METRICS)[number];

export type DayValues = Record<AggregateMetric, string>;

export interface DayDifference {
  date: string;
  local: DayValues | null;
  shopifyql: DayValues | null;
  metrics: AggregateMetric[];
}

export interface AggregateCheck {
  status: "match" | "differs" | "unavailable";
  reason?: string;
  from: string | null;
  to: string | null;
  comparedDays: number;
  differences: DayDifference[];
  /** Days that differed first and match after their orders were refetched. */
  healedDays: string[];
}

const cents = (v: unknown): string => {
  const d = new Prisma.Decimal(v === null || v === undefined || v === "" ? 0 : String(v));
  return d.toDecimalPlaces(2, Prisma.Decimal.ROUND_HALF_UP).toFixed(2);
};

function localValues(f: DayFigures): DayValues {
  return {
    orders: String(f.orders),
    gross_sales: cents(f.grossSales),
    discounts: cents(f.discounts),
    returns: cents(f.returns),
    net_sales: cents(f.netSales),
    taxes: cents(f.taxes),
  };
}

function remoteValues(r: Record<string, unknown>): DayValues {
  return {
    orders: String(Number(r.orders ?? 0)),
    gross_sales: cents(r.gross_sales),
    discounts: cents(r.discounts),
    returns: cents(r.returns),
    net_sales: cents(r.net_sales),
    taxes: cents(r.taxes),
  };
}

export function salesQuery(from: string, to: string): string {
  return `FROM sales SHOW ${AGGREGATE_METRICS.join(", ")} GROUP BY day SINCE ${from} UNTIL ${to} ORDER BY day`;
}

/** Compares local and ShopifyQL figures of every day in [from, to] (default: the days with local orders). */
export async function checkAggregates(
  db: Db,
  admin: AdminGraphql,
  shop: string,
  window: { from?: string | null; to?: string | null } = {},
): Promise<AggregateCheck> {
  const local = await computeDailyFigures(db, shop, {});
  const days = local.days;
  const from = window.from ?? days[0]?.date ?? null;
  const to = window.to ?? days[days.length - 1]?.date ?? null;
  if (!from || !to)
    return { status: "match", from, to, comparedDays: 0, differences: [], healedDays: [] };
  let rows: Record<string, unknown>[];
  try {
    const data = await admin.graphql<ShopifyqlResult>(SHOPIFYQL_QUERY, {
      query: salesQuery(from, to),
    });
    const errors = data.shopifyqlQuery?.parseErrors ?? [];
    if (errors.length)
      return {
        status: "unavailable",
        reason: `ShopifyQL: ${errors.join("; ")}`,
        from,
        to,
        comparedDays: 0,
        differences: [],
        healedDays: [],
      };
    rows = reportRows(data.shopifyqlQuery);
  } catch (err) {
    if (err instanceof AccessDeniedError)
      return {
        status: "unavailable",
        reason: "missing scope read_reports",
        from,
        to,
        comparedDays: 0,
        differences: [],
        healedDays: [],
      };
    throw err;
  }
  const localByDay = new Map(
    days.filter((d) => d.date >= from && d.date <= to).map((d) => [d.date, localValues(d)]),
  );
  const remoteByDay = new Map<string, DayValues>();
  for (const r of rows) {
    const day = typeof r.day === "string" ? r.day.slice(0, 10) : null;
    if (day) remoteByDay.set(day, remoteValues(r));
  }
  const all = [...new Set([...localByDay.keys(), ...remoteByDay.keys()])].sort();
  const differences: DayDifference[] = [];
  const zero: DayValues = {
    orders: "0",
    gross_sales: "0.00",
    discounts: "0.00",
    returns: "0.00",
    net_sales: "0.00",
    taxes: "0.00",
  };
  for (const day of all) {
    const l = localByDay.get(day) ?? null;
    const r = remoteByDay.get(day) ?? null;
    const metrics = AGGREGATE_METRICS.filter((m) => (l ?? zero)[m] !== (r ?? zero)[m]);
    if (metrics.length) differences.push({ date: day, local: l, shopifyql: r, metrics });
  }
  // Keep ShopifyQL's net sales next to the local figures (daily_metrics cross-check columns).
  const at = new Date();
  for (const [day, r] of remoteByDay) {
    await db.dailyMetric.updateMany({
      where: { shop, date: dayDate(day) },
      data: { shopifyqlNetSales: new Prisma.Decimal(r.net_sales), crossCheckedAt: at },
    });
  }
  return {
    status: differences.length ? "differs" : "match",
    from,
    to,
    comparedDays: all.length,
    differences,
    healedDays: [],
  };
}
