/**
 * Healing: refetch drifted records and write them through the same path as every other record
 * (raw_records with source "reconcile" → refineRawRecords → applyRowSets with the version guard),
 * and tombstone records Shopify no longer has.
 *
 *  - Few records: `nodes(ids:)` in batches with the resource's own fields (documents.ts), paced by
 *    the cost-aware client; a batch too expensive for one query (MAX_COST_EXCEEDED) is split.
 *  - Many records (or a node whose inline child connection was cut at `first`): a filtered bulk
 *    operation per id range (`id:>=a id:<=b`, at most `maxBulkRanges` ranges split at the largest
 *    gaps); only lines of the wanted roots (and their children) are ingested.
 *  - Every fetched record is refined even when its raw payload was already stored (a row altered
 *    locally has a record whose hash is known): that is what repairs it.
 *  - Rows altered locally beyond what the guard lets a refetch overwrite (a newer local version, a
 *    local tombstone) are reset first by compare-and-set on synced_at (local.server.ts).
 *  - Zombies are confirmed with `nodes(ids:)` returning null before being tombstoned (cascading to
 *    owned rows); products take their deletion time from `deletionEvents`.
 */
import type { Db } from "~/db.server";
import { GraphqlError } from "../admin-client";
import type { FetchLike } from "../bulk/jsonl";
import { canonicalJson, sha256Hex } from "../ingest/canonical";
import { createRawWriter } from "../ingest/raw-writer.server";
import { refineRawRecords } from "../refine/refine-raw.server";
import { applyRowSets } from "../refine/upsert.server";
import { withSearchQuery } from "../resources/query";
import type { ResourceDefinition, RowSet } from "../resources/types";
import { runBulkQuery, type MeteredAdmin } from "./admin.server";
import {
  DELETION_EVENTS_QUERY,
  hasTruncatedConnection,
  nodesQueryFor,
  NODES_EXIST_QUERY,
  takesChildFirst,
  type DeletionEventNode,
} from "./documents";
import { bindBigint, ph, resetForHeal, toBigInt } from "./local.server";
import type { MapSpec } from "./remote-maps";

type Json = Record<string, unknown>;

export interface HealTuning {
  /** Ids per nodes(ids:) call (default 50). */
  nodesBatch: number;
  /** `first` of inline child connections in nodes queries (default 50). */
  childFirst: number;
  /** More records than this to refetch in one resource: filtered bulk operations (default 1000). */
  bulkThreshold: number;
  /** Id ranges (bulk operations) of one bulk refetch (default 5). */
  maxBulkRanges: number;
  /** Bulk polling (ms). */
  bulkPollMs: number;
}

export const DEFAULT_HEAL_TUNING: HealTuning = {
  nodesBatch: 50,
  childFirst: 50,
  bulkThreshold: 1000,
  maxBulkRanges: 5,
  bulkPollMs: 500,
};

export interface HealContext {
  db: Db;
  shop: string;
  admin: MeteredAdmin;
  fetch: FetchLike;
  def: ResourceDefinition;
  spec: MapSpec;
  tuning: HealTuning;
  signal?: AbortSignal;
}

export interface RefetchRequest {
  id: bigint;
  /** Reset the local row first (compare-and-set on this synced_at). */
  forceSyncedAtMs: number | null;
}

export interface RefetchResult {
  /** Root records fetched and written. */
  written: number;
  /** Root ids Shopify no longer had when fetched (deleted meanwhile: live traffic). */
  vanished: bigint[];
  /** Forced heals skipped because the row was written meanwhile (live traffic wins). */
  liveSkipped: bigint[];
  viaBulk: number;
  /** Records the refiner rejected. */
  errors: string[];
  /** The remote version of each fetched root (to verify the heal). */
  versions: Map<bigint, string | null>;
}

export const gidOf = (def: ResourceDefinition, id: bigint) =>
  `gid://shopify/${def.rootGidType}/${id}`;

function numericId(gid: unknown): bigint | null {
  if (typeof gid !== "string") return null;
  const m = /\/(\d+)(?:\?.*)?$/.exec(gid);
  return m ? BigInt(m[1]!) : null;
}

