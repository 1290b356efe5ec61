/**
 * GET /healthz — for load balancers and orchestrators (no auth, no shop data).
 * 200 when the database answers; 503 otherwise. Also reports this process's job runner (on
 * PostgreSQL web processes do not run jobs: `runner.running` is false by design) and the queue:
 * jobs due now, running, parked, and the age of the oldest due job (a growing age means too few
 * workers or none at all).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { checkDatabase, db } from "../db.server";
import { syncWorkerStatus } from "../sync/worker.server";

export async function loader(_args: LoaderFunctionArgs) {
  let database = "ok";
  let queue: {
    due: number;
    running: number;
    parked: number;
    oldestDueSeconds: number | null;
  } | null = null;
  try {
    await checkDatabase(db);
    const now = new Date();
    const [due, running, parked, oldest] = await Promise.all([
      db.job.count({ where: { status: "queued", runAt: { lte: now } } }),
      db.job.count({ where: { status: "running" } }),
      db.job.count({ where: { status: "parked" } }),
      db.job.findFirst({
        where: { status: "queued", runAt: { lte: now } },
        orderBy: { runAt: "asc" },
        select: { runAt: true },
      }),
    ]);
    queue = {
      due,
      running,
      parked,
      oldestDueSeconds: oldest ? Math.round((now.getTime() - oldest.runAt.getTime()) / 1000) : null,
    };
  } catch (error) {
    database = error instanceof Error ? error.message : String(error);
  }
  const ok = database === "ok";
  return new Response(JSON.stringify({ ok, database, runner: syncWorkerStatus(), queue }), {
    status: ok ? 200 : 503,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
