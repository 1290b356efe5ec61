/**
 * One reconciliation of a shop: per resource, remote map vs local map (diff.ts), heal
 * (heal.server.ts), verify the heal; then the aggregate cross-check against ShopifyQL; all of it
 * written into one IntegrityReport row as it goes (the Integrity page watches `summaryJson`).
 *
 * Live traffic: the run takes a watermark `startedAt`. Remote versions at or after
 * `startedAt − liveSkewMs` (rounded down to Shopify's whole seconds) are changes made while it runs
 * and local rows written at or after `startedAt` are fresh writes: neither is drift (webhooks and
 * the incremental sync deliver them). Heal writes go through the version guard, so a refetched
 * record never overwrites a newer row; forced heals of rows altered locally are compare-and-set.
 */
import type { Db } from "~/db.server";
import { AccessDeniedError, type AdminGraphql } from "../admin-client";
import type { FetchLike } from "../bulk/jsonl";
import type { JobLog } from "../jobs/types";
import { localDay, recomputeDailyMetrics, shopClock, addDays } from "../metrics/daily.server";
import { definitionFor, resourceDefinitions } from "../resources";
import type { ResourceDefinition } from "../resources/types";
import { recordActivity } from "../sync-runs.server";
import { meter, runBulkQuery, type MeteredAdmin, type Spend } from "./admin.server";
import { checkAggregates, type AggregateCheck } from "./aggregate.server";
import { diffMaps, RemoteMap, type DiffResult, type Finding, type FindingKind } from "./diff";
import {
  DEFAULT_HEAL_TUNING,
  gidOf,
  localOrderIdsBetween,
  refetchRecords,
  tombstoneZombies,
  type HealContext,
  type HealTuning,
} from "./heal.server";
import { localPages, localStates, ph } from "./local.server";
import { mapSpecFor, type MapSpec } from "./remote-maps";

export type ReconcileTrigger = "manual" | "schedule" | "backfill";
export type Verdict = "verified" | "healed" | "drift";

export interface ReconcileDeps {
  db: Db;
  adminFor(shop: string): Promise<AdminGraphql> | AdminGraphql;
  fetch: FetchLike;
  clock: () => Date;
  log: JobLog;
}

export interface ReconcileOptions {
  trigger: ReconcileTrigger;
  /** Resource keys (default: every resource fetched from Shopify). */
  resources?: readonly string[];
  /** Heal what is found (default true); false only reports. */
  heal?: boolean;
  /** Run the ShopifyQL cross-check (default true). */
  aggregate?: boolean;
  /** Remote changes this close to the start count as live: their webhooks may still be in flight (default 60 s). */
  liveSkewMs?: number;
  tuning?: Partial<HealTuning>;
  /** Days of the aggregate check (default: every day with local orders). */
  aggregateWindow?: { from?: string | null; to?: string | null };
  signal?: AbortSignal;
}

export type FindingCounts = Record<FindingKind, number>;

export interface ResourceReport {
  resource: string;
  mode: "bulk-map" | "paged-map" | "count-only" | "skipped";
  remoteCount: number | null;
  localCount: number | null;
  found: FindingCounts & { countMismatch: number };
  healed: FindingCounts;
  /** Findings that turned out to be live changes (deleted / rewritten while the run went on). */
  live: number;
  skippedLive: number;
  remaining: FindingCounts;
  reasons: string[];
  /** Up to 5 GIDs per kind, for people reading the report. */
  samples: Record<FindingKind, string[]>;
  durationMs: number;
}

export interface ReconcileSummary {
  trigger: ReconcileTrigger;
  watermark: string;
  liveCutoff: string;
  progress: { done: number; total: number; current: string | null };
  resources: Record<string, ResourceReport>;
  totals: { found: number; healed: number; remaining: number };
  cost: Spend;
  reasons: string[];
}

export interface ReconcileResult {
  reportId: string;
  verdict: Verdict;
  summary: ReconcileSummary;
  aggregate: AggregateCheck | null;
  durationMs: number;
}

const zero = (): FindingCounts => ({ missing: 0, stale: 0, zombie: 0 });

function numericId(gid: unknown): bigint | null {
  if (typeof gid !== "string") return null;
  const m = /\/(\d+)(?:\?.*)?$/.exec(gid);
  return m ? BigInt(m[1]!) : null;
}

