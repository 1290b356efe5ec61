/**
 * The sync job handlers. Every job carries only `{ runId }` (or `{}` for the per-shop schedule);
 * everything else lives in the SyncRun row (resource, kind, counters) and its cursor (RunState),
 * so a job that is re-run after a crash continues from the last checkpoint.
 *
 *   sync.bulk.start    count (expectedCount) + bulkOperationRunQuery; at most `maxConcurrentBulk`
 *                      operations per shop are in flight, the rest wait (reschedule)
 *   sync.bulk.await    polls bulkOperation(id:) with backoff; the bulk_operations/finish webhook
 *                      (onBulkOperationFinished) moves the poll to "now"
 *   sync.bulk.ingest   streams the JSONL (resumable by byte offset) → raw → refine → checkpoint;
 *                      a partial file (FAILED/TIMEOUT) is ingested, then the query restarts with
 *                      idsAfter and backoff
 *   sync.paginated     cost-aware pages (admin-client paginate) → the same raw → refine path
 *   sync.metrics       daily metrics, analytics snapshot, ShopifyQL reports
 *   sync.schedule      per shop: an incremental sync every N minutes (reschedules itself)
 */
import type { Db } from "../../db.server";
import { AccessDeniedError, GraphqlError, type AdminGraphql } from "../admin-client";
import { downloadJsonl } from "../bulk/jsonl";
import { limitHeapGrowth } from "../ingest/heap.server";
import { preparedBatches } from "../ingest/prepare-thread.server";
import { defineJob } from "../jobs/define";
import type { JobContext, JobDefinition, JobResult } from "../jobs/types";
import { refinePending } from "../refine/refine-raw.server";
import { getResource, type ResourceKey } from "../resources/catalog";
import { definitionFor } from "../resources";
import { searchFilter } from "../resources/query";
import type { ResourceDefinition } from "../resources/types";
import {
  addRunCounts,
  finishRun,
  getSyncRun,
  markRunRunning,
  recordActivity,
  type SyncRunRow,
} from "../sync-runs.server";
import { recomputeAfterSync } from "../metrics/recompute.server";
import {
  BULK_OPERATION_QUERY,
  BULK_RUN_QUERY,
  type BulkOperationInfo,
  type BulkRunResult,
} from "./documents";
import { enqueueWith, tuningOf, type SyncDeps } from "./deps";
import { createIngestPipeline, type PipelineCounts } from "./pipeline.server";
import { readState, resumeIdsAfter, type RunState } from "./state";
import { startSync } from "./start.server";
import { awaitDedupeKey, JOB_TYPES, scheduleMinutes } from "./names";

export { JOB_TYPES } from "./names";

export interface RunPayload {
  runId: string;
}

export interface MetricsPayload {
  /** ISO bounds of the orders' processedAt that changed (null: everything). */
  from: string | null;
  to: string | null;
  kind: string;
}

const FINISHED = new Set(["succeeded", "failed", "canceled", "paused"]);

