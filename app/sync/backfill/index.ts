export { createSyncDeps, DEFAULT_TUNING, type SyncDeps, type SyncTuning } from "./deps";
export { createSyncJobs } from "./jobs.server";
export { JOB_TYPES } from "./names";
export { ensureSchedule, onBulkOperationFinished, startBackfill, startSync, type StartedRun, type StartSyncOptions } from "./start.server";
