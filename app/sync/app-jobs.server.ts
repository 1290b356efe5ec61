/**
 * Every job handler the app runs, in one list: what a worker process (in-process on SQLite,
 * `npm run worker` on PostgreSQL) registers. Tests and benchmarks that stand in for a worker use
 * this list too, so a job type added to the app cannot be missing from them (a queued job of an
 * unregistered type would wait forever).
 */
import type { JobDefinition } from "./jobs/types";
import type { SyncDeps } from "./backfill/deps";
import { createSyncJobs } from "./backfill/jobs.server";
import { createReconcileJobs, type ReconcileJobOptions } from "./reconcile/jobs.server";
import { createWebhookJobs } from "./webhooks/refine.server";

export function createAppJobs(
  deps: SyncDeps,
  options: { reconcile?: ReconcileJobOptions } = {},
): JobDefinition<never>[] {
  return [...createSyncJobs(deps), ...createWebhookJobs(), ...createReconcileJobs(deps, options.reconcile)];
}
