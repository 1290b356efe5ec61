/**
 * Cost-aware Admin GraphQL calls.
 *
 * Shopify meters GraphQL with a leaky bucket per app and shop. Every response carries
 * `extensions.cost = { requestedQueryCost, actualQueryCost, throttleStatus: { maximumAvailable,
 * currentlyAvailable, restoreRate } }`. Shopify deducts the REQUESTED cost before executing and
 * refunds the difference afterwards, so a call is throttled when its requested cost exceeds the
 * points available at that moment.
 *
 * This client keeps a local model of the bucket (the last throttleStatus, restored by elapsed
 * time at restoreRate) and, before each call, compares it with the call's expected cost: the
 * requested cost last seen for the same query (and page size), else its last actual cost, else
 * an explicit `expectedCost`. If the bucket is short it sleeps exactly long enough for it to
 * refill, then reserves the points locally so concurrent callers sharing the client pace
 * together. It is therefore rarely throttled at all; when it is (a burst from elsewhere), it
 * retries THROTTLED after the refill time the response implies, and retries 5xx / 429 / network
 * errors / transient INTERNAL_SERVER_ERROR with exponential backoff and jitter, a bounded number
 * of times. ACCESS_DENIED becomes AccessDeniedError and other GraphQL errors GraphqlError, never
 * retried.
 */
import { setTimeout as delay } from "node:timers/promises";
import {
  AccessDeniedError,
  AdminHttpError,
  GraphqlError,
  RetriesExhaustedError,
  type GraphqlErrorEntry,
} from "./errors";

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface CostExtension {
  requestedQueryCost?: number | null;
  actualQueryCost?: number | null;
  throttleStatus?: ThrottleStatus;
}

export interface GraphqlResponse<T = unknown> {
  data?: T | null;
  errors?: GraphqlErrorEntry[];
  extensions?: { cost?: CostExtension; [key: string]: unknown };
}

/**
 * One HTTP round trip. Resolves with the GraphQL body of any HTTP 200 answer (including
 * `errors`); throws AdminHttpError for other statuses; any other throw counts as a network error.
 * `fromShopifyAdmin` builds one from the app's admin context or an official GraphqlClient.
 */
export type GraphqlRequest = (query: string, variables?: Record<string, unknown>) => Promise<GraphqlResponse>;

export type AdminClientLog = (message: string, fields?: Record<string, unknown>) => void;

/**
 * A shop's cost budget shared with other processes (shared-bucket.server.ts). When given, it
 * replaces the local bucket model: every process paces against the same bucket.
 */
export interface SharedBucket {
  /** Reserve `cost` points; resolves with the milliseconds to wait before sending the call. */
  reserve(cost: number): Promise<number>;
  /** A response's throttleStatus; `reserved` points were reserved for the call, `actual` spent. */
  observe(status: ThrottleStatus, reserved: number, actual: number): Promise<void>;
}

export interface AdminGraphqlOptions {
  request: GraphqlRequest;
  /** One bucket for the shop across worker processes (default: a local model per client). */
  sharedBucket?: SharedBucket;
  /** Milliseconds now (default Date.now). */
  clock?: () => number;
  /** Sleep (default setTimeout). Tests pass one that advances their clock. */
  sleep?: (ms: number) => Promise<void>;
  log?: AdminClientLog;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
  /** Attempts for 5xx / 429 / network / INTERNAL_SERVER_ERROR failures (default 5). */
  maxAttempts?: number;
  /** THROTTLED answers tolerated for one call (default 10). */
  maxThrottledRetries?: number;
  /** First backoff (ms) for transient failures; doubled each attempt (default 1000). */
  backoffMs?: number;
  /** Cap of one backoff (ms) (default 30000). */
  maxBackoffMs?: number;
}

export interface CallOptions {
  /** Points this call is expected to need (overrides what the client learnt). */
  expectedCost?: number;
}

export interface CallResult<T> {
  data: T;
  cost?: CostExtension;
}

export interface PaginateOptions extends CallOptions {
  /** Dot path (or array) from `data` to the connection, e.g. "shopifyPaymentsAccount.payouts". */
  connectionPath: string | readonly string[];
  /** Sets `variables.first` (the query must declare `$first: Int` and `$after: String`). */
  pageSize?: number;
  /** Resume after this cursor. */
  after?: string | null;
}

export interface Page<TNode> {
  nodes: TNode[];
  endCursor: string | null;
  hasNextPage: boolean;
  cost?: CostExtension;
}

export interface BucketSnapshot {
  known: boolean;
  maximumAvailable: number;
  available: number;
  restoreRate: number;
}

