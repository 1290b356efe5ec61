/**
 * The one ingest path of bulk lines and page nodes: raw record (canonical JSON + SHA-256, batched,
 * unseen hashes only; each record refined into its RowSet as it arrives, so the batch holds RowSets
 * instead of parsed records) → the RowSets of exactly the rows that were new applied in the SAME
 * transaction as their raw insert (refine-raw.server.ts ingestAndRefineBatch: each raw record is written once,
 * already marked refined — or error). `commit()` makes everything added so far durable and returns
 * what it did since the previous commit, so the caller can checkpoint its resume point right after.
 */
import type { RefineContext } from "../resources/normalize";
import { createRawWriter, type RawSource } from "../ingest/raw-writer.server";
import { ingestAndRefineBatch, prepareRefine, shopContext } from "../refine/refine-raw.server";
import type { SyncDeps } from "./deps";
import { tuningOf } from "./deps";
import { maxIso, minIso, RECENT_ROOTS, type RunState } from "./state";

export interface PipelineCounts {
  /** Records (lines / nodes) handed to add(). */
  downloaded: number;
  /** Raw records that were new. */
  inserted: number;
  /** Raw records already stored (identical payload seen before). */
  skipped: number;
  /** Raw records refined into rows. */
  refined: number;
  /** Records that could not be stored or refined (kept with status error). */
  errors: number;
}

export interface IngestPipeline {
  add(record: Record<string, unknown>): Promise<void>;
  /** Record a line that could not even be parsed. */
  addError(): void;
  commit(): Promise<PipelineCounts>;
}

export interface PipelineOptions {
  shop: string;
  resource: string;
  runId: string | null;
  source: RawSource;
  /** Updated in place: recent roots, watermark, metrics window. */
  state: RunState;
}

const zero = (): PipelineCounts => ({ downloaded: 0, inserted: 0, skipped: 0, refined: 0, errors: 0 });

export function createIngestPipeline(deps: SyncDeps, opts: PipelineOptions): IngestPipeline {
  const { db } = deps;
  const tuning = tuningOf(deps);
  const state = opts.state;
  const trackMetrics = opts.resource === "orders";
  let delta = zero();
  let lastInserted = 0;
  let lastSkipped = 0;

  let context: RefineContext | null = null;

  const writer = createRawWriter(db, {
    shop: opts.shop,
    resource: opts.resource,
    source: opts.source,
    syncRunId: opts.runId,
    batchSize: tuning.ingestBatch,
    writeBatch: async (batch, raw) => {
      context ??= await shopContext(db, opts.shop);
      const result = await ingestAndRefineBatch(db, batch, raw, { context });
      delta.refined += result.refined;
      delta.errors += result.errors.length;
      return result.inserted;
    },
  });

  return {
    async add(record) {
      delta.downloaded++;
      const gid = record.id;
      if (typeof gid !== "string" || !gid) {
        delta.errors++;
        return;
      }
      if (record.__parentId === undefined) {
        const slash = gid.lastIndexOf("/");
        const numeric = gid.slice(slash + 1);
        if (/^\d+$/.test(numeric)) {
          state.recentRoots.push(numeric);
          if (state.recentRoots.length > RECENT_ROOTS) state.recentRoots.shift();
        }
        state.watermark = maxIso(state.watermark, record.updatedAt);
        if (trackMetrics) {
          const at = record.processedAt ?? record.createdAt;
          state.metricsFrom = minIso(state.metricsFrom, at);
          state.metricsTo = maxIso(state.metricsTo, at);
        }
      }
      // Refined right away (the parsed record is garbage as soon as this returns: the batch keeps
      // its canonical JSON and RowSet, not the whole object); applied only if its raw row is new.
      context ??= await shopContext(db, opts.shop);
      await writer.add({ gid, payload: record, prepared: prepareRefine(opts.resource, opts.source, record, context) });
    },
    addError() {
      delta.downloaded++;
      delta.errors++;
    },
    async commit() {
      const totals = await writer.flush();
      delta.inserted = totals.inserted - lastInserted;
      delta.skipped = totals.skipped - lastSkipped;
      lastInserted = totals.inserted;
      lastSkipped = totals.skipped;
      const out = delta;
      delta = zero();
      return out;
    },
  };
}
