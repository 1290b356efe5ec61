/**
 * Test harness for the bulk part: a running simulator (real schema, executor, bulk manager, HTTP)
 * plus helpers to run a bulk query through the Admin GraphQL mutation and read its JSONL.
 * Only imported by tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { startSimulator, type RunningSimulator } from "../server.js";
import type { GqlRecord, SimShop, SimulatorOptions, StoreSize } from "../types.js";
import { startReceiver, type Receiver } from "../webhooks/test-receiver.js";
import type { BulkManagerInternal } from "./index.js";

export interface BulkHarness {
  sim: RunningSimulator;
  shop: SimShop;
  bulk: BulkManagerInternal;
  token: string;
  /** Receives the shop's bulk_operations/finish webhooks (real signed deliveries). */
  receiver: Receiver;
  /** Admin GraphQL over HTTP, as the app calls it. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ data?: T; errors?: { message: string }[] }>;
  close(): Promise<void>;
}

const OP_FIELDS =
  "id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl query type";

/** A running simulator with one shop of `size`, an access token and a finish-webhook receiver. */
export async function createBulkHarness(
  opts: {
    size?: StoreSize;
    scopes?: string[];
    bulkMinDurationMs?: number;
    options?: SimulatorOptions;
  } = {},
): Promise<BulkHarness> {
  const tmp = tempDir("bulk-harness-");
  const domain = "bulk-test.myshopify.com";
  const sim = await startSimulator({
    shops: [
      {
        domain,
        seed: 7,
        size: opts.size ?? { orders: 60 },
        ...(opts.scopes ? { scopes: opts.scopes } : {}),
      },
    ],
    bulkMinDurationMs: opts.bulkMinDurationMs ?? 0,
    dataDir: tmp.dir,
    log: () => {},
    ...opts.options,
  });
  const shop = sim.shop(domain);
  const receiver = await startReceiver();
  sim.webhooks.createSubscription(
    domain,
    "bulk_operations/finish",
    `${receiver.url}/webhooks/bulk`,
  );
  const token = sim.issueAccessToken(domain).accessToken;
  return {
    sim,
    shop,
    bulk: sim.bulk as BulkManagerInternal,
    token,
    receiver,
    async graphql(query, variables) {
      const res = await fetch(`${sim.url}/_sim/shops/${domain}/admin/api/2026-07/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
        body: JSON.stringify({ query, variables }),
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      return (await res.json()) as never;
    },
    async close() {
      await sim.close();
      await receiver.close();
      tmp.remove();
    },
  };
}

type RunResult = {
  bulkOperation: GqlRecord | null;
  userErrors: { field: string[] | null; message: string; code: string | null }[];
};

/** bulkOperationRunQuery through the Admin GraphQL endpoint. */
export async function runBulkMutation(
  h: BulkHarness,
  query: string,
  groupObjects?: boolean,
): Promise<RunResult> {
  const r = await h.graphql<{ bulkOperationRunQuery: RunResult }>(
    `mutation Run($q: String!, $g: Boolean!) {
      bulkOperationRunQuery(query: $q, groupObjects: $g) { bulkOperation { ${OP_FIELDS} } userErrors { field message code } }
    }`,
    { q: query, g: groupObjects ?? false },
  );
  if (r.errors?.length) throw new Error(r.errors.map((e) => e.message).join("; "));
  return r.data!.bulkOperationRunQuery;
}

export async function bulkOperationById(
  h: BulkHarness,
  id: string,
): Promise<Record<string, unknown> | null> {
  const r = await h.graphql<{ bulkOperation: Record<string, unknown> | null }>(
    `query Op($id: ID!) { bulkOperation(id: $id) { ${OP_FIELDS} } }`,
    { id },
  );
  if (r.errors?.length) throw new Error(r.errors.map((e) => e.message).join("; "));
  return r.data!.bulkOperation;
}

/** Runs a bulk query to its end; returns the final operation. */
export async function runBulkToEnd(
  h: BulkHarness,
  query: string,
  groupObjects?: boolean,
): Promise<Record<string, unknown>> {
  const run = await runBulkMutation(h, query, groupObjects);
  if (!run.bulkOperation) throw new Error(`bulk query refused: ${JSON.stringify(run.userErrors)}`);
  await h.bulk.idle(h.shop, 120_000);
  return (await bulkOperationById(h, run.bulkOperation.id))!;
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