export interface AdminGraphql {
  /** Run a query or mutation and return its `data`. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, opts?: CallOptions): Promise<T>;
  /** Same, with the cost extension of the successful answer. */
  call<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, opts?: CallOptions): Promise<CallResult<T>>;
  /** Pages of a connection (`first: N, after: cursor`), one yield per page. */
  paginate<TNode = Record<string, unknown>>(query: string, variables: Record<string, unknown>, opts: PaginateOptions): AsyncGenerator<Page<TNode>>;
  /** The local bucket model right now. */
  bucket(): BucketSnapshot;
  /** Totals since creation (observability and tests). */
  stats(): { calls: number; throttled: number; retried: number; pacedMs: number };
}

const MAX_LEARNT_QUERIES = 256;

export function createAdminGraphql(options: AdminGraphqlOptions): AdminGraphql {
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => undefined);
  const maxAttempts = options.maxAttempts ?? 5;
  const maxThrottled = options.maxThrottledRetries ?? 10;
  const backoffMs = options.backoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;

  // Local bucket model: `level` points at time `levelAt`, restoring at `restoreRate`/s.
  let known = false;
  let maximumAvailable = 2000;
  let restoreRate = 50;
  let level = 0;
  let levelAt = 0;
  const learnt = new Map<string, { requested?: number; actual?: number }>();
  const totals = { calls: 0, throttled: 0, retried: 0, pacedMs: 0 };

  const availableAt = (now: number) => Math.min(maximumAvailable, level + (Math.max(0, now - levelAt) / 1000) * restoreRate);

  const observe = (cost: CostExtension | undefined, key: string) => {
    if (!cost) return;
    const t = cost.throttleStatus;
    if (t && Number.isFinite(t.currentlyAvailable) && t.restoreRate > 0) {
      known = true;
      maximumAvailable = t.maximumAvailable;
      restoreRate = t.restoreRate;
      level = t.currentlyAvailable;
      levelAt = clock();
    }
    const entry = learnt.get(key) ?? {};
    if (typeof cost.requestedQueryCost === "number") entry.requested = cost.requestedQueryCost;
    if (typeof cost.actualQueryCost === "number") entry.actual = cost.actualQueryCost;
    if (!learnt.has(key)) {
      if (learnt.size >= MAX_LEARNT_QUERIES) learnt.delete(learnt.keys().next().value as string);
      learnt.set(key, entry);
    }
  };

  const shared = options.sharedBucket;

  /** Sleep until the model holds `cost` points, then reserve them; returns the points reserved. */
  const pace = async (cost: number | undefined): Promise<number> => {
    if (shared) {
      if (cost === undefined || cost <= 0) return 0;
      let wait = 0;
      try {
        wait = await shared.reserve(cost);
      } catch (err) {
        log("admin graphql: shared bucket unavailable; calling unpaced", { error: (err as Error).message });
        return 0;
      }
      if (wait > 0) {
        totals.pacedMs += wait;
        log("admin graphql: pacing on the shared bucket", { waitMs: wait, need: cost });
        await sleep(wait);
      }
      return cost;
    }
    if (!known || cost === undefined || cost <= 0) return 0;
    const need = Math.min(cost, maximumAvailable);
    const now = clock();
    const available = availableAt(now);
    if (available < need) {
      // +5 ms: timers may fire a hair early and the server rounds; never arrive a fraction short.
      const wait = Math.ceil(((need - available) / restoreRate) * 1000) + 5;
      totals.pacedMs += wait;
      log("admin graphql: pacing before the bucket runs dry", { waitMs: wait, need, available: Math.floor(available), restoreRate });
      // Reserve now (the model may go negative) so concurrent callers queue behind this one.
      level = available - need;
      levelAt = now;
      await sleep(wait);
      return need;
    }
    level = available - need;
    levelAt = now;
    return need;
  };

  const backoff = (attempt: number, floorMs = 0) => {
    const exp = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1));
    return Math.max(floorMs, Math.round(exp * (0.5 + random() * 0.5)));
  };

  async function call<T>(query: string, variables?: Record<string, unknown>, opts: CallOptions = {}): Promise<CallResult<T>> {
    const key = `${typeof variables?.first === "number" ? variables.first : ""}|${query}`;
    let failures = 0;
    let throttles = 0;
    for (;;) {
      const seen = learnt.get(key);
      const reserved = await pace(opts.expectedCost ?? seen?.requested ?? seen?.actual);
      totals.calls++;
      let res: GraphqlResponse;
      try {
        res = await options.request(query, variables);
      } catch (err) {
        const retryable = !(err instanceof AdminHttpError) || err.retryable;
        if (!retryable) throw err;
        failures++;
        if (failures >= maxAttempts) {
          throw new RetriesExhaustedError(`Admin GraphQL failed ${failures} times: ${(err as Error).message}`, failures, { cause: err });
        }
        const wait = backoff(failures, err instanceof AdminHttpError ? err.retryAfterMs : 0);
        totals.retried++;
        log("admin graphql: transient failure, retrying", { error: (err as Error).message, attempt: failures, waitMs: wait });
        await sleep(wait);
        continue;
      }
      const cost = res.extensions?.cost;
      observe(cost, key);
      if (shared && cost?.throttleStatus && cost.throttleStatus.restoreRate > 0) {
        await shared
          .observe(cost.throttleStatus, reserved, typeof cost.actualQueryCost === "number" ? cost.actualQueryCost : 0)
          .catch((err: unknown) => log("admin graphql: shared bucket update failed", { error: (err as Error).message }));
      }
      const errors = res.errors ?? [];
      if (errors.length === 0) return { data: (res.data ?? {}) as T, cost };

      const codes = errors.map((e) => e.extensions?.code);
      if (codes.includes("THROTTLED")) {
        throttles++;
        totals.throttled++;
        if (throttles > maxThrottled) {
          throw new RetriesExhaustedError(`Admin GraphQL still THROTTLED after ${throttles} attempts`, throttles, {
            cause: new GraphqlError("Throttled", errors),
          });
        }
        // Wait until the bucket holds the requested cost again (plus a little jitter); the model
        // was just set from this answer, so the pacing step of the next attempt finds it full enough.
        const need = cost?.requestedQueryCost ?? learnt.get(key)?.requested ?? 0;
        const status = cost?.throttleStatus;
        const refill = status && status.restoreRate > 0 ? ((need - status.currentlyAvailable) / status.restoreRate) * 1000 : 0;
        const wait = refill > 0 ? Math.ceil(refill * (1 + random() * 0.1)) + 1 : backoff(throttles);
        totals.retried++;
        log("admin graphql: THROTTLED, waiting for the bucket", { waitMs: wait, need, attempt: throttles });
        await sleep(wait);
        continue;
      }
      if (codes.includes("ACCESS_DENIED")) {
        const denied = errors.filter((e) => e.extensions?.code === "ACCESS_DENIED");
        throw new AccessDeniedError(denied.map((e) => e.message).join("; "), errors);
      }
      if (codes.every((c) => c === "INTERNAL_SERVER_ERROR")) {
        failures++;
        if (failures >= maxAttempts) {
          throw new RetriesExhaustedError(`Admin GraphQL internal error ${failures} times: ${errors[0].message}`, failures, {
            cause: new GraphqlError(errors[0].message, errors, res.data),
          });
        }
        const wait = backoff(failures);
        totals.retried++;
        log("admin graphql: INTERNAL_SERVER_ERROR, retrying", { attempt: failures, waitMs: wait });
        await sleep(wait);
        continue;
      }
      throw new GraphqlError(errors.map((e) => e.message).join("; "), errors, res.data);
    }
  }

  async function* paginate<TNode>(query: string, variables: Record<string, unknown>, opts: PaginateOptions): AsyncGenerator<Page<TNode>> {
    const path = typeof opts.connectionPath === "string" ? opts.connectionPath.split(".") : [...opts.connectionPath];
    let after: string | null = opts.after ?? null;
    for (;;) {
      const vars: Record<string, unknown> = { ...variables, after };
      if (opts.pageSize !== undefined) vars.first = opts.pageSize;
      const { data, cost } = await call<Record<string, unknown>>(query, vars, opts);
      let conn: unknown = data;
      for (const segment of path) conn = conn == null ? undefined : (conn as Record<string, unknown>)[segment];
      if (conn == null) return; // e.g. shopifyPaymentsAccount is null: nothing to page
      const c = conn as {
        nodes?: TNode[];
        edges?: { node: TNode; cursor?: string }[];
        pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
      };
      if (!c.pageInfo) throw new Error(`paginate: the query must select pageInfo { hasNextPage endCursor } at ${path.join(".")}`);
      const nodes = c.nodes ?? (c.edges ?? []).map((e) => e.node);
      const endCursor = c.pageInfo.endCursor ?? c.edges?.[c.edges.length - 1]?.cursor ?? null;
      const hasNextPage = Boolean(c.pageInfo.hasNextPage) && endCursor !== null;
      yield { nodes, endCursor, hasNextPage, cost };
      if (!hasNextPage) return;
      after = endCursor;
    }
  }

  return {
    call,
    async graphql<T>(query: string, variables?: Record<string, unknown>, opts?: CallOptions) {
      return (await call<T>(query, variables, opts)).data;
    },
    paginate,
    bucket() {
      return { known, maximumAvailable, available: known ? Math.floor(availableAt(clock())) : maximumAvailable, restoreRate };
    },
    stats() {
      return { ...totals };
    },
  };
}
