/**
 * The app's sync worker: the deps object (database, Admin clients from the shops' offline
 * sessions, fetch, clock, log) built once, the sync job handlers bound to it, and the in-process
 * job runner (SQLite default; a later issue may put the same handlers on a multi-worker queue).
 *
 *   await ensureSyncWorker();           // start once per process (idempotent)
 *   await syncDeps().…                  // deps for startSync / startBackfill / onBulkOperationFinished
 *
 * The runner starts on first use (install hook, "Sync now", webhook) or at boot when the server
 * entry calls ensureSyncWorker(). STORESYNC_SYNC_WORKER=off disables it (another process runs
 * the jobs); under NODE_ENV=test it only starts when STORESYNC_SYNC_WORKER=on.
 */
import { createDb } from "../db.server";
import { createAdminGraphql, fromShopifyAdmin, type AdminGraphql } from "./admin-client";
import { createSyncDeps, type SyncDeps } from "./backfill/deps";
import { createSyncJobs } from "./backfill/jobs.server";
import { startBackfill } from "./backfill/start.server";
import { createInProcessRunner, type InProcessRunner } from "./jobs/in-process-runner.server";
import type { JobLog } from "./jobs/types";
import { createWebhookJobs, enqueuePendingWebhookRefines } from "./webhooks/refine.server";
import { setWebhookJobBackend } from "./webhooks/runtime.server";

declare global {
  var __storesyncSyncWorker: { deps: SyncDeps; runner: InProcessRunner; started: Promise<void> | null } | undefined;
}

const log: JobLog = (level, message, fields) => {
  if (level === "debug") return;
  const line = `[sync] ${message}${fields ? ` ${JSON.stringify(fields, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}` : ""}`;
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else if (process.env.LOG_LEVEL === "info" || process.env.LOG_LEVEL === "debug") console.info(line);
};

/** Admin GraphQL of a shop through its offline session (unauthenticated.admin refreshes expiring tokens). */
function appAdminFor(): (shop: string) => AdminGraphql {
  const clients = new Map<string, AdminGraphql>();
  return (shop) => {
    let client = clients.get(shop);
    if (!client) {
      client = createAdminGraphql({
        request: async (query, variables) => {
          const { unauthenticated } = await import("../shopify.server");
          const { admin } = await unauthenticated.admin(shop);
          return fromShopifyAdmin(admin)(query, variables);
        },
        log: (message, fields) => log("info", message, { shop, ...fields }),
      });
      clients.set(shop, client);
    }
    return client;
  };
}

function worker() {
  if (!globalThis.__storesyncSyncWorker) {
    // The runner gets its own Prisma client: on SQLite an interactive transaction holds a client's
    // only connection, and request handlers (webhooks, pages) must not queue behind refinement.
    const jobDb = createDb();
    const holder: { runner?: InProcessRunner } = {};
    const deps = createSyncDeps({
      db: jobDb,
      adminFor: appAdminFor(),
      log,
      enqueue: (input) => holder.runner!.enqueue(input),
    });
    const runner = createInProcessRunner({
      db: jobDb,
      handlers: [...createSyncJobs(deps), ...createWebhookJobs()],
      log,
      concurrency: 4,
      // Room for webhook refinement of a shop while its backfill jobs run.
      perShopConcurrency: 4,
    });
    holder.runner = runner;
    // A webhook delivery's enqueue wakes the runner at once instead of waiting for its poll.
    setWebhookJobBackend(runner);
    globalThis.__storesyncSyncWorker = { deps, runner, started: null };
  }
  return globalThis.__storesyncSyncWorker;
}

/** The app's sync deps (the same object the job handlers use). */
export function syncDeps(): SyncDeps {
  return worker().deps;
}

export function workerEnabled(): boolean {
  const flag = process.env.STORESYNC_SYNC_WORKER;
  if (flag === "off") return false;
  if (process.env.NODE_ENV === "test") return flag === "on";
  return true;
}

/** Starts the in-process runner once per process (no-op when disabled). */
export async function ensureSyncWorker(): Promise<void> {
  if (!workerEnabled()) return;
  const w = worker();
  w.started ??= (async () => {
    await w.runner.start();
    // Deliveries committed just before a crash, whose enqueue never happened.
    await enqueuePendingWebhookRefines(w.deps.db, w.runner.enqueue);
  })();
  await w.started;
}

/** Stops the runner (graceful: running jobs finish or are resumed on the next start). */
export async function stopSyncWorker(): Promise<void> {
  const w = globalThis.__storesyncSyncWorker;
  if (!w?.started) return;
  await w.started;
  await w.runner.stop();
  w.started = null;
}

/** Install hook: the first full copy of the shop, then its recurring incremental sync. */
export async function onInstalledStartBackfill(shop: string): Promise<void> {
  await ensureSyncWorker();
  await startBackfill(syncDeps(), shop, { kind: "backfill" });
}
