/**
 * A sync worker process for the scale test and benchmark: the app's job handlers (sync,
 * webhook refine, reconciliation: createAppJobs) on the multi-worker queue backend, Admin clients on the shared per-shop cost
 * bucket. Env: DB_URL, SIM_URL, TOKENS (JSON domain → token), API_KEY, API_SECRET, CONCURRENCY,
 * LEASE_MS, INGEST_BATCH, RECONCILE_WAIT_MS. SIGTERM drains; SIGKILL is what the test does to one of them.
 */
import { createDb } from "../../app/db.server";
import { createSharedBucket } from "../../app/sync/admin-client/shared-bucket.server";
import type { AdminGraphql } from "../../app/sync/admin-client";
import { createSyncDeps } from "../../app/sync/backfill/deps";
import { createAppJobs } from "../../app/sync/app-jobs.server";
import { createQueueRunner } from "../../app/sync/jobs/queue-runner.server";
import { installSimulatorDispatcher } from "../../simulator/src/index";
import { FAST_TUNING } from "../sync/support";
import { simulatorAdminShared } from "./support";

const env = process.env as Record<string, string>;
installSimulatorDispatcher(env.SIM_URL);
const db = createDb(env.DB_URL);
const tokens = JSON.parse(env.TOKENS) as Record<string, string>;
const buckets = createSharedBucket(db);
const admins = new Map<string, AdminGraphql>();
const adminFor = (shop: string) => {
  let a = admins.get(shop);
  if (!a) {
    a = simulatorAdminShared(
      env.API_KEY,
      env.API_SECRET,
      shop,
      tokens[shop]!,
      buckets.forShop(shop),
    );
    admins.set(shop, a);
  }
  return a;
};
const holder: { enqueue?: ReturnType<typeof createQueueRunner>["enqueue"] } = {};
const deps = createSyncDeps({
  db,
  adminFor,
  tuning: { ...FAST_TUNING, ingestBatch: Number(env.INGEST_BATCH ?? 200) },
  enqueue: (input) => holder.enqueue!(input),
});
const runner = createQueueRunner({
  db,
  url: env.DB_URL,
  // A verification waits for the shop's syncs to end; look again after 1 s, not the production 30 s,
  // so the run settles on work rather than on timers.
  handlers: createAppJobs(deps, { reconcile: { waitForSyncMs: Number(env.RECONCILE_WAIT_MS ?? 1000) } }),
  concurrency: Number(env.CONCURRENCY ?? 4),
  perShopConcurrency: 4,
  leaseMs: Number(env.LEASE_MS ?? 3000),
  pollMs: 20,
});
holder.enqueue = runner.enqueue;
await runner.start();
process.stdout.write("started\n");
process.on("SIGTERM", () => {
  void runner.close({ timeoutMs: 10_000 }).then(async () => {
    await db.$disconnect();
    process.exit(0);
  });
});
setInterval(() => undefined, 60_000);
