/**
 * "Store at a glance" read model: daily_metrics rows over a date range, one point per day (days
 * without orders are zero), plus the range totals.
 */
import type { Db } from "../db.server";

import { DEFAULT_RANGE, METRIC_RANGES, type MetricRange } from "./options";

export { DEFAULT_RANGE, METRIC_RANGES, type MetricRange };

export interface MetricDay {
  /** YYYY-MM-DD (the shop's calendar day). */
  date: string;
  orders: number;
  grossSales: number;
  netSales: number;
  refunds: number;
  unitsSold: number;
}

export interface DailyMetrics {
  range: MetricRange;
  from: string;
  to: string;
  currencyCode: string | null;
  days: MetricDay[];
  totals: Omit<MetricDay, "date"> & { averageOrderValue: number };
  /** No daily_metrics row at all in the range. */
  empty: boolean;
}

const DAY_MS = 86_400_000;

export function parseRange(value: string | null | undefined): MetricRange {
  return METRIC_RANGES.some((r) => r.value === value) ? (value as MetricRange) : DEFAULT_RANGE;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Daily metrics for the `range` days ending on `today` (UTC calendar day), gaps filled with 0. */
export async function getDailyMetrics(
  db: Db,
  shop: string,
  range: MetricRange = DEFAULT_RANGE,
  today: Date = new Date(),
): Promise<DailyMetrics> {
  const days = Number(range);
  const end = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  const start = new Date(end.getTime() - (days - 1) * DAY_MS);
  const [rows, shopRow] = await Promise.all([
    db.dailyMetric.findMany({
      where: { shop, date: { gte: start, lte: end } },
      orderBy: { date: "asc" },
    }),
    db.shop.findUnique({ where: { shop }, select: { currencyCode: true } }),
  ]);
  const byDay = new Map(rows.map((r) => [isoDay(r.date), r]));
  const series: MetricDay[] = [];
  for (let t = start.getTime(); t <= end.getTime(); t += DAY_MS) {
    const date = isoDay(new Date(t));
    const row = byDay.get(date);
    series.push({
      date,
      orders: row?.orders ?? 0,
      grossSales: row ? round2(Number(row.grossSales)) : 0,
      netSales: row ? round2(Number(row.netSales)) : 0,
      refunds: row ? round2(Number(row.returns)) : 0,
      unitsSold: row?.unitsSold ?? 0,
    });
  }
  const sum = (pick: (d: MetricDay) => number) => round2(series.reduce((a, d) => a + pick(d), 0));
  const orders = series.reduce((a, d) => a + d.orders, 0);
  const netSales = sum((d) => d.netSales);
  return {
    range,
    from: isoDay(start),
    to: isoDay(end),
    // The shop's currency, so an empty range reads "€0.00", not "0".
    currencyCode: rows[0]?.currencyCode ?? shopRow?.currencyCode ?? null,
    days: series,
    totals: {
      orders,
      grossSales: sum((d) => d.grossSales),
      netSales,
      refunds: sum((d) => d.refunds),
      unitsSold: series.reduce((a, d) => a + d.unitsSold, 0),
      averageOrderValue: orders ? round2(netSales / orders) : 0,
    },
    empty: rows.length === 0,
  };
}
