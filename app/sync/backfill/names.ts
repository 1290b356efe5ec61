/** Job type names and dedupe keys of the sync jobs (shared by the handlers and the entry points). */
export const JOB_TYPES = {
  bulkStart: "sync.bulk.start",
  bulkAwait: "sync.bulk.await",
  bulkIngest: "sync.bulk.ingest",
  paginated: "sync.paginated",
  metrics: "sync.metrics",
  schedule: "sync.schedule",
} as const;

export function awaitDedupeKey(runId: string): string {
  return `${JOB_TYPES.bulkAwait}:${runId}`;
}

export function scheduleDedupeKey(shop: string): string {
  return `${JOB_TYPES.schedule}:${shop}`;
}

/** `syncIntervalMinutes` from the shop's settings JSON, else the default. */
export function scheduleMinutes(settingsJson: string | null | undefined, fallback: number): number {
  try {
    const v = (JSON.parse(settingsJson ?? "{}") as { syncIntervalMinutes?: unknown }).syncIntervalMinutes;
    return typeof v === "number" && v >= 1 ? v : fallback;
  } catch {
    return fallback;
  }
}
