/**
 * Refinement into real databases (every engine of the run): the same records from a bulk file, a
 * paginated query and webhooks end as the same rows; money stays exact; stale versions and late
 * updates of deleted records are refused; malformed records are kept with status error.
 */
import { Prisma } from "~/db.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../prisma/testing";
import { testEngines } from "../../../tests/support/engines";
import { definitionFor, resourceDefinitions } from "../resources";
import type { RowSet } from "../resources/types";
import { refinePending, refineRawRecords } from "./refine-raw.server";
import { bulkLines, pageNodes, startSampleShop, storeRecord, webhook, type Json, type SampleShop } from "./simulator-samples.test-support";
import { TABLES, type TableName } from "./tables";
import { applyRowSets } from "./upsert.server";

const CTX = { shopCurrency: "USD" };
const NOW = new Date("2026-06-01T00:00:00.000Z");

/** Webhook topics whose payloads are built per record (and per sub-object) for each resource. */
const WEBHOOKS: Record<string, { topic: string; subjects?: (n: Json) => [string, Json][] }> = {
  orders: {
    topic: "orders/updated",
    subjects: (n) => [
      ...nodes(n.refunds).map((r) => ["refunds/create", r] as [string, Json]),
      ...nodes(n.fulfillments).map((f) => ["fulfillments/update", f] as [string, Json]),
      ...nodes(n.transactions).map((t) => ["order_transactions/create", t] as [string, Json]),
    ],
  },
  products: { topic: "products/update" },
  customers: { topic: "customers/update" },
  locations: { topic: "locations/update" },
  inventoryItems: {
    topic: "inventory_items/update",
    subjects: (n) => nodes(n.inventoryLevels).map((l) => ["inventory_levels/update", l] as [string, Json]),
  },
  abandonedCheckouts: { topic: "checkouts/update" },
  disputes: { topic: "disputes/update" },
  discounts: {
    topic: "discounts/update",
    subjects: (n) => nodes(n.discount?.codes).map((c) => ["discounts/redeemcode_added", c] as [string, Json]),
  },
};

/**
 * What a bulk file cannot carry (bulk forbids connections inside lists, child lines do not know
 * their position, abandoned-checkout line items are kept inline only): compared everywhere else.
 */
const BULK_GAPS: Partial<Record<TableName, string[] | "table">> = {
  refund_line_items: "table",
  fulfillment_line_items: "table",
  product_images: ["position"],
  abandoned_checkouts: ["lineItemsCount", "lineItemsJson"],
};

/**
 * The simulator does not resolve references inside records, so a checkout's
 * `customer { defaultEmailAddress }` is null through GraphQL while its REST payload has the email.
 */
const SIMULATOR_GAPS: Partial<Record<TableName, string[]>> = { abandoned_checkouts: ["email"] };

/**
 * Webhook first (newer), older page second: NOT NULL columns with a database default that the
 * 2026-07 REST payloads do not carry. The webhook's insert gets the default, so the fill of the
 * older page (COALESCE on NULL) cannot tell it from a real value; the record's next GraphQL fetch
 * (incremental sync: same updatedAt, re-applied) sets them.
 *  - products.tracksInventory: REST variants carry no `inventory_management` any more.
 *  - product_variants.availableForSale: not in the REST variant.
 *  - customers.numberOfOrders: `orders_count` left the customer payload.
 *  - products.hasOnlyDefaultVariant: REST has variants and options, but not Shopify's flag.
 */
const NEWER_HOOK_GAPS: Partial<Record<TableName, string[]>> = {
  products: ["tracksInventory", "hasOnlyDefaultVariant"],
  product_variants: ["availableForSale"],
  customers: ["numberOfOrders"],
};

function nodes(v: unknown): Json[] {
  if (Array.isArray(v)) return v as Json[];
  const o = v as Json | null | undefined;
  return (o?.nodes as Json[] | undefined) ?? ((o?.edges as Json[] | undefined) ?? []).map((e) => e.node as Json);
}