/** Writes records (root nodes or JSONL lines) through raw ingest and refinement; every record is refined. */
export async function ingestRecords(
  ctx: HealContext,
  records: Json[],
): Promise<{ refined: number; errors: string[] }> {
  if (!records.length) return { refined: 0, errors: [] };
  const { db, shop, def } = ctx;
  const ids = new Map<string, bigint>();
  const writer = createRawWriter(db, {
    shop,
    resource: def.key,
    source: "reconcile",
    batchSize: 1000,
    onInserted: (rows) => {
      for (const r of rows) ids.set(r.hash, r.id);
    },
  });
  const hashes: string[] = [];
  const gidOf = new Map<string, string>();
  for (const r of records) {
    const json = canonicalJson(r);
    const hash = sha256Hex(json);
    hashes.push(hash);
    gidOf.set(hash, String(r.id));
    await writer.add({ gid: String(r.id), payload: r, canonical: { json, hash } });
  }
  await writer.flush();
  const known = [...new Set(hashes.filter((h) => !ids.has(h)))];
  for (let i = 0; i < known.length; i += 500) {
    const part = known.slice(i, i + 500);
    // The gids lead the (shop, gid, hash) unique index: without them this would scan the shop.
    const rows = await db.rawRecord.findMany({
      where: { shop, gid: { in: [...new Set(part.map((h) => gidOf.get(h)!))] }, hash: { in: part } },
      select: { id: true, hash: true },
    });
    for (const r of rows) ids.set(r.hash, BigInt(r.id));
  }
  let refined = 0;
  const errors: string[] = [];
  for (let i = 0; i < records.length; i += 1000) {
    const batch = records.slice(i, i + 1000).map((payload, k) => ({
      id: ids.get(hashes[i + k]!)!,
      resource: def.key,
      source: "reconcile",
      payload,
    }));
    const result = await refineRawRecords(
      db,
      shop,
      batch.filter((b) => b.id !== undefined),
    );
    refined += result.refined;
    errors.push(...result.errors.map((e) => e.message));
  }
  return { refined, errors };
}

/**
 * A fetched node as bulk JSONL lines: every inline connection (`{ pageInfo, nodes }`) is cut out
 * and its nodes become lines of their own with `__parentId` = the closest enclosing record's GID.
 */
export function asBulkLines(node: Json): Json[] {
  const out: Json[] = [];
  const walk = (value: Json, parentId: string | null, isRecord: boolean): Json => {
    const own: Json = {};
    const ownId = typeof value.id === "string" ? value.id : null;
    const closest = isRecord && ownId ? ownId : parentId;
    for (const [k, v] of Object.entries(value)) {
      if (
        v &&
        typeof v === "object" &&
        !Array.isArray(v) &&
        Array.isArray((v as Json).nodes) &&
        "pageInfo" in (v as Json)
      ) {
        for (const child of (v as { nodes: Json[] }).nodes)
          pending.push({ child, parent: closest });
      } else if (v && typeof v === "object" && !Array.isArray(v))
        own[k] = walk(v as Json, closest, false);
      else own[k] = v;
    }
    return own;
  };
  let pending: { child: Json; parent: string | null }[] = [];
  out.push(walk(node, null, true));
  while (pending.length) {
    const batch = pending;
    pending = [];
    for (const { child, parent } of batch)
      out.push({ ...walk(child, parent, true), __parentId: parent });
  }
  return out;
}

/** Splits sorted ids into at most `max` ranges, cutting at the largest gaps. */
export function idRanges(sorted: readonly bigint[], max: number): [bigint, bigint][] {
  if (!sorted.length) return [];
  const gaps = sorted
    .slice(1)
    .map((id, i) => ({ at: i + 1, gap: id - sorted[i]! }))
    .sort((a, b) => (b.gap > a.gap ? 1 : b.gap < a.gap ? -1 : 0))
    .slice(0, Math.max(0, max - 1))
    .map((g) => g.at)
    .sort((a, b) => a - b);
  const out: [bigint, bigint][] = [];
  let start = 0;
  for (const cut of [...gaps, sorted.length]) {
    out.push([sorted[start]!, sorted[cut - 1]!]);
    start = cut;
  }
  return out;
}

