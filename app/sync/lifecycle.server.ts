/**
 * App lifecycle: install (afterAuth), uninstall and scope changes.
 * Plain functions taking the database as an argument; routes and hooks stay thin.
 */
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";

import type { Db } from "../db.server";

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
 * Hook point called once a shop has (re)installed the app, after its Shop row exists.
 * TODO(backfill issue): enqueue the initial backfill of every catalog resource here.
 */
export async function onShopInstalled(_shop: string, _admin: AdminApiContext): Promise<void> {}

export interface UninstallResult {
  sessionsDeleted: number;
  shopMarked: boolean;
}

/**
 * app/uninstalled: deletes the shop's sessions (its tokens are dead) and marks the Shop row
 * uninstalled. Idempotent; an unknown shop is not an error. Synced data is kept
 * (shop/redact removes it 48 hours later).
 */
export async function handleAppUninstalled(
  db: Db,
  shop: string,
  now: Date = new Date(),
): Promise<UninstallResult> {
  const { count } = await db.session.deleteMany({ where: { shop } });
  const marked = await db.shop.updateMany({
    where: { shop, installState: { not: "uninstalled" } },
    data: { installState: "uninstalled", uninstalledAt: now },
  });
  return { sessionsDeleted: count, shopMarked: marked.count > 0 };
}

/**
 * app/scopes_update: stores the scopes now granted (`payload.current`) on the session that
 * received the webhook and on the Shop row.
 */
export async function handleScopesUpdate(
  db: Db,
  input: { shop: string; sessionId?: string | null; current: readonly string[] },
): Promise<{ scope: string }> {
  const scope = input.current.join(",");
  if (input.sessionId) {
    await db.session.updateMany({ where: { id: input.sessionId }, data: { scope } });
  }
  await db.shop.updateMany({ where: { shop: input.shop }, data: { grantedScopes: scope } });
  return { scope };
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