const json = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));

/** Runs a whole reconciliation of `shop` and returns its report (also stored in integrity_reports). */
export async function runReconciliation(
  deps: ReconcileDeps,
  shop: string,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const { db } = deps;
  const tuning: HealTuning = { ...DEFAULT_HEAL_TUNING, ...options.tuning };
  const heal = options.heal ?? true;
  const startedAt = deps.clock();
  const liveSkew = options.liveSkewMs ?? 60_000;
  const liveCutoffMs = Math.floor(startedAt.getTime() / 1000) * 1000 - liveSkew;
  const admin = meter(await deps.adminFor(shop));
  const wanted = options.resources ? new Set(options.resources) : null;
  const defs = resourceDefinitions.filter((d) => !wanted || wanted.has(d.key));

  // A report left "running" by a crashed attempt is closed; this run writes a new one.
  await db.integrityReport.updateMany({
    where: { shop, status: "running" },
    data: { status: "failed", finishedAt: startedAt },
  });
  const summary: ReconcileSummary = {
    trigger: options.trigger,
    watermark: startedAt.toISOString(),
    liveCutoff: new Date(liveCutoffMs).toISOString(),
    progress: {
      done: 0,
      total: defs.length + (options.aggregate === false ? 0 : 1),
      current: null,
    },
    resources: {},
    totals: { found: 0, healed: 0, remaining: 0 },
    cost: admin.spend,
    reasons: [],
  };
  const report = await db.integrityReport.create({
    data: { shop, status: "running", startedAt, summaryJson: json(summary) },
  });
  const save = () =>
    db.integrityReport.update({ where: { id: report.id }, data: { summaryJson: json(summary) } });

  try {
    const healedOrderIds: bigint[] = [];
    for (const def of defs) {
      summary.progress.current = def.key;
      await save();
      const r = await reconcileResource(
        {
          deps,
          admin,
          shop,
          def,
          spec: mapSpecFor(def.key),
          startedAt,
          liveCutoffMs,
          heal,
          tuning,
          signal: options.signal,
        },
        healedOrderIds,
      );
      summary.resources[def.key] = r;
      summary.progress.done++;
      await save();
    }

    let aggregate: AggregateCheck | null = null;
    if (options.aggregate !== false && defs.some((d) => d.key === "orders")) {
      summary.progress.current = "aggregate";
      await save();
      aggregate = await aggregateStep(
        deps,
        admin,
        shop,
        healedOrderIds,
        heal,
        tuning,
        options,
        startedAt,
      );
      summary.progress.done++;
    }
    summary.progress.current = null;

    // Verdict.
    let found = 0;
    let healed = 0;
    let remaining = 0;
    for (const r of Object.values(summary.resources)) {
      found += r.found.missing + r.found.stale + r.found.zombie + r.found.countMismatch;
      healed += r.healed.missing + r.healed.stale + r.healed.zombie;
      remaining +=
        r.remaining.missing + r.remaining.stale + r.remaining.zombie + r.found.countMismatch;
      for (const reason of r.reasons) summary.reasons.push(`${r.resource}: ${reason}`);
    }
    if (aggregate) {
      found += aggregate.healedDays.length + aggregate.differences.length;
      healed += aggregate.healedDays.length;
      if (aggregate.differences.length) {
        remaining += aggregate.differences.length;
        const days = aggregate.differences.map((d) => d.date);
        summary.reasons.push(
          `daily figures differ from ShopifyQL on ${days.length} day${days.length === 1 ? "" : "s"}: ${days.slice(0, 10).join(", ")}${days.length > 10 ? ", …" : ""}`,
        );
      }
    }
    summary.totals = { found, healed, remaining };
    const verdict: Verdict =
      summary.reasons.length > 0 ? "drift" : found === 0 ? "verified" : "healed";
    const finishedAt = deps.clock();
    const durationMs = finishedAt.getTime() - startedAt.getTime();
    await db.integrityReport.update({
      where: { id: report.id },
      data: {
        status: "done",
        verdict,
        finishedAt,
        durationMs,
        summaryJson: json(summary),
        aggregateCheckJson: aggregate ? json(aggregate) : null,
      },
    });
    await recordActivity(db, {
      shop,
      kind: `reconcile.${verdict}`,
      level: verdict === "drift" ? "warning" : "info",
      message:
        verdict === "verified"
          ? "Integrity check: your data matches Shopify exactly."
          : verdict === "healed"
            ? `Integrity check: ${healed.toLocaleString("en-US")} difference${healed === 1 ? "" : "s"} with Shopify found and repaired.`
            : `Integrity check: some data still differs from Shopify (${summary.reasons[0] ?? "see the report"}).`,
      data: { reportId: report.id, totals: summary.totals },
    });
    return { reportId: report.id, verdict, summary, aggregate, durationMs };
  } catch (err) {
    const finishedAt = deps.clock();
    summary.reasons.push(`failed: ${err instanceof Error ? err.message : String(err)}`);
    await db.integrityReport.update({
      where: { id: report.id },
      data: {
        status: "failed",
        verdict: "drift",
        finishedAt,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        summaryJson: json(summary),
      },
    });
    throw err;
  }
}

