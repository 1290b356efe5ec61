/**
 * One raw record → its RowSet, with no database in sight: the refiners of app/sync/resources chosen
 * by source (GraphQL shape for bulk/paginated/reconcile records, REST shape for webhook records).
 * Pure, so it also runs on the ingest preparation thread (app/sync/ingest/prepare-worker.server.ts);
 * refine-raw.server.ts applies what it returns.
 */
import { definitionFor, definitionForTopic } from "../resources";
import type { RefineContext } from "../resources/normalize";
import type { RowSet } from "../resources/types";

export interface RawRecordToRefine {
  id: number | bigint;
  resource: string;
  /** backfill | incremental | reconcile (GraphQL shape) or webhook (REST shape). */
  source: string;
  /** Webhook topic (required for source "webhook"). */
  topic?: string | null;
  /** The record: an object, or its JSON text as stored in raw_records.payload. */
  payload: unknown;
}

export function refineOne(record: RawRecordToRefine, ctx: RefineContext): RowSet {
  const payload = typeof record.payload === "string" ? (JSON.parse(record.payload) as unknown) : record.payload;
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw new Error("payload is not a JSON object");
  const body = payload as Record<string, unknown>;
  if (record.source === "webhook") {
    if (!record.topic) throw new Error("webhook record without a topic");
    const def = definitionForTopic(record.topic);
    if (!def) throw new Error(`no resource handles webhook topic ${record.topic}`);
    return def.refineRest(record.topic, body, ctx);
  }
  if (body.id === undefined || body.id === null) throw new Error("record has no id");
  return definitionFor(record.resource).refineGraphql(body, (body.__parentId as string | undefined) ?? null, ctx);
}

/**
 * A GraphQL-shaped record (bulk line, page node) refined ahead of its raw insert: its RowSet, or
 * the refiner's message. The ingest pipeline computes it as each record arrives and hands it to
 * the raw writer as `prepared`, so a batch holds RowSets instead of whole parsed records;
 * ingestAndRefineBatch then applies the prepared results of exactly the rows that were new.
 */
export type PreparedRefine = { set: RowSet; error?: undefined } | { set?: undefined; error: string };

export function prepareRefine(resource: string, source: string, payload: unknown, ctx: RefineContext): PreparedRefine {
  try {
    return { set: refineOne({ id: 0, resource, source, payload }, ctx) };
  } catch (error) {
    return { error: message(error) };
  }
}

/** An error's message, bounded for storage. */
export function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}
