/**
 * Daily metrics (table daily_metrics): one row per shop-local calendar day with orders, by the
 * order's processedAt (createdAt when absent) in the shop's IANA time zone.
 *
 * Per order (the same definitions the ShopifyQL `sales` table uses, so the two cross-check):
 *   gross    = Σ line items' original total (unit price × quantity); no lines: subtotal + discounts
 *   discounts= −totalDiscounts        returns = −totalRefunded (on the order's day)
 *   net      = gross + discounts + returns
 *   total    = net + shipping + taxes AOV = (gross + discounts) / orders
 * All sums are exact decimals (Prisma.Decimal), rounded to the 4 places the columns hold; values
 * read back from SQLite REAL columns are rounded to 4 places first (see prisma/README.md).
 */
import { Prisma, type Db } from "../../db.server";

type Decimal = Prisma.Decimal;
const D = (v: unknown): Decimal => {
  if (v === null || v === undefined) return new Prisma.Decimal(0);
  const d = v instanceof Prisma.Decimal ? v : new Prisma.Decimal(typeof v === "number" ? v.toFixed(6) : String(v));
  return d.toDecimalPlaces(4);
};

export interface DayFigures {
  date: string; // YYYY-MM-DD, shop-local
  currencyCode: string;
  orders: number;
  grossSales: Decimal;
  discounts: Decimal;
  returns: Decimal;
  netSales: Decimal;
  taxes: Decimal;
  shipping: Decimal;
  totalSales: Decimal;
  unitsSold: number;
  averageOrderValue: Decimal;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The shop-local calendar day (YYYY-MM-DD) of an instant. */
export function localDay(at: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, f);
  }
  return f.format(at);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export interface ShopClock {
  timeZone: string;
  currencyCode: string;
}

export async function shopClock(db: Db, shop: string): Promise<ShopClock> {
  const row = await db.shop.findUnique({ where: { shop }, select: { ianaTimezone: true, currencyCode: true } });
  let timeZone = row?.ianaTimezone || "UTC";
  try {
    localDay(new Date(), timeZone);
  } catch {
    timeZone = "UTC";
  }
  return { timeZone, currencyCode: row?.currencyCode ?? "USD" };
}

export interface RecomputeRange {
  /** Instants whose local days bound the recomputation (null: from the first / to the last order). */
  from?: Date | string | null;
  to?: Date | string | null;
}

/** Computes the figures of every local day in the range from the refined orders and line items. */
export async function computeDailyFigures(db: Db, shop: string, range: RecomputeRange = {}): Promise<{ days: DayFigures[]; fromDay: string | null; toDay: string | null; clock: ShopClock }> {
  const clock = await shopClock(db, shop);
  const fromDay = range.from ? localDay(new Date(range.from), clock.timeZone) : null;
  const toDay = range.to ? localDay(new Date(range.to), clock.timeZone) : null;
  // A UTC window one day wider on each side than the local days, narrowed per order below.
  const where: Prisma.OrderWhereInput = { shop, deletedAt: null };
  const processed: Prisma.DateTimeNullableFilter = {};
  if (fromDay) processed.gte = new Date(`${addDays(fromDay, -1)}T00:00:00Z`);
  if (toDay) processed.lt = new Date(`${addDays(toDay, 2)}T00:00:00Z`);
  if (fromDay || toDay) where.OR = [{ processedAt: processed }, { processedAt: null, createdAt: processed as Prisma.DateTimeFilter }];

  const orders = await db.order.findMany({
    where,
    select: {
      id: true,
      processedAt: true,
      createdAt: true,
      currencyCode: true,
      subtotalPrice: true,
      totalDiscounts: true,
      totalRefunded: true,
      totalShipping: true,
      totalTax: true,
    },
  });
  const lines = await db.lineItem.groupBy({
    by: ["orderId"],
    where: { shop, deletedAt: null },
    _sum: { originalTotal: true, quantity: true },
    _count: { _all: true },
  });
  const lineByOrder = new Map(lines.map((l) => [l.orderId, l]));

  const acc = new Map<string, DayFigures>();
  for (const o of orders) {
    const at = o.processedAt ?? o.createdAt;
    if (!at) continue;
    const day = localDay(at, clock.timeZone);
    if ((fromDay && day < fromDay) || (toDay && day > toDay)) continue;
    const li = lineByOrder.get(o.id);
    const discounts = D(o.totalDiscounts);
    const gross = li && li._count._all > 0 ? D(li._sum.originalTotal) : D(o.subtotalPrice).plus(discounts);
    let f = acc.get(day);
    if (!f) {
      f = {
        date: day,
        currencyCode: o.currencyCode ?? clock.currencyCode,
        orders: 0,
        grossSales: D(0),
        discounts: D(0),
        returns: D(0),
        netSales: D(0),
        taxes: D(0),
        shipping: D(0),
        totalSales: D(0),
        unitsSold: 0,
        averageOrderValue: D(0),
      };
      acc.set(day, f);
    }
    f.orders++;
    f.grossSales = f.grossSales.plus(gross);
    f.discounts = f.discounts.minus(discounts);
    f.returns = f.returns.minus(D(o.totalRefunded));
    f.shipping = f.shipping.plus(D(o.totalShipping));
    f.taxes = f.taxes.plus(D(o.totalTax));
    f.unitsSold += li?._sum.quantity ?? 0;
  }
  const days = [...acc.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  for (const f of days) {
    f.netSales = f.grossSales.plus(f.discounts).plus(f.returns);
    f.totalSales = f.netSales.plus(f.shipping).plus(f.taxes);
    f.averageOrderValue = f.orders ? f.grossSales.plus(f.discounts).dividedBy(f.orders).toDecimalPlaces(4) : D(0);
  }
  return { days, fromDay, toDay, clock };
}

/** Midnight UTC of a local day: how a @db.Date is stored on SQLite (and a date on PostgreSQL). */
export function dayDate(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/**
 * Rewrites daily_metrics for the local days of the range (all days when no range): days with
 * orders get their figures, days without any lose their row. Returns the days written.
 */
export async function recomputeDailyMetrics(db: Db, shop: string, range: RecomputeRange = {}): Promise<{ written: number; fromDay: string | null; toDay: string | null }> {
  const { days, fromDay, toDay } = await computeDailyFigures(db, shop, range);
  const dateFilter: Prisma.DateTimeFilter = {};
  if (fromDay) dateFilter.gte = dayDate(fromDay);
  if (toDay) dateFilter.lte = dayDate(toDay);
  const now = new Date();
  const rows = days.map((f) => ({
    shop,
    date: dayDate(f.date),
    currencyCode: f.currencyCode,
    orders: f.orders,
    grossSales: f.grossSales.toDecimalPlaces(4),
    discounts: f.discounts.toDecimalPlaces(4),
    returns: f.returns.toDecimalPlaces(4),
    netSales: f.netSales.toDecimalPlaces(4),
    taxes: f.taxes.toDecimalPlaces(4),
    shipping: f.shipping.toDecimalPlaces(4),
    totalSales: f.totalSales.toDecimalPlaces(4),
    unitsSold: f.unitsSold,
    averageOrderValue: f.averageOrderValue.toDecimalPlaces(4),
    computedAt: now,
  }));
  await db.$transaction(async (tx) => {
    await tx.dailyMetric.deleteMany({ where: { shop, ...(fromDay || toDay ? { date: dateFilter } : {}) } });
    for (let i = 0; i < rows.length; i += 500) await tx.dailyMetric.createMany({ data: rows.slice(i, i + 500) });
  });
  return { written: rows.length, fromDay, toDay };
}
