/**
 * App lifecycle: install (afterAuth), uninstall and scope changes.
 * Plain functions taking the database as an argument; routes and hooks stay thin.
 */
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";

import type { Db } from "../db.server";
import { SYNC_RESOURCES } from "./resources/catalog";

export interface ShopDetails {
  shopifyId?: bigint | null;
  name?: string | null;
  email?: string | null;
  currencyCode?: string | null;
  ianaTimezone?: string | null;
  planName?: string | null;
  primaryDomain?: string | null;
}

export const SHOP_DETAILS_QUERY = `#graphql
  query StoreSyncShopDetails {
    shop {
      id
      name
      email
      currencyCode
      ianaTimezone
      plan {
        publicDisplayName
      }
      primaryDomain {
        host
      }
    }
  }
`;

interface ShopDetailsResponse {
  data?: {
    shop?: {
      id: string;
      name: string;
      email: string;
      currencyCode: string;
      ianaTimezone: string;
      plan: { publicDisplayName: string };
      primaryDomain: { host: string };
    };
  };
}

/** Reads the shop's name, currency, time zone and plan from the Admin API. */
export async function fetchShopDetails(
  admin: Pick<AdminApiContext, "graphql">,
): Promise<ShopDetails> {
  const response = await admin.graphql(SHOP_DETAILS_QUERY);
  const body = (await response.json()) as ShopDetailsResponse;
  const shop = body.data?.shop;
  if (!shop) return {};
  const numericId = /\/(\d+)$/.exec(shop.id)?.[1];
  return {
    shopifyId: numericId ? BigInt(numericId) : null,
    name: shop.name,
    email: shop.email,
    currencyCode: shop.currencyCode,
    ianaTimezone: shop.ianaTimezone,
    planName: shop.plan.publicDisplayName,
    primaryDomain: shop.primaryDomain.host,
  };
}

export interface InstallResult {
  /** True when the shop was never seen before or had uninstalled the app. */
  installed: boolean;
}

/**
 * Upserts the Shop row after authentication. afterAuth also runs when a token is re-issued, so
 * `installedAt` only moves when the shop is new or comes back after an uninstall.
 */
export async function recordShopInstalled(
  db: Db,
  input: { shop: string; scopes?: string | null; details?: ShopDetails; now?: Date },
): Promise<InstallResult> {
  const now = input.now ?? new Date();
  const details = withoutUndefined(input.details ?? {});
  const existing = await db.shop.findUnique({
    where: { shop: input.shop },
    select: { installState: true },
  });
  if (!existing) {
    await db.shop.create({
      data: {
        shop: input.shop,
        installState: "installed",
        grantedScopes: input.scopes ?? null,
        installedAt: now,
        ...details,
      },
    });
    return { installed: true };
  }
  const reinstall = existing.installState !== "installed";
  await db.shop.update({
    where: { shop: input.shop },
    data: {
      installState: "installed",
      ...(input.scopes != null ? { grantedScopes: input.scopes } : {}),
      ...(reinstall ? { installedAt: now, uninstalledAt: null } : {}),
      ...details,
    },
  });
  return { installed: reinstall };
}

/**
 * Hook point called once a shop has (re)installed the app, after its Shop row exists and the
 * offline token was exchanged: enqueues the initial backfill of every catalog resource (the work
 * runs in the job runner, never in this request) and the shop's recurring incremental sync.
 */
export async function onShopInstalled(shop: string, _admin: AdminApiContext): Promise<void> {
  // Imported lazily: the worker imports shopify.server, which imports this module.
  const { onInstalledStartBackfill } = await import("./worker.server");
  await onInstalledStartBackfill(shop);
}

export interface UninstallResult {
  sessionsDeleted: number;
  shopMarked: boolean;
  /** Sync runs (queued/running, bulk operations included) marked canceled. */
  runsCanceled: number;
  /** Queued/running jobs marked failed so they are never retried. */
  jobsCanceled: number;
  /** The event is older than the shop's latest install: nothing was changed. */
  stale: boolean;
}

const UNINSTALLED_REASON = "Canceled: the app was uninstalled.";

