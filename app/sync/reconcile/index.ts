export {
  runReconciliation,
  type ReconcileDeps,
  type ReconcileOptions,
  type ReconcileResult,
  type ReconcileSummary,
  type ResourceReport,
  type Verdict,
} from "./engine.server";
export {
  afterBackfillReconcile,
  createReconcileJobs,
  ensureReconcileSchedule,
  reconcileEveryHours,
  requestReconciliation,
  RECONCILE_JOB_TYPES,
  type ReconcileRunPayload,
} from "./jobs.server";
export type { AggregateCheck, DayDifference } from "./aggregate.server";
export type { Spend } from "./admin.server";
