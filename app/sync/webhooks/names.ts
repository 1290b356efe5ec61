/** Job type and dedupe key of the coalescing per-shop webhook refine job. */
export const WEBHOOK_REFINE_JOB = "webhook.refine";

/** At most one queued refine job per shop (see refine.server.ts for how none is ever missed). */
export function refineDedupeKey(shop: string): string {
  return `${WEBHOOK_REFINE_JOB}:${shop}`;
}