interface ResourceRun {
  deps: ReconcileDeps;
  admin: MeteredAdmin;
  shop: string;
  def: ResourceDefinition;
  spec: MapSpec;
  startedAt: Date;
  liveCutoffMs: number;
  heal: boolean;
  tuning: HealTuning;
  signal?: AbortSignal;
}

/** The remote map of a resource (bulk id map or paginated remoteMapQuery). */
async function remoteMap(
  run: ResourceRun,
): Promise<{ map: RemoteMap; incomplete: number; mode: "bulk-map" | "paged-map" }> {
  const { def, spec, admin } = run;
  const map = new RemoteMap(spec.versionKind);
  let incomplete = 0;
  if (spec.bulkMap) {
    for await (const item of runBulkQuery(admin, spec.bulkMap, {
      fetch: run.deps.fetch,
      pollMs: run.tuning.bulkPollMs,
      signal: run.signal,
    })) {
      if (item.kind === "error") {
        incomplete++;
        continue;
      }
      if (item.value.__parentId !== undefined) continue;
      const id = numericId(item.value.id);
      if (id === null) incomplete++;
      else map.add(id, spec.remoteVersion(item.value));
    }
    return { map, incomplete, mode: "bulk-map" };
  }
  for await (const page of admin.paginate<Record<string, unknown>>(
    def.remoteMapQuery,
    { query: null },
    { connectionPath: def.connectionPath, pageSize: 250 },
  )) {
    for (const node of page.nodes) {
      const id = numericId(node.id);
      if (id === null) incomplete++;
      else map.add(id, spec.remoteVersion(node));
    }
  }
  return { map, incomplete, mode: "paged-map" };
}

async function localAliveCount(db: Db, shop: string, spec: MapSpec): Promise<number> {
  const rows = await db.$queryRawUnsafe<{ n: unknown }[]>(
    `SELECT COUNT(*) AS "n" FROM "${spec.table}" WHERE "shop" = ${ph(db, 1, "text")} AND "deleted_at" IS NULL`,
    shop,
  );
  return Number(rows[0]?.n ?? 0);
}

