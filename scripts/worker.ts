/**
 * `npm run worker`: a sync worker process. Runs the same job handlers as the web process's
 * in-process runner, on the multi-worker queue backend when DATABASE_URL is PostgreSQL (start as
 * many as you like, on any machines). See docs/deploy.md.
 *
 *   DATABASE_URL=postgres://… npm run worker
 *
 * Env: STORESYNC_WORKER_CONCURRENCY (jobs at once in this process, default 4),
 * STORESYNC_PER_SHOP_CONCURRENCY (jobs at once per shop across all workers, default 4),
 * STORESYNC_DRAIN_TIMEOUT_MS (SIGTERM: wait this long for running jobs, default 25000),
 * WORKER_HEALTH_PORT (serve GET /healthz on this port; unset: no HTTP), LOG_FORMAT=json.
 *
 * SIGTERM/SIGINT: stop claiming, let running jobs finish (up to the drain timeout; then they are
 * aborted and go back to the queue), exit 0. SIGKILL loses nothing either: the jobs' leases
 * expire and other workers resume them from their checkpoints.
 */
import http from "node:http";

process.env.STORESYNC_SYNC_WORKER = "on";

const { checkDatabase, createDb } = await import("../app/db.server");
const { ensureSyncWorker, stopSyncWorker, syncLog, syncWorkerStatus } =
  await import("../app/sync/worker.server");

const probeDb = createDb();
try {
  await checkDatabase(probeDb);
} catch (error) {
  syncLog("error", "worker cannot start", { error: (error as Error).message });
  process.exit(1);
}

await ensureSyncWorker();
const status = syncWorkerStatus();
syncLog("info", "worker started", { workerId: status.workerId, backend: status.backend });

let server: http.Server | undefined;
const port = Number(process.env.WORKER_HEALTH_PORT);
if (Number.isInteger(port) && port > 0) {
  server = http.createServer((req, res) => {
    if (req.url !== "/healthz") {
      res.writeHead(404).end();
      return;
    }
    void (async () => {
      let db = "ok";
      try {
        await checkDatabase(probeDb);
      } catch (error) {
        db = (error as Error).message;
      }
      const s = syncWorkerStatus();
      const ok = db === "ok" && s.running && !draining;
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok, db, draining, runner: s }));
    })();
  });
  server.listen(port);
}

let draining = false;
async function drain(signal: string): Promise<void> {
  if (draining) return;
  draining = true;
  const timeoutMs = Number(process.env.STORESYNC_DRAIN_TIMEOUT_MS ?? 25_000);
  syncLog("info", "worker draining", { signal, active: syncWorkerStatus().active, timeoutMs });
  await stopSyncWorker({ timeoutMs });
  server?.close();
  await probeDb.$disconnect().catch(() => undefined);
  syncLog("info", "worker stopped", { signal });
  process.exit(0);
}
process.on("SIGTERM", () => void drain("SIGTERM"));
process.on("SIGINT", () => void drain("SIGINT"));
