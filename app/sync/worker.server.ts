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
 *
 * Backends (docs/decisions/002-job-queue.md): SQLite → the in-process runner inside the web
 * process (`npm start`); PostgreSQL → the multi-worker queue runner, started by worker processes
 * (`npm run worker`, scripts/worker.ts) — web processes on PostgreSQL only enqueue, unless
 * STORESYNC_SYNC_WORKER=on. Same handlers in both.
 */
import { createDb, engineOf } from "../db.server";
import { createAdminGraphql, fromShopifyAdmin, type AdminGraphql } from "./admin-client";
import { createSharedBucket } from "./admin-client/shared-bucket.server";
import { createSyncDeps, type SyncDeps } from "./backfill/deps";
import { createAppJobs } from "./app-jobs.server";
import { startBackfill } from "./backfill/start.server";
import { createInProcessRunner, type InProcessRunner } from "./jobs/in-process-runner.server";
import { createQueueRunner } from "./jobs/queue-runner.server";
import type { JobLog } from "./jobs/types";
import { enqueuePendingWebhookRefines } from "./webhooks/refine.server";
import { setWebhookJobBackend } from "./webhooks/runtime.server";

declare global {
  var __storesyncSyncWorker:
    | { deps: SyncDeps; runner: InProcessRunner; backend: SyncBackendKind; started: Promise<void> | null; startedAt: Date | null }
    | undefined;
}

export type SyncBackendKind = "in-process" | "queue";

const LEVELS: Record<string, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Structured logs: LOG_FORMAT=json prints one JSON object per line (`ts`, `level`, `msg`, and the
 * job's `jobId`, `type`, `shop` fields added by the runner); otherwise a readable line.
 */
const log: JobLog = (level, message, fields) => {
  if (process.env.LOG_FORMAT === "json") {
    const min = LEVELS[process.env.LOG_LEVEL ?? "info"] ?? 20;
    if ((LEVELS[level] ?? 20) < min) return;
    const entry = { ts: new Date().toISOString(), level, msg: message, pid: process.pid, ...fields };
    const line = JSON.stringify(entry, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    if (level === "error" || level === "warn") process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
    return;
  }
  if (level === "debug") return;
  const line = `[sync] ${message}${fields ? ` ${JSON.stringify(fields, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}` : ""}`;
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else if (process.env.LOG_LEVEL === "info" || process.env.LOG_LEVEL === "debug") console.info(line);
};

/** Admin GraphQL of a shop through its offline session (unauthenticated.admin refreshes expiring tokens). */
function appAdminFor(sharedBucket: ReturnType<typeof createSharedBucket> | null): (shop: string) => AdminGraphql {
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
        // Several worker processes: one cost budget per shop, kept in PostgreSQL.
        sharedBucket: sharedBucket?.forShop(shop),
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
    const backend: SyncBackendKind = engineOf(jobDb) === "postgresql" ? "queue" : "in-process";
    const holder: { runner?: InProcessRunner } = {};
    const deps = createSyncDeps({
      db: jobDb,
      adminFor: appAdminFor(backend === "queue" ? createSharedBucket(jobDb) : null),
      log,
      enqueue: (input) => holder.runner!.enqueue(input),
    });
    const handlers = createAppJobs(deps);
    const concurrency = positiveInt(process.env.STORESYNC_WORKER_CONCURRENCY, 4);
    // Room for webhook refinement of a shop while its backfill jobs run (global across workers on PostgreSQL).
    const perShopConcurrency = positiveInt(process.env.STORESYNC_PER_SHOP_CONCURRENCY, 4);
    const runner =
      backend === "queue"
        ? createQueueRunner({ db: jobDb, handlers, log, concurrency, perShopConcurrency })
        : createInProcessRunner({ db: jobDb, handlers, log, concurrency, perShopConcurrency });
    holder.runner = runner;
    // A webhook delivery's enqueue wakes the runner at once instead of waiting for its poll.
    setWebhookJobBackend(runner);
    globalThis.__storesyncSyncWorker = { deps, runner, backend, started: null, startedAt: null };
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
  // PostgreSQL: jobs run in `npm run worker` processes (which set STORESYNC_SYNC_WORKER=on).
  if (worker().backend === "queue") return flag === "on";
  return true;
}

/** What /healthz reports about this process's job runner. */
export function syncWorkerStatus(): { backend: SyncBackendKind; running: boolean; active: number; workerId: string; startedAt: string | null } {
  const w = worker();
  return { backend: w.backend, running: w.started !== null, active: w.runner.active, workerId: w.runner.workerId, startedAt: w.startedAt?.toISOString() ?? null };
}

/** The structured logger of the sync worker (scripts/worker.ts uses it too). */
export const syncLog: JobLog = log;

function positiveInt(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Starts the in-process runner once per process (no-op when disabled). */
export async function ensureSyncWorker(): Promise<void> {
  if (!workerEnabled()) return;
  const w = worker();
  w.started ??= (async () => {
    await w.runner.start();
    w.startedAt = new Date();
    // Deliveries committed just before a crash, whose enqueue never happened.
    await enqueuePendingWebhookRefines(w.deps.db, w.runner.enqueue);
  })();
  await w.started;
}

/** Stops the runner (graceful: running jobs finish or are resumed on the next start). */
export async function stopSyncWorker(options: { timeoutMs?: number } = {}): Promise<void> {
  const w = globalThis.__storesyncSyncWorker;
  if (!w?.started) return;
  await w.started;
  await w.runner.stop(options);
  w.started = null;
  w.startedAt = null;
}

/** Install hook: the first full copy of the shop, then its recurring incremental sync. */
export async function onInstalledStartBackfill(shop: string): Promise<void> {
  await ensureSyncWorker();
  await startBackfill(syncDeps(), shop, { kind: "backfill" });
}
