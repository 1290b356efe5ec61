/**
 * The simulator's HTTP server: Admin GraphQL, OAuth token endpoint, bulk result files and the control API.
 * The shop is picked by (in order) a `/_sim/shops/<domain>/admin/...` path prefix, the
 * `X-Shopify-Shop-Domain` header, or the `Host` header (`demo.myshopify.com[:port]`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import type { FaultState, ShopConfig, SimShop, SimulatorInternals, SimulatorOptions } from "./types.js";
import { ADMIN_API_VERSION, loadAdminSchema } from "./schema.js";
import { createExecutor } from "./graphql/execute.js";
import { handleGraphqlRequest } from "./graphql/handle.js";
import { createCostBucket, restoreRateForPlan } from "./graphql/cost.js";
import { TokenRegistry, type IssuedToken } from "./auth/tokens.js";
import { handleAccessTokenRequest } from "./auth/oauth.js";
import { mintSessionToken } from "./auth/jwt.js";
import { createStore } from "./store/store.js";
import { createBulkManager } from "./bulk/index.js";
import { createWebhookDispatcher } from "./webhooks/index.js";
import { createControlHandler } from "./control/index.js";
import { createAdminShellHandler } from "./admin-shell/index.js";

/** Scopes the app asks for (shopify.app.toml); the default grant of every shop. */
export const DEFAULT_SCOPES = [
  "read_products",
  "read_orders",
  "read_all_orders",
  "read_customers",
  "read_inventory",
  "read_locations",
  "read_fulfillments",
  "read_marketing_events",
  "read_checkouts",
  "read_discounts",
  "read_shopify_payments_payouts",
  "read_shopify_payments_disputes",
  "read_reports",
];

