import { spawnSync } from "node:child_process";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { DEFAULT_DATABASE_URL, EnvError, loadEnv } from "../../app/load-env.server";
import { catalogScopes } from "../../app/sync/resources/catalog";

const VALID = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://storesync.example.com/",
  TOKEN_ENCRYPTION_KEYS: "k1:" + "a".repeat(64),
};

function errorOf(source: Record<string, string | undefined>): string {
  try {
    loadEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error("expected loadEnv to fail");
}

describe("loadEnv", () => {
  it("GIVEN the required variables WHEN loaded THEN defaults fill the rest", () => {
    const env = loadEnv(VALID);
    expect(env).toMatchObject({
      SHOPIFY_API_KEY: "key",
      SHOPIFY_APP_URL: "https://storesync.example.com",
      DATABASE_URL: DEFAULT_DATABASE_URL,
      LOG_LEVEL: "info",
      SCOPES: catalogScopes(),
    });
    expect(env.STORESYNC_SIMULATOR_URL).toBeUndefined();
  });

  it("reads optional variables", () => {
    const env = loadEnv({
      ...VALID,
      SCOPES: "read_orders, read_products",
      DATABASE_URL: "postgresql://root@127.0.0.1:5432/test",
      STORESYNC_SIMULATOR_URL: "http://127.0.0.1:4100",
      LOG_LEVEL: "debug",
      SHOP_CUSTOM_DOMAIN: "myshopify.io",
    });
    expect(env.SCOPES).toEqual(["read_orders", "read_products"]);
    expect(env.DATABASE_URL).toBe("postgresql://root@127.0.0.1:5432/test");
    expect(env.STORESYNC_SIMULATOR_URL).toBe("http://127.0.0.1:4100");
    expect(env.LOG_LEVEL).toBe("debug");
  });

  it.each([
    [{ SHOPIFY_API_KEY: undefined }, "Invalid environment: SHOPIFY_API_KEY is required"],
    [{ SHOPIFY_API_SECRET: "  " }, "Invalid environment: SHOPIFY_API_SECRET is required"],
    [
      { SHOPIFY_APP_URL: "storesync.example.com" },
      "Invalid environment: SHOPIFY_APP_URL must be a URL",
    ],
    [
      { TOKEN_ENCRYPTION_KEYS: undefined },
      "Invalid environment: TOKEN_ENCRYPTION_KEYS is required",
    ],
    [
      { TOKEN_ENCRYPTION_KEYS: "k1:tooshort" },
      /^Invalid environment: TOKEN_ENCRYPTION_KEYS entry 1 \(key id "k1"\) is not a 32-byte key/,
    ],
    [
      { DATABASE_URL: "mysql://x" },
      "Invalid environment: DATABASE_URL must start with file: or postgresql://",
    ],
    [
      { LOG_LEVEL: "loud" },
      "Invalid environment: LOG_LEVEL must be one of error, warn, info, debug",
    ],
    [
      { STORESYNC_SIMULATOR_URL: "nope" },
      "Invalid environment: STORESYNC_SIMULATOR_URL must be a URL",
    ],
    [
      { SCOPES: "read orders" },
      "Invalid environment: SCOPES must be a comma-separated list of access scopes",
    ],
  ])("GIVEN %o WHEN loaded THEN one line names the variable", (override, message) => {
    const text = errorOf({ ...VALID, ...override });
    if (typeof message === "string") expect(text).toBe(message);
    else expect(text).toMatch(message);
    expect(text).not.toContain("\n");
  });

  it("GIVEN a bad environment WHEN the app module boots THEN it prints one line and exits 1", () => {
    const root = path.resolve(__dirname, "../..");
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "-e", 'await import("./app/env.server.ts")'],
      {
        cwd: root,
        encoding: "utf8",
        env: { PATH: process.env.PATH, NODE_ENV: "test", ...VALID, SHOPIFY_APP_URL: "not a url" },
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("Invalid environment: SHOPIFY_APP_URL must be a URL\n");
    expect(result.stdout).toBe("");
  });
});
