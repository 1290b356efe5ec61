import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../prisma/testing";
import { testEngines, type TestEngine } from "../../../tests/support/engines";
import { canonicalJson, recordHash } from "./canonical";
import { closeRawSqliteConnections, createRawWriter as createWriter, toShopifyId, type InsertedRawRecord, type RawWriterOptions } from "./raw-writer.server";

function order(n: number, extra: Record<string, unknown> = {}) {
  return { __typename: "Order", id: `gid://shopify/Order/${n}`, name: `#${1000 + n}`, totalPriceSet: { shopMoney: { amount: `${n}.50`, currencyCode: "USD" } }, ...extra };
}

describe("toShopifyId", () => {
  it("derives the numeric id from a GID or takes an explicit one", () => {
    expect(toShopifyId(undefined, "gid://shopify/Order/5001234")).toBe(5001234n);
    expect(toShopifyId(undefined, "gid://shopify/InventoryLevel/77?inventory_item_id=5")).toBe(77n);
    expect(toShopifyId(undefined, "gid://shopify/Shop/abc")).toBeNull();
    expect(toShopifyId(42, "x")).toBe(42n);
    expect(toShopifyId("43", "x")).toBe(43n);
  });
});

interface Variant {
  engine: TestEngine;
  store: "auto" | "prisma";
  label: string;
}
const variants: Variant[] = testEngines.flatMap((engine): Variant[] =>
  engine === "sqlite"
    ? [
        { engine, store: "auto", label: "sqlite (direct connection)" },
        { engine, store: "prisma", label: "sqlite (through Prisma)" },
      ]
    : [{ engine, store: "auto", label: "postgresql" }],
);

