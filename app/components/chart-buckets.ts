import type { MetricDay } from "../ui/metrics.server";

/** Above this many days the charts show one bar per week: 365 one-pixel bars cannot be read. */
export const WEEKLY_ABOVE_DAYS = 92;

/** Sums consecutive days into 7-day buckets keyed by their first day (the last may be shorter). */
export function weeklyBuckets(days: readonly MetricDay[]): MetricDay[] {
  const weeks: MetricDay[] = [];
  days.forEach((d, i) => {
    if (i % 7 === 0) {
      weeks.push({ ...d });
      return;
    }
    const w = weeks[weeks.length - 1]!;
    w.orders += d.orders;
    w.grossSales += d.grossSales;
    w.netSales += d.netSales;
    w.refunds += d.refunds;
    w.unitsSold += d.unitsSold;
  });
  return weeks;
}
