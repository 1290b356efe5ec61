/**
 * Raw records → refined rows. One call refines one batch:
 *
 *   1. each record goes through its resource's refiner (GraphQL shape for bulk/paginated/reconcile
 *      records, REST shape for webhook records, chosen by `source` and the webhook topic);
 *      a record that cannot be refined is set aside with its error message;
 *   2. one transaction applies every RowSet (batched upserts, see upsert.server.ts), marks the
 *      refined raw records (one UPDATE … WHERE id IN (…) per chunk) and the failed ones
 *      (status = 'error', error = message).
 *
 * If the database refuses the batch as a whole (a row the refiner could not foresee breaking a
 * constraint), the batch is retried one record per transaction so that only the culprit ends in
 * status error and the others are refined.
 *
 * Works on rows just written by the raw writer (payload objects or prepared RowSets in memory, no re-read) and on rows
 * read back from raw_records (`refinePending`: retries, resume after a restart).
 */
import { engineOf, type Db, type Engine } from "~/db.server";
import { rawInsertPlan, type InsertedRawRecord, type RawBatchContext, type RawBatchRow } from "../ingest/raw-writer.server";
import type { RefineContext } from "../resources/normalize";
import type { RowSet } from "../resources/types";
import { message, refineOne, type PreparedRefine, type RawRecordToRefine } from "./refine-one";
import { applyRowSetsPlan, inTransaction, run, sqliteTimestamp, type ApplyResult, type Plan } from "./upsert.server";

export interface RefineRawResult extends ApplyResult {
  refined: number;
  errors: { id: number | bigint; message: string }[];
}

export interface RefineRawOptions {
  now?: Date;
  /** Refinement context; by default the shop's currency is read from `shops`. */
  context?: RefineContext;
}

const ID_CHUNK = 5_000;

/** The refinement context of a shop (its currency), as refineRawRecords reads it by default. */
export async function shopContext(db: Db, shop: string): Promise<RefineContext> {
  const row = await db.shop.findUnique({ where: { shop }, select: { currencyCode: true } });
  return { shopCurrency: row?.currencyCode ?? null };
}

function* markStatuses(
  engine: Engine,
  shop: string,
  refinedIds: (number | bigint)[],
  errors: { id: number | bigint; message: string }[],
  now: Date,
): Plan<void> {
  const at = engine === "sqlite" ? sqliteTimestamp(now) : now.toISOString();
  const ph = (i: number, type: string) => (engine === "sqlite" ? "?" : `$${i}::${type}`);
  for (let i = 0; i < refinedIds.length; i += ID_CHUNK) {
    const ids = refinedIds.slice(i, i + ID_CHUNK).map((id) => Number(id));
    const list = ids.map((_, k) => ph(k + 3, "integer")).join(", ");
    yield* run(
      `UPDATE "raw_records" SET "status" = 'refined', "error" = NULL, "refined_at" = ${ph(1, "timestamptz")} WHERE "shop" = ${ph(2, "text")} AND "id" IN (${list})`,
      [at, shop, ...ids],
    );
  }
  for (let i = 0; i < errors.length; i += ID_CHUNK / 2) {
    const part = errors.slice(i, i + ID_CHUNK / 2);
    // Placeholders are numbered in text order (SQLite binds `?` positionally).
    const params: unknown[] = [];
    const next = (value: unknown, type: string) => {
      params.push(value);
      return ph(params.length, type);
    };
    const cases = part.map((e) => `WHEN ${next(Number(e.id), "integer")} THEN ${next(e.message, "text")}`).join(" ");
    const where = `"shop" = ${next(shop, "text")} AND "id" IN (${part.map((e) => next(Number(e.id), "integer")).join(", ")})`;
    yield* run(`UPDATE "raw_records" SET "status" = 'error', "refined_at" = NULL, "error" = CASE "id" ${cases} END WHERE ${where}`, params);
  }
}

const EMPTY: ApplyResult = { upserted: {}, skippedStale: 0, tombstoned: 0, needsFetch: 0 };

function addResults(a: ApplyResult, b: ApplyResult): ApplyResult {
  const upserted = { ...a.upserted };
  for (const [t, n] of Object.entries(b.upserted)) upserted[t as keyof typeof upserted] = (upserted[t as keyof typeof upserted] ?? 0) + (n ?? 0);
  return {
    upserted,
    skippedStale: a.skippedStale + b.skippedStale,
    tombstoned: a.tombstoned + b.tombstoned,
    needsFetch: a.needsFetch + b.needsFetch,
  };
}

/** Refines a batch of raw records of one shop (see the file comment). */
export async function refineRawRecords(
  db: Db,
  shop: string,
  records: readonly RawRecordToRefine[],
  options: RefineRawOptions = {},
): Promise<RefineRawResult> {
  if (!records.length) return { ...EMPTY, upserted: {}, refined: 0, errors: [] };
  const engine = engineOf(db);
  const now = options.now ?? new Date();
  const ctx = options.context ?? (await shopContext(db, shop));
  const good: { record: RawRecordToRefine; set: RowSet }[] = [];
  const errors: { id: number | bigint; message: string }[] = [];
  for (const record of records) {
    try {
      good.push({ record, set: refineOne(record, ctx) });
    } catch (error) {
      errors.push({ id: record.id, message: message(error) });
    }
  }
  const sets = good.map((g) => g.set);
  try {
    const result = await inTransaction(db, function* () {
      const r = yield* applyRowSetsPlan(engine, shop, sets, now);
      yield* markStatuses(engine, shop, good.map((g) => g.record.id), errors, now);
      return r;
    });
    return { ...result, refined: good.length, errors };
  } catch (batchError) {
    // The database refused the batch: isolate the culprit(s), one transaction per record.
    let total: ApplyResult = { ...EMPTY, upserted: {} };
    let refined = 0;
    for (const g of good) {
      try {
        const r = await inTransaction(db, function* () {
          const applied = yield* applyRowSetsPlan(engine, shop, [g.set], now);
          yield* markStatuses(engine, shop, [g.record.id], [], now);
          return applied;
        });
        total = addResults(total, r);
        refined++;
      } catch (error) {
        errors.push({ id: g.record.id, message: message(good.length === 1 ? batchError : error) });
      }
    }
    await inTransaction(db, () => markStatuses(engine, shop, [], errors, now));
    return { ...total, refined, errors };
  }
}