describe.each(variants)("raw writer on $label", ({ engine, store }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(engine);
  });
  afterAll(async () => {
    closeRawSqliteConnections();
    await t?.drop();
  });
  const createRawWriter = (db: TestDatabase["db"], options: RawWriterOptions) => createWriter(db, { store, ...options });

  it("writes new records in batches, hands the new rows over from memory, skips what it has seen", async () => {
    const shop = "raw-a.myshopify.com";
    const batches: InsertedRawRecord[][] = [];
    const writer = createRawWriter(t.db, { shop, resource: "orders", source: "backfill", syncRunId: "run-1", batchSize: 500, onInserted: (rows) => void batches.push(rows) });
    const payloads = Array.from({ length: 1200 }, (_, i) => order(i + 1));
    for (const p of payloads) await writer.add({ gid: p.id, payload: p });
    expect(batches.map((b) => b.length)).toEqual([500, 500]); // two full batches written during add()
    expect(await writer.flush()).toEqual({ inserted: 1200, skipped: 0 });
    expect(batches.map((b) => b.length)).toEqual([500, 500, 200]);
    const all = batches.flat();
    expect(all.map((r) => r.gid)).toEqual(payloads.map((p) => p.id));
    expect(all[0].payload).toBe(payloads[0]); // the very object given to add(): no re-read, no re-parse
    expect(all[0]).toMatchObject({ resource: "orders", shopifyId: 1n, hash: recordHash(payloads[0]), json: canonicalJson(payloads[0]) });
    expect(new Set(all.map((r) => r.id)).size).toBe(1200);

    const stored = await t.db.rawRecord.findMany({ where: { shop }, orderBy: { id: "asc" }, take: 2 });
    expect(stored[0]).toMatchObject({ resource: "orders", gid: payloads[0].id, status: "pending", source: "backfill", syncRunId: "run-1", hash: recordHash(payloads[0]) });
    expect(stored[0].payload).toBe(canonicalJson(payloads[0]));
    expect(BigInt(stored[0].shopifyId!)).toBe(1n);
    expect(stored[0].receivedAt).toBeInstanceOf(Date);
    expect(Math.abs(stored[0].receivedAt.getTime() - Date.now())).toBeLessThan(60_000);
    // received_at compares correctly with Prisma-written dates (same stored format).
    expect(await t.db.rawRecord.count({ where: { shop, receivedAt: { gte: new Date(Date.now() - 60_000) } } })).toBe(1200);

    // The same records again, keys in another order: all skipped, nothing handed over.
    const again: InsertedRawRecord[][] = [];
    const writer2 = createRawWriter(t.db, { shop, source: "webhook", batchSize: 300, onInserted: (rows) => void again.push(rows) });
    for (const p of payloads) {
      const reordered = Object.fromEntries(Object.entries(p).reverse());
      await writer2.add({ resource: "orders", gid: p.id, payload: reordered });
    }
    expect(await writer2.flush()).toEqual({ inserted: 0, skipped: 1200 });
    expect(again).toEqual([]);
    expect(await t.db.rawRecord.count({ where: { shop } })).toBe(1200);
  });

  it("returns only the new rows of a mixed batch, drops in-batch duplicates, and keeps shops apart", async () => {
    const shop = "raw-b.myshopify.com";
    const first = createRawWriter(t.db, { shop, resource: "orders", source: "backfill" });
    for (let i = 1; i <= 10; i++) await first.add({ gid: `gid://shopify/Order/${i}`, payload: order(i) });
    await first.flush();

    const got: InsertedRawRecord[] = [];
    const mixed = createRawWriter(t.db, { shop, resource: "orders", source: "incremental", onInserted: (rows) => void got.push(...rows) });
    for (let i = 1; i <= 20; i++) {
      const p = i % 2 === 0 ? order(i, { updatedAt: "2025-02-01T00:00:00Z" }) : order(i); // even ones changed
      await mixed.add({ gid: p.id, payload: p });
      if (i === 15) await mixed.add({ gid: p.id, payload: { ...p } }); // same record twice in one batch
    }
    expect(await mixed.flush()).toEqual({ inserted: 15, skipped: 6 }); // 5 unchanged odd ones + 1 in-batch duplicate
    expect(got.map((r) => r.shopifyId)).toEqual([2, 4, 6, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map(BigInt));

    // A record identical to another shop's is still new for this shop.
    const other = createRawWriter(t.db, { shop: "raw-c.myshopify.com", resource: "orders", source: "backfill" });
    await other.add({ gid: "gid://shopify/Order/1", payload: order(1) });
    expect(await other.flush()).toEqual({ inserted: 1, skipped: 0 });
  });

  it("carries a prepared value instead of the payload object when add() is given one", async () => {
    const shop = "raw-f.myshopify.com";
    const got: InsertedRawRecord[] = [];
    const w = createRawWriter(t.db, { shop, resource: "orders", source: "backfill", onInserted: (rows) => void got.push(...rows) });
    await w.add({ gid: "gid://shopify/Order/1", payload: order(1), prepared: { derived: 1 } });
    await w.add({ gid: "gid://shopify/Order/2", payload: order(2) });
    expect(await w.flush()).toEqual({ inserted: 2, skipped: 0 });
    expect(got.map((r) => [r.payload === null, r.prepared])).toEqual([
      [true, { derived: 1 }],
      [false, undefined],
    ]);
    // What is stored does not depend on it: the canonical JSON of the payload.
    const stored = await t.db.rawRecord.findFirstOrThrow({ where: { shop, gid: "gid://shopify/Order/1" } });
    expect(stored.payload).toBe(canonicalJson(order(1)));
  });

  it("handles awkward payload text (quotes, unicode, large numbers) and children with __parentId", async () => {
    const shop = "raw-d.myshopify.com";
    const got: InsertedRawRecord[] = [];
    const w = createRawWriter(t.db, { shop, source: "backfill", onInserted: (rows) => void got.push(...rows) });
    const child = { id: "gid://shopify/LineItem/9", title: `it's "quoted" \\ 😀 日本 \u0000`, quantity: 2, __parentId: "gid://shopify/Order/1" };
    await w.add({ resource: "lineItems", gid: child.id, payload: child });
    await w.flush();
    const row = await t.db.rawRecord.findFirstOrThrow({ where: { shop } });
    expect(JSON.parse(row.payload)).toEqual(child);
    expect(got[0].id).toBe(BigInt(row.id));
  });

  it.runIf(engine === "sqlite" && store === "auto")("waits (without blocking the event loop) while a Prisma transaction holds the write lock", async () => {
    const shop = "raw-e.myshopify.com";
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inTx = new Promise<void>((r) => (entered = r));
    const tx = t.db.$transaction(async (trx) => {
      await trx.activityEvent.create({ data: { shop, kind: "test", message: "holding the write lock" } });
      entered();
      await held;
    }, { timeout: 20_000 });
    await inTx;
    const w = createRawWriter(t.db, { shop, resource: "orders", source: "backfill" });
    await w.add({ gid: "gid://shopify/Order/1", payload: order(1) });
    const flushing = w.flush();
    let flushed = false;
    void flushing.then(() => (flushed = true));
    await new Promise((r) => setTimeout(r, 150)); // the event loop keeps running meanwhile
    expect(flushed).toBe(false);
    release();
    await tx;
    expect(await flushing).toEqual({ inserted: 1, skipped: 0 });
    expect(await t.db.rawRecord.count({ where: { shop } })).toBe(1);
  });
});
