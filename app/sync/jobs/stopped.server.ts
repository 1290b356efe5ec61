/**
 * Jobs that stopped for good: `parked` (every attempt failed; the runner keeps the last error) or
 * `failed` (a permanent error such as a missing access scope). Store staff see them on the
 * "Records in error" page with the reason and can queue one again; when the runner parks a job it
 * also writes an ActivityEvent so the feed says, in words, that background work stopped.
 */
import type { Db } from "~/db.server";
import { recordActivity } from "../sync-runs.server";
import { resourceLabel } from "../resources/catalog";
import { JOB_TYPES } from "../backfill/names";

/**
 * Jobs of a sync run report their own last failure: the run ends `failed` with its error on the
 * dashboard and in the feed, and the next scheduled sync starts a new run. They are not listed
 * here (retrying the job of a finished run would do nothing).
 */
const RUN_JOB_TYPES: readonly string[] = [JOB_TYPES.bulkStart, JOB_TYPES.bulkAwait, JOB_TYPES.bulkIngest, JOB_TYPES.paginated];


/** What a job of this type does, in a merchant's words ("copying orders"). */
export function jobLabel(type: string, resource: string | null): string {
  const what = resource ? (resourceLabel(resource)?.toLowerCase() ?? resource) : null;
  switch (type) {
    case "sync.bulk.start":
    case "sync.bulk.await":
    case "sync.bulk.ingest":
    case "sync.paginated":
      return what ? `Copying ${what}` : "Copying data";
    case "sync.metrics":
      return "Recomputing daily metrics";
    case "sync.schedule":
      return "Scheduling the next sync";
    case "webhook.refine":
      return "Applying real-time updates";
    case "reconcile.run":
      return "Verifying data integrity";
    case "reconcile.schedule":
      return "Scheduling integrity verification";
    default:
      return type;
  }
}

export interface StoppedJob {
  id: string;
  type: string;
  label: string;
  resource: string | null;
  status: "parked" | "failed";
  attempts: number;
  error: string;
  stoppedAt: string;
}

/** The shop's stopped jobs, most recent first. */
export async function listStoppedJobs(db: Db, shop: string, limit = 20): Promise<StoppedJob[]> {
  const rows = await db.job.findMany({
    where: { shop, status: { in: ["parked", "failed"] }, type: { notIn: [...RUN_JOB_TYPES] } },
    orderBy: { updatedAt: "desc" },
    take: Math.min(100, Math.max(1, limit)),
    select: { id: true, type: true, resource: true, status: true, attempts: true, lastError: true, updatedAt: true },
  });
  return rows.map((j) => ({
    id: j.id,
    type: j.type,
    label: jobLabel(j.type, j.resource),
    resource: j.resource,
    status: j.status === "failed" ? "failed" : "parked",
    attempts: j.attempts,
    error: j.lastError ?? "No reason was recorded.",
    stoppedAt: j.updatedAt.toISOString(),
  }));
}

/**
 * Queues a stopped job of this shop again with fresh attempts (its handler resumes from the run's
 * checkpoint). False when the job is not this shop's or is not stopped.
 */
export async function retryStoppedJob(db: Db, shop: string, id: string, now = new Date()): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: { id, shop, status: { in: ["parked", "failed"] }, type: { notIn: [...RUN_JOB_TYPES] } },
    data: { status: "queued", attempts: 0, runAt: now, lockedBy: null, lockedAt: null },
  });
  return count > 0;
}

/** The activity line for a job the runner parked. Never throws (the runner's bookkeeping comes first). */
export async function recordJobParked(
  db: Db,
  job: { id: string; type: string; shop: string; resource: string | null; attempts: number },
  error: string,
): Promise<void> {
  if (RUN_JOB_TYPES.includes(job.type)) return;
  try {
    await recordActivity(db, {
      shop: job.shop,
      kind: "job.parked",
      level: "error",
      resource: job.resource,
      message: `${jobLabel(job.type, job.resource)} stopped after ${job.attempts} failed attempt${job.attempts === 1 ? "" : "s"}: ${error.slice(0, 300)}. It can be retried from Records in error.`,
      data: { jobId: job.id, type: job.type },
    });
  } catch {
    // The job row already says parked with its error; a lost activity line is not worth a crash.
  }
}
