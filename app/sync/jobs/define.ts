import type { BackoffPolicy, JobDefinition, JobHandler, JobOptions } from "./types";

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_BACKOFF: BackoffPolicy = { type: "exponential", baseMs: 1_000, maxMs: 5 * 60_000, jitter: true };

/** Declare a job type: its handler and how it is retried and limited. */
export function defineJob<P>(type: string, handler: JobHandler<P>, options: JobOptions = {}): JobDefinition<P> {
  if (!type) throw new Error("defineJob: type is required");
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`defineJob(${type}): maxAttempts must be a positive integer`);
  return Object.freeze({
    type,
    handler,
    maxAttempts,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    concurrencyKey: options.concurrencyKey,
    concurrencyLimit: options.concurrencyLimit ?? 1,
  });
}

/** A set of job definitions by type (what a backend runs). */
export type JobRegistry = ReadonlyMap<string, JobDefinition<never>>;

export function createJobRegistry(definitions: readonly JobDefinition<never>[]): JobRegistry {
  const map = new Map<string, JobDefinition<never>>();
  for (const def of definitions) {
    if (map.has(def.type)) throw new Error(`job type "${def.type}" defined twice`);
    map.set(def.type, def);
  }
  return map;
}

/** Delay before the next attempt after `attempt` (1-based) failed. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  if (typeof policy === "function") return Math.max(0, policy(attempt));
  if (policy.type === "fixed") return policy.ms;
  const raw = Math.min(policy.maxMs ?? Number.POSITIVE_INFINITY, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(policy.jitter === false ? raw : raw * (0.5 + random() * 0.5));
}

/** Counting semaphores by key (per-shop limits). Synchronous try-acquire; the runner never waits on it. */
export class KeyedLimits {
  private readonly counts = new Map<string, number>();
  private readonly waiters = new Map<string, (() => void)[]>();

  inUse(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  tryAcquire(key: string, limit: number): boolean {
    const n = this.inUse(key);
    if (n >= limit) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  /** Wait for a slot (used by handlers through ctx.withShopLimit). */
  async acquire(key: string, limit: number, signal?: AbortSignal): Promise<void> {
    while (!this.tryAcquire(key, limit)) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        const list = this.waiters.get(key) ?? [];
        list.push(resolve);
        this.waiters.set(key, list);
      });
    }
  }

  release(key: string): void {
    const n = this.inUse(key);
    if (n <= 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
    const list = this.waiters.get(key);
    const next = list?.shift();
    if (list && list.length === 0) this.waiters.delete(key);
    next?.();
  }
}