async function reconcileResource(
  run: ResourceRun,
  healedOrderIds: bigint[],
): Promise<ResourceReport> {
  const t0 = Date.now();
  const { deps, def, spec, shop } = run;
  const report: ResourceReport = {
    resource: def.key,
    mode: "skipped",
    remoteCount: null,
    localCount: null,
    found: { ...zero(), countMismatch: 0 },
    healed: zero(),
    live: 0,
    skippedLive: 0,
    remaining: zero(),
    reasons: [],
    samples: { missing: [], stale: [], zombie: [] },
    durationMs: 0,
  };
  let diff: DiffResult;
  let incomplete = 0;
  try {
    const remote = await remoteMap(run);
    incomplete = remote.incomplete;
    report.mode = remote.mode;
    diff = await diffMaps(
      remote.map,
      localPages(deps.db, shop, spec.table, spec.localColumn, spec.versionKind),
      {
        kind: spec.versionKind,
        liveCutoffMs: run.liveCutoffMs,
        startedAtMs: run.startedAt.getTime(),
      },
    );
  } catch (err) {
    if (err instanceof AccessDeniedError) {
      report.reasons.push(`not checked: the app lacks access (${err.message})`);
      report.durationMs = Date.now() - t0;
      return report;
    }
    deps.log("warn", "reconcile: remote map failed, comparing counts only", {
      resource: def.key,
      error: String(err),
    });
    return countOnly(run, report, t0, err);
  }
  report.remoteCount = diff.remoteCount;
  report.localCount = diff.localCount;
  report.skippedLive = diff.skippedLive;
  report.found = { ...diff.counts, countMismatch: 0 };
  for (const f of diff.findings)
    if (report.samples[f.kind].length < 5) report.samples[f.kind].push(gidOf(def, f.id));
  if (incomplete)
    report.reasons.push(
      `the remote list had ${incomplete} unreadable entr${incomplete === 1 ? "y" : "ies"}: zombies were not removed`,
    );
  if (diff.findings.length < diff.counts.missing + diff.counts.stale + diff.counts.zombie)
    report.reasons.push(`more findings than one run heals (${diff.findings.length} handled)`);

  const findings = diff.findings;
  if (!run.heal || findings.length === 0) {
    report.remaining = { ...diff.counts };
    if (!run.heal && findings.length) report.reasons.push("healing was not requested");
    report.durationMs = Date.now() - t0;
    return report;
  }

  const ctx: HealContext = {
    db: deps.db,
    shop,
    admin: run.admin,
    fetch: deps.fetch,
    def,
    spec,
    tuning: run.tuning,
    signal: run.signal,
  };
  const refetch = findings.filter((f) => f.kind !== "zombie");
  const zombies = incomplete ? [] : findings.filter((f) => f.kind === "zombie");
  const remaining = zero();
  if (incomplete) remaining.zombie = diff.counts.zombie;

  // Zombies first: confirmed gone → tombstone; still there after all → refetch like stale rows.
  const oldestSync = zombies.reduce(
    (m, f) => Math.min(m, f.localSyncedAtMs ?? m),
    run.startedAt.getTime(),
  );
  const z = await tombstoneZombies(
    ctx,
    zombies.map((f) => f.id),
    oldestSync,
  );
  report.healed.zombie = z.tombstoned;
  const aliveZombies = new Set(z.alive);
  const zombieById = new Map(zombies.map((f) => [f.id, f]));
  const requests = [
    ...refetch.map((f) => ({ id: f.id, forceSyncedAtMs: f.force ? f.localSyncedAtMs : null })),
    ...z.alive.map((id) => ({ id, forceSyncedAtMs: null })),
  ];
  const fetched = await refetchRecords(ctx, requests);
  if (fetched.errors.length)
    report.reasons.push(
      `${fetched.errors.length} refetched record(s) could not be refined: ${fetched.errors[0]}`,
    );

  // Verify: the local row now carries the version that was fetched (or a newer one, written live).
  const byId = new Map<bigint, Finding>(refetch.map((f) => [f.id, f]));
  const ids = [...byId.keys(), ...aliveZombies];
  const states = await localStates(
    deps.db,
    shop,
    spec.table,
    spec.localColumn,
    spec.versionKind,
    ids,
  );
  const vanished = new Set(fetched.vanished);
  const written = new Set(fetched.liveSkipped);
  for (const id of ids) {
    const f = byId.get(id) ?? zombieById.get(id)!;
    const kind: FindingKind = byId.has(id) ? f.kind : "zombie";
    // Deleted in Shopify while the run went on (its webhook / the next run tombstones it), or the
    // local row was written meanwhile (a forced heal never overwrites a live write): live traffic.
    if (vanished.has(id) || written.has(id)) {
      report.live++;
      continue;
    }
    const s = states.get(id);
    const remoteVersion = fetched.versions.get(id);
    const ok =
      remoteVersion !== undefined &&
      s &&
      !s.deleted &&
      versionMatches(spec, s.version, remoteVersion);
    if (ok) {
      report.healed[kind]++;
      if (def.key === "orders") healedOrderIds.push(id);
    } else remaining[kind]++;
  }
  report.remaining = remaining;
  const left = remaining.missing + remaining.stale + remaining.zombie;
  if (left > 0 && !report.reasons.length)
    report.reasons.push(
      `${left} difference(s) could not be repaired (refused by a newer local row or not refinable)`,
    );
  else if (left > 0) report.reasons.push(`${left} difference(s) remain`);
  report.localCount = await localAliveCount(deps.db, shop, spec);
  report.durationMs = Date.now() - t0;
  return report;
}

