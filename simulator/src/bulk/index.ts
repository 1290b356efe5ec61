/**
 * Bulk operations (bulkOperationRunQuery & co) for every shop of the simulator.
 *
 * - runQuery: validate (real schema + Shopify's bulk rules) → BulkOperation CREATED; runs async.
 * - execution: the root connection is iterated lazily from the store (`collection.scan`), each
 *   node's selection is resolved with the executor's resolvers (compiled projector; per-record
 *   `executor.execute` with the record pinned when the fast path declines), flattened into JSONL
 *   (nested connection nodes → own lines with `__parentId`), streamed to a file.
 * - results are served at `${sim.url}/_sim/bulk/<token>.jsonl` until they expire (7 days default).
 * - faults from `shop.faults.bulk`, cancel, concurrency limit (5 per shop), `bulk_operations/finish`.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  type DocumentNode,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  GraphQLError,
  Kind,
  getArgumentValues,
} from "graphql";

import type {
  BulkManager,
  BulkUserError,
  GqlRecord,
  ResolverContext,
  ResourceName,
  ScanOptions,
  SimShop,
  SimulatorInternals,
} from "../types.js";
import {
  type FlattenPlan,
  type Projector,
  ProjectionFallback,
  buildFlattenPlan,
  compileProjector,
  flattenRecord,
} from "./project.js";
import { toSortKey } from "../graphql/connection.js";
import { parseSearchQuery } from "../graphql/search.js";
import { restPayload } from "../webhooks/payloads.js";
import { type BulkPlan, checkBulkQuery } from "./validate.js";
import { JsonlWriter } from "./writer.js";

export { checkBulkQuery } from "./validate.js";

/** Up to five bulk query operations at a time per shop (API 2026-01 and later). */
export const MAX_CONCURRENT_QUERIES = 5;
export const DEFAULT_RESULT_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Root fields streamed from a store collection. Other roots run through the executor in one go. */
const STREAMED_ROOTS: Record<string, ResourceName> = {
  orders: "orders",
  products: "products",
  customers: "customers",
  locations: "locations",
  inventoryItems: "inventoryItems",
  abandonedCheckouts: "abandonedCheckouts",
  marketingEvents: "marketingEvents",
  discountNodes: "discounts",
  disputes: "disputes",
};

const SIXTY_DAYS_MS = 60 * 24 * 3600 * 1000;

type Status = "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";
type ErrorCode = "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";

/** The GraphQL-shaped record (`BulkOperation`). */
export interface BulkOperationRecord extends GqlRecord {
  __typename: "BulkOperation";
  id: string;
  status: Status;
  errorCode: ErrorCode | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  query: string;
  type: "QUERY" | "MUTATION";
}

interface ResultFile {
  token: string;
  path: string;
  expiresAt: number;
  op: Op;
  expired: boolean;
}

interface Op {
  n: number;
  createdMs: number;
  shop: SimShop;
  record: BulkOperationRecord;
  plan: BulkPlan;
  groupObjects: boolean;
  fault: { errorCode: "TIMEOUT" | "INTERNAL_SERVER_ERROR"; afterFraction: number } | null;
  cancelRequested: boolean;
  wake: (() => void) | null;
  done: Promise<void>;
  file: ResultFile | null;
  /** Live counters while RUNNING. */
  writer: JsonlWriter | null;
  /** How records were produced (tests/benchmarks). */
  stats: { projected: number; executed: number };
}

export interface BulkManagerOptions {
  /** Lifetime of result URLs (default 7 days; also read from `sim.options.bulkResultTtlMs`). */
  resultTtlMs?: number;
  /** "projector" (default): compiled fast path with per-record executor fallback; "executor": every record through `executor.execute`. */
  mode?: "projector" | "executor";
  /** Seed of the child-line interleaving (default: the shop's seed). */
  interleaveSeed?: number;
  now?: () => number;
}