/** All sync job definitions, bound to `deps`. */
export function createSyncJobs(deps: SyncDeps): JobDefinition<never>[] {
  const { db } = deps;
  const tuning = tuningOf(deps);
  const enqueue = enqueueWith(deps);
  const later = (ms: number) => new Date(deps.clock().getTime() + ms);

  const label = (resource: string) => {
    try {
      return getResource(resource as ResourceKey).label.toLowerCase();
    } catch {
      return resource;
    }
  };

  async function saveState(runId: string, state: RunState, extra: Partial<SyncRunRow> = {}) {
    await db.syncRun.update({ where: { id: runId }, data: { cursor: JSON.stringify(state), ...extra } });
  }

  async function pauseForScope(run: SyncRunRow, err: AccessDeniedError | null) {
    const scope = getResource(run.resource as ResourceKey).scopes[0] ?? "an access scope";
    const reason = `missing scope ${scope}`;
    await finishRun(db, run.id, "paused", reason);
    await recordActivity(db, {
      shop: run.shop,
      resource: run.resource,
      syncRunId: run.id,
      kind: "sync.paused",
      level: "warning",
      message: `StoreSync cannot read your ${label(run.resource)}: the app needs the "${scope}" permission. Approve it and sync again.`,
      data: { scope, error: err?.message },
    });
  }

  async function failRun(run: SyncRunRow, message: string) {
    await finishRun(db, run.id, "failed", message);
    await recordActivity(db, {
      shop: run.shop,
      resource: run.resource,
      syncRunId: run.id,
      kind: "sync.failed",
      level: "error",
      message: `Copying your ${label(run.resource)} failed; StoreSync will try again at the next sync.`,
      data: { error: message },
    });
  }

  /** Loads the run, skips finished ones, turns ACCESS_DENIED into a paused run, and fails the run on the last attempt. */
  function runJob(
    type: string,
    body: (ctx: JobContext, run: SyncRunRow, def: ResourceDefinition) => Promise<JobResult>,
    limit: { concurrencyKey?: string; concurrencyLimit?: number } = {},
    maxAttempts = 6,
  ) {
    return defineJob<RunPayload>(
      type,
      async (ctx, payload) => {
        const run = await getSyncRun(db, payload.runId);
        if (!run || FINISHED.has(run.status)) return;
        // A worker killed between completeRun's two writes left a run that read everything but
        // is still "running": finish it instead of leaving it open forever.
        if (readState(run.cursor).phase === "done") {
          await completeRun(run.id);
          return;
        }
        try {
          return await body(ctx, run, definitionFor(run.resource));
        } catch (err) {
          if (err instanceof AccessDeniedError) {
            await pauseForScope(run, err);
            return;
          }
          if (ctx.job.attempt >= ctx.job.maxAttempts) await failRun(run, errorText(err));
          throw err;
        }
      },
      { maxAttempts, backoff: { type: "exponential", baseMs: 1000, maxMs: 60_000, jitter: true }, ...limit },
    ) as JobDefinition<never>;
  }

  /**
   * The count query, in root objects (orders, products…): `expected` is what this run reads (its
   * updatedSince filter applies), `remote` is everything in Shopify — what the dashboard compares
   * with the local rows (one more, unfiltered count only when the run is filtered).
   */
  async function countExpected(admin: AdminGraphql, def: ResourceDefinition, state: RunState): Promise<{ expected: number | null; remote: number | null }> {
    const countQuery = def.countQuery;
    if (!countQuery) return { expected: null, remote: null };
    const filter = searchFilter({ updatedSince: state.updatedSince ?? undefined }, def.updatedSinceField);
    const count = async (query: string | null) => {
      try {
        const data = await admin.graphql<Record<string, { count?: number } | null>>(countQuery, { query });
        const first = Object.values(data)[0];
        return typeof first?.count === "number" ? first.count : null;
      } catch (err) {
        if (err instanceof AccessDeniedError) throw err;
        deps.log("warn", "count query failed; progress will show no total", { resource: def.key, error: errorText(err) });
        return null;
      }
    };
    const expected = await count(filter || null);
    return { expected, remote: filter ? await count(null) : expected };
  }

  // -------------------------------------------------------------------------------------------
  // sync.bulk.start

  const bulkStart = runJob(JOB_TYPES.bulkStart, async (ctx, run, def) => {
    const state = readState(run.cursor);
    if (state.phase === "awaiting" && run.bulkOperationId) {
      await ctx.enqueue({ type: JOB_TYPES.bulkAwait, shop: run.shop, resource: run.resource, payload: { runId: run.id }, dedupeKey: awaitDedupeKey(run.id) });
      return;
    }
    if (state.phase === "ingesting") {
      await ctx.enqueue({ type: JOB_TYPES.bulkIngest, shop: run.shop, resource: run.resource, payload: { runId: run.id } });
      return;
    }
    const admin = await deps.adminFor(run.shop);
    return ctx.withShopLimit("bulk-start", 1, async () => {
      const inFlight = await db.syncRun.count({
        where: { shop: run.shop, status: "running", id: { not: run.id }, cursor: { contains: '"phase":"awaiting"' } },
      });
      if (inFlight >= tuning.maxConcurrentBulk) return { reschedule: later(tuning.pollBaseMs * 2) };

      const counted = run.expectedCount === null && state.restarts === 0 ? await countExpected(admin, def, state) : null;
      const expected = run.expectedCount ?? counted?.expected ?? null;
      const query = def.bulkQuery({ updatedSince: state.updatedSince ?? undefined, idsAfter: state.idsAfter ?? undefined });
      const result = await admin.graphql<BulkRunResult>(BULK_RUN_QUERY, { query });
      const payload = result.bulkOperationRunQuery;
      const userErrors = payload?.userErrors ?? [];
      if (!payload?.bulkOperation) {
        const busy = userErrors.some((e) => e.code === "OPERATION_IN_PROGRESS" || e.code === "LIMIT_REACHED");
        if (busy) return { reschedule: later(tuning.pollBaseMs * 5) };
        await failRun(run, `bulkOperationRunQuery refused: ${userErrors.map((e) => e.message).join("; ") || "no operation"}`);
        return;
      }
      const first = state.restarts === 0 && run.status === "queued";
      Object.assign(state, { phase: "awaiting", polls: 0, url: null, partial: false, byteOffset: 0, line: 1 } satisfies Partial<RunState>);
      await markRunRunning(db, run.id, {
        bulkOperationId: payload.bulkOperation.id,
        ...(expected !== null ? { expectedCount: expected } : {}),
        ...(counted?.remote != null ? { remoteCount: counted.remote } : {}),
      });
      await saveState(run.id, state);
      if (first) {
        await recordActivity(db, {
          shop: run.shop,
          resource: run.resource,
          syncRunId: run.id,
          kind: "sync.started",
          message:
            run.kind === "backfill"
              ? `Started copying your ${label(run.resource)}${expected !== null ? ` (${fmt(expected)} to copy)` : ""}.`
              : `Checking your ${label(run.resource)} for changes.`,
        });
      }
      await ctx.enqueue({ type: JOB_TYPES.bulkAwait, shop: run.shop, resource: run.resource, payload: { runId: run.id }, runAt: later(tuning.pollBaseMs), dedupeKey: awaitDedupeKey(run.id) });
      return undefined;
    });
  });

  /** After a failed operation: restart from the resume point with backoff, or give up. */
  async function scheduleRestart(ctx: JobContext, run: SyncRunRow, state: RunState, reason: string): Promise<void> {
    state.restarts++;
    if (state.restarts > tuning.maxBulkRestarts) {
      await saveState(run.id, state);
      await failRun(run, `bulk operation failed ${state.restarts} times (last: ${reason})`);
      return;
    }
    state.idsAfter = resumeIdsAfter(state);
    Object.assign(state, { phase: "starting", polls: 0, url: null, partial: false, byteOffset: 0, line: 1 } satisfies Partial<RunState>);
    await saveState(run.id, state, { bulkOperationId: null });
    await recordActivity(db, {
      shop: run.shop,
      resource: run.resource,
      syncRunId: run.id,
      kind: "sync.retrying",
      level: "warning",
      message: `Shopify stopped the export of your ${label(run.resource)} early (${reason}); StoreSync continues where it stopped.`,
      data: { reason, restarts: state.restarts, idsAfter: state.idsAfter },
    });
    const delay = tuning.restartBaseMs * 2 ** (state.restarts - 1);
    await ctx.enqueue({ type: JOB_TYPES.bulkStart, shop: run.shop, resource: run.resource, payload: { runId: run.id }, runAt: later(delay) });
  }

  // -------------------------------------------------------------------------------------------
  // sync.bulk.await

  const bulkAwait = runJob(JOB_TYPES.bulkAwait, async (ctx, run) => {
    const state = readState(run.cursor);
    if (state.phase !== "awaiting" || !run.bulkOperationId) return;
    const admin = await deps.adminFor(run.shop);
    const { bulkOperation: op } = await admin.graphql<{ bulkOperation: BulkOperationInfo | null }>(BULK_OPERATION_QUERY, { id: run.bulkOperationId });
    if (!op) return scheduleRestart(ctx, run, state, "operation not found");
    switch (op.status) {
      case "CREATED":
      case "RUNNING":
      case "CANCELING": {
        state.polls++;
        await saveState(run.id, state);
        return { reschedule: later(Math.min(tuning.pollMaxMs, tuning.pollBaseMs * 1.5 ** state.polls)) };
      }
      case "COMPLETED": {
        // Progress counts JSONL lines (objectCount: parents and children); the remote count is
        // in root objects, and only an unfiltered export from the start saw all of them.
        const expected = run.downloadedCount + Number(op.objectCount ?? 0);
        const roots = !state.updatedSince && !state.idsAfter ? Number(op.rootObjectCount) : NaN;
        const counts = { expectedCount: expected, ...(Number.isFinite(roots) ? { remoteCount: roots } : {}) };
        if (!op.url) {
          await saveState(run.id, state, counts);
          await completeRun(run.id);
          return;
        }
        Object.assign(state, { phase: "ingesting", url: op.url, partial: false, byteOffset: 0, line: 1 } satisfies Partial<RunState>);
        await saveState(run.id, state, counts);
        await ctx.enqueue({ type: JOB_TYPES.bulkIngest, shop: run.shop, resource: run.resource, payload: { runId: run.id } });
        return;
      }
      case "FAILED": {
        if (op.errorCode === "ACCESS_DENIED") {
          await pauseForScope(run, null);
          return;
        }
        if (op.partialDataUrl) {
          Object.assign(state, { phase: "ingesting", url: op.partialDataUrl, partial: true, byteOffset: 0, line: 1 } satisfies Partial<RunState>);
          await saveState(run.id, state);
          await ctx.enqueue({ type: JOB_TYPES.bulkIngest, shop: run.shop, resource: run.resource, payload: { runId: run.id } });
          return;
        }
        return scheduleRestart(ctx, run, state, op.errorCode ?? "FAILED");
      }
      case "EXPIRED":
        return scheduleRestart(ctx, run, state, "result expired");
      case "CANCELED":
      default:
        await failRun(run, `bulk operation ${op.status.toLowerCase()}`);
        return;
    }
  });

  // -------------------------------------------------------------------------------------------
  // sync.bulk.ingest

  async function checkpointer(run: SyncRunRow, state: RunState, pipeline: ReturnType<typeof createIngestPipeline>) {
    return async (progress: Partial<RunState>) => {
      const c: PipelineCounts = await pipeline.commit();
      Object.assign(state, progress);
      await addRunCounts(db, run.id, { downloaded: c.downloaded, refined: c.refined, skipped: c.skipped, errors: c.errors }, state);
    };
  }

  const bulkIngest = runJob(JOB_TYPES.bulkIngest, async (ctx, run) => {
    const state = readState(run.cursor);
    if (state.phase !== "ingesting" || !state.url) return;
    const resumed = state.byteOffset > 0 || ctx.job.attempt > 1;
    const pipeline = createIngestPipeline(deps, { shop: run.shop, resource: run.resource, runId: run.id, source: run.kind === "backfill" ? "backfill" : "incremental", state });
    const checkpoint = await checkpointer(run, state, pipeline);
    limitHeapGrowth();
    // The download stays on this thread; parsing, hashing and refining run on a preparation
    // thread (when there is one) while this thread writes the batch before.
    const bytes = downloadJsonl(state.url, deps.fetch, { offset: state.byteOffset, signal: ctx.signal });
    const options = { ...(await pipeline.prepareOptions()), batchSize: tuning.ingestBatch, startOffset: state.byteOffset, startLine: state.line };
    for await (const batch of preparedBatches(bytes, options)) {
      await pipeline.addPrepared(batch);
      await checkpoint({ byteOffset: batch.offset, line: batch.line });
    }
    if (resumed) await refineLeftovers(run);
    if (state.partial) return scheduleRestart(ctx, run, state, "the export stopped before the end");
    await completeRun(run.id);
    // One ingest at a time per shop: the writes of one shop serialize on the database anyway (one
    // SQLite writer; one CPU-bound pipeline per process), and each ingest holds a batch of parsed
    // records in memory, so running them side by side only multiplies the memory.
  }, { concurrencyKey: "bulk-ingest", concurrencyLimit: 1 });

  /** Raw records stored but not refined (a process died between the two): refine them now. */
  async function refineLeftovers(run: SyncRunRow) {
    for (let i = 0; i < 10_000; i++) {
      const r = await refinePending(db, run.shop, { limit: 2000 });
      if (r.refined + r.errors.length === 0) return;
      await addRunCounts(db, run.id, { refined: r.refined, errors: r.errors.length });
    }
  }

  // -------------------------------------------------------------------------------------------
  // sync.paginated

  const paginated = runJob(JOB_TYPES.paginated, async (ctx, run, def) => {
    const state = readState(run.cursor);
    const resumed = state.after !== null || ctx.job.attempt > 1;
    const admin = await deps.adminFor(run.shop);
    if (run.status === "queued") {
      const counted = await countExpected(admin, def, state);
      await markRunRunning(db, run.id, {
        ...(counted.expected !== null ? { expectedCount: counted.expected } : {}),
        ...(counted.remote !== null ? { remoteCount: counted.remote } : {}),
      });
      await recordActivity(db, {
        shop: run.shop,
        resource: run.resource,
        syncRunId: run.id,
        kind: "sync.started",
        message: run.kind === "backfill" ? `Started copying your ${label(run.resource)}.` : `Checking your ${label(run.resource)} for changes.`,
      });
    }
    state.phase = "paging";
    const pipeline = createIngestPipeline(deps, { shop: run.shop, resource: run.resource, runId: run.id, source: run.kind === "backfill" ? "backfill" : "incremental", state });
    const checkpoint = await checkpointer(run, state, pipeline);
    const filter = searchFilter({ updatedSince: state.updatedSince ?? undefined }, def.updatedSinceField);
    let pageSize = tuning.pageSize;
    for (;;) {
      try {
        for await (const page of admin.paginate<Record<string, unknown>>(def.pageQuery, { query: filter || null }, { connectionPath: def.connectionPath, pageSize, after: state.after })) {
          for (const node of page.nodes) await pipeline.add(node);
          await checkpoint({ after: page.endCursor ?? state.after });
        }
        break;
      } catch (err) {
        // A page too expensive for one query: smaller pages, same cursor.
        if (err instanceof GraphqlError && err.code === "MAX_COST_EXCEEDED" && pageSize > 1) {
          pageSize = Math.max(1, Math.floor(pageSize / 2));
          continue;
        }
        throw err;
      }
    }
    if (resumed) await refineLeftovers(run);
    await completeRun(run.id);
  }, { concurrencyKey: "paginated", concurrencyLimit: 1 });

  /** A run read everything: succeeded, tell the merchant, recompute what depends on it. */
  async function completeRun(runId: string) {
    const run = await getSyncRun(db, runId);
    if (!run) return;
    const state = readState(run.cursor);
    state.phase = "done";
    await saveState(run.id, state);
    await finishRun(db, run.id, "succeeded");
    const changed = run.refinedCount;
    await recordActivity(db, {
      shop: run.shop,
      resource: run.resource,
      syncRunId: run.id,
      kind: "sync.succeeded",
      message:
        run.kind === "backfill"
          ? `Copied your ${label(run.resource)}: ${fmt(run.downloadedCount)} records read, ${fmt(changed)} saved${run.errorCount ? `, ${fmt(run.errorCount)} could not be read` : ""}.`
          : changed > 0
            ? `Updated ${fmt(changed)} ${label(run.resource)} records that changed.`
            : `Your ${label(run.resource)} are up to date.`,
      data: { downloaded: run.downloadedCount, refined: run.refinedCount, skipped: run.skippedCount, errors: run.errorCount },
    });
    if (run.kind === "backfill") {
      // Prove the copy: one reconciliation per shop (deduped; it waits until every sync of the
      // shop has finished) and the shop's reconciliation schedule. Imported lazily: reconcile
      // builds on this module.
      const { afterBackfillReconcile } = await import("../reconcile/jobs.server");
      await afterBackfillReconcile(db, run.shop, { enqueue });
    }
    if (run.resource === "orders" && (changed > 0 || run.kind === "backfill")) {
      await enqueue<MetricsPayload>({
        type: JOB_TYPES.metrics,
        shop: run.shop,
        resource: "dailyMetrics",
        payload: { from: state.metricsFrom, to: state.metricsTo, kind: run.kind },
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // sync.metrics / sync.schedule

  const metrics = defineJob<MetricsPayload>(
    JOB_TYPES.metrics,
    async (_ctx, payload) => {
      await recomputeAfterSync(deps, _ctx.job.shop, payload);
    },
    { maxAttempts: 4, concurrencyKey: "metrics", concurrencyLimit: 1 },
  ) as JobDefinition<never>;

  const schedule = defineJob<Record<string, never>>(
    JOB_TYPES.schedule,
    async (ctx) => {
      const shop = await db.shop.findUnique({ where: { shop: ctx.job.shop }, select: { installState: true, settingsJson: true } });
      if (!shop || shop.installState !== "installed") return; // uninstalled: the schedule ends
      await startSync(deps, ctx.job.shop, { kind: "incremental", trigger: "schedule" });
      return { reschedule: later(scheduleMinutes(shop.settingsJson, tuning.scheduleMinutes) * 60_000) };
    },
    { maxAttempts: 10 },
  ) as JobDefinition<never>;

  return [bulkStart, bulkAwait, bulkIngest, paginated, metrics, schedule];
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export type { Db };
