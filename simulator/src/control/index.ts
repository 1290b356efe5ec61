/**
 * Control API under /_sim/ (JSON): shops, data changes (with ?silent=1 drift), domain actions, faults,
 * scopes, uninstall, compliance triggers, webhook log, session tokens. Never throws to the server:
 * bad input → 400, unknown shop/record → 404, each with `{ error }`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type {
  ControlHandler,
  FaultState,
  ResourceName,
  ShopConfig,
  SimShop,
  SimulatorInternals,
} from "../types.js";
import { COMPLIANCE_TOPICS, restPayload, type ComplianceTopic } from "../webhooks/payloads.js";

export const RESOURCES: readonly ResourceName[] = [
  "orders",
  "products",
  "customers",
  "locations",
  "inventoryItems",
  "abandonedCheckouts",
  "marketingEvents",
  "discounts",
  "payouts",
  "disputes",
  "balanceTransactions",
];
const RESOURCE_ALIASES: Record<string, ResourceName> = {
  inventory_items: "inventoryItems",
  "inventory-items": "inventoryItems",
  abandoned_checkouts: "abandonedCheckouts",
  "abandoned-checkouts": "abandonedCheckouts",
  checkouts: "abandonedCheckouts",
  marketing_events: "marketingEvents",
  "marketing-events": "marketingEvents",
  balance_transactions: "balanceTransactions",
  "balance-transactions": "balanceTransactions",
};
export function resourceName(s: string): ResourceName | undefined {
  if ((RESOURCES as readonly string[]).includes(s)) return s as ResourceName;
  return RESOURCE_ALIASES[s];
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

const MAX_BODY = 5 * 1024 * 1024;
async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, "body too large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new HttpError(400, "body is not valid JSON");
  }
  if (!v || typeof v !== "object" || Array.isArray(v))
    throw new HttpError(400, "body must be a JSON object");
  return v as Record<string, unknown>;
}

const truthy = (v: string | null) => v !== null && v !== "0" && v !== "false" && v !== "";

/** `demo` → `demo.myshopify.com`. */
export function shopDomain(s: string): string {
  const d = decodeURIComponent(s).toLowerCase();
  return d.includes(".") ? d : `${d}.myshopify.com`;
}

function num(
  v: unknown,
  field: string,
  opts: { min?: number; max?: number; int?: boolean } = {},
): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n))
    throw new HttpError(400, `${field} must be a number`);
  if (opts.int && !Number.isInteger(n)) throw new HttpError(400, `${field} must be an integer`);
  if (opts.min !== undefined && n < opts.min)
    throw new HttpError(400, `${field} must be >= ${opts.min}`);
  if (opts.max !== undefined && n > opts.max)
    throw new HttpError(400, `${field} must be <= ${opts.max}`);
  return n;
}

/** Defaults of a shop's fault state (what DELETE …/faults restores). */
export function defaultFaults(): FaultState {
  return {
    graphql5xx: { remaining: 0, status: 503 },
    bulk: null,
    webhooks: { dropRate: 0, duplicateRate: 0, delayMs: 0, reorder: false },
  };
}

