/**
 * Reconciliation's use of the Admin API: a metered view of the shop's cost-aware client (the API
 * cost a run spent goes into its IntegrityReport) and a bulk query run to the end inside the job
 * (start → poll → stream the JSONL), for id maps and large refetches.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { AdminGraphql, CallResult, CostExtension, Page } from "../admin-client";
import {
  BULK_OPERATION_QUERY,
  BULK_RUN_QUERY,
  type BulkOperationInfo,
  type BulkRunResult,
} from "../backfill/documents";
import { readJsonl, type FetchLike, type JsonlRecordItem } from "../bulk/jsonl";

export interface Spend {
  calls: number;
  /** Sum of extensions.cost.actualQueryCost. */
  actualCost: number;
  /** Sum of extensions.cost.requestedQueryCost. */
  requestedCost: number;
  bulkOperations: number;
}

export interface MeteredAdmin extends AdminGraphql {
  readonly spend: Spend;
}

/** The same client, counting calls and their cost. */
export function meter(inner: AdminGraphql): MeteredAdmin {
  const spend: Spend = { calls: 0, actualCost: 0, requestedCost: 0, bulkOperations: 0 };
  const count = (cost: CostExtension | undefined) => {
    spend.calls++;
    spend.actualCost += cost?.actualQueryCost ?? 0;
    spend.requestedCost += cost?.requestedQueryCost ?? 0;
  };
  async function call<T>(
    query: string,
    variables?: Record<string, unknown>,
    opts?: Parameters<AdminGraphql["call"]>[2],
  ): Promise<CallResult<T>> {
    const result = await inner.call<T>(query, variables, opts);
    count(result.cost);
    return result;
  }
  return {
    spend,
    call,
    async graphql<T>(
      query: string,
      variables?: Record<string, unknown>,
      opts?: Parameters<AdminGraphql["call"]>[2],
    ) {
      return (await call<T>(query, variables, opts)).data;
    },
    async *paginate<TNode>(
      query: string,
      variables: Record<string, unknown>,
      opts: Parameters<AdminGraphql["paginate"]>[2],
    ): AsyncGenerator<Page<TNode>> {
      for await (const page of inner.paginate<TNode>(query, variables, opts)) {
        count(page.cost);
        yield page;
      }
    },
    bucket: () => inner.bucket(),
    stats: () => inner.stats(),
  };
}

export interface BulkRunOptions {
  fetch: FetchLike;
  /** First poll after this many ms (default 500), growing ×1.5 up to maxPollMs (default 10 s). */
  pollMs?: number;
  maxPollMs?: number;
  /** Give up waiting for a free bulk slot / the result after this long (default 2 h). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class BulkQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BulkQueryError";
  }
}

/**
 * Runs one bulk query to completion and yields its JSONL lines (error lines included, so callers
 * know the file was not fully readable). Partial files of failed operations are never used: a
 * partial id map would turn every record it lacks into a false "missing".
 */
export async function* runBulkQuery(
  admin: MeteredAdmin,
  query: string,
  opts: BulkRunOptions,
): AsyncGenerator<JsonlRecordItem | { kind: "error"; line: number; error: string }> {
  const pollMs = opts.pollMs ?? 500;
  const maxPollMs = opts.maxPollMs ?? 10_000;
  const deadline = Date.now() + (opts.timeoutMs ?? 2 * 3600_000);
  let wait = pollMs;
  let opId: string | null = null;
  while (!opId) {
    const result = await admin.graphql<BulkRunResult>(BULK_RUN_QUERY, { query });
    const payload = result.bulkOperationRunQuery;
    if (payload?.bulkOperation) {
      opId = payload.bulkOperation.id;
      admin.spend.bulkOperations++;
      break;
    }
    const errors = payload?.userErrors ?? [];
    const busy = errors.some(
      (e) => e.code === "OPERATION_IN_PROGRESS" || e.code === "LIMIT_REACHED",
    );
    if (!busy || Date.now() > deadline)
      throw new BulkQueryError(
        `bulkOperationRunQuery refused: ${errors.map((e) => e.message).join("; ") || "no operation"}`,
      );
    await delay(wait, undefined, { signal: opts.signal });
    wait = Math.min(maxPollMs, wait * 1.5);
  }
  wait = pollMs;
  let url: string | null = null;
  for (;;) {
    await delay(wait, undefined, { signal: opts.signal });
    wait = Math.min(maxPollMs, wait * 1.5);
    const { bulkOperation: op } = await admin.graphql<{ bulkOperation: BulkOperationInfo | null }>(
      BULK_OPERATION_QUERY,
      { id: opId },
    );
    if (!op) throw new BulkQueryError(`bulk operation ${opId} not found`);
    if (op.status === "COMPLETED") {
      url = op.url;
      break;
    }
    if (op.status === "FAILED" || op.status === "CANCELED" || op.status === "EXPIRED")
      throw new BulkQueryError(
        `bulk operation ${op.status.toLowerCase()}${op.errorCode ? ` (${op.errorCode})` : ""}`,
      );
    if (Date.now() > deadline)
      throw new BulkQueryError(`bulk operation ${opId} still ${op.status} after the timeout`);
  }
  if (!url) return; // no records at all
  for await (const item of readJsonl(url, {
    fetch: opts.fetch,
    download: { signal: opts.signal },
  })) {
    if (item.kind === "record") yield item;
    else yield { kind: "error", line: item.line, error: item.error };
  }
}
