/**
 * What the dashboard shows: per resource, how many rows are stored locally, when it last synced
 * and the state of its latest run; plus one sentence on the shop's overall sync state.
 */
import type { Db } from "../db.server";

import { type RefinedDelegate, type ResourceKey, SYNC_RESOURCES } from "./resources/catalog";

/** Tables without a `deletedAt` tombstone column (computed or append-only rows). */
const NO_TOMBSTONE = new Set<RefinedDelegate>(["reportRow", "analyticsSnapshot", "dailyMetric"]);

type Countable = { count(args: { where: Record<string, unknown> }): Promise<number> };

/** Local row count of each resource's own refined table (tombstoned rows excluded). */
export async function getResourceCounts(
  db: Db,
  shop: string,
): Promise<Record<ResourceKey, number>> {
  const entries = await Promise.all(
    SYNC_RESOURCES.map(async (resource) => {
      const delegate = (db as unknown as Record<RefinedDelegate, Countable>)[resource.delegate];
      const where = NO_TOMBSTONE.has(resource.delegate) ? { shop } : { shop, deletedAt: null };
      return [resource.key, await delegate.count({ where })] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<ResourceKey, number>;
}

export type RunStatus =
  "never" | "queued" | "running" | "succeeded" | "failed" | "canceled" | "paused";

export interface ResourceStatusRow {
  key: ResourceKey;
  label: string;
  count: number;
  /** ISO time the latest successful run finished, or null. */
  lastSyncedAt: string | null;
  status: RunStatus;
}

export interface SyncOverview {
  shop: string;
  installState: "installed" | "uninstalled" | "unknown";
  currencyCode: string | null;
  summary: string;
  resources: ResourceStatusRow[];
}

const KNOWN_STATUSES = new Set<RunStatus>([
  "queued",
  "running",
  "succeeded",
  "failed",
  "canceled",
  "paused",
]);

export async function getSyncOverview(db: Db, shop: string): Promise<SyncOverview> {
  const [shopRow, counts, latestRuns, lastSuccess] = await Promise.all([
    db.shop.findUnique({ where: { shop }, select: { installState: true, currencyCode: true } }),
    getResourceCounts(db, shop),
    db.syncRun.findMany({
      where: { shop },
      orderBy: { createdAt: "desc" },
      distinct: ["resource"],
      select: { resource: true, status: true },
    }),
    db.syncRun.groupBy({
      by: ["resource"],
      where: { shop, status: "succeeded" },
      _max: { finishedAt: true },
    }),
  ]);

  const statusBy = new Map(latestRuns.map((run) => [run.resource, run.status]));
  const finishedBy = new Map(lastSuccess.map((row) => [row.resource, row._max.finishedAt]));

  const resources: ResourceStatusRow[] = SYNC_RESOURCES.map((resource) => {
    const status = statusBy.get(resource.key) as RunStatus | undefined;
    const finished = finishedBy.get(resource.key);
    return {
      key: resource.key,
      label: resource.label,
      count: counts[resource.key],
      lastSyncedAt: finished ? new Date(finished).toISOString() : null,
      status: status && KNOWN_STATUSES.has(status) ? status : "never",
    };
  });

  const installState =
    shopRow?.installState === "installed" || shopRow?.installState === "uninstalled"
      ? shopRow.installState
      : "unknown";

  return {
    shop,
    installState,
    currencyCode: shopRow?.currencyCode ?? null,
    summary: describeSyncState(installState, resources),
    resources,
  };
}

function listLabels(rows: ResourceStatusRow[]): string {
  const labels = rows.map((r) => r.label.toLowerCase());
  return labels.length > 3
    ? `${labels.slice(0, 3).join(", ")} and ${labels.length - 3} more`
    : labels.join(", ");
}

/** One sentence, in plain words, on where the shop's sync stands. */
export function describeSyncState(
  installState: SyncOverview["installState"],
  resources: ResourceStatusRow[],
): string {
  if (installState === "uninstalled")
    return "StoreSync was uninstalled from this store, so nothing is syncing.";
  const failed = resources.filter((r) => r.status === "failed");
  const active = resources.filter((r) => r.status === "running" || r.status === "queued");
  const synced = resources.filter((r) => r.lastSyncedAt !== null);
  if (failed.length) {
    return `The last sync of ${listLabels(failed)} failed; StoreSync will retry it.`;
  }
  if (active.length) return `StoreSync is copying your store: ${listLabels(active)} in progress.`;
  if (synced.length === 0)
    return "Nothing has been synced yet. The first full copy of your store starts after installation.";
  if (synced.length === resources.length) return "Your store is fully synced and kept up to date.";
  return `${synced.length} of ${resources.length} kinds of data are synced.`;
}