/** Apply a partial FaultState (validated) to the shop. */
export function applyFaults(shop: SimShop, body: Record<string, unknown>): FaultState {
  const f = shop.faults;
  const known = new Set(["webhooks", "graphql5xx", "bulk", "throttle"]);
  const unknown = Object.keys(body).filter((k) => !known.has(k));
  if (unknown.length)
    throw new HttpError(
      400,
      `unknown fault(s): ${unknown.join(", ")} (known: ${[...known].join(", ")})`,
    );
  if (body.webhooks !== undefined) {
    const w = body.webhooks as Record<string, unknown>;
    if (!w || typeof w !== "object") throw new HttpError(400, "webhooks must be an object");
    const next = { ...f.webhooks };
    for (const [k, v] of Object.entries(w)) {
      if (k === "dropRate" || k === "duplicateRate")
        next[k] = num(v, `webhooks.${k}`, { min: 0, max: 1 });
      else if (k === "delayMs") next.delayMs = num(v, "webhooks.delayMs", { min: 0 });
      else if (k === "reorder") {
        if (typeof v !== "boolean") throw new HttpError(400, "webhooks.reorder must be a boolean");
        next.reorder = v;
      } else throw new HttpError(400, `unknown webhooks fault: ${k}`);
    }
    f.webhooks = next;
  }
  if (body.graphql5xx !== undefined) {
    const g = body.graphql5xx as Record<string, unknown>;
    if (!g || typeof g !== "object") throw new HttpError(400, "graphql5xx must be an object");
    const status =
      g.status === undefined
        ? 503
        : num(g.status, "graphql5xx.status", { min: 500, max: 599, int: true });
    f.graphql5xx = {
      remaining: num(g.remaining ?? 1, "graphql5xx.remaining", { min: 0, int: true }),
      status,
    };
  }
  if (body.bulk !== undefined) {
    if (body.bulk === null) f.bulk = null;
    else {
      const b = body.bulk as Record<string, unknown>;
      if (typeof b !== "object") throw new HttpError(400, "bulk must be an object or null");
      const errorCode = b.errorCode ?? "INTERNAL_SERVER_ERROR";
      if (errorCode !== "TIMEOUT" && errorCode !== "INTERNAL_SERVER_ERROR")
        throw new HttpError(400, "bulk.errorCode must be TIMEOUT or INTERNAL_SERVER_ERROR");
      f.bulk = {
        remaining: num(b.remaining ?? 1, "bulk.remaining", { min: 0, int: true }),
        errorCode,
        afterFraction: num(b.afterFraction ?? 0.5, "bulk.afterFraction", { min: 0, max: 1 }),
      };
    }
  }
  if (body.throttle !== undefined) {
    if (typeof body.throttle !== "boolean") throw new HttpError(400, "throttle must be a boolean");
    if (body.throttle) shop.bucket.drain();
  }
  return f;
}

function scopesOf(v: unknown): string[] {
  if (typeof v === "string")
    return v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(v) && v.every((s) => typeof s === "string"))
    return v.map((s) => s.trim()).filter(Boolean);
  throw new HttpError(400, "scopes must be an array of strings or a comma-separated string");
}

function shopSummary(s: SimShop) {
  const counts: Record<string, number> = {};
  for (const r of RESOURCES) {
    try {
      counts[r] = s.store.collection(r).count();
    } catch {
      /* resource not served by this store */
    }
  }
  return {
    domain: s.domain,
    seed: s.config.seed,
    size: s.config.size ?? null,
    scopes: [...s.scopes].sort(),
    counts,
  };
}

/** Optional hook the auth part may expose: revoke every token of a shop (uninstall). */
type MaybeRevoke = {
  revokeShopTokens?: (shop: string) => void;
  tokens?: { revokeShop?: (shop: string) => void };
};