/**
 * app/uninstalled: deletes the shop's sessions (its tokens are dead), marks the Shop row
 * uninstalled, and cancels its sync runs (bulk operations included: Shopify stops them with the
 * app's access, StoreSync stops waiting for them) and its queued/running jobs. Idempotent; an
 * unknown shop is not an error; an event triggered before the shop's latest install (a late
 * delivery after a reinstall) changes nothing. Synced data is kept (shop/redact removes it 48
 * hours later).
 */
export async function handleAppUninstalled(
  db: Db,
  shop: string,
  now: Date = new Date(),
  options: { triggeredAt?: Date | null } = {},
): Promise<UninstallResult> {
  if (options.triggeredAt) {
    const row = await db.shop.findUnique({ where: { shop }, select: { installState: true, installedAt: true } });
    if (row && row.installState === "installed" && row.installedAt > options.triggeredAt)
      return { sessionsDeleted: 0, shopMarked: false, runsCanceled: 0, jobsCanceled: 0, stale: true };
  }
  const { count } = await db.session.deleteMany({ where: { shop } });
  const marked = await db.shop.updateMany({
    where: { shop, installState: { not: "uninstalled" } },
    data: { installState: "uninstalled", uninstalledAt: now },
  });
  const runs = await db.syncRun.updateMany({
    where: { shop, status: { in: ["queued", "running"] } },
    data: { status: "canceled", error: UNINSTALLED_REASON, finishedAt: now },
  });
  const jobs = await db.job.updateMany({
    where: { shop, status: { in: ["queued", "running"] } },
    data: { status: "failed", lastError: UNINSTALLED_REASON, dedupeKey: null, lockedBy: null, lockedAt: null },
  });
  if (marked.count > 0) {
    await db.activityEvent.create({
      data: {
        shop,
        kind: "app.uninstalled",
        level: "warning",
        message: "StoreSync was uninstalled: syncing stopped. Your synced data is kept until Shopify asks to erase it.",
        dataJson: JSON.stringify({ sessionsDeleted: count, runsCanceled: runs.count, jobsCanceled: jobs.count }),
      },
    });
  }
  return {
    sessionsDeleted: count,
    shopMarked: marked.count > 0,
    runsCanceled: runs.count,
    jobsCanceled: jobs.count,
    stale: false,
  };
}

export interface PausedResource {
  reason: string;
  since: string;
}

/** `pausedResources` of a shop's settings JSON: resource key -> why and since when. */
export function pausedResources(settingsJson: string | null | undefined): Record<string, PausedResource> {
  try {
    const v = (JSON.parse(settingsJson ?? "{}") as { pausedResources?: unknown }).pausedResources;
    return v && typeof v === "object" ? (v as Record<string, PausedResource>) : {};
  } catch {
    return {};
  }
}

/** Whether `granted` covers `scope` (a write_ scope implies its read_ scope). */
export function hasScope(granted: ReadonlySet<string>, scope: string): boolean {
  if (granted.has(scope)) return true;
  return scope.startsWith("read_") && granted.has(`write_${scope.slice(5)}`);
}

export interface ScopesUpdateResult {
  scope: string;
  /** Resources paused now because their essential scope is gone. */
  paused: string[];
  /** Resources resumed because their scope is granted again. */
  resumed: string[];
}

/**
 * app/scopes_update: stores the scopes now granted (`payload.current`) on the session that
 * received the webhook and on the Shop row. A resource whose essential scope (its first catalog
 * scope) is no longer granted is paused with a visible reason: its settings entry
 * (`pausedResources`), a `paused` sync run on the dashboard, its queued runs/jobs stopped, and an
 * activity event. A paused resource whose scope comes back is resumed (the next sync picks it up).
 */