const delegate = (table: TableName) => TABLES[table].model.charAt(0).toLowerCase() + TABLES[table].model.slice(1);

/** Rows of `table` for `shop` as comparable plain values, ordered by key. */
async function dump(db: TestDatabase["db"], table: TableName, shop: string, omit: string[] = []): Promise<Record<string, unknown>[]> {
  const spec = TABLES[table];
  const rows = (await (db as unknown as Record<string, { findMany(a: unknown): Promise<Record<string, unknown>[]> }>)[delegate(table)]!.findMany({
    where: { shop },
  })) as Record<string, unknown>[];
  const plain = rows.map((r) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([k]) => k !== "shop" && k !== "syncedAt" && !omit.includes(k))
        .map(([k, v]) => [
          k,
          v instanceof Date ? v.toISOString() : typeof v === "bigint" ? `${v}n` : Prisma.Decimal.isDecimal(v) ? (v as Prisma.Decimal).toString() : v,
        ]),
    ),
  );
  const key = (r: Record<string, unknown>) => spec.key.map((k) => String(r[k])).join("|");
  return plain.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

let sample: SampleShop;
beforeAll(async () => {
  sample = await startSampleShop(60, 5);
});
afterAll(async () => {
  await sample?.close();
});

for (const engine of testEngines) {
  describe(`refinement on ${engine}`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(engine);
    });
    afterAll(async () => {
      await t?.drop();
    });

    describe("the same record from a bulk file, a page and a webhook refines to the same row", () => {
      for (const def of resourceDefinitions) {
        it(def.key, async () => {
          const page = await pageNodes(sample, def, 250);
          expect(page.length, "sample records").toBeGreaterThan(0);
          const gql = page.map((n) => def.refineGraphql(n, null, CTX));
          const hook = WEBHOOKS[def.key];
          const rest: RowSet[] = [];
          if (hook) {
            for (const n of page) {
              const record = storeRecord(sample, String(n.id));
              rest.push(def.refineRest(hook.topic, webhook(sample, hook.topic, record), CTX));
              for (const [topic, sub] of hook.subjects?.(n) ?? []) {
                const subject = sample.shop.store.node(String(sub.id)) ?? (sub as never);
                rest.push(def.refineRest(topic, webhook(sample, topic, record, subject), CTX));
              }
            }
          }
          const lines = await bulkLines(sample, def.bulkQuery());
          const bulk = lines.map((l) => def.refineGraphql(l, null, CTX));

          const shop = (variant: string) => `${variant}-${def.key}.myshopify.com`;
          await applyRowSets(t.db, shop("page"), gql, { now: NOW });
          // Webhook after the bulk/page record, and before it: same rows either way.
          await applyRowSets(t.db, shop("page-then-hook"), gql, { now: NOW });
          await applyRowSets(t.db, shop("page-then-hook"), rest, { now: NOW });
          await applyRowSets(t.db, shop("hook-then-page"), rest, { now: NOW });
          await applyRowSets(t.db, shop("hook-then-page"), gql, { now: NOW });
          // Bulk lines in batches, children in other batches than their parents.
          for (let i = 0; i < bulk.length; i += 7) await applyRowSets(t.db, shop("bulk"), bulk.slice(i, i + 7), { now: NOW });

          for (const table of def.tables) {
            const simGap = SIMULATOR_GAPS[table] ?? [];
            const expected = await dump(t.db, table, shop("page"), simGap);
            expect(await dump(t.db, table, shop("page-then-hook"), simGap), `${table}: page then webhook`).toEqual(expected);
            expect(await dump(t.db, table, shop("hook-then-page"), simGap), `${table}: webhook then page`).toEqual(expected);
            const gap = BULK_GAPS[table];
            if (gap !== "table") {
              expect(await dump(t.db, table, shop("bulk"), gap ?? []), `${table}: bulk`).toEqual(await dump(t.db, table, shop("page"), gap ?? []));
            }
          }
          expect((await dump(t.db, def.tables[0]!, shop("page"))).length).toBe(page.length);
        });
      }
    });

    describe("a webhook of a newer version, before or after the older page, ends as the newer page", () => {
      // The record changes in the store after the page was read; its webhook carries the new version.
      // Page then webhook: the webhook writes only the columns its shape carries, the rest stay.
      // Webhook then page (webhook first): the older page is refused by the version guard, yet fills
      // what the REST shape cannot carry (resources/rest-gaps.ts). Either way every column of every
      // table must equal the newer page alone, except NEWER_HOOK_GAPS.
      const CASES = [
        ["orders", "orders/updated", { note: "changed" }],
        ["products", "products/update", { title: "changed" }],
        ["customers", "customers/update", { note: "changed" }],
      ] as const;
      let own: SampleShop;
      beforeAll(async () => {
        own = await startSampleShop(30, 23);
      });
      afterAll(async () => {
        await own?.close();
      });
      for (const [key, topic, patch] of CASES) {
        it(key, async () => {
          const def = definitionFor(key);
          const older = await pageNodes(own, def, 250);
          expect(older.length).toBeGreaterThan(0);
          for (const n of older) own.shop.store.update(key, String(n.id), patch, { silent: true });
          const newer = await pageNodes(own, def, 250);
          const hooks = newer.map((n) => def.refineRest(topic, webhook(own, topic, storeRecord(own, String(n.id))), CTX));
          const gOld = older.map((n) => def.refineGraphql(n, null, CTX));
          const gNew = newer.map((n) => def.refineGraphql(n, null, CTX));
          const shop = (variant: string) => `newer-${variant}-${key}.myshopify.com`;
          await applyRowSets(t.db, shop("page"), gNew, { now: NOW });
          await applyRowSets(t.db, shop("old-then-hook"), gOld, { now: NOW });
          await applyRowSets(t.db, shop("old-then-hook"), hooks, { now: NOW });
          await applyRowSets(t.db, shop("hook-then-old"), hooks, { now: NOW });
          await applyRowSets(t.db, shop("hook-then-old"), gOld, { now: NOW });
          for (const table of def.tables) {
            const expected = await dump(t.db, table, shop("page"));
            expect(expected.length, `${table}: sample rows`).toBeGreaterThan(0);
            expect(await dump(t.db, table, shop("old-then-hook")), `${table}: older page, then webhook`).toEqual(expected);
            const gap = NEWER_HOOK_GAPS[table] ?? [];
            expect(await dump(t.db, table, shop("hook-then-old"), gap), `${table}: webhook, then older page`).toEqual(
              await dump(t.db, table, shop("page"), gap),
            );
          }
        });
      }
    });

    it("money survives exactly; 12.30 and 12.3 are the same amount", async () => {
      const def = definitionFor("orders");
      const [node] = await pageNodes(sample, def, 1);
      const n = structuredClone(node!) as Json;
      n.totalPriceSet.shopMoney.amount = "1234567.89";
      n.subtotalPriceSet.shopMoney.amount = "12.30";
      n.totalTaxSet.shopMoney.amount = "0.1";
      await applyRowSets(t.db, "money.myshopify.com", [def.refineGraphql(n, null, CTX)], { now: NOW });
      const row = await t.db.order.findFirstOrThrow({ where: { shop: "money.myshopify.com" } });
      expect(row.totalPrice.toString()).toBe("1234567.89");
      expect(row.subtotalPrice!.toString()).toBe("12.3");
      expect(row.totalTax!.toString()).toBe("0.1");
      expect(row.totalPrice.plus(row.totalTax!).toString()).toBe("1234567.99");
    });

    it("an older version never overwrites a newer one (and its children go with it)", async () => {
      const shop = "stale.myshopify.com";
      const def = definitionFor("orders");
      const [node] = await pageNodes(sample, def, 1);
      const newer = structuredClone(node!) as Json;
      newer.updatedAt = "2030-01-02T00:00:00Z";
      newer.note = "newer";
      nodes(newer.lineItems)[0]!.title = "newer title";
      const older = structuredClone(node!) as Json;
      older.updatedAt = "2030-01-01T00:00:00Z";
      older.note = "older";
      nodes(older.lineItems)[0]!.title = "older title";
      await applyRowSets(t.db, shop, [def.refineGraphql(newer, null, CTX)], { now: NOW });
      const result = await applyRowSets(t.db, shop, [def.refineGraphql(older, null, CTX)], { now: NOW });
      expect(result.upserted.orders).toBe(0);
      expect(result.skippedStale).toBeGreaterThanOrEqual(1 + nodes(older.lineItems).length);
      const order = await t.db.order.findFirstOrThrow({ where: { shop } });
      expect(order.note).toBe("newer");
      expect(order.updatedAt.toISOString()).toBe("2030-01-02T00:00:00.000Z");
      const line = await t.db.lineItem.findFirstOrThrow({ where: { shop, id: BigInt(String(nodes(node!.lineItems)[0]!.id).split("/").pop()!) } });
      expect(line.title).toBe("newer title");
      // The same version again is accepted (idempotent re-delivery).
      const again = await applyRowSets(t.db, shop, [def.refineGraphql(newer, null, CTX)], { now: NOW });
      expect(again.upserted.orders).toBe(1);
      // A REST webhook with an older updated_at is refused as well.
      const hook = webhook(sample, "orders/updated", storeRecord(sample, String(node!.id)));
      hook.updated_at = "2029-12-31T19:00:00-05:00";
      hook.note = "from an old webhook";
      await applyRowSets(t.db, shop, [def.refineRest("orders/updated", hook, CTX)], { now: NOW });
      expect((await t.db.order.findFirstOrThrow({ where: { shop } })).note).toBe("newer");
    });

    it("a delete leaves a tombstone that no late update resurrects", async () => {
      const shop = "tomb.myshopify.com";
      const def = definitionFor("orders");
      const [a, b] = await pageNodes(sample, def, 2);
      await applyRowSets(t.db, shop, [def.refineGraphql(a!, null, CTX)], { now: NOW });
      const del = await applyRowSets(t.db, shop, [def.refineRest("orders/delete", { id: Number(String(a!.id).split("/").pop()) }, CTX)], {
        now: NOW,
      });
      expect(del.tombstoned).toBeGreaterThanOrEqual(1 + nodes(a!.lineItems).length);
      const late = webhook(sample, "orders/updated", storeRecord(sample, String(a!.id)));
      late.updated_at = "2031-01-01T00:00:00Z";
      late.note = "late update";
      const res = await applyRowSets(t.db, shop, [def.refineRest("orders/updated", late, CTX)], { now: NOW });
      expect(res.upserted.orders).toBe(0);
      const row = await t.db.order.findFirstOrThrow({ where: { shop, gid: String(a!.id) } });
      expect(row.deletedAt?.toISOString()).toBe(NOW.toISOString());
      expect(row.note).not.toBe("late update");
      expect(await t.db.lineItem.count({ where: { shop, orderId: row.id, deletedAt: null } })).toBe(0);

      // Deleted before it was ever seen: a placeholder tombstone refuses the late create.
      const bId = BigInt(String(b!.id).split("/").pop()!);
      await applyRowSets(t.db, shop, [def.refineRest("orders/delete", { id: Number(bId) }, CTX)], { now: NOW });
      await applyRowSets(t.db, shop, [def.refineGraphql(b!, null, CTX)], { now: NOW });
      const ghost = await t.db.order.findFirstOrThrow({ where: { shop, id: bId } });
      expect(ghost.deletedAt).not.toBeNull();
      expect(ghost.gid).toBe(String(b!.id));
      expect(ghost.name).toBe("");
    });

    it("children missing from a full payload are marked deleted; inventory levels may reconnect", async () => {
      const shop = "children.myshopify.com";
      const orders = definitionFor("orders");
      const node = (await pageNodes(sample, orders, 60)).find((n) => nodes(n.lineItems).length >= 2)!;
      const payload = webhook(sample, "orders/updated", storeRecord(sample, String(node.id)));
      await applyRowSets(t.db, shop, [orders.refineRest("orders/updated", payload, CTX)], { now: NOW });
      const removed = (payload.line_items as Json[]).pop()!;
      payload.updated_at = "2031-01-01T00:00:00Z";
      const res = await applyRowSets(t.db, shop, [orders.refineRest("orders/updated", payload, CTX)], { now: NOW });
      expect(res.tombstoned).toBe(1);
      const gone = await t.db.lineItem.findFirstOrThrow({ where: { shop, id: BigInt(removed.id) } });
      expect(gone.deletedAt?.toISOString()).toBe(NOW.toISOString());
      expect(await t.db.lineItem.count({ where: { shop, orderId: BigInt(payload.id), deletedAt: null } })).toBe(
        (payload.line_items as Json[]).length,
      );

      const inv = definitionFor("inventoryItems");
      const level = { inventory_item_id: 11, location_id: 22, available: 5, updated_at: "2026-01-01T00:00:00Z", admin_graphql_api_id: null };
      await applyRowSets(t.db, shop, [inv.refineRest("inventory_levels/connect", level, CTX)], { now: NOW });
      await applyRowSets(t.db, shop, [inv.refineRest("inventory_levels/disconnect", { inventory_item_id: 11, location_id: 22 }, CTX)], { now: NOW });
      await applyRowSets(t.db, shop, [inv.refineRest("inventory_levels/update", { ...level, available: 9 }, CTX)], { now: NOW });
      let row = await t.db.inventoryLevel.findFirstOrThrow({ where: { shop } });
      expect(row.deletedAt).not.toBeNull(); // an update older than the disconnect
      expect(row.available).toBe(5);
      await applyRowSets(t.db, shop, [inv.refineRest("inventory_levels/connect", { ...level, available: 7, updated_at: "2026-07-01T00:00:00Z" }, CTX)], {
        now: NOW,
      });
      row = await t.db.inventoryLevel.findFirstOrThrow({ where: { shop } });
      expect(row.deletedAt).toBeNull();
      expect(row.available).toBe(7);
    });

    it("a partial webhook (discounts/update) updates a known discount and cannot create one", async () => {
      const shop = "partial.myshopify.com";
      const def = definitionFor("discounts");
      const [node] = await pageNodes(sample, def, 1);
      const payload = webhook(sample, "discounts/update", storeRecord(sample, String(node!.id)));
      payload.title = "Renamed";
      payload.updated_at = "2031-01-01T00:00:00Z";
      const first = await applyRowSets(t.db, shop, [def.refineRest("discounts/update", payload, CTX)], { now: NOW });
      expect(first.needsFetch).toBe(1);
      expect(await t.db.discount.count({ where: { shop } })).toBe(0);
      await applyRowSets(t.db, shop, [def.refineGraphql(node!, null, CTX)], { now: NOW });
      const second = await applyRowSets(t.db, shop, [def.refineRest("discounts/update", payload, CTX)], { now: NOW });
      expect(second.upserted.discounts).toBe(1);
      const row = await t.db.discount.findFirstOrThrow({ where: { shop } });
      expect(row.title).toBe("Renamed");
      expect(row.discountType).toBe(node!.discount.__typename);
    });

    it("a record that cannot be refined is kept with status error; the rest of the batch is refined", async () => {
      const shop = "raw.myshopify.com";
      const def = definitionFor("orders");
      const lines = (await bulkLines(sample, def.bulkQuery())).slice(0, 6);
      const delivery = await t.db.webhookDelivery.create({ data: { webhookId: "wh-raw-1", shop, topic: "orders/updated" } });
      const payloads: { source: string; payload: unknown; delivery?: string }[] = [
        ...lines.map((l) => ({ source: "backfill", payload: l })),
        { source: "backfill", payload: { name: "#1", __typename: "Order" } }, // no id
        { source: "backfill", payload: { ...lines[0], id: "gid://shopify/Order/77", createdAt: "not a date" } },
        { source: "webhook", payload: { id: 5 } }, // webhook without a delivery/topic
        { source: "webhook", payload: webhook(sample, "orders/updated", storeRecord(sample, String(lines[0]!.id))), delivery: delivery.id },
      ];
      let i = 0;
      for (const p of payloads)
        await t.db.rawRecord.create({
          data: {
            shop,
            resource: "orders",
            gid: String((p.payload as Json).id ?? "none"),
            hash: `h${i++}`,
            payload: JSON.stringify(p.payload),
            source: p.source,
            webhookDeliveryId: p.delivery ?? null,
          },
        });
      const result = await refinePending(t.db, shop, { limit: 100, now: NOW, context: CTX });
      expect(result.refined).toBe(7);
      expect(result.errors.map((e) => e.message)).toEqual([
        "record has no id",
        expect.stringMatching(/not a timestamp/),
        "webhook record without a topic",
      ]);
      const raw = await t.db.rawRecord.findMany({ where: { shop }, orderBy: { id: "asc" } });
      expect(raw.map((r) => r.status)).toEqual([...lines.map(() => "refined"), "error", "error", "error", "refined"]);
      expect(raw[6]!.error).toBe("record has no id");
      expect(raw[0]!.refinedAt?.toISOString()).toBe(NOW.toISOString());
      expect(await t.db.order.count({ where: { shop } })).toBeGreaterThan(0);
      // Nothing pending any more; retrying errors fails the same way and keeps the messages.
      expect((await refinePending(t.db, shop, { now: NOW, context: CTX })).refined).toBe(0);
      const retry = await refinePending(t.db, shop, { retryErrors: true, now: NOW, context: CTX });
      expect(retry.errors).toHaveLength(3);
      expect(await t.db.rawRecord.count({ where: { shop, status: "error" } })).toBe(3);
    });

    it("the database refusing one record does not fail the others", async () => {
      const shop = "isolate.myshopify.com";
      const def = definitionFor("orders");
      const [a, b] = await pageNodes(sample, def, 2);
      // 2^40 passes the refiner (an integer) but not PostgreSQL's INTEGER column; SQLite stores it.
      const bad = { ...structuredClone(b!), subtotalLineItemsQuantity: 2 ** 40 };
      const result = await refineRawRecords(
        t.db,
        shop,
        [
          { id: 900, resource: "orders", source: "backfill", payload: a },
          { id: 901, resource: "orders", source: "backfill", payload: bad },
        ],
        { now: NOW, context: CTX },
      );
      if (engine === "postgresql") {
        expect(result.refined).toBe(1);
        expect(result.errors.map((e) => e.id)).toEqual([901]);
        expect(result.errors[0]!.message).toMatch(/out of range/);
        expect(await t.db.order.count({ where: { shop } })).toBe(1);
      } else {
        expect(result.refined).toBe(2);
      }
    });
  });
}

describe("throughput (SQLite, printed, not asserted)", () => {
  it("refines 20,000 order JSONL lines", async () => {
    const big = await startSampleShop(6700, 9);
    const t = await createTestDatabase("sqlite");
    try {
      const def = definitionFor("orders");
      const lines = (await bulkLines(big, def.bulkQuery())).slice(0, 20_000);
      const records = lines.map((payload, i) => ({ id: i + 1, resource: "orders", source: "backfill", payload }));
      const started = performance.now();
      for (let i = 0; i < records.length; i += 2000)
        await refineRawRecords(t.db, "bench.myshopify.com", records.slice(i, i + 2000), { context: CTX });
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `refine: ${records.length} order lines (${await t.db.order.count()} orders, ${await t.db.lineItem.count()} line items) in ${seconds.toFixed(2)} s = ${Math.round(records.length / seconds)} lines/s`,
      );
    } finally {
      await t.drop();
      await big.close();
    }
  }, 300_000);
});
