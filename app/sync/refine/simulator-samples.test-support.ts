/**
 * Test support (imported by tests only): sample records from the local Shopify simulator, in the
 * three shapes refinement receives — bulk JSONL lines (the simulator's real bulk runner executing
 * the resource's bulkQuery), paginated nodes (the real executor running pageQuery) and REST webhook
 * payloads (the simulator's restPayload for the same records).
 */
import { parse } from "graphql";
import { startSimulator, type RunningSimulator } from "../../../simulator/src/server";
import type { GqlRecord, ResourceName, SimShop } from "../../../simulator/src/types";
import { restPayload } from "../../../simulator/src/webhooks/payloads";
import type { ResourceDefinition } from "../resources/types";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SampleShop {
  sim: RunningSimulator;
  domain: string;
  shop: SimShop;
  close(): Promise<void>;
}

export async function startSampleShop(orders = 50, seed = 11): Promise<SampleShop> {
  const domain = `refine-${seed}.myshopify.com`;
  const sim = await startSimulator({
    shops: [{ domain, seed, size: { orders } }],
    bulkMinDurationMs: 0,
    log: () => {},
  });
  return { sim, domain, shop: sim.shop(domain), close: () => sim.close() };
}

/** Runs `query` as a bulk operation and returns its JSONL lines (parsed). */
export async function bulkLines(s: SampleShop, query: string): Promise<Json[]> {
  const run = s.sim.bulk.runQuery(s.shop, query);
  if (!run.bulkOperation) throw new Error(`bulk query refused: ${JSON.stringify(run.userErrors)}`);
  await s.sim.bulk.idle(s.shop, 120_000);
  const op = s.sim.bulk.get(s.shop, run.bulkOperation.id)!;
  if (op.status !== "COMPLETED") throw new Error(`bulk operation ${String(op.status)}: ${String(op.errorCode)}`);
  if (!op.url) return [];
  const text = await (await fetch(String(op.url))).text();
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Json);
}

/** First page of `def.pageQuery` (nodes as the Admin API returns them). */
export async function pageNodes(s: SampleShop, def: ResourceDefinition, first = 50, query?: string): Promise<Json[]> {
  const result = await s.sim.executor.execute(s.shop, parse(def.pageQuery), { first, query: query ?? null });
  if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join("; "));
  let conn = result.data as Json | null | undefined;
  for (const key of def.connectionPath) conn = conn?.[key] as Json | undefined;
  return (conn?.nodes as Json[] | undefined) ?? [];
}

/** The store record (GraphQL-shaped) of a GID. */
export function storeRecord(s: SampleShop, gid: string): GqlRecord {
  const r = s.shop.store.node(gid);
  if (!r) throw new Error(`no record ${gid}`);
  return r;
}

export function records(s: SampleShop, resource: ResourceName, limit = 1000): GqlRecord[] {
  const out: GqlRecord[] = [];
  for (const { record } of s.shop.store.collection(resource).scan()) {
    out.push(record);
    if (out.length >= limit) break;
  }
  return out;
}

/** The REST webhook payload Shopify would send for `record` (round-tripped through JSON, as delivered). */
export function webhook(s: SampleShop, topic: string, record: GqlRecord, subject?: GqlRecord): Json {
  const payload = restPayload(topic, record, subject, {
    shop: s.shop.store.shop(),
    domain: s.domain,
    resolve: (gid) => s.shop.store.node(gid),
  });
  return JSON.parse(JSON.stringify(payload)) as Json;
}
