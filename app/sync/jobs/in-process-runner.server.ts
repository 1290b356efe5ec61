/**
 * In-process job backend: workers inside the app process, the queue in the `jobs` table.
 *
 * Claiming is a compare-and-set on the row (`UPDATE jobs SET status='running' ... WHERE id = ?
 * AND status = 'queued'`, through Prisma's updateMany): exactly one claimer wins on SQLite and on
 * PostgreSQL, even with several runners on one database. Limits are checked before claiming, so a
 * claimed job always runs at once: at most `concurrency` jobs in this process, `perShopConcurrency`
 * per shop, and `concurrencyLimit` per (shop, concurrencyKey) of a job type (e.g. 5 bulk operations).
 * Failures retry with the definition's backoff; after maxAttempts the job is parked with its error.
 * A running job renews its lease (locked_at); on start, jobs left `running` by a dead process are
 * queued again (all of them by default, since this runner is the only one; or only those whose
 * lease expired when `recoverAllOnStart: false`).
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { backoffDelay, createJobRegistry, KeyedLimits, type JobRegistry } from "./define";
import { enqueue as enqueueJob } from "./enqueue.server";
import type { PgCoordination } from "./pg-coordination.server";
import { recordJobParked } from "./stopped.server";
import {
  PermanentJobError,
  type EnqueueInput,
  type EnqueueResult,
  type JobBackend,
  type JobContext,
  type JobDefinition,
  type JobLog,
} from "./types";

export interface InProcessRunnerOptions {
  db: Db;
  handlers: JobRegistry | readonly JobDefinition<never>[];
  /** Jobs running at once in this process (default 4). */
  concurrency?: number;
  /** Jobs running at once per shop (default 2). */
  perShopConcurrency?: number;
  /** How often to look for due jobs when idle (default 1000 ms). */
  pollMs?: number;
  workerId?: string;
  log?: JobLog;
  /** A running job's lease; renewed every leaseMs/3 (default 5 min). */
  leaseMs?: number;
  /** Re-queue every `running` job on start (default true: the single in-process runner). */
  recoverAllOnStart?: boolean;
  random?: () => number;
  /**
   * Multi-worker mode (queue-runner.server.ts): claims, per-shop limits and ctx.withShopLimit go
   * through PostgreSQL so they hold across processes; `perShopConcurrency` is then global.
   */
  coordination?: PgCoordination;
}

export interface InProcessRunner extends JobBackend {
  readonly workerId: string;
  /** Jobs running now. */
  readonly active: number;
  /**
   * Tests and the demo: run jobs until none is running and none is due within `horizonMs`
   * (default 10 s; jobs waiting for a backoff inside the horizon are waited for). Not while started.
   */
  runUntilIdle(options?: { horizonMs?: number; timeoutMs?: number }): Promise<void>;
}

interface ClaimedJob {
  id: string;
  type: string;
  shop: string;
  resource: string | null;
  payloadJson: string;
  attempts: number;
  maxAttempts: number;
}

const MAX_ERROR_LENGTH = 4000;

