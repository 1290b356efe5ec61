/**
 * Boots the real app modules (app/shopify.server.ts, app/db.server.ts, routes) against a fresh,
 * migrated test database, with Shopify's test credentials from @shopify/shopify-api/test-helpers.
 */
import { randomBytes } from "node:crypto";

import {
  API_KEY,
  API_SECRET_KEY,
  APP_URL,
  TEST_SHOP,
  getHmac,
  setUpValidSession,
} from "@shopify/shopify-api/test-helpers";
import { vi } from "vitest";

import type { Db } from "../../app/db.server";
import { createTestDatabase, type TestDatabase } from "../../prisma/testing";

export { API_KEY, API_SECRET_KEY, APP_URL, TEST_SHOP };

/** A valid TOKEN_ENCRYPTION_KEYS value, new for each run. */
export const TEST_TOKEN_KEYS = `k1:${randomBytes(32).toString("base64url")}`;

export function testEnvSource(databaseUrl: string): Record<string, string> {
  return {
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET_KEY,
    SHOPIFY_APP_URL: APP_URL,
    DATABASE_URL: databaseUrl,
    TOKEN_ENCRYPTION_KEYS: TEST_TOKEN_KEYS,
    LOG_LEVEL: "error",
  };
}

export interface BootedApp {
  database: TestDatabase;
  db: Db;
  shopify: typeof import("../../app/shopify.server");
}

/**
 * Creates a test database, points the process environment at it and imports the app's modules
 * afresh, so `db` in app/db.server.ts is the test database's client.
 */
export async function bootApp(): Promise<BootedApp> {
  const database = await createTestDatabase("sqlite");
  Object.assign(process.env, testEnvSource(database.url));
  vi.resetModules();
  // app/db.server.ts reuses this client (its dev/test cache) instead of opening its own.
  globalThis.__storesyncDb = database.db;
  const shopify = await import("../../app/shopify.server");
  return { database, db: database.db, shopify };
}

/** Stores an offline session for `shop` through the app's (encrypted) session storage. */
export async function storeOfflineSession(app: BootedApp, shop = TEST_SHOP, scope = "read_orders") {
  const session = setUpValidSession({ shop, scope });
  await app.shopify.sessionStorage!.storeSession(session);
  return session;
}

export interface WebhookOptions {
  topic: string;
  shop?: string;
  body: unknown;
  path: string;
  secret?: string;
  webhookId?: string;
}

/** A webhook request as Shopify sends it, signed with `secret` (default: the app's secret). */
export function webhookRequest({
  topic,
  shop = TEST_SHOP,
  body,
  path,
  secret = API_SECRET_KEY,
  webhookId = crypto.randomUUID(),
}: WebhookOptions): Request {
  const raw = JSON.stringify(body);
  return new Request(`${APP_URL}${path}`, {
    method: "POST",
    body: raw,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": getHmac(raw, secret),
      "X-Shopify-Topic": topic,
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Triggered-At": new Date().toISOString(),
    },
  });
}

/** Runs a route handler; a thrown Response (Remix's way to answer early) is returned instead. */
export async function respond(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
