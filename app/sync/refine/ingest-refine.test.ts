/**
 * ingestAndRefineBatch (the ingest pipeline's write): raw rows and refined rows in one
 * transaction, each raw row written once — already `refined`, or `error` with the refiner's
 * message — and records already stored are neither written nor refined again. Real databases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../prisma/testing";
import { testEngines } from "../../../tests/support/engines";
import { canonicalJson, sha256Hex } from "../ingest/canonical";
import { closeRawSqliteConnections, type RawBatchContext, type RawBatchRow } from "../ingest/raw-writer.server";
import { prepareRefine } from "./refine-one";
import { ingestAndRefineBatch } from "./refine-raw.server";

const CTX = { shopCurrency: "USD" };

function order(id: number, extra: Record<string, unknown> = {}) {
  return {
    id: `gid://shopify/Order/${id}`,
    name: `#${1000 + id}`,
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-02T00:00:00Z",
    currencyCode: "USD",
    totalPriceSet: { shopMoney: { amount: "12.30", currencyCode: "USD" } },
    ...extra,
  };
}

function row(resource: string, payload: Record<string, unknown>): RawBatchRow {
  const json = canonicalJson(payload);
  const gid = String(payload.id ?? "gid://shopify/Order/0");
  return { resource, gid, shopifyId: BigInt(gid.split("/").pop()!.replace(/\D/g, "") || "0"), hash: sha256Hex(json), json, payload };
}

for (const engine of testEngines) {
  describe(`ingestAndRefineBatch on ${engine}`, () => {
    let t: TestDatabase;
    const shop = `ingest-refine-${engine}.myshopify.com`;
    const raw = (): RawBatchContext => ({ shop, source: "backfill", syncRunId: "run-1", webhookDeliveryId: null, receivedAt: new Date("2026-06-01T00:00:00Z") });

    beforeAll(async () => {
      t = await createTestDatabase(engine);
    });
    afterAll(async () => {
      closeRawSqliteConnections();
      await t?.drop();
    });

    it("writes new raw rows once, as refined, with their refined rows; a record the refiner rejects is kept as error", async () => {
      const batch = [row("orders", order(1)), row("orders", order(2)), row("orders", { name: "no id at all" })];
      const result = await ingestAndRefineBatch(t.db, batch, raw(), { context: CTX });
      expect(result.inserted).toHaveLength(3);
      expect(result.refined).toBe(2);
      expect(result.errors).toHaveLength(1);

      const raws = await t.db.rawRecord.findMany({ where: { shop }, orderBy: { id: "asc" } });
      expect(raws.map((r) => r.status)).toEqual(["refined", "refined", "error"]);
      expect(raws[0]!.refinedAt).not.toBeNull();
      expect(raws[2]!.error).toMatch(/no id/);
      expect(raws[2]!.refinedAt).toBeNull();
      expect(raws[0]!.payload).toBe(batch[0]!.json);
      expect(raws[0]!.syncRunId).toBe("run-1");

      const orders = await t.db.order.findMany({ where: { shop }, orderBy: { id: "asc" } });
      expect(orders.map((o) => [o.id, o.name])).toEqual([
        [1n, "#1001"],
        [2n, "#1002"],
      ]);
    });

    it("skips records already stored (same canonical JSON) and refines only the new ones", async () => {
      const result = await ingestAndRefineBatch(t.db, [row("orders", order(1)), row("orders", order(3))], raw(), { context: CTX });
      expect(result.inserted.map((r) => r.gid)).toEqual(["gid://shopify/Order/3"]);
      expect(result.refined).toBe(1);
      expect(await t.db.rawRecord.count({ where: { shop } })).toBe(4);
      expect(await t.db.order.count({ where: { shop } })).toBe(3);
    });

    it("applies RowSets prepared as the records arrived (payload objects not kept), only for the rows that were new", async () => {
      // As the ingest pipeline hands them over: canonical JSON + prepared refinement, payload null.
      const prepared = (payload: Record<string, unknown>, refineFrom = payload): RawBatchRow => ({
        ...row("orders", payload),
        payload: null,
        prepared: prepareRefine("orders", "backfill", refineFrom, CTX),
      });
      const first = await ingestAndRefineBatch(t.db, [prepared(order(10)), prepared({ name: "prepared without id" })], raw(), { context: CTX });
      expect(first.inserted.map((r) => r.payload)).toEqual([null, null]);
      expect(first.refined).toBe(1);
      expect(first.errors).toHaveLength(1);
      const failed = await t.db.rawRecord.findFirstOrThrow({ where: { shop, id: Number(first.errors[0]!.id) } });
      expect([failed.status, failed.error]).toEqual(["error", "record has no id"]);
      expect((await t.db.order.findFirstOrThrow({ where: { shop, id: 10n } })).name).toBe("#1010");

      // The same record again, with a RowSet that would rename the order: its raw row exists, so
      // nothing of it is applied.
      const again = await ingestAndRefineBatch(t.db, [prepared(order(10), order(10, { name: "#must-not-apply" }))], raw(), { context: CTX });
      expect(again.inserted).toHaveLength(0);
      expect(again.refined).toBe(0);
      expect((await t.db.order.findFirstOrThrow({ where: { shop, id: 10n } })).name).toBe("#1010");
    });

    it("a newer version of a stored record is a new raw row and updates the refined row", async () => {
      const newer = order(2, { name: "#renamed", updatedAt: "2026-01-03T00:00:00Z" });
      const result = await ingestAndRefineBatch(t.db, [row("orders", newer)], raw(), { context: CTX });
      expect(result.refined).toBe(1);
      expect((await t.db.order.findFirstOrThrow({ where: { shop, id: 2n } })).name).toBe("#renamed");
      expect(await t.db.rawRecord.count({ where: { shop, gid: "gid://shopify/Order/2" } })).toBe(2);
    });
  });
}