export function createControlHandler(sim: SimulatorInternals): ControlHandler {
  function findShop(raw: string): SimShop {
    const domain = shopDomain(raw);
    const s = sim.shops().find((x) => x.domain === domain);
    if (!s) throw new HttpError(404, `unknown shop: ${domain}`);
    return s;
  }
  function requireRecord(shop: SimShop, resource: ResourceName, id: string) {
    const r = shop.store.collection(resource).get(id);
    if (!r) throw new HttpError(404, `${resource} ${id} not found in ${shop.domain}`);
    return r;
  }
  /** Store errors are the caller's fault (bad field, impossible action) → 400. */
  function storeCall<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(400, (e as Error).message || String(e));
    }
  }

  async function route(req: IncomingMessage, url: URL): Promise<[number, unknown]> {
    const method = (req.method ?? "GET").toUpperCase();
    const parts = url.pathname.replace(/\/+$/, "").split("/").filter(Boolean).slice(1); // drop "_sim"
    const silent = truthy(url.searchParams.get("silent"));
    const opts = { silent };

    if (parts.length === 1 && parts[0] === "health" && method === "GET") {
      return [200, { ok: true, url: sim.url, shops: sim.shops().map((s) => s.domain) }];
    }
    if (parts[0] !== "shops")
      throw new HttpError(404, `no control route ${method} ${url.pathname}`);

    if (parts.length === 1) {
      if (method === "GET") return [200, { shops: sim.shops().map(shopSummary) }];
      if (method === "POST") {
        const body = await readJson(req);
        if (
          typeof body.domain !== "string" ||
          !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(body.domain)
        ) {
          throw new HttpError(400, "domain must look like name.myshopify.com");
        }
        if (sim.shops().some((s) => s.domain === body.domain))
          throw new HttpError(409, `shop ${body.domain} exists`);
        const shop = storeCall(() => sim.addShop(body as unknown as ShopConfig));
        return [201, shopSummary(shop)];
      }
      throw new HttpError(405, `${method} not allowed on /_sim/shops`);
    }

    const shop = findShop(parts[1]);
    const [, , a, b, c] = parts;

    if (!a) {
      if (method === "GET") return [200, shopSummary(shop)];
      throw new HttpError(405, `${method} not allowed`);
    }

    switch (a) {
      case "faults": {
        if (parts.length !== 3) break;
        if (method === "GET") return [200, shop.faults];
        if (method === "POST") return [200, applyFaults(shop, await readJson(req))];
        if (method === "DELETE") {
          Object.assign(shop.faults, defaultFaults());
          return [200, shop.faults];
        }
        throw new HttpError(405, `${method} not allowed on faults`);
      }
      case "scopes": {
        if (parts.length !== 3) break;
        if (method === "GET") return [200, { scopes: [...shop.scopes] }];
        if (method !== "POST") throw new HttpError(405, `${method} not allowed on scopes`);
        const body = await readJson(req);
        const previous = [...shop.scopes];
        const current = scopesOf(body.scopes);
        shop.scopes.clear();
        for (const s of current) shop.scopes.add(s);
        const shopRec = shop.store.shop();
        const change = {
          __typename: "AppScopesUpdate",
          id: String(Date.now()),
          shopId: shopRec.id,
          previous,
          current,
          updatedAt: new Date().toISOString(),
        };
        sim.webhooks.trigger(
          shop.domain,
          "app/scopes_update",
          restPayload("app/scopes_update", change),
        );
        return [200, { previous, current }];
      }
      case "uninstall": {
        if (parts.length !== 3 || method !== "POST") break;
        const shopRec = shop.store.shop();
        sim.webhooks.trigger(
          shop.domain,
          "app/uninstalled",
          restPayload("app/uninstalled", shopRec, undefined, {
            shop: shopRec,
            domain: shop.domain,
          }),
        );
        const m = sim as unknown as MaybeRevoke;
        const revoked =
          typeof m.revokeShopTokens === "function" || typeof m.tokens?.revokeShop === "function";
        if (m.revokeShopTokens) m.revokeShopTokens(shop.domain);
        else m.tokens?.revokeShop?.(shop.domain);
        return [200, { uninstalled: shop.domain, tokensRevoked: revoked }];
      }
      case "compliance": {
        if (method !== "POST") break;
        const topic = parts
          .slice(3)
          .join("/")
          .replace(/-/g, "_")
          .replace(/^customers_/, "customers/")
          .replace(/^shop_/, "shop/");
        if (!(COMPLIANCE_TOPICS as readonly string[]).includes(topic)) {
          throw new HttpError(
            400,
            `unknown compliance topic "${topic}" (one of ${COMPLIANCE_TOPICS.join(", ")})`,
          );
        }
        const body = await readJson(req);
        const customerId =
          body.customerId ?? body.customer_id ?? url.searchParams.get("customerId") ?? undefined;
        if (topic !== "shop/redact" && customerId === undefined)
          throw new HttpError(400, `${topic} needs customerId`);
        if (customerId !== undefined) requireRecord(shop, "customers", String(customerId));
        storeCall(() =>
          sim.webhooks.triggerCompliance(
            shop.domain,
            topic as ComplianceTopic,
            customerId === undefined ? undefined : String(customerId),
          ),
        );
        return [202, { triggered: topic }];
      }
      case "webhooks": {
        if (parts.length !== 3 || method !== "GET") break;
        return [
          200,
          {
            subscriptions: sim.webhooks.subscriptions(shop.domain),
            deliveries: sim.webhooks.deliveries(shop.domain),
          },
        ];
      }
      case "session-token": {
        if (parts.length !== 3 || method !== "POST") break;
        const body = await readJson(req);
        const userId =
          body.userId === undefined ? undefined : num(body.userId, "userId", { min: 1, int: true });
        const expiresInSeconds =
          body.expiresInSeconds === undefined
            ? undefined
            : num(body.expiresInSeconds, "expiresInSeconds", { int: true });
        return [200, { idToken: sim.sessionToken(shop.domain, { userId, expiresInSeconds }) }];
      }
      case "inventory": {
        if (b !== "adjust" || parts.length !== 4 || method !== "POST") break;
        const body = await readJson(req);
        const item = body.inventoryItemId ?? body.inventory_item_id;
        const loc = body.locationId ?? body.location_id;
        if (typeof item !== "string" && typeof item !== "number")
          throw new HttpError(400, "inventoryItemId is required");
        if (typeof loc !== "string" && typeof loc !== "number")
          throw new HttpError(400, "locationId is required");
        const delta = num(body.delta, "delta", { int: true });
        requireRecord(shop, "inventoryItems", String(item));
        requireRecord(shop, "locations", String(loc));
        return [
          200,
          storeCall(() => shop.store.adjustInventory(String(item), String(loc), delta, opts)),
        ];
      }
    }

    // Data changes and order actions: /_sim/shops/:shop/:resource[/:id[/:action]]
    const resource = resourceName(a);
    if (!resource) throw new HttpError(404, `unknown resource or route: ${a}`);
    if (!b) {
      if (method === "GET") {
        const limit = Math.min(
          num(url.searchParams.get("limit") ?? 20, "limit", { min: 1, int: true }),
          250,
        );
        const out = [];
        for (const { record } of shop.store
          .collection(resource)
          .scan({ sortKey: "ID", reverse: true })) {
          out.push(record);
          if (out.length >= limit) break;
        }
        return [200, { count: shop.store.collection(resource).count(), records: out }];
      }
      if (method === "POST") {
        const body = await readJson(req);
        return [201, storeCall(() => shop.store.create(resource, body, opts))];
      }
      throw new HttpError(405, `${method} not allowed on ${resource}`);
    }
    if (!c) {
      if (method === "GET") return [200, requireRecord(shop, resource, b)];
      if (method === "PATCH" || method === "PUT") {
        const body = await readJson(req);
        requireRecord(shop, resource, b);
        return [200, storeCall(() => shop.store.update(resource, b, body, opts))];
      }
      if (method === "DELETE") {
        requireRecord(shop, resource, b);
        return [200, storeCall(() => shop.store.delete(resource, b, opts))];
      }
      throw new HttpError(405, `${method} not allowed on ${resource}/${b}`);
    }
    if (resource === "orders" && method === "POST" && parts.length === 5) {
      const body = await readJson(req);
      requireRecord(shop, "orders", b);
      switch (c) {
        case "refund": {
          const amount = body.amount === undefined ? undefined : String(body.amount);
          if (amount !== undefined && !/^\d+(\.\d{1,3})?$/.test(amount))
            throw new HttpError(400, 'amount must be a decimal string like "12.30"');
          return [200, storeCall(() => shop.store.refundOrder(b, { amount, silent }))];
        }
        case "fulfill":
          return [200, storeCall(() => shop.store.fulfillOrder(b, opts))];
        case "cancel":
          return [200, storeCall(() => shop.store.cancelOrder(b, opts))];
        case "pay":
          return [200, storeCall(() => shop.store.markOrderPaid(b, opts))];
      }
      throw new HttpError(404, `unknown order action: ${c} (refund, fulfill, cancel, pay)`);
    }
    throw new HttpError(404, `no control route ${method} ${url.pathname}`);
  }

  return async (req, res, url) => {
    // Only /_sim/health and /_sim/shops… are ours (bulk files, the admin shell etc. belong to other parts).
    if (
      url.pathname !== "/_sim/health" &&
      url.pathname !== "/_sim/shops" &&
      !url.pathname.startsWith("/_sim/shops/")
    )
      return false;
    try {
      const [status, body] = await route(req, url);
      send(res, status, body);
    } catch (e) {
      if (e instanceof HttpError) send(res, e.status, { error: e.message });
      else {
        sim.options.log?.(`[control] ${req.method} ${url.pathname}: ${(e as Error).stack ?? e}`);
        send(res, 500, { error: (e as Error).message || "internal error" });
      }
    }
    return true;
  };
}
