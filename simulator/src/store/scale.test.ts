import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { GqlRecord } from "../types";
import { createStore } from "./store";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

describe("a 1,000,000-order store is served lazily", () => {
  const store = createStore({ domain: "big.myshopify.com", seed: 1, size: { orders: 1_000_000 } });
  const orders = store.collection("orders");

  it("counts without deriving records", () => {
    const t0 = performance.now();
    expect(orders.count()).toBe(1_000_000);
    expect(orders.count([{ field: "id", op: ">", value: String(4_100_000_000 + 999_899) }])).toBe(
      100,
    );
    expect(orders.count([{ field: "created_at", op: ">=", value: "2026-10-25" }])).toBeGreaterThan(
      5_000,
    );
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("scans the first 1000 and a filtered page near the end quickly", () => {
    const t0 = performance.now();
    let n = 0;
    let last: GqlRecord | undefined;
    for (const { record } of orders.scan()) {
      last = record;
      if (++n === 1000) break;
    }
    expect(last?.name).toBe("#2000");
    const near = [
      ...orders.scan({
        filter: [{ field: "id", op: ">=", value: String(4_100_000_000 + 999_990) }],
      }),
    ].map((x) => x.record.name);
    expect(near).toEqual(Array.from({ length: 10 }, (_, k) => `#${1001 + 999_990 + k}`));
    const byCreated = [
      ...orders.scan({
        filter: [{ field: "created_at", op: ">", value: "2026-10-31T23:00:00Z" }],
        sortKey: "CREATED_AT",
        reverse: true,
      }),
    ];
    expect(byCreated.length).toBeGreaterThan(0);
    expect(byCreated[0].record.name).toBe("#1001000");
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it("serves UPDATED_AT order and updated_at filters from a compact sorted index", () => {
    const t0 = performance.now();
    const filter = [{ field: "updated_at", op: ">=" as const, value: "2026-10-30T00:00:00Z" }];
    const n = orders.count(filter);
    expect(n).toBeGreaterThan(1000);
    const page: GqlRecord[] = [];
    for (const { record } of orders.scan({ filter, sortKey: "UPDATED_AT" })) {
      page.push(record);
      if (page.length === 250) break;
    }
    expect(
      page.every((r, i) => i === 0 || String(r.updatedAt) >= String(page[i - 1].updatedAt)),
    ).toBe(true);
    expect(String(page[0].updatedAt) >= "2026-10-30T00:00:00Z").toBe(true);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it("streams 200,000 orders with a small, flat heap and reports µs per order", () => {
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    let n = 0;
    let lines = 0;
    for (const { record } of orders.scan({
      filter: [{ field: "id", op: ">=", value: String(4_100_000_000 + 500_000) }],
    })) {
      lines += (record.lineItems as unknown[]).length;
      if (++n === 200_000) break;
    }
    const ms = performance.now() - t0;
    gc();
    const grown = process.memoryUsage().heapUsed - heap0;
    console.log(
      `[store] derived ${n} orders (${lines} line items) in ${ms.toFixed(0)} ms = ${((ms * 1000) / n).toFixed(1)} µs/order; heap growth ${(grown / 1e6).toFixed(1)} MB`,
    );
    expect(n).toBe(200_000);
    expect(grown).toBeLessThan(50e6);
  });
});
