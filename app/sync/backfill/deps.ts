/**
 * What the sync jobs need from the outside world, built once (app/sync/worker.server.ts in the
 * app; tests and the benchmark build their own). Handlers never import shopify.server or db.server
 * directly, so the same handlers run in the app, in tests against the simulator, and on a future
 * multi-worker queue backend.
 */
import type { Db } from "../../db.server";
import type { AdminGraphql } from "../admin-client";
import type { FetchLike } from "../bulk/jsonl";
import { enqueue as enqueueInDb } from "../jobs/enqueue.server";
import type { EnqueueInput, EnqueueResult, JobLog } from "../jobs/types";

export interface SyncTuning {
  /** First poll of a running bulk operation after this many ms (default 1000). */
  pollBaseMs: number;
  /** Longest wait between two polls (default 30 s; the finish webhook usually arrives first). */
  pollMaxMs: number;
  /**
   * JSONL lines per raw+refine commit and progress checkpoint (default 500: a batch's canonical
   * JSON and RowSets then mostly die in V8's young generation instead of being promoted, which
   * kept the backfill's peak RSS ~60-100 MB lower than 2000 at the same throughput).
   */
  ingestBatch: number;
  /** Nodes per page for paginated resources (default 50). */
  pageSize: number;
  /** Incremental sync re-reads records updated this long before the last watermark (default 5 min). */
  overlapMs: number;
  /** Restarts of a failed bulk operation before the run fails (default 5). */
  maxBulkRestarts: number;
  /** First delay before restarting a failed bulk operation (default 2 s, doubled per restart). */
  restartBaseMs: number;
  /** Bulk queries running at once per shop (Shopify allows 5). */
  maxConcurrentBulk: number;
  /** Default minutes between scheduled incremental syncs (a shop may override in settings). */
  scheduleMinutes: number;
}

export const DEFAULT_TUNING: SyncTuning = {
  pollBaseMs: 1000,
  pollMaxMs: 30_000,
  ingestBatch: 500,
  pageSize: 50,
  overlapMs: 5 * 60_000,
  maxBulkRestarts: 5,
  restartBaseMs: 2000,
  maxConcurrentBulk: 5,
  scheduleMinutes: 15,
};

export interface SyncDeps {
  db: Db;
  /** The cost-aware Admin GraphQL client of a shop (offline token). */
  adminFor(shop: string): Promise<AdminGraphql> | AdminGraphql;
  /** Downloads bulk result files (default global fetch). */
  fetch: FetchLike;
  clock: () => Date;
  log: JobLog;
  /**
   * Enqueue through the running backend (so it wakes at once). Default: insert into the jobs
   * table, where any runner finds it on its next poll.
   */
  enqueue?: <P>(input: EnqueueInput<P>) => Promise<EnqueueResult>;
  tuning?: Partial<SyncTuning>;
}

export interface SyncDepsInput extends Partial<Omit<SyncDeps, "db" | "adminFor">> {
  db: Db;
  adminFor: SyncDeps["adminFor"];
}

/** Fills the defaults of a deps object. */
export function createSyncDeps(input: SyncDepsInput): SyncDeps {
  return {
    fetch: (url, init) => fetch(url, init),
    clock: () => new Date(),
    log: () => undefined,
    ...input,
  };
}

export function tuningOf(deps: Pick<SyncDeps, "tuning">): SyncTuning {
  return { ...DEFAULT_TUNING, ...deps.tuning };
}

export function enqueueWith(deps: Pick<SyncDeps, "db" | "enqueue">) {
  return <P>(input: EnqueueInput<P>) => (deps.enqueue ? deps.enqueue(input) : enqueueInDb(deps.db, input));
}
