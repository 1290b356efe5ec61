import type { Db } from "~/db.server";
import type { EnqueueInput, EnqueueResult } from "./types";
import { DEFAULT_MAX_ATTEMPTS } from "./define";

/**
 * Insert a queued job. With a dedupeKey, at most one queued/running job holds the key (the
 * unique jobs.dedupe_key column; the runner clears the key when a job ends), and enqueueing
 * again returns the existing job.
 */
export async function enqueue<P>(db: Db, input: EnqueueInput<P>): Promise<EnqueueResult> {
  const def = typeof input.type === "string" ? undefined : input.type;
  const type = typeof input.type === "string" ? input.type : input.type.type;
  const data = {
    shop: input.shop,
    type,
    resource: input.resource ?? null,
    payloadJson: JSON.stringify(input.payload ?? {}),
    status: "queued",
    maxAttempts: input.maxAttempts ?? def?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    runAt: input.runAt ?? new Date(),
    dedupeKey: input.dedupeKey ?? null,
  };
  if (!input.dedupeKey) {
    const job = await db.job.create({ data, select: { id: true } });
    return { id: job.id, deduped: false };
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await db.job.findUnique({ where: { dedupeKey: input.dedupeKey }, select: { id: true } });
    if (existing) return { id: existing.id, deduped: true };
    try {
      const job = await db.job.create({ data, select: { id: true } });
      return { id: job.id, deduped: false };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Lost a race with another enqueue: read the winner (it may have finished already: loop).
    }
  }
  throw new Error(`enqueue: could not settle dedupeKey ${input.dedupeKey}`);
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === "P2002" || /unique constraint/i.test(e?.message ?? "");
}