function versionMatches(
  spec: MapSpec,
  local: number | string | null,
  remote: string | null,
): boolean {
  if (spec.versionKind === "none" || remote === null) return true;
  if (spec.versionKind === "state") return local === remote;
  return typeof local === "number" && local >= Date.parse(remote);
}

/** Without a remote map: compare the count query with the local count (no healing possible). */
async function countOnly(
  run: ResourceRun,
  report: ResourceReport,
  t0: number,
  err: unknown,
): Promise<ResourceReport> {
  report.mode = "count-only";
  report.localCount = await localAliveCount(run.deps.db, run.shop, run.spec);
  if (run.def.countQuery) {
    try {
      const data = await run.admin.graphql<Record<string, { count?: number } | null>>(
        run.def.countQuery,
        { query: null },
      );
      const first = Object.values(data)[0];
      if (typeof first?.count === "number") report.remoteCount = first.count;
    } catch {
      /* reported below */
    }
  }
  if (report.remoteCount !== null && report.remoteCount !== report.localCount) {
    report.found.countMismatch = 1;
    report.reasons.push(
      `Shopify counts ${report.remoteCount}, StoreSync has ${report.localCount} (the id list failed: ${String(err)})`,
    );
  } else if (report.remoteCount === null) report.reasons.push(`not checked: ${String(err)}`);
  report.durationMs = Date.now() - t0;
  return report;
}

/** Recompute the days of healed orders, compare with ShopifyQL, refetch the orders of days that differ. */
async function aggregateStep(
  deps: ReconcileDeps,
  admin: MeteredAdmin,
  shop: string,
  healedOrderIds: bigint[],
  heal: boolean,
  tuning: HealTuning,
  options: ReconcileOptions,
  startedAt: Date,
): Promise<AggregateCheck> {
  const { db } = deps;
  const clock = await shopClock(db, shop);
  if (healedOrderIds.length) await recomputeOrderDays(db, shop, healedOrderIds);
  const check = await checkAggregates(db, admin, shop, options.aggregateWindow ?? {});
  if (check.status !== "differs" || !heal) return check;

  // Days that differ although every order's version matched: rows altered without a version change
  // (or children drifted). Refetch those days' orders (bounded) and compare again.
  const days = check.differences.slice(0, 31).map((d) => d.date);
  const def = definitionFor("orders");
  const ctx: HealContext = {
    db,
    shop,
    admin,
    fetch: deps.fetch,
    def,
    spec: mapSpecFor("orders"),
    tuning,
  };
  const ids: bigint[] = [];
  for (const day of days) {
    const candidates = await localOrderIdsBetween(
      db,
      shop,
      new Date(`${addDays(day, -1)}T00:00:00Z`),
      new Date(`${addDays(day, 2)}T00:00:00Z`),
    );
    const rows = await db.order.findMany({
      where: { shop, id: { in: candidates } },
      select: { id: true, processedAt: true, createdAt: true, syncedAt: true },
    });
    for (const o of rows) {
      if (o.syncedAt.getTime() >= startedAt.getTime()) continue; // written live, or healed above
      if (localDay(o.processedAt ?? o.createdAt, clock.timeZone) === day) ids.push(o.id);
    }
  }
  if (!ids.length) return check;
  await refetchRecords(
    ctx,
    ids.map((id) => ({ id, forceSyncedAtMs: null })),
  );
  await recomputeOrderDays(db, shop, ids);
  const before = new Set(days);
  const again = await checkAggregates(db, admin, shop, options.aggregateWindow ?? {});
  const still = new Set(again.differences.map((d) => d.date));
  again.healedDays = [...before].filter((d) => !still.has(d));
  return again;
}

async function recomputeOrderDays(db: Db, shop: string, ids: bigint[]): Promise<void> {
  let min: Date | null = null;
  let max: Date | null = null;
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.order.findMany({
      where: { shop, id: { in: ids.slice(i, i + 500) } },
      select: { processedAt: true, createdAt: true },
    });
    for (const r of rows) {
      const at = r.processedAt ?? r.createdAt;
      if (!min || at < min) min = at;
      if (!max || at > max) max = at;
    }
  }
  if (min && max) await recomputeDailyMetrics(db, shop, { from: min, to: max });
}

export { numericId };
