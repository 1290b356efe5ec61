/**
 * The one job interface. Handlers are written against `JobContext` only, so the same handler
 * runs on the in-process backend (SQLite default, `in-process-runner.server.ts`) and on the
 * multi-worker queue backend (PostgreSQL, `queue-runner.server.ts`; why not pg-boss:
 * docs/decisions/002-job-queue.md), both implementing `JobBackend`.
 */
import type { Db } from "~/db.server";

/** Job row statuses (jobs.status). `parked`: attempts exhausted, kept with its error for a human. */
export type JobStatus = "queued" | "running" | "done" | "failed" | "parked";

export type JobLogLevel = "debug" | "info" | "warn" | "error";
export type JobLog = (level: JobLogLevel, message: string, fields?: Record<string, unknown>) => void;

export interface JobInfo {
  id: string;
  type: string;
  shop: string;
  resource: string | null;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
}

export interface JobContext {
  db: Db;
  job: JobInfo;
  log: JobLog;
  /** Aborted when the runner stops without waiting (timeout of a graceful stop). */
  signal: AbortSignal;
  now(): Date;
  /** Enqueue a follow-up job (same backend). */
  enqueue<P>(input: EnqueueInput<P>): Promise<EnqueueResult>;
  /**
   * Run `fn` holding one of `limit` slots of the per-shop semaphore `key` (e.g. "bulk" with
   * limit 5: Shopify runs at most 5 bulk queries per shop). Scoped to this job's shop.
   */
  withShopLimit<T>(key: string, limit: number, fn: () => Promise<T>): Promise<T>;
}

/** What a handler may return: nothing (done) or a time to run again (not counted as a failure). */
export type JobResult = void | { reschedule?: Date };

export type JobHandler<P> = (ctx: JobContext, payload: P) => Promise<JobResult>;

/** Delay (ms) before attempt `attempt + 1` after `attempt` failed. */
export type BackoffPolicy = { type: "exponential"; baseMs: number; maxMs?: number; jitter?: boolean } | { type: "fixed"; ms: number } | ((attempt: number) => number);

export interface JobOptions {
  /** Attempts before the job is parked (default 5). */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /**
   * Jobs of this type hold a slot of the per-shop semaphore with this key while they run
   * (e.g. "bulk"), at most `concurrencyLimit` (default 1) per shop. Several types may share a key.
   */
  concurrencyKey?: string;
  concurrencyLimit?: number;
}

export interface JobDefinition<P = unknown> {
  readonly type: string;
  readonly handler: JobHandler<P>;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly concurrencyKey?: string;
  readonly concurrencyLimit: number;
}

export interface EnqueueInput<P = unknown> {
  /** A job type name or its definition (then maxAttempts comes from it). */
  type: string | JobDefinition<P>;
  shop: string;
  resource?: string | null;
  payload: P;
  runAt?: Date;
  /** At most one queued or running job per key; a second enqueue returns the existing job. */
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface EnqueueResult {
  id: string;
  /** True when an existing queued/running job with the same dedupeKey was returned instead. */
  deduped: boolean;
}

/** A failure that must not be retried (e.g. missing access scope): the job is marked failed at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

/** What any backend offers the rest of the app. */
export interface JobBackend {
  enqueue<P>(input: EnqueueInput<P>): Promise<EnqueueResult>;
  /** Begin processing (and pick up jobs a dead process left running). */
  start(): Promise<void>;
  /** Stop claiming; wait for running jobs (up to timeoutMs, then abort their signal). */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}