export function createInProcessRunner(options: InProcessRunnerOptions): InProcessRunner {
  const db = options.db;
  const registry: JobRegistry = isRegistry(options.handlers) ? options.handlers : createJobRegistry(options.handlers);
  const types = [...registry.keys()];
  const concurrency = options.concurrency ?? 4;
  const perShop = options.perShopConcurrency ?? 2;
  const pollMs = options.pollMs ?? 1000;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log: JobLog = options.log ?? (() => undefined);
  const random = options.random ?? Math.random;

  const limits = new KeyedLimits();
  const running = new Map<string, Promise<void>>();
  const abort = new AbortController();
  let started = false;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let lastRecovery = 0;

  const wake = () => {
    const w = wakeUp;
    wakeUp = undefined;
    w?.();
  };
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wakeUp = undefined;
        resolve();
      }, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const shopKey = (shop: string) => `shop:${shop}`;
  const typeKey = (shop: string, key: string) => `shop:${shop}|key:${key}`;

  /** Re-queue jobs a dead process left running. */
  async function recover(all: boolean): Promise<void> {
    const now = new Date();
    lastRecovery = now.getTime();
    const stale = await db.job.findMany({
      where: all
        ? { status: "running" }
        : { status: "running", lockedAt: { lt: new Date(now.getTime() - leaseMs) } },
      select: { id: true, type: true, shop: true, resource: true, attempts: true, maxAttempts: true, lockedBy: true },
    });
    for (const job of stale) {
      if (running.has(job.id)) continue;
      const exhausted = job.attempts >= job.maxAttempts;
      const count = await db.job.updateMany({
        where: { id: job.id, status: "running", lockedBy: job.lockedBy },
        data: exhausted
          ? { status: "parked", lockedBy: null, lockedAt: null, dedupeKey: null, lastError: "The process running this job stopped (attempts exhausted)." }
          : { status: "queued", lockedBy: null, lockedAt: null, runAt: now },
      });
      if (count.count > 0) log("warn", exhausted ? "job parked after its process died" : "job re-queued after its process died", { jobId: job.id, previousWorker: job.lockedBy });
      if (count.count > 0 && exhausted) await recordJobParked(db, job, "The process running this job stopped (attempts exhausted)");
    }
  }

  function launch(def: JobDefinition<never>, job: ClaimedJob, release: () => void): void {
    const p = execute(def, job)
      .catch((err: unknown) => log("error", "job bookkeeping failed", { jobId: job.id, error: errorText(err) }))
      .finally(() => {
        release();
        running.delete(job.id);
        wake();
      });
    running.set(job.id, p);
  }

  /** Multi-worker claim: the database decides (fairness and per-shop limits across processes). */
  async function tickCoordinated(coord: PgCoordination, free: number): Promise<number> {
    const claimed = await coord.claim(free);
    for (const job of claimed) {
      const def = registry.get(job.type);
      if (!def) continue; // cannot happen: only registered types are claimed
      launch(def, job, () => undefined);
    }
    return claimed.length;
  }

  /** Claim and start as many due jobs as the limits allow; returns how many started. */
  async function tick(): Promise<number> {
    const free = concurrency - running.size;
    if (free <= 0 || types.length === 0 || stopping) return 0;
    if (options.coordination) return tickCoordinated(options.coordination, free);
    const now = new Date();
    const candidates = await db.job.findMany({
      where: { status: "queued", runAt: { lte: now }, type: { in: types } },
      orderBy: [{ runAt: "asc" }, { createdAt: "asc" }],
      take: Math.max(20, free * 5),
      select: { id: true, type: true, shop: true },
    });
    let startedCount = 0;
    for (const c of candidates) {
      if (running.size >= concurrency || stopping) break;
      const def = registry.get(c.type);
      if (!def) continue;
      if (!limits.tryAcquire(shopKey(c.shop), perShop)) continue;
      const key = def.concurrencyKey ? typeKey(c.shop, def.concurrencyKey) : undefined;
      if (key && !limits.tryAcquire(key, def.concurrencyLimit)) {
        limits.release(shopKey(c.shop));
        continue;
      }
      const release = () => {
        limits.release(shopKey(c.shop));
        if (key) limits.release(key);
      };
      const claimed = await db.job.updateMany({
        where: { id: c.id, status: "queued" },
        data: { status: "running", lockedBy: workerId, lockedAt: new Date(), attempts: { increment: 1 } },
      });
      if (claimed.count === 0) {
        release(); // another runner won
        continue;
      }
      const job = (await db.job.findUnique({
        where: { id: c.id },
        select: { id: true, type: true, shop: true, resource: true, payloadJson: true, attempts: true, maxAttempts: true },
      })) as ClaimedJob | null;
      if (!job) {
        release();
        continue;
      }
      startedCount++;
      launch(def, job, release);
    }
    return startedCount;
  }

  async function execute(def: JobDefinition<never>, job: ClaimedJob): Promise<void> {
    const maxAttempts = Math.max(1, job.maxAttempts);
    const heartbeat = setInterval(() => {
      db.job
        .updateMany({ where: { id: job.id, lockedBy: workerId, status: "running" }, data: { lockedAt: new Date() } })
        .catch((err: unknown) => log("warn", "job lease renewal failed", { jobId: job.id, error: errorText(err) }));
    }, Math.max(1000, Math.floor(leaseMs / 3)));
    heartbeat.unref?.();
    const jobLog: JobLog = (level, message, fields) => log(level, message, { jobId: job.id, type: job.type, shop: job.shop, ...fields });
    const ctx: JobContext = {
      db,
      job: { id: job.id, type: job.type, shop: job.shop, resource: job.resource, attempt: job.attempts, maxAttempts },
      log: jobLog,
      signal: abort.signal,
      now: () => new Date(),
      enqueue: (input) => runnerEnqueue(input),
      withShopLimit: async (key, limit, fn) => {
        if (options.coordination) return options.coordination.withShopLimit(job.shop, key, limit, abort.signal, fn);
        const k = typeKey(job.shop, key);
        await limits.acquire(k, limit, abort.signal);
        try {
          return await fn();
        } finally {
          limits.release(k);
        }
      },
    };
    const mine = { id: job.id, lockedBy: workerId, status: "running" };
    try {
      let payload: unknown;
      try {
        payload = JSON.parse(job.payloadJson);
      } catch {
        throw new PermanentJobError("job payload is not valid JSON");
      }
      const result = await def.handler(ctx, payload as never);
      clearInterval(heartbeat);
      if (result && result.reschedule) {
        await db.job.updateMany({
          where: mine,
          data: { status: "queued", runAt: result.reschedule, attempts: { decrement: 1 }, lockedBy: null, lockedAt: null, lastError: null },
        });
        jobLog("debug", "job rescheduled", { runAt: result.reschedule.toISOString() });
      } else {
        await db.job.updateMany({ where: mine, data: { status: "done", lockedBy: null, lockedAt: null, dedupeKey: null, lastError: null } });
        jobLog("debug", "job done");
      }
    } catch (err) {
      clearInterval(heartbeat);
      const message = errorText(err);
      if (err instanceof PermanentJobError || isPermanent(err)) {
        await db.job.updateMany({ where: mine, data: { status: "failed", lockedBy: null, lockedAt: null, dedupeKey: null, lastError: message } });
        jobLog("error", "job failed permanently", { error: message });
      } else if (job.attempts >= maxAttempts) {
        const parked = await db.job.updateMany({ where: mine, data: { status: "parked", lockedBy: null, lockedAt: null, dedupeKey: null, lastError: message } });
        jobLog("error", "job parked after its last attempt", { attempts: job.attempts, error: message });
        if (parked.count > 0) await recordJobParked(db, job, message);
      } else {
        const delay = backoffDelay(def.backoff, job.attempts, random);
        await db.job.updateMany({
          where: mine,
          data: { status: "queued", runAt: new Date(Date.now() + delay), lockedBy: null, lockedAt: null, lastError: message },
        });
        jobLog("warn", "job failed; retrying", { attempt: job.attempts, retryInMs: delay, error: message });
      }
    }
  }

  async function runnerEnqueue<P>(input: EnqueueInput<P>): Promise<EnqueueResult> {
    const result = await enqueueJob(db, input);
    wake();
    return result;
  }

  async function mainLoop(): Promise<void> {
    while (!stopping) {
      try {
        if (Date.now() - lastRecovery > leaseMs) await recover(false);
        await tick();
      } catch (err) {
        log("error", "job runner poll failed", { error: errorText(err) });
      }
      if (stopping) break;
      await idle(pollMs);
    }
  }

  return {
    workerId,
    get active() {
      return running.size;
    },
    enqueue: runnerEnqueue,
    async start() {
      if (started) return;
      started = true;
      stopping = false;
      await recover(options.recoverAllOnStart ?? true);
      loop = mainLoop();
      log("info", "job runner started", { workerId, concurrency, perShop });
    },
    async stop({ timeoutMs = 30_000 } = {}) {
      stopping = true;
      wake();
      await loop;
      loop = undefined;
      started = false;
      const all = Promise.allSettled([...running.values()]);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
      const timedOut = await Promise.race([all.then(() => false), timeout]);
      clearTimeout(timer);
      if (timedOut) {
        log("warn", "job runner stop timed out; aborting running jobs", { running: running.size });
        abort.abort(new Error("job runner stopped"));
        await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      }
      log("info", "job runner stopped", { workerId });
    },
    async runUntilIdle({ horizonMs = 10_000, timeoutMs = 60_000 } = {}) {
      if (started) throw new Error("runUntilIdle: the runner is started; stop() it first");
      stopping = false;
      const deadline = Date.now() + timeoutMs;
      await recover(options.recoverAllOnStart ?? true);
      for (;;) {
        if (Date.now() > deadline) throw new Error(`runUntilIdle: still busy after ${timeoutMs} ms`);
        const startedNow = await tick();
        if (running.size > 0) {
          await Promise.race(running.values());
          continue;
        }
        if (startedNow > 0) continue;
        const next = await db.job.findFirst({
          where: { status: "queued", type: { in: types }, runAt: { lte: new Date(Date.now() + horizonMs) } },
          orderBy: { runAt: "asc" },
          select: { runAt: true },
        });
        if (!next) return;
        await sleep(Math.min(pollMs, Math.max(5, next.runAt.getTime() - Date.now())));
      }
    },
  };
}

function isRegistry(h: JobRegistry | readonly JobDefinition<never>[]): h is JobRegistry {
  return h instanceof Map;
}

function isPermanent(err: unknown): boolean {
  // Typed errors of the admin client that retrying cannot fix.
  const name = (err as { name?: string })?.name;
  return name === "AccessDeniedError";
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > MAX_ERROR_LENGTH ? text.slice(0, MAX_ERROR_LENGTH) : text;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
