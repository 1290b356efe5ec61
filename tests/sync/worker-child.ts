/**
 * A sync worker in its own process (tests/sync/resilience.test.ts kills it with SIGKILL mid-run).
 * Env: DB_URL, SIM_URL, SHOP, TOKEN, API_KEY, API_SECRET, INGEST_BATCH.
 */
import { createDb } from "../../app/db.server";
import { createSyncDeps } from "../../app/sync/backfill/deps";
import { createSyncJobs } from "../../app/sync/backfill/jobs.server";
import { createInProcessRunner } from "../../app/sync/jobs/in-process-runner.server";
import { installSimulatorDispatcher } from "../../simulator/src/index";
import { FAST_TUNING, simulatorAdmin } from "./support";

const env = process.env as Record<string, string>;
installSimulatorDispatcher(env.SIM_URL);
const db = createDb(env.DB_URL);
const admin = simulatorAdmin(env.API_KEY, env.API_SECRET, env.SHOP, env.TOKEN);
const deps = createSyncDeps({ db, adminFor: () => admin, tuning: { ...FAST_TUNING, ingestBatch: Number(env.INGEST_BATCH ?? 100) } });
const runner = createInProcessRunner({ db, handlers: createSyncJobs(deps), pollMs: 10, concurrency: 4, perShopConcurrency: 3 });
await runner.start();
process.stdout.write("started\n");
setInterval(() => undefined, 60_000); // run until killed
