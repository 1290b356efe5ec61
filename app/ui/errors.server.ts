/**
 * Records in error: raw records whose refinement failed (raw_records.status = 'error'), newest
 * first (keyset on id), and the retry action: back to 'pending', then refined again at once
 * (refine/refine-raw.server.ts refineRawRecords) — whatever still fails stays in error with its reason.
 */
import type { Db } from "../db.server";
import { refineRawRecords } from "../sync/refine/refine-raw.server";
import { resourceLabel } from "../sync/resources/catalog";

import { describeSource } from "./browse.server";
import { decodeCursor, encodeCursor, type OrderField, seekWhere } from "./keyset";
import { recordPathForGid } from "./tables";

export interface RecordErrorItem {
  id: number;
  resource: string;
  resourceLabel: string;
  gid: string;
  source: string;
  sourceLabel: string;
  error: string;
  receivedAt: string;
  recordPath: string | null;
}

export interface RecordErrorPage {
  items: RecordErrorItem[];
  nextCursor: string | null;
  /** Records in error for the filter, counted up to 10,000. */
  total: { count: number; capped: boolean };
}

const ORDER: OrderField[] = [{ field: "id", type: "int" }];
const CAP = 10_000;
/** Records refined again within one request; more stay pending for the next refinement pass. */
export const RETRY_BATCH = 1000;

export async function listRecordErrors(
  db: Db,
  shop: string,
  options: { resource?: string | null; cursor?: string | null; limit?: number } = {},
): Promise<RecordErrorPage> {
  const limit = Math.min(200, Math.max(1, options.limit ?? 50));
  const base: Record<string, unknown>[] = [{ shop }, { status: "error" }];
  if (options.resource) base.push({ resource: options.resource });
  const cursor = decodeCursor(options.cursor, ORDER);
  const where = { AND: cursor ? [...base, seekWhere(ORDER, cursor, "desc")] : base };
  const [found, count] = await Promise.all([
    db.rawRecord.findMany({
      where,
      orderBy: { id: "desc" },
      take: limit + 1,
      select: {
        id: true,
        resource: true,
        gid: true,
        source: true,
        error: true,
        receivedAt: true,
      },
    }),
    db.rawRecord.count({ where: { AND: base }, take: CAP + 1 }),
  ]);
  const page = found.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      resource: r.resource,
      resourceLabel: resourceLabel(r.resource) ?? r.resource,
      gid: r.gid,
      source: r.source,
      sourceLabel: describeSource(r.source),
      error: r.error ?? "Unknown error",
      receivedAt: r.receivedAt.toISOString(),
      recordPath: recordPathForGid(r.gid),
    })),
    nextCursor: found.length > limit && last ? encodeCursor([last.id]) : null,
    total: { count: Math.min(count, CAP), capped: count > CAP },
  };
}

export interface RetryResult {
  /** Records moved back to pending and refined again. */
  retried: number;
  /** Refined successfully by this request. */
  refined: number;
  /** Still failing after the retry (they stay in error with the new reason). */
  stillFailing: number;
  /** Records in error left for a next retry (more than RETRY_BATCH matched). */
  remaining: number;
}

/**
 * Retries records in error: the given ids, or every one (of `resource`, when given), at most
 * RETRY_BATCH per call. They go back to 'pending' and are refined again right away with the
 * refine domain's refineRawRecords (webhook records keep their topic).
 */
export async function retryRecordErrors(
  db: Db,
  shop: string,
  target: { ids: number[] } | { all: true; resource?: string | null },
): Promise<RetryResult> {
  const where: Record<string, unknown> = { shop, status: "error" };
  if ("ids" in target) where.id = { in: target.ids.slice(0, RETRY_BATCH) };
  else if (target.resource) where.resource = target.resource;
  const rows = await db.rawRecord.findMany({
    where,
    orderBy: { id: "asc" },
    take: RETRY_BATCH,
    select: { id: true, resource: true, source: true, payload: true, webhookDeliveryId: true },
  });
  if (rows.length === 0) return { retried: 0, refined: 0, stillFailing: 0, remaining: 0 };
  const ids = rows.map((r) => r.id);
  await db.rawRecord.updateMany({
    where: { shop, id: { in: ids } },
    data: { status: "pending", error: null },
  });
  const deliveryIds = [
    ...new Set(rows.map((r) => r.webhookDeliveryId).filter((x): x is string => !!x)),
  ];
  const topics = new Map<string, string>();
  if (deliveryIds.length) {
    const deliveries = await db.webhookDelivery.findMany({
      where: { OR: [{ id: { in: deliveryIds } }, { webhookId: { in: deliveryIds } }] },
      select: { id: true, webhookId: true, topic: true },
    });
    for (const d of deliveries) {
      topics.set(d.id, d.topic);
      topics.set(d.webhookId, d.topic);
    }
  }
  const result = await refineRawRecords(
    db,
    shop,
    rows.map((r) => ({
      id: r.id,
      resource: r.resource,
      source: r.source,
      topic: r.webhookDeliveryId ? (topics.get(r.webhookDeliveryId) ?? null) : null,
      payload: r.payload,
    })),
  );
  const remaining =
    "ids" in target ? 0 : await db.rawRecord.count({ where: { ...where, id: { notIn: ids } } });
  return {
    retried: rows.length,
    refined: result.refined,
    stillFailing: result.errors.length,
    remaining,
  };
}
