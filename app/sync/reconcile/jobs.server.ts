/**
 * Reconciliation jobs, registered next to the sync jobs (app/sync/worker.server.ts):
 *
 *   reconcile.run       payload { shop?, trigger: "manual" | "schedule" | "backfill", resources? }
 *                       — the Integrity page's "Verify integrity" enqueues { shop, trigger: "manual" }.
 *                       Waits (reschedules) while a sync run of the shop is queued or running, so it
 *                       never judges a half-copied store; then runReconciliation (progress in the
 *                       IntegrityReport row).
 *   reconcile.schedule  per shop, every `reconcileEveryHours` (shops.settings_json, default 24):
 *                       enqueues a reconcile.run and reschedules itself.
 *
 *   afterBackfillReconcile(db, shop)  — call when a backfill finished: enqueues one reconcile.run
 *                                      (deduped per shop) and makes sure the schedule exists.
 */
import type { Db } from "~/db.server";
import type { SyncDeps } from "../backfill/deps";
import { enqueue as enqueueInDb } from "../jobs/enqueue.server";
import { defineJob } from "../jobs/define";
import type { EnqueueInput, EnqueueResult, JobDefinition } from "../jobs/types";
import { runReconciliation, type ReconcileOptions, type ReconcileTrigger } from "./engine.server";

export const RECONCILE_JOB_TYPES = {
  run: "reconcile.run",
  schedule: "reconcile.schedule",
} as const;

export interface ReconcileRunPayload {
  shop?: string;
  trigger?: ReconcileTrigger;
  resources?: string[];
}

export const DEFAULT_RECONCILE_EVERY_HOURS = 24;

export const reconcileRunDedupeKey = (shop: string) => `${RECONCILE_JOB_TYPES.run}:${shop}`;
export const reconcileScheduleDedupeKey = (shop: string) =>
  `${RECONCILE_JOB_TYPES.schedule}:${shop}`;

/** `reconcileEveryHours` from the shop's settings JSON (≥ 1), else the default. */
export function reconcileEveryHours(
  settingsJson: string | null | undefined,
  fallback = DEFAULT_RECONCILE_EVERY_HOURS,
): number {
  try {
    const v = (JSON.parse(settingsJson ?? "{}") as { reconcileEveryHours?: unknown })
      .reconcileEveryHours;
    return typeof v === "number" && Number.isFinite(v) && v >= 1 ? v : fallback;
  } catch {
    return fallback;
  }
}

export interface ReconcileJobOptions {
  /** Passed to every run (tests: liveSkewMs, tuning). */
  run?: Omit<ReconcileOptions, "trigger" | "resources" | "signal">;
  /** How long to wait before looking again while a sync run is active (default 5 s: staff who press
   * "Verify integrity" right after a sync should not wait half a minute; the look is one count). */
  waitForSyncMs?: number;
}

type Enqueue = <P>(input: EnqueueInput<P>) => Promise<EnqueueResult>;

/** The reconciliation job definitions, bound to the same deps as the sync jobs. */
export function createReconcileJobs(
  deps: SyncDeps,
  options: ReconcileJobOptions = {},
): JobDefinition<never>[] {
  const { db } = deps;
  const waitMs = options.waitForSyncMs ?? 5_000;
  const later = (ms: number) => new Date(deps.clock().getTime() + ms);

  const run = defineJob<ReconcileRunPayload>(
    RECONCILE_JOB_TYPES.run,
    async (ctx, payload) => {
      const shop = payload.shop ?? ctx.job.shop;
      const shopRow = await db.shop.findUnique({ where: { shop }, select: { installState: true } });
      if (shopRow && shopRow.installState !== "installed") return;
      const busy = await db.syncRun.count({
        where: {
          shop,
          status: { in: ["queued", "running"] },
          kind: { in: ["backfill", "incremental"] },
        },
      });
      if (busy > 0) return { reschedule: later(waitMs) };
      await runReconciliation(deps, shop, {
        ...options.run,
        trigger: payload.trigger ?? "manual",
        resources: payload.resources,
        signal: ctx.signal,
      });
      return undefined;
    },
    {
      maxAttempts: 3,
      concurrencyKey: "reconcile",
      concurrencyLimit: 1,
      backoff: { type: "exponential", baseMs: 60_000, maxMs: 30 * 60_000, jitter: true },
    },
  ) as JobDefinition<never>;

  const schedule = defineJob<Record<string, never>>(
    RECONCILE_JOB_TYPES.schedule,
    async (ctx) => {
      const shop = await db.shop.findUnique({
        where: { shop: ctx.job.shop },
        select: { installState: true, settingsJson: true },
      });
      if (!shop || shop.installState !== "installed") return; // uninstalled: the schedule ends
      await ctx.enqueue<ReconcileRunPayload>({
        type: RECONCILE_JOB_TYPES.run,
        shop: ctx.job.shop,
        payload: { shop: ctx.job.shop, trigger: "schedule" },
        dedupeKey: reconcileRunDedupeKey(ctx.job.shop),
      });
      return { reschedule: later(reconcileEveryHours(shop.settingsJson) * 3600_000) };
    },
    { maxAttempts: 10 },
  ) as JobDefinition<never>;

  return [run, schedule];
}

/** Makes sure the shop has its recurring reconciliation (one schedule job per shop). */
export async function ensureReconcileSchedule(
  db: Db,
  shop: string,
  options: { enqueue?: Enqueue; now?: Date } = {},
): Promise<EnqueueResult> {
  const enqueue: Enqueue = options.enqueue ?? ((input) => enqueueInDb(db, input));
  const row = await db.shop.findUnique({ where: { shop }, select: { settingsJson: true } });
  const hours = reconcileEveryHours(row?.settingsJson);
  return enqueue({
    type: RECONCILE_JOB_TYPES.schedule,
    shop,
    payload: {},
    runAt: new Date((options.now ?? new Date()).getTime() + hours * 3600_000),
    dedupeKey: reconcileScheduleDedupeKey(shop),
  });
}

/** After a backfill: one reconciliation (deduped per shop; it waits for running syncs) and the schedule. */
export async function afterBackfillReconcile(
  db: Db,
  shop: string,
  options: { enqueue?: Enqueue } = {},
): Promise<EnqueueResult> {
  const enqueue: Enqueue = options.enqueue ?? ((input) => enqueueInDb(db, input));
  const result = await enqueue<ReconcileRunPayload>({
    type: RECONCILE_JOB_TYPES.run,
    shop,
    payload: { shop, trigger: "backfill" },
    dedupeKey: reconcileRunDedupeKey(shop),
  });
  await ensureReconcileSchedule(db, shop, { enqueue });
  return result;
}

/** "Verify integrity" (the Integrity page): a manual run, deduped with any queued run of the shop. */
export async function requestReconciliation(
  db: Db,
  shop: string,
  options: { enqueue?: Enqueue } = {},
): Promise<EnqueueResult> {
  const enqueue: Enqueue = options.enqueue ?? ((input) => enqueueInDb(db, input));
  return enqueue<ReconcileRunPayload>({
    type: RECONCILE_JOB_TYPES.run,
    shop,
    payload: { shop, trigger: "manual" },
    dedupeKey: reconcileRunDedupeKey(shop),
  });
}