export interface RefinePendingOptions extends RefineRawOptions {
  /** Records per call (default 1000). */
  limit?: number;
  /** Also retry records in status error (default false: pending only). */
  retryErrors?: boolean;
}

/**
 * Refines the oldest pending raw records of a shop (and, with retryErrors, the failed ones), read
 * back from raw_records; the webhook topic comes from the delivery the record belongs to.
 * Returns the result of the batch; `refined + errors.length === 0` means nothing was left.
 */
export async function refinePending(db: Db, shop: string, options: RefinePendingOptions = {}): Promise<RefineRawResult> {
  const rows = await db.rawRecord.findMany({
    where: { shop, status: { in: options.retryErrors ? ["pending", "error"] : ["pending"] } },
    orderBy: { id: "asc" },
    take: options.limit ?? 1000,
    select: { id: true, resource: true, source: true, payload: true, webhookDeliveryId: true },
  });
  const deliveryIds = [...new Set(rows.map((r) => r.webhookDeliveryId).filter((x): x is string => !!x))];
  const topics = new Map<string, string>();
  if (deliveryIds.length) {
    // raw_records.webhook_delivery_id names the delivery row (or its X-Shopify-Webhook-Id).
    const deliveries = await db.webhookDelivery.findMany({
      where: { OR: [{ id: { in: deliveryIds } }, { webhookId: { in: deliveryIds } }] },
      select: { id: true, webhookId: true, topic: true },
    });
    for (const d of deliveries) {
      topics.set(d.id, d.topic);
      topics.set(d.webhookId, d.topic);
    }
  }
  return refineRawRecords(
    db,
    shop,
    rows.map((r) => ({
      id: r.id,
      resource: r.resource,
      source: r.source,
      topic: r.webhookDeliveryId ? (topics.get(r.webhookDeliveryId) ?? null) : null,
      payload: r.payload,
    })),
    options,
  );
}

export interface IngestRefineResult {
  /** Raw records that were new (only these were refined). */
  inserted: InsertedRawRecord[];
  refined: number;
  errors: { id: number | bigint; message: string }[];
}

/**
 * Raw ingest and refinement of one batch in ONE transaction, one write per raw record: the batch
 * is inserted already marked `refined` (`ON CONFLICT (shop, gid, hash) DO NOTHING RETURNING` names the
 * new rows), exactly those are refined in memory from their payload objects and their RowSets
 * applied; the few a refiner rejects are then set to `error` with their message. Records already
 * stored are neither written nor refined again.
 *
 * If the database refuses the RowSets (the transaction rolls back as a whole), the batch takes the
 * slow path: raw rows inserted `pending` in their own transaction, then refineRawRecords, which
 * isolates the culprit record by record. For GraphQL-shaped records (bulk lines, page nodes).
 */
export async function ingestAndRefineBatch(
  db: Db,
  batch: readonly RawBatchRow[],
  raw: RawBatchContext,
  options: RefineRawOptions = {},
): Promise<IngestRefineResult> {
  if (batch.length === 0) return { inserted: [], refined: 0, errors: [] };
  const engine = engineOf(db);
  const now = options.now ?? raw.receivedAt;
  const ctx = options.context ?? (await shopContext(db, raw.shop));
  try {
    return await inTransaction(db, function* () {
      const inserted = yield* rawInsertPlan(engine, raw, batch, "refined");
      const sets: RowSet[] = [];
      const errors: { id: bigint; message: string }[] = [];
      for (const r of inserted) {
        const prepared = r.prepared as PreparedRefine | undefined;
        if (prepared) {
          if (prepared.set) sets.push(prepared.set);
          else errors.push({ id: r.id, message: prepared.error });
          continue;
        }
        try {
          sets.push(refineOne({ id: r.id, resource: r.resource, source: raw.source, payload: r.payload }, ctx));
        } catch (error) {
          errors.push({ id: r.id, message: message(error) });
        }
      }
      if (sets.length) yield* applyRowSetsPlan(engine, raw.shop, sets, now);
      if (errors.length) yield* markStatuses(engine, raw.shop, [], errors, now);
      return { inserted, refined: sets.length, errors };
    });
  } catch {
    const inserted = await inTransaction(db, () => rawInsertPlan(engine, raw, batch, "pending"));
    const result = await refineRawRecords(
      db,
      raw.shop,
      // A row added with `prepared` kept only its canonical JSON: refine from that text.
      inserted.map((r) => ({ id: r.id, resource: r.resource, source: raw.source, payload: r.payload ?? r.json })),
      { ...options, context: ctx, now },
    );
    return { inserted, refined: result.refined, errors: result.errors };
  }
}

