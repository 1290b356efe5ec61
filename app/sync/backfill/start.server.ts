/**
 * Entry points of the sync domain (called from the install hook, the "Sync now" action, the
 * schedule and the bulk_operations/finish webhook). They only create SyncRun rows and enqueue
 * jobs: the work itself always runs in the job runner.
 */
import type { Db } from "../../db.server";
import { getResource, type ResourceKey } from "../resources/catalog";
import { resourceDefinitions } from "../resources";
import { createSyncRun, recordActivity, type SyncKind } from "../sync-runs.server";
import { enqueueWith, tuningOf, type SyncDeps } from "./deps";
import { awaitDedupeKey, JOB_TYPES, scheduleDedupeKey, scheduleMinutes } from "./names";
import { initialState, readState } from "./state";

export interface StartSyncOptions {
  /** Resource keys (default: every resource fetched from Shopify). */
  resources?: readonly string[];
  kind: Exclude<SyncKind, "reconcile">;
  /** What asked for it (activity wording only). */
  trigger?: "install" | "manual" | "schedule";
}

export interface StartedRun {
  resource: string;
  runId: string;
  kind: SyncKind;
  /** False when a run of the resource was already queued or running (nothing new started). */
  started: boolean;
  updatedSince: string | null;
}

export type StartDeps = Pick<SyncDeps, "db" | "enqueue" | "clock" | "tuning">;

/**
 * Creates one SyncRun per resource and enqueues its first job. A resource that already has a
 * queued/running run is left alone. An incremental sync of a resource that never completed a run
 * is a backfill; otherwise it reads records updated since the last run's watermark minus the
 * overlap window (resources without an updated_at filter are re-read whole: unchanged records
 * are skipped by their raw hash).
 */
export async function startSync(deps: StartDeps, shop: string, options: StartSyncOptions): Promise<StartedRun[]> {
  const { db } = deps;
  const enqueue = enqueueWith(deps);
  const tuning = tuningOf(deps);
  const wanted = options.resources ? new Set(options.resources) : null;
  const defs = resourceDefinitions.filter((d) => !wanted || wanted.has(d.key));
  const out: StartedRun[] = [];
  for (const def of defs) {
    const active = await db.syncRun.findFirst({
      where: { shop, resource: def.key, status: { in: ["queued", "running"] } },
      select: { id: true, kind: true },
    });
    if (active) {
      out.push({ resource: def.key, runId: active.id, kind: active.kind as SyncKind, started: false, updatedSince: null });
      continue;
    }
    let kind: SyncKind = options.kind;
    let updatedSince: string | null = null;
    if (kind === "incremental") {
      const last = await db.syncRun.findFirst({
        where: { shop, resource: def.key, status: "succeeded" },
        orderBy: { finishedAt: "desc" },
        select: { cursor: true, startedAt: true },
      });
      if (!last) kind = "backfill";
      else if (def.updatedSinceField) {
        const mark = readState(last.cursor).watermark ?? last.startedAt?.toISOString() ?? null;
        updatedSince = mark ? new Date(Date.parse(mark) - tuning.overlapMs).toISOString() : null;
      }
    }
    const run = await createSyncRun(db, { shop, resource: def.key, kind, cursor: initialState({ updatedSince }) });
    const type = def.fetchMode === "bulk" ? JOB_TYPES.bulkStart : JOB_TYPES.paginated;
    await enqueue({ type, shop, resource: def.key, payload: { runId: run.id } });
    out.push({ resource: def.key, runId: run.id, kind, started: true, updatedSince });
  }
  const started = out.filter((r) => r.started);
  if (started.length > 0 && options.trigger !== "schedule") {
    const labels = started.map((r) => getResource(r.resource as ResourceKey).label.toLowerCase());
    const list = labels.length > 1 ? `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}` : labels[0];
    const backfill = started.every((r) => r.kind === "backfill");
    await recordActivity(db, {
      shop,
      kind: backfill ? "backfill.started" : "sync.requested",
      message: backfill ? `StoreSync started copying your store: ${list}.` : `StoreSync is checking your store for changes: ${list}.`,
      data: { runs: started.map((r) => ({ resource: r.resource, runId: r.runId, kind: r.kind })) },
    });
  }
  return out;
}

/** The first full copy of a shop (install hook): every resource, then the recurring schedule. */
export async function startBackfill(
  deps: StartDeps,
  shop: string,
  options: { resources?: readonly string[]; kind?: "backfill" | "incremental" } = {},
): Promise<StartedRun[]> {
  const runs = await startSync(deps, shop, { resources: options.resources, kind: options.kind ?? "backfill", trigger: "install" });
  await ensureSchedule(deps, shop);
  return runs;
}

/** Makes sure the shop has its recurring incremental sync (idempotent: one schedule job per shop). */
export async function ensureSchedule(deps: StartDeps, shop: string): Promise<void> {
  const shopRow = await deps.db.shop.findUnique({ where: { shop }, select: { settingsJson: true } });
  const minutes = scheduleMinutes(shopRow?.settingsJson, tuningOf(deps).scheduleMinutes);
  await enqueueWith(deps)({
    type: JOB_TYPES.schedule,
    shop,
    payload: {},
    runAt: new Date(deps.clock().getTime() + minutes * 60_000),
    dedupeKey: scheduleDedupeKey(shop),
  });
}

/**
 * bulk_operations/finish: find the run waiting for this operation and poll it now instead of at
 * its next backoff step. Returns the run id, or null when no run waits for it (another app's
 * operation, a duplicate delivery, or one already handled).
 */
export async function onBulkOperationFinished(
  deps: Pick<SyncDeps, "db" | "enqueue">,
  shop: string,
  payload: unknown,
): Promise<string | null> {
  const p = (payload ?? {}) as { admin_graphql_api_id?: unknown; id?: unknown };
  const gid = typeof p.admin_graphql_api_id === "string" ? p.admin_graphql_api_id : typeof p.id === "string" ? p.id : null;
  if (!gid) return null;
  const { db } = deps;
  const run = await db.syncRun.findFirst({ where: { shop, bulkOperationId: gid, status: "running" }, select: { id: true, cursor: true, resource: true } });
  if (!run || readState(run.cursor).phase !== "awaiting") return null;
  const moved = await db.job.updateMany({ where: { dedupeKey: awaitDedupeKey(run.id), status: "queued" }, data: { runAt: new Date() } });
  if (moved.count === 0) {
    await enqueueWith(deps)({ type: JOB_TYPES.bulkAwait, shop, resource: run.resource, payload: { runId: run.id }, dedupeKey: awaitDedupeKey(run.id) });
  } else if (deps.enqueue) {
    // Wake an in-process runner that may be idling until its next poll.
    await deps.enqueue({ type: JOB_TYPES.bulkAwait, shop, resource: run.resource, payload: { runId: run.id }, dedupeKey: awaitDedupeKey(run.id) });
  }
  return run.id;
}

export type { Db };