export async function handleScopesUpdate(
  db: Db,
  input: { shop: string; sessionId?: string | null; current: readonly string[]; now?: Date },
): Promise<ScopesUpdateResult> {
  const now = input.now ?? new Date();
  const scope = input.current.join(",");
  if (input.sessionId) {
    await db.session.updateMany({ where: { id: input.sessionId }, data: { scope } });
  }
  const shopRow = await db.shop.findUnique({ where: { shop: input.shop }, select: { settingsJson: true } });
  if (!shopRow) return { scope, paused: [], resumed: [] };

  const granted = new Set(input.current);
  const before = pausedResources(shopRow.settingsJson);
  const after: Record<string, PausedResource> = {};
  const paused: string[] = [];
  const resumed: string[] = [];
  for (const resource of SYNC_RESOURCES) {
    const essential = resource.scopes[0];
    if (!essential) continue;
    const missing = !hasScope(granted, essential);
    if (missing) {
      after[resource.key] = before[resource.key] ?? {
        reason: `StoreSync no longer has the ${essential} permission.`,
        since: now.toISOString(),
      };
      if (!before[resource.key]) paused.push(resource.key);
    } else if (before[resource.key]) resumed.push(resource.key);
  }
  let settings: Record<string, unknown> = {};
  try {
    settings = JSON.parse(shopRow.settingsJson || "{}") as Record<string, unknown>;
  } catch {
    settings = {};
  }
  settings.pausedResources = after;
  await db.shop.update({
    where: { shop: input.shop },
    data: { grantedScopes: scope, settingsJson: JSON.stringify(settings) },
  });

  for (const key of paused) {
    const resource = SYNC_RESOURCES.find((r) => r.key === key)!;
    const reason = after[key].reason;
    const stopped = await db.syncRun.updateMany({
      where: { shop: input.shop, resource: key, status: { in: ["queued", "running"] } },
      data: { status: "paused", error: reason },
    });
    if (stopped.count === 0) {
      await db.syncRun.create({
        data: { shop: input.shop, resource: key, kind: "incremental", status: "paused", error: reason, finishedAt: now },
      });
    }
    await db.job.updateMany({
      where: { shop: input.shop, resource: key, status: "queued" },
      data: { status: "failed", lastError: `Paused: ${reason}`, dedupeKey: null },
    });
    await db.activityEvent.create({
      data: {
        shop: input.shop,
        resource: key,
        kind: "sync.paused",
        level: "warning",
        message: `${resource.label} sync is paused: ${reason} Grant it again to resume.`,
        dataJson: JSON.stringify({ scope: resource.scopes[0] }),
      },
    });
  }
  for (const key of resumed) {
    const resource = SYNC_RESOURCES.find((r) => r.key === key)!;
    await db.syncRun.updateMany({
      where: { shop: input.shop, resource: key, status: "paused" },
      data: { status: "canceled", error: "Permission granted again; the next sync resumes it." },
    });
    await db.activityEvent.create({
      data: {
        shop: input.shop,
        resource: key,
        kind: "sync.resumed",
        message: `${resource.label} sync resumes: the permission is granted again.`,
      },
    });
  }
  return { scope, paused, resumed };
}

/**
 * shop/update: refreshes the Shop row's settings from the REST shop payload (name, email,
 * currency, IANA time zone, plan, primary domain). Unknown shops are left alone.
 */
export async function handleShopUpdate(db: Db, shop: string, payload: unknown): Promise<boolean> {
  const p = (payload ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const id = typeof p.id === "number" && Number.isSafeInteger(p.id) ? BigInt(p.id) : typeof p.id === "string" && /^\d+$/.test(p.id) ? BigInt(p.id) : undefined;
  const data = withoutUndefined({
    shopifyId: id,
    name: text(p.name),
    email: text(p.email),
    currencyCode: text(p.currency),
    ianaTimezone: text(p.iana_timezone),
    planName: text(p.plan_display_name) ?? text(p.plan_name),
    primaryDomain: text(p.domain),
  });
  const updated = await db.shop.updateMany({ where: { shop }, data });
  return updated.count > 0;
}

/** `payload.current` of an app/scopes_update webhook, as a list of scopes. */
export function currentScopesFromPayload(payload: unknown): string[] {
  const current = (payload as { current?: unknown } | null)?.current;
  if (Array.isArray(current)) return current.filter((s): s is string => typeof s === "string");
  if (typeof current === "string")
    return current
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  return [];
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
