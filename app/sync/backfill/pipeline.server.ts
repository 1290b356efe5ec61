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
import { prepareRecord, type PreparedBatch, type PreparedRecord, type PrepareOptions } from "../ingest/prepare";
import { ingestAndRefineBatch, shopContext } from "../refine/refine-raw.server";
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
  /** A batch prepared by app/sync/ingest/prepare.ts (on a preparation thread or not). */
  addPrepared(batch: PreparedBatch): Promise<void>;
  /** What add() and addPrepared() need to prepare records themselves. */
  prepareOptions(): Promise<Pick<PrepareOptions, "resource" | "source" | "context" | "trackMetrics">>;
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

  let options: Awaited<ReturnType<IngestPipeline["prepareOptions"]>> | null = null;
  const prepareOptions = async () => {
    context ??= await shopContext(db, opts.shop);
    return (options ??= { resource: opts.resource, source: opts.source, context, trackMetrics });
  };

  /** The run state follows root records: recent ids (resume), watermark, metrics window. */
  const track = (root: NonNullable<PreparedRecord["root"]>) => {
    if (root.numericId !== null) {
      state.recentRoots.push(root.numericId);
      if (state.recentRoots.length > RECENT_ROOTS) state.recentRoots.shift();
    }
    state.watermark = maxIso(state.watermark, root.updatedAt);
    if (trackMetrics) {
      state.metricsFrom = minIso(state.metricsFrom, root.metricsAt);
      state.metricsTo = maxIso(state.metricsTo, root.metricsAt);
    }
  };

  // A prepared record is refined already (its RowSet is applied only if its raw row is new); the
  // batch holds its canonical JSON and RowSet, not the parsed object.
  const addRecord = (r: PreparedRecord) => {
    if (r.root) track(r.root);
    return writer.add({ gid: r.gid, payload: null, canonical: { json: r.json, hash: r.hash }, prepared: r.prepared });
  };

  return {
    prepareOptions,
    async add(record) {
      delta.downloaded++;
      const prepared = prepareRecord(record, await prepareOptions());
      if (!prepared) {
        delta.errors++;
        return;
      }
      await addRecord(prepared);
    },
    async addPrepared(batch) {
      delta.downloaded += batch.downloaded;
      delta.errors += batch.errors;
      for (const r of batch.records) await addRecord(r);
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
