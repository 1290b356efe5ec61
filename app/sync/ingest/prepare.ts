/**
 * The CPU half of bulk ingest, with no database and no network: JSONL bytes → lines → records →
 * canonical JSON + SHA-256 + refined RowSet, in batches that end on a line boundary (their byte
 * offset and line number are the resume point the caller checkpoints after writing them).
 *
 * Pure on purpose: the same code runs on the job's own thread or on a preparation thread
 * (prepare-worker.server.ts, started by prepare-thread.server.ts) while the job's thread writes the
 * previous batch, so a backfill uses two cores instead of one.
 */
import { readJsonl } from "../bulk/jsonl";
import { prepareRefine, type PreparedRefine } from "../refine/refine-one";
import type { RefineContext } from "../resources/normalize";
import { canonicalJson, sha256Hex } from "./canonical";

/** A record ready for the raw writer: what raw ingest stores and what refinement applies. */
export interface PreparedRecord {
  gid: string;
  json: string;
  hash: string;
  prepared: PreparedRefine;
  /** Root records only (no `__parentId`): what the run state tracks (recent ids, watermark, metrics window). */
  root?: { numericId: string | null; updatedAt: unknown; metricsAt: unknown };
}

export interface PreparedBatch {
  records: PreparedRecord[];
  /** Lines read in this batch (records, records without an id, lines that are not JSON objects). */
  downloaded: number;
  /** Lines that could not be ingested (not JSON, not an object, no `id`). */
  errors: number;
  /** Resume point after the batch: byte offset just past its last line, and the next line number. */
  offset: number;
  line: number;
}

export interface PrepareOptions {
  resource: string;
  source: string;
  context: RefineContext;
  /** Track the metrics window of root records (orders). */
  trackMetrics: boolean;
  /** Lines per batch (default 500). */
  batchSize?: number;
  /** Where the bytes start in the file (resume), for the offsets and line numbers reported. */
  startOffset?: number;
  startLine?: number;
}

/** One parsed record → its prepared form; null when it has no usable `id` (counted as an error). */
export function prepareRecord(record: Record<string, unknown>, options: Pick<PrepareOptions, "resource" | "source" | "context" | "trackMetrics">): PreparedRecord | null {
  const gid = record.id;
  if (typeof gid !== "string" || !gid) return null;
  const json = canonicalJson(record);
  const out: PreparedRecord = { gid, json, hash: sha256Hex(json), prepared: prepareRefine(options.resource, options.source, record, options.context) };
  if (record.__parentId === undefined) {
    const numeric = gid.slice(gid.lastIndexOf("/") + 1);
    out.root = {
      numericId: /^\d+$/.test(numeric) ? numeric : null,
      updatedAt: record.updatedAt,
      metricsAt: options.trackMetrics ? (record.processedAt ?? record.createdAt) : undefined,
    };
  }
  return out;
}

/** JSONL bytes → prepared batches of `batchSize` lines (the last one may be shorter). */
export async function* prepareJsonl(bytes: AsyncIterable<Uint8Array>, options: PrepareOptions): AsyncGenerator<PreparedBatch> {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  let batch: PreparedBatch = { records: [], downloaded: 0, errors: 0, offset: options.startOffset ?? 0, line: options.startLine ?? 1 };
  for await (const item of readJsonl(bytes, { startOffset: options.startOffset, startLine: options.startLine })) {
    batch.downloaded++;
    if (item.kind === "error") batch.errors++;
    else {
      const record = prepareRecord(item.value, options);
      if (record) batch.records.push(record);
      else batch.errors++;
    }
    batch.offset = item.offset;
    batch.line = item.line + 1;
    if (batch.downloaded >= batchSize) {
      yield batch;
      batch = { records: [], downloaded: 0, errors: 0, offset: batch.offset, line: batch.line };
    }
  }
  if (batch.downloaded > 0) yield batch;
}