/** Refetches root records by id and writes them (see the file comment). */
export async function refetchRecords(
  ctx: HealContext,
  requests: readonly RefetchRequest[],
): Promise<RefetchResult> {
  const result: RefetchResult = {
    written: 0,
    vanished: [],
    liveSkipped: [],
    viaBulk: 0,
    errors: [],
    versions: new Map(),
  };
  if (!requests.length) return result;
  const force = new Map(
    requests.filter((r) => r.forceSyncedAtMs !== null).map((r) => [r.id, r.forceSyncedAtMs!]),
  );
  const all = [...new Set(requests.map((r) => r.id))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const toBulk: bigint[] = [];
  if (ctx.def.fetchMode === "bulk" && all.length > ctx.tuning.bulkThreshold) toBulk.push(...all);
  else {
    const query = nodesQueryFor(ctx.def);
    const childFirst = takesChildFirst(ctx.def);
    let batch = ctx.tuning.nodesBatch;
    let first = ctx.tuning.childFirst;
    for (let i = 0; i < all.length;) {
      const ids = all.slice(i, i + batch);
      let nodes: (Json | null)[];
      try {
        const data = await ctx.admin.graphql<{ nodes: (Json | null)[] }>(query, {
          ids: ids.map((id) => gidOf(ctx.def, id)),
          ...(childFirst ? { childFirst: first } : {}),
        });
        nodes = data.nodes ?? [];
      } catch (err) {
        if (
          err instanceof GraphqlError &&
          err.code === "MAX_COST_EXCEEDED" &&
          (batch > 1 || first > 5)
        ) {
          if (batch > 1) batch = Math.max(1, Math.floor(batch / 2));
          else first = Math.max(5, Math.floor(first / 2));
          continue;
        }
        throw err;
      }
      i += ids.length;
      const fetched: Json[] = [];
      const children: Json[] = [];
      ids.forEach((id, k) => {
        const node = nodes[k];
        if (!node || !node.id) result.vanished.push(id);
        else if (hasTruncatedConnection(node)) toBulk.push(id);
        else if (ctx.def.fetchMode === "bulk") {
          // Bulk resources: the same lines a bulk file holds (children with __parentId), so a healed
          // record refines exactly like a backfilled one.
          const [root, ...rest] = asBulkLines(node);
          fetched.push(root!);
          children.push(...rest);
        } else fetched.push(node);
      });
      await writeRoots(ctx, fetched, force, result, children);
    }
  }
  if (toBulk.length && ctx.def.fetchMode === "bulk")
    await refetchViaBulk(ctx, toBulk, force, result);
  else if (toBulk.length)
    result.errors.push(`${toBulk.length} records have more children than one query returns`);
  return result;
}

/**
 * CAS-resets forced rows, then writes roots and the children of kept roots (`kept` spans the
 * batches of one bulk file: a child line may come in a later batch than its parent).
 */
async function writeRoots(
  ctx: HealContext,
  roots: Json[],
  force: Map<bigint, number>,
  result: RefetchResult,
  children: Json[] = [],
  kept: Set<bigint> = new Set(),
): Promise<void> {
  const lines: Json[] = [];
  for (const node of roots) {
    const id = numericId(node.id)!;
    const syncedAt = force.get(id);
    if (
      syncedAt !== undefined &&
      !(await resetForHeal(ctx.db, ctx.shop, ctx.spec.table, id, syncedAt))
    ) {
      result.liveSkipped.push(id);
      continue;
    }
    lines.push(node);
    kept.add(id);
    result.versions.set(id, ctx.spec.remoteVersion(node));
    result.written++;
  }
  for (const c of children) if (kept.has(numericId(c.__parentId) ?? -1n)) lines.push(c);
  const ingested = await ingestRecords(ctx, lines);
  result.errors.push(...ingested.errors);
}

async function refetchViaBulk(
  ctx: HealContext,
  ids: bigint[],
  force: Map<bigint, number>,
  result: RefetchResult,
): Promise<void> {
  const wanted = new Set(ids);
  const seen = new Set<bigint>();
  const kept = new Set<bigint>();
  for (const [from, to] of idRanges(ids, ctx.tuning.maxBulkRanges)) {
    const query = withSearchQuery(ctx.def.bulkQuery(), `id:>=${from} id:<=${to}`);
    let roots: Json[] = [];
    let children: Json[] = [];
    const flush = async () => {
      await writeRoots(ctx, roots, force, result, children, kept);
      roots = [];
      children = [];
    };
    for await (const item of runBulkQuery(ctx.admin, query, {
      fetch: ctx.fetch,
      pollMs: ctx.tuning.bulkPollMs,
      signal: ctx.signal,
    })) {
      if (item.kind === "error") {
        result.errors.push(`bulk line ${item.line}: ${item.error}`);
        continue;
      }
      const line = item.value;
      const parent = numericId(line.__parentId);
      if (parent === null) {
        const id = numericId(line.id);
        if (id === null || !wanted.has(id)) continue;
        seen.add(id);
        roots.push(line);
      } else if (wanted.has(parent)) children.push(line);
      if (roots.length + children.length >= 2000) await flush();
    }
    await flush();
    result.viaBulk++;
  }
  for (const id of ids) if (!seen.has(id)) result.vanished.push(id);
}

export interface ZombieResult {
  tombstoned: number;
  /** Ids Shopify does have after all (the map missed them): refetched instead. */
  alive: bigint[];
}

/** Confirms zombies are gone remotely (nodes → null) and tombstones them. */
export async function tombstoneZombies(
  ctx: HealContext,
  ids: readonly bigint[],
  sinceMs: number,
): Promise<ZombieResult> {
  const out: ZombieResult = { tombstoned: 0, alive: [] };
  if (!ids.length) return out;
  const gone: bigint[] = [];
  for (let i = 0; i < ids.length; i += 250) {
    const part = ids.slice(i, i + 250);
    const { nodes } = await ctx.admin.graphql<{ nodes: ({ id: string } | null)[] }>(
      NODES_EXIST_QUERY,
      { ids: part.map((id) => gidOf(ctx.def, id)) },
    );
    part.forEach((id, k) => (nodes?.[k]?.id ? out.alive.push(id) : gone.push(id)));
  }
  if (!gone.length) return out;
  const deletedAt =
    ctx.def.key === "products"
      ? await productDeletionTimes(ctx, gone, sinceMs)
      : new Map<bigint, Date>();
  const set: RowSet = {
    rows: {},
    complete: [],
    tombstones: gone.map((id) => ({
      table: ctx.spec.table,
      key: { id },
      cascade: true,
      ...(deletedAt.has(id) ? { deletedAt: deletedAt.get(id)! } : {}),
    })),
  };
  const applied = await applyRowSets(ctx.db, ctx.shop, [set]);
  // Count root rows that now carry a tombstone (cascades to children are not findings).
  out.tombstoned = Math.min(gone.length, applied.tombstoned);
  return out;
}

async function productDeletionTimes(
  ctx: HealContext,
  ids: bigint[],
  sinceMs: number,
): Promise<Map<bigint, Date>> {
  const wanted = new Set(ids);
  const out = new Map<bigint, Date>();
  const since = new Date(Math.max(0, sinceMs - 60_000)).toISOString().replace(/\.\d{3}Z$/, "Z");
  for await (const page of ctx.admin.paginate<DeletionEventNode>(
    DELETION_EVENTS_QUERY,
    { query: `occurred_at:>='${since}'` },
    { connectionPath: ["deletionEvents"], pageSize: 250 },
  )) {
    for (const e of page.nodes) {
      const id = numericId(e.subjectId);
      if (id !== null && wanted.has(id)) out.set(id, new Date(e.occurredAt));
    }
  }
  return out;
}

/** Local ids of orders whose processed day (shop-local) falls in [fromUtc, toUtc) — for day-level heals. */
export async function localOrderIdsBetween(
  db: Db,
  shop: string,
  fromUtc: Date,
  toUtc: Date,
): Promise<bigint[]> {
  const rows = await db.order.findMany({
    where: { shop, deletedAt: null, processedAt: { gte: fromUtc, lt: toUtc } },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => r.id);
}

export { bindBigint, ph, toBigInt };