export interface BulkManagerInternal extends BulkManager {
  /** Result URL lifetime in ms (mutable: tests shorten it). */
  resultTtlMs: number;
  /** Expires the result files of one operation (or all of the shop) now. */
  expire(shop: SimShop, gid?: string): void;
  /** Local path of an operation's result (or partial) file, while it exists. */
  filePath(shop: SimShop, gid: string): string | null;
  /** How an operation's records were produced. */
  stats(shop: SimShop, gid: string): { projected: number; executed: number } | undefined;
}

function isoNow(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function hashSeed(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join("|")) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function xmlError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  details?: string,
): void {
  const body =
    `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message>` +
    (details ? `<Details>${details}</Details>` : "") +
    `</Error>`;
  res.writeHead(status, {
    "Content-Type": "application/xml; charset=UTF-8",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

function sleep(ms: number, op: Op): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      op.wake = null;
      resolve();
    }, ms);
    op.wake = () => {
      clearTimeout(t);
      op.wake = null;
      resolve();
    };
  });
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createBulkManager(
  sim: SimulatorInternals,
  options: BulkManagerOptions = {},
): BulkManagerInternal {
  const now = options.now ?? Date.now;
  const ops = new Map<string, Op>(); // by gid
  const byShop = new Map<string, Op[]>(); // newest last
  const files = new Map<string, ResultFile>(); // by token
  let counter = 0;
  let dir: string | null = null;
  let ownsDir = false;
  let closed = false;

  const ttlFromOptions = (sim.options as { bulkResultTtlMs?: number } | undefined)?.bulkResultTtlMs;
  const manager: BulkManagerInternal = {
    resultTtlMs: options.resultTtlMs ?? ttlFromOptions ?? DEFAULT_RESULT_TTL_MS,
    runQuery,
    cancel,
    get,
    list,
    current,
    serve,
    idle,
    close,
    expire,
    filePath,
    stats: (shop, gid) => {
      const op = ops.get(gid);
      return op && op.shop.domain === shop.domain ? { ...op.stats } : undefined;
    },
  };

  function resultDir(): string {
    if (dir) return dir;
    if (sim.options?.dataDir) {
      dir = path.join(sim.options.dataDir, "bulk");
      mkdirSync(dir, { recursive: true });
    } else {
      dir = mkdtempSync(path.join(tmpdir(), "storesync-sim-bulk-"));
      ownsDir = true;
    }
    return dir;
  }

  function log(line: string): void {
    sim.options?.log?.(`[bulk] ${line}`);
  }

  function snapshot(op: Op): GqlRecord {
    checkExpiry(op);
    const r = { ...op.record };
    if (op.writer && (r.status === "RUNNING" || r.status === "CANCELING")) {
      r.objectCount = String(op.writer.linesEmitted);
      r.rootObjectCount = String(op.writer.rootsWritten);
    }
    return r;
  }

  function inProgress(op: Op): boolean {
    const s = op.record.status;
    return s === "CREATED" || s === "RUNNING" || s === "CANCELING";
  }

  function runQuery(shop: SimShop, query: string, opts: { groupObjects?: boolean } = {}) {
    const check = checkBulkQuery(sim.schema, query);
    if (!check.ok) return { bulkOperation: null, userErrors: check.userErrors };
    const running = (byShop.get(shop.domain) ?? []).filter(
      (o) => inProgress(o) && o.record.type === "QUERY",
    );
    if (running.length >= MAX_CONCURRENT_QUERIES) {
      const ids = running.map((o) => o.record.id).sort();
      const userErrors: BulkUserError[] = [
        {
          field: null,
          message: `A bulk query operation for this app and shop is already in progress: ${ids.join(", ")}.`,
          code: "OPERATION_IN_PROGRESS",
        },
      ];
      return { bulkOperation: null, userErrors };
    }
    counter++;
    const n = 4_000_000_000 + counter;
    const createdMs = now();
    const record: BulkOperationRecord = {
      __typename: "BulkOperation",
      id: `gid://shopify/BulkOperation/${n}`,
      status: "CREATED",
      errorCode: null,
      createdAt: isoNow(createdMs),
      completedAt: null,
      objectCount: "0",
      rootObjectCount: "0",
      fileSize: null,
      url: null,
      partialDataUrl: null,
      query,
      type: "QUERY",
    };
    // A pending bulk fault applies to the next operation(s) that start.
    let fault: Op["fault"] = null;
    const f = shop.faults?.bulk;
    if (f && f.remaining > 0) {
      fault = { errorCode: f.errorCode, afterFraction: f.afterFraction };
      f.remaining--;
      if (f.remaining <= 0) shop.faults.bulk = null;
    }
    const op: Op = {
      n,
      createdMs,
      shop,
      record,
      plan: check.plan,
      groupObjects: opts.groupObjects ?? false,
      fault,
      cancelRequested: false,
      wake: null,
      done: Promise.resolve(),
      file: null,
      writer: null,
      stats: { projected: 0, executed: 0 },
    };
    ops.set(record.id, op);
    const list = byShop.get(shop.domain) ?? [];
    list.push(op);
    byShop.set(shop.domain, list);
    op.done = run(op).catch((error) => {
      log(`operation ${record.id} crashed: ${(error as Error).stack ?? error}`);
      if (inProgress(op)) finish(op, "FAILED", "INTERNAL_SERVER_ERROR");
    });
    log(`${shop.domain} ${record.id} created (groupObjects=${op.groupObjects})`);
    return { bulkOperation: { ...record } as GqlRecord, userErrors: [] };
  }

  function cancel(shop: SimShop, gid: string) {
    const op = ops.get(gid);
    if (!op || op.shop.domain !== shop.domain) {
      return {
        bulkOperation: null,
        userErrors: [{ field: ["id"], message: "Bulk operation does not exist", code: null }],
      };
    }
    if (!inProgress(op)) {
      return {
        bulkOperation: snapshot(op),
        userErrors: [
          {
            field: null,
            message: `A bulk operation cannot be canceled when it is ${op.record.status.toLowerCase()}`,
            code: null,
          },
        ],
      };
    }
    if (op.record.status !== "CANCELING") {
      op.record.status = "CANCELING";
      op.cancelRequested = true;
      op.wake?.();
    }
    return { bulkOperation: snapshot(op), userErrors: [] };
  }

  function get(shop: SimShop, gid: string): GqlRecord | undefined {
    const op = ops.get(gid);
    return op && op.shop.domain === shop.domain ? snapshot(op) : undefined;
  }

  function list(shop: SimShop): GqlRecord[] {
    return [...(byShop.get(shop.domain) ?? [])].reverse().map(snapshot);
  }

  function current(shop: SimShop, type: "QUERY" | "MUTATION" = "QUERY"): GqlRecord | undefined {
    const all = byShop.get(shop.domain) ?? [];
    for (let i = all.length - 1; i >= 0; i--)
      if (all[i]!.record.type === type) return snapshot(all[i]!);
    return undefined;
  }

  function publish(op: Op, filePath: string): string {
    const token = randomBytes(16).toString("hex");
    const file: ResultFile = {
      token,
      path: filePath,
      expiresAt: now() + manager.resultTtlMs,
      op,
      expired: false,
    };
    files.set(token, file);
    op.file = file;
    return `${sim.url}/_sim/bulk/${token}.jsonl`;
  }

  function checkExpiry(op: Op): void {
    const file = op.file;
    if (!file || file.expired || now() < file.expiresAt) return;
    file.expired = true;
    rmSync(file.path, { force: true });
    if (op.record.status === "COMPLETED") op.record.status = "EXPIRED";
  }

  function expire(shop: SimShop, gid?: string): void {
    for (const op of byShop.get(shop.domain) ?? []) {
      if (gid && op.record.id !== gid) continue;
      if (op.file) op.file.expiresAt = Math.min(op.file.expiresAt, now());
      checkExpiry(op);
    }
  }

  function filePath(shop: SimShop, gid: string): string | null {
    const op = ops.get(gid);
    if (!op || op.shop.domain !== shop.domain || !op.file || op.file.expired) return null;
    return op.file.path;
  }

  function finish(
    op: Op,
    status: "COMPLETED" | "FAILED" | "CANCELED",
    errorCode: ErrorCode | null,
  ): void {
    const r = op.record;
    r.status = status;
    r.errorCode = errorCode;
    r.completedAt = isoNow(now());
    op.writer = null;
    log(
      `${op.shop.domain} ${r.id} ${status}${errorCode ? ` (${errorCode})` : ""} objects=${r.objectCount} roots=${r.rootObjectCount}`,
    );
    // Payload built by the webhooks part (REST shape: lowercase status/type/error_code, shop-time stamps).
    let shopRecord: GqlRecord | undefined;
    try {
      shopRecord = op.shop.store.shop();
    } catch {
      shopRecord = undefined;
    }
    const payload = restPayload("bulk_operations/finish", r, undefined, {
      shop: shopRecord,
      domain: op.shop.domain,
    });
    try {
      sim.webhooks?.trigger(op.shop.domain, "bulk_operations/finish", payload);
    } catch (error) {
      log(`bulk_operations/finish for ${r.id} failed: ${(error as Error).message}`);
    }
  }

  /** The per-record fallback document: node(id:) with the node selection. */
  function nodeDocument(plan: BulkPlan, nodeType: GraphQLNamedType): DocumentNode {
    const selections = plan.nodeSelections.flatMap((s) => s.selections);
    const op: OperationDefinitionNode = {
      kind: Kind.OPERATION_DEFINITION,
      operation: "query" as OperationDefinitionNode["operation"],
      name: { kind: Kind.NAME, value: "BulkNode" },
      variableDefinitions: [
        {
          kind: Kind.VARIABLE_DEFINITION,
          variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: "id" } },
          type: {
            kind: Kind.NON_NULL_TYPE,
            type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: Kind.SELECTION_SET,
        selections: [
          {
            kind: Kind.FIELD,
            name: { kind: Kind.NAME, value: "node" },
            arguments: [
              {
                kind: Kind.ARGUMENT,
                name: { kind: Kind.NAME, value: "id" },
                value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: "id" } },
              },
            ],
            selectionSet: {
              kind: Kind.SELECTION_SET,
              selections: [
                {
                  kind: Kind.INLINE_FRAGMENT,
                  typeCondition: {
                    kind: Kind.NAMED_TYPE,
                    name: { kind: Kind.NAME, value: nodeType.name },
                  },
                  selectionSet: { kind: Kind.SELECTION_SET, selections } as SelectionSetNode,
                },
              ],
            },
          },
        ],
      },
    };
    return { kind: Kind.DOCUMENT, definitions: [op, ...Object.values(plan.fragments)] };
  }

  function accessDenied(errors: readonly GraphQLError[] | undefined): boolean {
    return !!errors?.some(
      (e) => (e.extensions as { code?: unknown } | undefined)?.code === "ACCESS_DENIED",
    );
  }

  class OpFailure extends Error {
    constructor(
      readonly code: ErrorCode,
      message: string,
    ) {
      super(message);
    }
  }

  async function run(op: Op): Promise<void> {
    await yieldToLoop();
    const { shop } = op;
    if (op.cancelRequested) return finish(op, "CANCELED", null);
    op.record.status = "RUNNING";

    // Same access rules as the regular API: ask the executor for the bare root field.
    if (await rootAccessDenied(op)) {
      await waitMinDuration(op);
      return finish(
        op,
        op.cancelRequested ? "CANCELED" : "FAILED",
        op.cancelRequested ? null : "ACCESS_DENIED",
      );
    }

    const file = path.join(resultDir(), `${op.n}-${randomBytes(6).toString("hex")}.jsonl`);
    const seed =
      options.interleaveSeed ?? hashSeed(shop.config?.seed ?? sim.options?.seed ?? 1, op.n);
    const writer = new JsonlWriter(file, { groupObjects: op.groupObjects, seed });
    op.writer = writer;
    let failure: OpFailure | null = null;
    let canceled = false;
    try {
      const source = rootSource(op);
      await source.prepare();
      const stopAfter = op.fault ? Math.floor(source.total() * op.fault.afterFraction) : Infinity;
      let lastYield = performance.now();
      let i = 0;
      for (const record of source.records()) {
        if (writer.rootsWritten >= stopAfter) break;
        let lines = source.toLines(record);
        if (lines instanceof Promise) lines = await lines;
        if (lines.length) writer.addRoot(lines);
        if (++i % 32 === 0) {
          if (writer.buffered > 256 * 1024) await writer.flush();
          if (performance.now() - lastYield > 8) {
            await yieldToLoop();
            lastYield = performance.now();
          }
          if (op.cancelRequested) {
            canceled = true;
            break;
          }
        }
      }
      if (op.fault && !canceled) failure = new OpFailure(op.fault.errorCode, "injected fault");
    } catch (error) {
      failure =
        error instanceof OpFailure
          ? error
          : new OpFailure("INTERNAL_SERVER_ERROR", (error as Error).message);
      if (!(error instanceof OpFailure))
        log(`${op.record.id} failed: ${(error as Error).stack ?? error}`);
    }

    if (canceled || op.cancelRequested) {
      await writer.abort();
      rmSync(file, { force: true });
      return finish(op, "CANCELED", null);
    }
    await writer.end(!failure);
    const r = op.record;
    r.objectCount = String(writer.linesWritten);
    r.rootObjectCount = String(writer.rootsWritten);
    op.writer = null;
    await waitMinDuration(op);
    if (op.cancelRequested) {
      rmSync(file, { force: true });
      return finish(op, "CANCELED", null);
    }
    const size = writer.linesWritten ? statSync(file).size : 0;
    if (failure) {
      if (writer.linesWritten > 0) r.partialDataUrl = publish(op, file);
      else rmSync(file, { force: true });
      return finish(op, "FAILED", failure.code);
    }
    if (writer.linesWritten === 0) {
      rmSync(file, { force: true });
      return finish(op, "COMPLETED", null);
    }
    r.fileSize = String(size);
    r.url = publish(op, file);
    finish(op, "COMPLETED", null);
  }

  /** Operations finish no sooner than `bulkMinDurationMs` after creation (cancel wakes the wait). */
  async function waitMinDuration(op: Op): Promise<void> {
    const min = sim.options?.bulkMinDurationMs ?? 200;
    const remaining = op.createdMs + min - now();
    if (remaining > 0 && !op.cancelRequested) await sleep(remaining, op);
  }

  interface RootSource {
    /** Runs before iteration (the whole-query fallback executes here). */
    prepare(): Promise<void>;
    total(): number;
    records(): Iterable<unknown>;
    toLines(record: unknown): string[] | Promise<string[]>;
  }

  async function rootAccessDenied(op: Op): Promise<boolean> {
    const root = op.plan.rootField;
    const probe: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [
        {
          kind: Kind.OPERATION_DEFINITION,
          operation: "query" as OperationDefinitionNode["operation"],
          selectionSet: {
            kind: Kind.SELECTION_SET,
            selections: [
              {
                ...root,
                alias: undefined,
                directives: [],
                selectionSet: {
                  kind: Kind.SELECTION_SET,
                  selections: [
                    { kind: Kind.FIELD, name: { kind: Kind.NAME, value: "__typename" } },
                  ],
                },
              },
            ],
          },
        },
      ],
    };
    const result = await sim.executor.execute(op.shop, probe, {}, { bulk: true });
    return accessDenied(result.errors);
  }

  /** Where the root objects come from and how each becomes JSONL lines. */
  function rootSource(op: Op): RootSource {
    const { plan, shop } = op;
    const ctx: ResolverContext = { sim, shop, bulk: true };
    const rootName = plan.rootField.name.value;
    const resource = STREAMED_ROOTS[rootName];
    const nodeType = plan.nodeType;
    if (resource && nodeType && plan.rootIsConnection) {
      const args = getArgumentValues(plan.rootFieldDef, plan.rootField, {}) as {
        query?: string | null;
        sortKey?: string | null;
        reverse?: boolean | null;
      };
      // As the executor's root connection: read_all_orders window, search filter, sort key, reverse.
      const filter = parseSearchQuery(args.query);
      if (resource === "orders" && !shop.scopes.has("read_all_orders")) {
        filter.unshift({
          field: "created_at",
          op: ">=",
          value: new Date(Date.now() - SIXTY_DAYS_MS).toISOString(),
        });
      }
      const scan: ScanOptions = {
        filter,
        sortKey: toSortKey(args.sortKey),
        reverse: !!args.reverse,
      };
      const collection = shop.store.collection(resource);
      return {
        prepare: async () => {},
        total: () => collection.count(scan.filter),
        *records() {
          for (const { record } of collection.scan(scan)) yield record;
        },
        toLines: recordToLines(op, nodeType, ctx),
      };
    }
    return wholeQuerySource(op);
  }

  /** Projector first; the executor (record pinned, `node(id:)`) when the fast path declines or in "executor" mode. */
  function recordToLines(
    op: Op,
    nodeType: GraphQLNamedType,
    ctx: ResolverContext,
  ): (record: unknown) => string[] | Promise<string[]> {
    const { plan, shop } = op;
    const flattenPlan = buildFlattenPlan(sim.schema, plan.nodeSelections, nodeType, plan.fragments);
    const projector: Projector | null =
      (options.mode ?? "projector") === "projector"
        ? compileProjector(nodeType, plan.nodeSelections, {
            schema: sim.schema,
            fragments: plan.fragments,
            operation: plan.operation,
            fieldResolver: sim.executor.fieldResolver,
            typeResolver: sim.executor.typeResolver,
          })
        : null;
    const doc = nodeDocument(plan, nodeType);
    const execute = async (record: GqlRecord): Promise<string[]> => {
      op.stats.executed++;
      const result = await sim.executor.execute(
        shop,
        doc,
        { id: record.id },
        { bulk: true, pinned: new Map([[record.id, record]]) },
      );
      if (accessDenied(result.errors))
        throw new OpFailure("ACCESS_DENIED", result.errors![0]!.message);
      const node = (result.data as { node?: Record<string, unknown> | null } | null | undefined)
        ?.node;
      if (!node) {
        if (result.errors?.length)
          throw new OpFailure("INTERNAL_SERVER_ERROR", result.errors[0]!.message);
        return [];
      }
      return flattenRecord(node, flattenPlan, null);
    };
    return (raw) => {
      const record = raw as GqlRecord;
      if (projector) {
        try {
          const obj = projector(record, ctx);
          op.stats.projected++;
          return flattenRecord(obj, flattenPlan, null);
        } catch (error) {
          if (!(error instanceof ProjectionFallback)) throw error;
        }
      }
      return execute(record);
    };
  }

  /**
   * Roots without a store collection behind them (codeDiscountNodes, disputes, shopifyPaymentsAccount, ...):
   * the whole query runs once through the executor in bulk mode (all items), then is flattened.
   * A non-connection root (e.g. shopifyPaymentsAccount) contributes the nodes of its connections as root objects.
   */
  function wholeQuerySource(op: Op): RootSource {
    const { plan, shop } = op;
    const roots: { obj: Record<string, unknown>; flatten: FlattenPlan | null }[] = [];
    const key = plan.rootField.alias?.value ?? plan.rootField.name.value;
    return {
      prepare: async () => {
        const result = await sim.executor.execute(shop, plan.document, {}, { bulk: true });
        if (accessDenied(result.errors))
          throw new OpFailure("ACCESS_DENIED", result.errors![0]!.message);
        if (result.errors?.length)
          throw new OpFailure("INTERNAL_SERVER_ERROR", result.errors[0]!.message);
        const value = (result.data as Record<string, unknown> | null | undefined)?.[key] as
          Record<string, unknown> | null | undefined;
        if (!value) return;
        const wrapper = buildFlattenPlan(
          sim.schema,
          [{ kind: Kind.SELECTION_SET, selections: [plan.rootField] }],
          sim.schema.getQueryType()!,
          plan.fragments,
        );
        const rootEntry = wrapper?.entries.find((e) => e.key === key);
        if (plan.rootIsConnection) {
          for (const edge of (value.edges as { node?: Record<string, unknown> }[] | undefined) ??
            []) {
            if (edge?.node) roots.push({ obj: edge.node, flatten: rootEntry?.plan ?? null });
          }
          return;
        }
        for (const entry of rootEntry?.plan?.entries ?? []) {
          if (!entry.connection) continue;
          const conn = value[entry.key] as
            { edges?: { node?: Record<string, unknown> }[] } | null | undefined;
          for (const edge of conn?.edges ?? [])
            if (edge?.node) roots.push({ obj: edge.node, flatten: entry.plan });
        }
      },
      total: () => roots.length,
      records: () => roots,
      toLines: (r) => {
        const { obj, flatten } = r as (typeof roots)[number];
        op.stats.executed++;
        return flattenRecord(obj, flatten, null);
      },
    };
  }

  async function idle(shop?: SimShop, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = [...ops.values()].filter(
        (o) => inProgress(o) && (!shop || o.shop.domain === shop.domain),
      );
      if (!pending.length) return;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `bulk operations still running after ${timeoutMs} ms: ${pending.map((o) => o.record.id).join(", ")}`,
        );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(pending.map((o) => o.done)),
        new Promise((resolve) => {
          timer = setTimeout(resolve, left);
        }),
      ]);
      clearTimeout(timer);
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const op of ops.values()) if (inProgress(op)) cancel(op.shop, op.record.id);
    await Promise.all([...ops.values()].map((o) => o.done));
    for (const f of files.values()) rmSync(f.path, { force: true });
    files.clear();
    if (dir && ownsDir) rmSync(dir, { recursive: true, force: true });
  }

  function serve(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const match = /^\/_sim\/bulk\/([0-9a-f]{32})\.jsonl$/.exec(url.pathname);
    if (!match) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" });
      res.end();
      return true;
    }
    const file = files.get(match[1]!);
    if (!file) {
      xmlError(res, 404, "NoSuchKey", "The specified key does not exist.");
      return true;
    }
    checkExpiry(file.op);
    if (file.expired) {
      xmlError(
        res,
        403,
        "ExpiredToken",
        "The provided token has expired.",
        `Request signature expired at: ${new Date(file.expiresAt).toISOString()}`,
      );
      return true;
    }
    let size: number;
    try {
      size = statSync(file.path).size;
    } catch {
      xmlError(res, 404, "NoSuchKey", "The specified key does not exist.");
      return true;
    }
    const headers: Record<string, string | number> = {
      "Content-Type": "application/jsonl",
      "Accept-Ranges": "bytes",
      "Content-Disposition": `attachment; filename="bulk-${file.op.n}.jsonl"; filename*=UTF-8''bulk-${file.op.n}.jsonl`,
      "Cache-Control": "private, max-age=0",
    };
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = req.headers.range;
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (m && (m[1] || m[2])) {
        if (m[1]) {
          start = Number(m[1]);
          end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
        } else {
          start = Math.max(0, size - Number(m[2]));
        }
        if (start > end || start >= size) {
          res.writeHead(416, { "Content-Range": `bytes */${size}` });
          res.end();
          return true;
        }
        status = 206;
        headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
      }
    }
    headers["Content-Length"] = size === 0 ? 0 : end - start + 1;
    res.writeHead(status, headers);
    if (req.method === "HEAD" || size === 0) {
      res.end();
      return true;
    }
    const stream = createReadStream(file.path, { start, end });
    stream.on("error", () => res.destroy());
    stream.pipe(res);
    return true;
  }

  return manager;
}
