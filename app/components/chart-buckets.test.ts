import { describe, expect, it } from "vitest";

import type { MetricDay } from "../ui/metrics.server";
import { weeklyBuckets } from "./chart-buckets";

const day = (date: string, n: number): MetricDay => ({
  date,
  orders: n,
  grossSales: n * 10,
  netSales: n * 9,
  refunds: -n,
  unitsSold: n * 2,
});

describe("weeklyBuckets", () => {
  it("sums 7-day buckets keyed by their first day, the last one shorter", () => {
    const days = Array.from({ length: 9 }, (_, i) =>
      day(`2026-01-${String(i + 1).padStart(2, "0")}`, i + 1),
    );
    const weeks = weeklyBuckets(days);
    expect(weeks).toEqual([
      {
        date: "2026-01-01",
        orders: 28,
        grossSales: 280,
        netSales: 252,
        refunds: -28,
        unitsSold: 56,
      },
      {
        date: "2026-01-08",
        orders: 17,
        grossSales: 170,
        netSales: 153,
        refunds: -17,
        unitsSold: 34,
      },
    ]);
    expect(days[0]!.orders).toBe(1); // the input is not modified
  });

  it("returns nothing for no days", () => {
    expect(weeklyBuckets([])).toEqual([]);
  });
});
