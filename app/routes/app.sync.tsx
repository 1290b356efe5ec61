import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { startSync } from "../sync/backfill/start.server";
import { getSyncProgress } from "../sync/sync-runs.server";
import { ensureSyncWorker, syncDeps } from "../sync/worker.server";

/** GET /app/sync: the latest run of each resource (status, counts, timings) for the UI to poll. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { runs: await getSyncProgress(db, session.shop) };
};

/** POST /app/sync ("Sync now"): enqueue an incremental sync of every resource; the runner does the work. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  await ensureSyncWorker();
  const runs = await startSync(syncDeps(), session.shop, { kind: "incremental", trigger: "manual" });
  return {
    started: runs.filter((r) => r.started).map((r) => ({ resource: r.resource, runId: r.runId, kind: r.kind })),
    alreadyRunning: runs.filter((r) => !r.started).map((r) => r.resource),
  };
};
