/**
 * Money (Decimal), Shopify ids (BigInt) and timestamps round-trip on both engines.
 *
 * SQLite facts this pins down (see schema.base.prisma, "Money"): the
 * better-sqlite3 adapter binds a Decimal as a JS double and SQLite stores it as
 * REAL. Values with at most 15 significant digits (every realistic money
 * amount at numeric(20,4)) read back exactly; SUM() is binary floating point,
 * so aggregates must be rounded to the currency scale, which makes them exact.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../app/db.server";
import type { Engine } from "./database-url";
import { createTestDatabase, postgresAvailability, type TestDatabase } from "./testing";

const pg = await postgresAvailability();
const SHOP = "decimal-test.myshopify.com";

const AMOUNTS = [
  "12345678.99",
  "0.01",
  "0.1",
  "0.2",
  "19.99",
  "-5.5",
  "99999999999.9999",
  "1234567890.1234",
  "0",
];

function order(id: bigint, totalPrice: string) {
  return {
    shop: SHOP,
    id,
    gid: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    createdAt: new Date("2025-01-31T23:59:59.123Z"),
    updatedAt: new Date("2025-02-01T00:00:00.001Z"),
    currencyCode: "USD",
    totalPrice,
  };
}

for (const engine of ["sqlite", "postgresql"] as Engine[]) {
  const skip = engine === "postgresql" && !pg.available;
  describe.skipIf(skip)(`${engine}: exact values ${skip ? pg.reason : ""}`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(engine);
    });
    afterAll(async () => {
      await t?.drop();
    });

    it("reads back every money amount exactly (as a Prisma.Decimal)", async () => {
      await t.db.order.createMany({
        data: AMOUNTS.map((amount, i) => order(BigInt(i + 1), amount)),
      });
      const rows = await t.db.order.findMany({ where: { shop: SHOP }, orderBy: { id: "asc" } });
      expect(rows.map((r) => r.totalPrice.toString())).toEqual(
        AMOUNTS.map((a) => new Prisma.Decimal(a).toString()),
      );
      expect(rows[0].totalPrice).toBeInstanceOf(Prisma.Decimal);
      expect(rows[0].totalPrice.equals("12345678.99")).toBe(true);
    });

    it("sums exactly once rounded to the money scale (4 places)", async () => {
      const sum = await t.db.order.aggregate({
        where: { shop: SHOP, id: { in: [3n, 4n] } }, // 0.1 + 0.2
        _sum: { totalPrice: true },
      });
      expect(sum._sum.totalPrice!.toDecimalPlaces(4).toString()).toBe("0.3");
      if (engine === "postgresql") expect(sum._sum.totalPrice!.toString()).toBe("0.3"); // numeric: exact as is

      const all = await t.db.order.aggregate({ where: { shop: SHOP }, _sum: { totalPrice: true } });
      const expected = AMOUNTS.reduce((acc, a) => acc.plus(a), new Prisma.Decimal(0));
      expect(all._sum.totalPrice!.toDecimalPlaces(4).equals(expected)).toBe(true);

      const [raw] = await t.db.$queryRawUnsafe<Array<{ s: unknown }>>(
        `SELECT ROUND(SUM(total_price), 4) AS s FROM orders WHERE shop = $1 AND id IN (3, 4)`.replace(
          "$1",
          engine === "sqlite" ? "?" : "$1",
        ),
        SHOP,
      );
      expect(new Prisma.Decimal(String(raw.s)).toString()).toBe("0.3");
    });

    it("keeps 64-bit Shopify ids exact (beyond Number.MAX_SAFE_INTEGER)", async () => {
      const big = 9_007_199_254_740_993n; // 2^53 + 1: not representable as a JS number
      const max = 9_223_372_036_854_775_807n; // int8 max
      await t.db.order.create({ data: { ...order(big, "1.00"), customerId: max } });
      const row = await t.db.order.findUniqueOrThrow({
        where: { shop_id: { shop: SHOP, id: big } },
      });
      expect(row.id).toBe(big);
      expect(row.customerId).toBe(max);
      expect(row.gid).toBe(`gid://shopify/Order/${big}`);
    });

    it("keeps timestamps to the millisecond and dates as dates", async () => {
      const row = await t.db.order.findUniqueOrThrow({
        where: { shop_id: { shop: SHOP, id: 1n } },
      });
      expect(row.createdAt.toISOString()).toBe("2025-01-31T23:59:59.123Z");
      expect(row.updatedAt.toISOString()).toBe("2025-02-01T00:00:00.001Z");

      const zero = new Prisma.Decimal(0);
      await t.db.dailyMetric.create({
        data: {
          shop: SHOP,
          date: new Date("2025-03-30T00:00:00.000Z"),
          currencyCode: "EUR",
          orders: 3,
          grossSales: "300.30",
          discounts: "10.10",
          returns: zero,
          netSales: "290.20",
          taxes: "50.00",
          shipping: "9.99",
          totalSales: "350.19",
          unitsSold: 7,
          averageOrderValue: "96.7333",
        },
      });
      const metric = await t.db.dailyMetric.findUniqueOrThrow({
        where: { shop_date: { shop: SHOP, date: new Date("2025-03-30T00:00:00.000Z") } },
      });
      expect(metric.date.toISOString()).toBe("2025-03-30T00:00:00.000Z");
      expect(metric.averageOrderValue.toString()).toBe("96.7333");
      expect(metric.grossSales.toFixed(2)).toBe("300.30");
    });

    it("gives raw records an autoincrement id and rejects a duplicate (shop, gid, hash)", async () => {
      const data = {
        shop: SHOP,
        resource: "orders",
        gid: "gid://shopify/Order/1",
        hash: "a".repeat(64),
        payload: "{}",
        source: "webhook",
      };
      const first = await t.db.rawRecord.create({ data });
      const second = await t.db.rawRecord.create({ data: { ...data, hash: "b".repeat(64) } });
      expect(second.id).toBe(first.id + 1);
      await expect(t.db.rawRecord.create({ data })).rejects.toMatchObject({ code: "P2002" });
    });
  });
}
