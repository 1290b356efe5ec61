/**
 * Analytics snapshots (table analytics_snapshots), computed from the refined tables and the daily
 * metrics: "store_overview" (all time) and "last_30_days" (the 30 shop-local days up to today).
 * One row per (shop, kind): recomputing replaces it.
 */
import { Prisma, type Db } from "../../db.server";
import { addDays, dayDate, localDay, shopClock } from "./daily.server";

export interface SnapshotData {
  orders: number;
  grossSales: string;
  netSales: string;
  totalSales: string;
  returns: string;
  unitsSold: number;
  averageOrderValue: string;
  customers: number;
  products: number;
  topProducts: { productId: string; units: number }[];
}

async function summarise(db: Db, shop: string, fromDay: string | null, toDay: string | null): Promise<Omit<SnapshotData, "customers" | "products" | "topProducts">> {
  const date: Prisma.DateTimeFilter = {};
  if (fromDay) date.gte = dayDate(fromDay);
  if (toDay) date.lte = dayDate(toDay);
  const rows = await db.dailyMetric.findMany({ where: { shop, ...(fromDay || toDay ? { date } : {}) } });
  let orders = 0;
  let units = 0;
  let gross = new Prisma.Decimal(0);
  let discounts = new Prisma.Decimal(0);
  let net = new Prisma.Decimal(0);
  let total = new Prisma.Decimal(0);
  let returns = new Prisma.Decimal(0);
  const r4 = (v: Prisma.Decimal) => new Prisma.Decimal(v.toString()).toDecimalPlaces(4);
  for (const r of rows) {
    orders += r.orders;
    units += r.unitsSold;
    gross = gross.plus(r4(r.grossSales));
    discounts = discounts.plus(r4(r.discounts));
    net = net.plus(r4(r.netSales));
    total = total.plus(r4(r.totalSales));
    returns = returns.plus(r4(r.returns));
  }
  const aov = orders ? gross.plus(discounts).dividedBy(orders).toDecimalPlaces(4) : new Prisma.Decimal(0);
  return {
    orders,
    grossSales: gross.toFixed(2),
    netSales: net.toFixed(2),
    totalSales: total.toFixed(2),
    returns: returns.toFixed(2),
    unitsSold: units,
    averageOrderValue: aov.toFixed(2),
  };
}

export async function recomputeAnalyticsSnapshots(db: Db, shop: string, now: Date = new Date()): Promise<number> {
  const clock = await shopClock(db, shop);
  const [first, last, customers, products, top] = await Promise.all([
    db.dailyMetric.findFirst({ where: { shop }, orderBy: { date: "asc" }, select: { date: true } }),
    db.dailyMetric.findFirst({ where: { shop }, orderBy: { date: "desc" }, select: { date: true } }),
    db.customer.count({ where: { shop, deletedAt: null } }),
    db.product.count({ where: { shop, deletedAt: null } }),
    db.lineItem.groupBy({
      by: ["productId"],
      where: { shop, deletedAt: null, productId: { not: null } },
      _sum: { quantity: true },
      orderBy: { _sum: { quantity: "desc" } },
      take: 5,
    }),
  ]);
  const topProducts = top.map((t) => ({ productId: String(t.productId), units: t._sum.quantity ?? 0 }));
  const today = localDay(now, clock.timeZone);
  const periods: { kind: string; from: string; to: string }[] = [
    {
      kind: "store_overview",
      from: first ? first.date.toISOString().slice(0, 10) : today,
      to: last ? last.date.toISOString().slice(0, 10) : today,
    },
    { kind: "last_30_days", from: addDays(today, -29), to: today },
  ];
  for (const p of periods) {
    const data: SnapshotData = { ...(await summarise(db, shop, p.from, p.to)), customers, products, topProducts };
    await db.$transaction([
      db.analyticsSnapshot.deleteMany({ where: { shop, kind: p.kind } }),
      db.analyticsSnapshot.create({
        data: {
          shop,
          kind: p.kind,
          periodStart: dayDate(p.from),
          periodEnd: dayDate(p.to),
          currencyCode: clock.currencyCode,
          dataJson: JSON.stringify(data),
          computedAt: now,
        },
      }),
    ]);
  }
  return periods.length;
}
