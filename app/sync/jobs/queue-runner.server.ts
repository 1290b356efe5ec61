/**
 * The multi-worker job backend (PostgreSQL): N worker processes on any machines share the
 * `jobs` table of one database. Same handlers, same JobContext, same retry/backoff/park rules
 * as the in-process backend (it IS that runner with PostgreSQL coordination plugged in):
 *
 *  - enqueue is an INSERT into `jobs` (in the caller's transaction when given a tx: outbox);
 *  - claims are fair across shops, with per-shop and per-(shop, concurrencyKey) limits held
 *    across all workers (pg-coordination.server.ts);
 *  - a running job renews its lease every leaseMs/3; a worker killed with SIGKILL stops
 *    renewing, and any other worker re-queues its jobs once the lease expired (default 30 s);
 *    handlers checkpoint, so the retry continues where the dead worker stopped;
 *  - stop() (SIGTERM) stops claiming and waits for running jobs; at the timeout their signal is
 *    aborted and they go back to the queue through the normal retry path.
 *
 * See docs/decisions/002-job-queue.md for why this is not pg-boss.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { createJobRegistry, type JobRegistry } from "./define";
import {
  createInProcessRunner,
  type InProcessRunner,
  type InProcessRunnerOptions,
} from "./in-process-runner.server";
import { createPgCoordination } from "./pg-coordination.server";

export interface QueueRunnerOptions extends Omit<
  InProcessRunnerOptions,
  "coordination" | "recoverAllOnStart"
> {
  /** postgres:// URL of the shared database (default DATABASE_URL). */
  url?: string;
}

export interface QueueRunner extends InProcessRunner {
  readonly kind: "queue";
  /** stop() and close the coordination pool. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

export function createQueueRunner(options: QueueRunnerOptions): QueueRunner {
  const registry: JobRegistry =
    options.handlers instanceof Map
      ? options.handlers
      : createJobRegistry(options.handlers as never);
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const perShop = options.perShopConcurrency ?? 4;
  const coordination = createPgCoordination({
    url: options.url,
    registry,
    workerId,
    perShop,
    poolSize: (options.concurrency ?? 4) + 3,
  });
  const runner = createInProcessRunner({
    ...options,
    handlers: registry,
    workerId,
    perShopConcurrency: perShop,
    pollMs: options.pollMs ?? 250,
    leaseMs: options.leaseMs ?? 30_000,
    // Other workers are alive: only jobs whose lease expired are taken back.
    recoverAllOnStart: false,
    coordination,
  });
  let closed = false;
  const queue: QueueRunner = {
    kind: "queue",
    get workerId() {
      return runner.workerId;
    },
    get active() {
      return runner.active;
    },
    enqueue: (input) => runner.enqueue(input),
    start: () => runner.start(),
    stop: (opts) => runner.stop(opts),
    runUntilIdle: (opts) => runner.runUntilIdle(opts),
    async close(opts) {
      if (closed) return;
      closed = true;
      await runner.stop(opts);
      await coordination.close();
    },
  };
  return queue;
}
