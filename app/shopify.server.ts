/**
 * The one Shopify configuration of the app. Every route imports authentication, clients and
 * session storage from here.
 *
 * `buildShopifyAppConfig(env, deps)` is pure so tests can build a real `shopifyApp(...)` with their
 * own environment and database; the module-level `shopify` instance uses the process environment.
 */
import "@shopify/shopify-app-remix/adapters/node";

import {
  ApiVersion,
  AppDistribution,
  LogSeverity,
  shopifyApp,
  type AdminApiContext,
} from "@shopify/shopify-app-remix/server";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

import { db, type Db } from "./db.server";
import { env, type Env, type LogLevel } from "./env.server";
import { installSimulatorBridge, withSimulatorDocumentHeaders } from "./simulator-bridge.server";
import {
  createSessionStorage,
  parseTokenEncryptionKeys,
} from "./sessions/encrypted-session-storage.server";
import {
  fetchShopDetails,
  onShopInstalled,
  recordShopInstalled,
  type ShopDetails,
} from "./sync/lifecycle.server";

export { onShopInstalled };

/** Admin API version used everywhere (webhooks in shopify.app.toml too). */
export const apiVersion = ApiVersion.July26;

const LOG_SEVERITY: Record<LogLevel, LogSeverity> = {
  error: LogSeverity.Error,
  warn: LogSeverity.Warning,
  info: LogSeverity.Info,
  debug: LogSeverity.Debug,
};

export interface ShopifyAppDeps {
  db: Db;
  /** Defaults to the encrypted Prisma session storage on `db`, keyed by TOKEN_ENCRYPTION_KEYS. */
  sessionStorage?: SessionStorage;
  /** Called after a shop (re)installs; defaults to lifecycle's `onShopInstalled`. */
  onShopInstalled?: (shop: string, admin: AdminApiContext) => Promise<void>;
}

export function buildShopifyAppConfig(env: Env, deps: ShopifyAppDeps) {
  const sessionStorage =
    deps.sessionStorage ??
    createSessionStorage(deps.db, parseTokenEncryptionKeys(env.TOKEN_ENCRYPTION_KEYS));
  const installedHook = deps.onShopInstalled ?? onShopInstalled;

  return {
    apiKey: env.SHOPIFY_API_KEY,
    apiSecretKey: env.SHOPIFY_API_SECRET,
    apiVersion: ApiVersion.July26,
    scopes: env.SCOPES,
    appUrl: env.SHOPIFY_APP_URL,
    authPathPrefix: "/auth",
    sessionStorage,
    distribution: AppDistribution.AppStore as const,
    future: {
      unstable_newEmbeddedAuthStrategy: true,
      expiringOfflineAccessTokens: true,
    } as const,
    logger: { level: LOG_SEVERITY[env.LOG_LEVEL] },
    ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
    hooks: {
      afterAuth: async ({
        session,
        admin,
      }: {
        session: { shop: string; scope?: string };
        admin: AdminApiContext;
      }) => {
        let details: ShopDetails | undefined;
        try {
          details = await fetchShopDetails(admin);
        } catch (error) {
          // The Shop row matters more than its details: they are read again by later syncs.
          console.warn(
            `afterAuth: could not read shop details for ${session.shop}: ${String(error)}`,
          );
        }
        const { installed } = await recordShopInstalled(deps.db, {
          shop: session.shop,
          scopes: session.scope ?? null,
          details,
        });
        if (installed) await installedHook(session.shop, admin);
      },
    },
  };
}

export type ShopifyAppConfig = ReturnType<typeof buildShopifyAppConfig>;

// Dev/test/demo only: Admin API calls to *.myshopify.com go to the local store simulator.
if (env.STORESYNC_SIMULATOR_URL) installSimulatorBridge(env.STORESYNC_SIMULATOR_URL);

const shopify = shopifyApp(buildShopifyAppConfig(env, { db }));

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = env.STORESYNC_SIMULATOR_URL
  ? withSimulatorDocumentHeaders(shopify.authenticate, env.STORESYNC_SIMULATOR_URL)
  : shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