export const INVALID_TOKEN_BODY = { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" };
const NOT_FOUND_BODY = { errors: "Not Found" };
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** What startSimulator returns: the internals plus test conveniences of the auth part. */
export interface RunningSimulator extends SimulatorInternals {
  readonly tokens: TokenRegistry;
  /** Issue an access token directly (tests, benchmarks); same as a token exchange would. */
  issueAccessToken(domain: string, opts?: { expiring?: boolean }): IssuedToken;
  /** Revoke every token of a shop (uninstall). */
  revokeShopTokens(domain: string): void;
}

function defaultFaults(): FaultState {
  return {
    graphql5xx: { remaining: 0, status: 503 },
    bulk: null,
    webhooks: { dropRate: 0, duplicateRate: 0, delayMs: 0, reorder: false },
  };
}

function scopesFromToml(path: string | undefined): string[] | undefined {
  if (!path) return undefined;
  try {
    const toml = parseToml(readFileSync(path, "utf8")) as { access_scopes?: { scopes?: string } };
    const s = toml.access_scopes?.scopes;
    return s ? s.split(",").map((x) => x.trim()).filter(Boolean) : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parse a JSON or form body; undefined when malformed. */
function parseParams(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
  const ct = (contentType ?? "").toLowerCase();
  if (ct.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  if (!raw.trim()) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    if (!ct.includes("json") && raw.includes("=")) return Object.fromEntries(new URLSearchParams(raw));
    return undefined;
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const opts = {
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    seed: options.seed ?? 1,
    apiKey: options.apiKey ?? "storesync-dev-key",
    apiSecret: options.apiSecret ?? "storesync-dev-secret",
    timeScale: options.timeScale ?? 1,
    bulkMinDurationMs: options.bulkMinDurationMs ?? 200,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    appToml: options.appToml,
    appUrl: options.appUrl,
    dataDir: options.dataDir,
    log: options.log,
    shops: options.shops,
  };
  const log = (line: string) => (opts.log ?? ((l: string) => console.error(l)))(line);
  const tomlScopes = scopesFromToml(opts.appToml);
  const shops = new Map<string, SimShop>();
  const tokens = new TokenRegistry({ accessTokenTtlSeconds: opts.accessTokenTtlSeconds });
  let url = "";

  // The parts receive `sim` and may read executor/bulk/webhooks lazily, so those are filled in below.
  const sim = {
    get url() {
      return url;
    },
    apiKey: opts.apiKey,
    apiSecret: opts.apiSecret,
    schema: loadAdminSchema(),
    options: opts,
    tokens,
    shop(domain: string): SimShop {
      const s = shops.get(domain.toLowerCase());
      if (!s) throw new Error(`unknown shop: ${domain}`);
      return s;
    },
    shops: () => [...shops.values()],
    addShop(config: ShopConfig): SimShop {
      const domain = config.domain.toLowerCase();
      const existing = shops.get(domain);
      if (existing) return existing;
      const full: ShopConfig = { ...config, domain, seed: config.seed ?? opts.seed };
      const shop: SimShop = {
        domain,
        config: full,
        store: createStore(full),
        bucket: createCostBucket({ restoreRate: restoreRateForPlan(full.plan) }),
        faults: defaultFaults(),
        scopes: new Set(full.scopes ?? tomlScopes ?? DEFAULT_SCOPES),
      };
      shops.set(domain, shop);
      sim.webhooks.attach(shop);
      return shop;
    },
    sessionToken(domain: string, o?: { userId?: number; expiresInSeconds?: number }): string {
      const shop = sim.shop(domain);
      return mintSessionToken({ shop: shop.domain, apiKey: opts.apiKey, apiSecret: opts.apiSecret, userId: o?.userId, expiresInSeconds: o?.expiresInSeconds });
    },
    validateAccessToken: (shop: string, token: string) => tokens.validate(shop.toLowerCase(), token),
    issueAccessToken(domain: string, o?: { expiring?: boolean }): IssuedToken {
      const shop = sim.shop(domain);
      return tokens.issueOffline(shop.domain, [...shop.scopes].join(","), o?.expiring ?? true);
    },
    revokeShopTokens: (domain: string) => tokens.revokeShop(domain.toLowerCase()),
    close: async () => {},
  } as unknown as RunningSimulator & { executor: RunningSimulator["executor"]; bulk: RunningSimulator["bulk"]; webhooks: RunningSimulator["webhooks"] };

  const mutable = sim as unknown as Record<string, unknown>;
  mutable.executor = createExecutor(sim);
  mutable.bulk = createBulkManager(sim);
  mutable.webhooks = createWebhookDispatcher(sim);
  const control = createControlHandler(sim);
  const adminShell = createAdminShellHandler(sim); // GET /store/<shop>/apps/<app>, /app-bridge.js, / and /admin

  for (const config of opts.shops ?? [{ domain: "demo.myshopify.com" }]) sim.addShop(config);

  function shopFromRequest(req: IncomingMessage, override?: string): SimShop | undefined {
    const candidates = [override, req.headers["x-shopify-shop-domain"] as string | undefined, req.headers.host?.replace(/:\d+$/, "")];
    for (const c of candidates) {
      if (!c) continue;
      const s = shops.get(c.toLowerCase());
      if (s) return s;
      return undefined; // the first given source decides
    }
    return undefined;
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, shop: SimShop | undefined): Promise<void> {
    const gql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(path);
    if (path === "/admin/oauth/access_token") {
      if (!shop) return sendJson(res, 404, NOT_FOUND_BODY);
      if (req.method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" });
      const params = parseParams(await readBody(req), req.headers["content-type"]);
      if (!params) return sendJson(res, 400, { error: "invalid_request", error_description: "The request body could not be parsed." });
      const url0 = new URL(req.url ?? "/", "http://x");
      for (const [k, v] of url0.searchParams) if (params[k] === undefined) params[k] = v;
      const r = handleAccessTokenRequest(params, { shop, apiKey: opts.apiKey, apiSecret: opts.apiSecret, tokens });
      return sendJson(res, r.status, r.body);
    }
    if (!gql) return sendJson(res, 404, NOT_FOUND_BODY);
    if (!shop) return sendJson(res, 404, NOT_FOUND_BODY);
    const version = decodeURIComponent(gql[1]!);
    if (version !== ADMIN_API_VERSION) return sendJson(res, 404, NOT_FOUND_BODY);
    if (req.method !== "POST") return sendJson(res, 405, { errors: "Method Not Allowed" }, { Allow: "POST" });
    const token = req.headers["x-shopify-access-token"];
    if (typeof token !== "string" || tokens.validate(shop.domain, token) !== "ok") {
      await readBody(req).catch(() => "");
      return sendJson(res, 401, INVALID_TOKEN_BODY);
    }
    const raw = await readBody(req);
    const f = shop.faults.graphql5xx;
    if (f.remaining > 0) {
      f.remaining--;
      const status = f.status >= 500 && f.status <= 599 ? f.status : 503;
      return sendJson(res, status, { errors: status === 502 ? "Bad Gateway" : status === 504 ? "Gateway Timeout" : "Service Unavailable" });
    }
    const ct = (req.headers["content-type"] ?? "").toLowerCase();
    let payload: Record<string, unknown> | undefined;
    if (ct.includes("application/graphql")) payload = { query: raw };
    else {
      try {
        const v = JSON.parse(raw) as unknown;
        payload = v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
      } catch {
        payload = undefined;
      }
    }
    if (!payload) return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    const r = await handleGraphqlRequest(sim, shop, payload);
    return sendJson(res, r.status, r.body, { "X-Shopify-API-Version": ADMIN_API_VERSION });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? "/", "http://localhost");
    const path = u.pathname;
    if (path.startsWith("/_sim/")) {
      const viaPath = /^\/_sim\/shops\/([^/]+)(\/admin\/.*)$/.exec(path);
      if (viaPath) {
        const domain = decodeURIComponent(viaPath[1]!).toLowerCase();
        return handleAdmin(req, res, viaPath[2]!, shops.get(domain));
      }
      if (sim.bulk.serve(req, res, u)) return;
      if (await control(req, res, u)) return;
      return sendJson(res, 404, { error: `no route ${req.method} ${path}` });
    }
    if (path.startsWith("/admin/")) return handleAdmin(req, res, path, shopFromRequest(req));
    if (await adminShell(req, res, u)) return;
    return sendJson(res, 404, NOT_FOUND_BODY);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (e instanceof BodyTooLarge) return sendJson(res, 413, { errors: "Request Entity Too Large" });
      log(`[sim] ${req.method} ${req.url} failed: ${(e as Error)?.stack ?? String(e)}`);
      try {
        sendJson(res, 500, { errors: "Internal Server Error" });
      } catch {
        res.destroy();
      }
    });
  });
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  url = `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${addr.port}`;

  let closed: Promise<void> | undefined;
  (sim as unknown as Record<string, unknown>).close = () => {
    closed ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled([sim.bulk.close(), sim.webhooks.close()]);
    })();
    return closed;
  };
  return sim;
}
