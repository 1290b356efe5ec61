/**
 * Webhook subsystem: subscriptions (app toml + API), store change events → topics → REST payloads,
 * signed HTTP delivery with Shopify's headers, retries with backoff, and injected faults.
 */
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { parse as parseToml } from "smol-toml";
import type {
  ChangeEvent,
  GqlRecord,
  ResourceName,
  SimShop,
  SimulatorInternals,
  WebhookDeliveryLog,
  WebhookDispatcherInternal,
} from "../types.js";
import {
  COMPLIANCE_TOPICS,
  compliancePayload,
  restPayload,
  subjectsFor,
  type ComplianceTopic,
} from "./payloads.js";

export {
  restPayload,
  compliancePayload,
  subjectsFor,
  localTimestamp,
  numericId,
  PAYLOAD_TOPICS,
  COMPLIANCE_TOPICS,
} from "./payloads.js";

export const WEBHOOK_API_VERSION = "2026-07";
/** Declarative (toml) subscriptions get GIDs in their own range so they never collide with API-created ones. */
const TOML_ID_BASE = 1_000_000;

/** Shopify retries a failed delivery 8 times over 4 hours with exponential backoff (sums to 4 h). */
export const RETRY_SCHEDULE_MS: readonly number[] = (() => {
  const total = 4 * 3600 * 1000;
  const unit = total / 255; // 1+2+4+...+128
  return Array.from({ length: 8 }, (_, i) => Math.round(unit * 2 ** i));
})();

/** Resource → topic prefix of its create/update/delete topics. */
const RESOURCE_TOPICS: Partial<
  Record<ResourceName, { prefix: string; update: string; del?: boolean }>
> = {
  orders: { prefix: "orders", update: "updated" },
  products: { prefix: "products", update: "update" },
  customers: { prefix: "customers", update: "update" },
  inventoryItems: { prefix: "inventory_items", update: "update" },
  locations: { prefix: "locations", update: "update" },
  abandonedCheckouts: { prefix: "checkouts", update: "update" },
  discounts: { prefix: "discounts", update: "update" },
  disputes: { prefix: "disputes", update: "update", del: false },
};

/** Primary topic of a change (null if the resource has no webhook, e.g. payouts). */
export function topicForChange(
  resource: ResourceName,
  action: ChangeEvent["action"],
): string | null {
  const t = RESOURCE_TOPICS[resource];
  if (!t) return null;
  if (action === "create") return `${t.prefix}/create`;
  if (action === "update") return `${t.prefix}/${t.update}`;
  return t.del === false ? null : `${t.prefix}/delete`;
}

/** `ORDERS_CREATE` → `orders/create` (the GraphQL enum of webhookSubscriptionCreate); `orders/create` passes. */
export function normalizeTopic(topic: string): string {
  if (topic.includes("/")) return topic.toLowerCase();
  const wanted = topic.toUpperCase();
  const known = [...KNOWN_TOPICS].find((t) => topicEnum(t) === wanted);
  if (known) return known;
  // Fallback: first segment / rest (covers simple resource/action topics).
  const lowerT = topic.toLowerCase();
  const i = lowerT.lastIndexOf("_");
  return i > 0 ? `${lowerT.slice(0, i)}/${lowerT.slice(i + 1)}` : lowerT;
}
export const topicEnum = (topic: string): string => topic.toUpperCase().replace(/\//g, "_");
const KNOWN_TOPICS = new Set<string>([
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/delete",
  "orders/edited",
  "orders/paid",
  "orders/fulfilled",
  "orders/partially_fulfilled",
  "products/create",
  "products/update",
  "products/delete",
  "customers/create",
  "customers/update",
  "customers/delete",
  "customers/enable",
  "customers/disable",
  "inventory_items/create",
  "inventory_items/update",
  "inventory_items/delete",
  "inventory_levels/update",
  "inventory_levels/connect",
  "inventory_levels/disconnect",
  "order_transactions/create",
  "refunds/create",
  "disputes/create",
  "disputes/update",
  "fulfillments/create",
  "fulfillments/update",
  "checkouts/create",
  "checkouts/update",
  "checkouts/delete",
  "discounts/create",
  "discounts/update",
  "discounts/delete",
  "discounts/redeemcode_added",
  "discounts/redeemcode_removed",
  "locations/create",
  "locations/update",
  "locations/delete",
  "locations/activate",
  "locations/deactivate",
  "app/uninstalled",
  "app/scopes_update",
  "bulk_operations/finish",
  "shop/update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
]);

export interface Subscription {
  id: string;
  topic: string;
  uri: string;
  source: "toml" | "api";
}

/** `[webhooks]` of an app toml: api_version and one subscription per topic (compliance topics included). */
export function parseAppTomlWebhooks(text: string): {
  apiVersion?: string;
  subscriptions: { topic: string; uri: string }[];
} {
  const doc = parseToml(text) as {
    webhooks?: {
      api_version?: string;
      subscriptions?: { topics?: string[]; compliance_topics?: string[]; uri?: string }[];
    };
  };
  const subs: { topic: string; uri: string }[] = [];
  for (const s of doc.webhooks?.subscriptions ?? []) {
    if (!s.uri) continue;
    for (const topic of [...(s.topics ?? []), ...(s.compliance_topics ?? [])])
      subs.push({ topic, uri: s.uri });
  }
  return { apiVersion: doc.webhooks?.api_version, subscriptions: subs };
}

/** Delivery record kept by the dispatcher (the public log plus what is needed to (re)send). */
export interface DeliveryRecord extends WebhookDeliveryLog {
  eventId: string;
  body: string;
  subscriptionId: string;
  duplicate: boolean;
}

export interface DispatcherTuning {
  connectTimeoutMs?: number; // default 1000 (Shopify: 1 s to connect)
  responseTimeoutMs?: number; // default 5000 (Shopify: 5 s to answer)
  reorderWindowMs?: number; // default 50: how long deliveries are held for shuffling when `reorder` is on
}

interface Pending {
  rec: DeliveryRecord;
  url: string | null;
  shop: string;
  timer?: NodeJS.Timeout;
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function createWebhookDispatcher(
  sim: SimulatorInternals,
  tuning: DispatcherTuning = {},
): WebhookDispatcherInternal & {
  /** Full records (with body), for tests and the control API. */
  records(shop?: string): DeliveryRecord[];
} {
  const connectTimeout = tuning.connectTimeoutMs ?? 1000;
  const responseTimeout = tuning.responseTimeoutMs ?? 5000;
  const reorderWindow = tuning.reorderWindowMs ?? 50;
  const log = (line: string) => sim.options.log?.(`[webhooks] ${line}`);
  const timeScale = () =>
    sim.options.timeScale && sim.options.timeScale > 0 ? sim.options.timeScale : 1;

  // --- subscriptions ---------------------------------------------------------------------------
  let apiVersion = WEBHOOK_API_VERSION;
  const tomlSubs: Subscription[] = [];
  if (sim.options.appToml) {
    if (existsSync(sim.options.appToml)) {
      const parsed = parseAppTomlWebhooks(readFileSync(sim.options.appToml, "utf8"));
      if (parsed.apiVersion) apiVersion = parsed.apiVersion;
      parsed.subscriptions.forEach((s, i) =>
        tomlSubs.push({
          id: `gid://shopify/WebhookSubscription/${TOML_ID_BASE + i + 1}`,
          topic: s.topic,
          uri: s.uri,
          source: "toml",
        }),
      );
    } else {
      log(`app toml not found: ${sim.options.appToml}`);
    }
  }
  const apiSubs = new Map<string, Subscription[]>();
  let nextSubId = 1;

  function subscriptions(shop: string): Subscription[] {
    return [...tomlSubs, ...(apiSubs.get(shop) ?? [])].map((s) => ({ ...s }));
  }
  function createSubscription(shop: string, topic: string, uri: string) {
    const sub: Subscription = {
      id: `gid://shopify/WebhookSubscription/${nextSubId++}`,
      topic: normalizeTopic(topic),
      uri,
      source: "api",
    };
    apiSubs.set(shop, [...(apiSubs.get(shop) ?? []), sub]);
    return { id: sub.id, topic: sub.topic, uri: sub.uri };
  }
  function deleteSubscription(shop: string, id: string): boolean {
    const list = apiSubs.get(shop) ?? [];
    const next = list.filter((s) => s.id !== id);
    apiSubs.set(shop, next);
    return next.length !== list.length;
  }
  function resolveUri(uri: string): string | null {
    try {
      if (/^https?:\/\//i.test(uri)) return new URL(uri).toString();
      if (sim.options.appUrl) return new URL(uri, sim.options.appUrl).toString();
    } catch {
      /* fallthrough */
    }
    return null; // pubsub://, arn:..., or relative without appUrl: not deliverable here
  }

  // --- state -----------------------------------------------------------------------------------
  const records: DeliveryRecord[] = [];
  const active = new Set<Pending>(); // pending or retrying (timer scheduled / in flight / held)
  const inflight = new Set<AbortController>();
  const held = new Map<string, Pending[]>(); // reorder windows per shop
  const heldTimers = new Map<string, NodeJS.Timeout>();
  const rngs = new Map<string, () => number>();
  const idleWaiters = new Set<() => void>();
  const listeners = new Map<string, (e: ChangeEvent) => void>();
  let closed = false;

  function shopRng(domain: string): () => number {
    let r = rngs.get(domain);
    if (!r) {
      let seed = sim.options.seed ?? 1;
      try {
        seed = sim.shop(domain).config.seed ?? seed;
      } catch {
        /* unknown shop */
      }
      r = rng(hashString(domain) ^ seed);
      rngs.set(domain, r);
    }
    return r;
  }
  function simShop(domain: string): SimShop | undefined {
    try {
      return sim.shop(domain);
    } catch {
      return undefined;
    }
  }
  function settle(p: Pending) {
    active.delete(p);
    if (active.size === 0) for (const w of [...idleWaiters]) w();
  }

  // --- delivery --------------------------------------------------------------------------------
  function post(p: Pending): Promise<number> {
    return new Promise((resolve, reject) => {
      const url = new URL(p.url!);
      const body = Buffer.from(p.rec.body, "utf8");
      const ac = new AbortController();
      inflight.add(ac);
      const hmac = createHmac("sha256", sim.apiSecret).update(body).digest("base64");
      const lib = url.protocol === "https:" ? https : http;
      let timer: NodeJS.Timeout | undefined = setTimeout(
        () => ac.abort(new Error("connect timeout")),
        connectTimeout,
      );
      const done = (fn: () => void) => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        inflight.delete(ac);
        fn();
      };
      const req = lib.request(
        url,
        {
          method: "POST",
          signal: ac.signal,
          headers: {
            "Content-Type": "application/json",
            "Content-Length": String(body.length),
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": p.rec.topic,
            "X-Shopify-Hmac-Sha256": hmac,
            "X-Shopify-Shop-Domain": p.shop,
            "X-Shopify-API-Version": apiVersion,
            "X-Shopify-Webhook-Id": p.rec.id,
            "X-Shopify-Triggered-At": p.rec.triggeredAt,
            "X-Shopify-Event-Id": p.rec.eventId,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => done(() => resolve(res.statusCode ?? 0)));
          res.on("error", (e) => done(() => reject(e)));
        },
      );
      req.on("socket", (socket) => {
        const connected = () => {
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => ac.abort(new Error("response timeout")), responseTimeout);
        };
        if ((socket as { connecting?: boolean }).connecting) socket.once("connect", connected);
        else connected();
      });
      req.on("error", (e) => done(() => reject(e)));
      req.end(body);
    });
  }

  async function attempt(p: Pending): Promise<void> {
    p.timer = undefined;
    if (closed) return settle(p);
    if (!p.url) {
      p.rec.status = "failed";
      log(`${p.rec.topic} → ${p.rec.uri}: not an HTTP(S) address (set appUrl for relative URIs)`);
      return settle(p);
    }
    p.rec.attempts++;
    let ok = false;
    try {
      const status = await post(p);
      p.rec.lastStatusCode = status;
      ok = status >= 200 && status < 300;
    } catch (e) {
      p.rec.lastStatusCode = undefined;
      log(`${p.rec.topic} → ${p.url}: ${(e as Error).message}`);
    }
    if (closed) return settle(p);
    if (ok) {
      p.rec.status = "delivered";
      if (p.rec.duplicate) {
        // Duplicate fault: the same webhook (same X-Shopify-Webhook-Id) arrives a second time.
        p.rec.duplicate = false;
        try {
          p.rec.attempts++;
          p.rec.lastStatusCode = await post(p);
        } catch {
          /* the duplicate is best effort */
        }
      }
      return settle(p);
    }
    const retryIndex = p.rec.attempts - 1; // attempts so far minus the first
    if (retryIndex >= RETRY_SCHEDULE_MS.length) {
      p.rec.status = "failed";
      log(`${p.rec.topic} → ${p.url}: failed after ${p.rec.attempts} attempts`);
      return settle(p);
    }
    p.rec.status = "pending";
    p.timer = setTimeout(() => void attempt(p), RETRY_SCHEDULE_MS[retryIndex] / timeScale());
  }

  function schedule(p: Pending, delayMs: number) {
    if (delayMs > 0) p.timer = setTimeout(() => void attempt(p), delayMs);
    else void attempt(p);
  }

  function flushHeld(shop: string) {
    heldTimers.delete(shop);
    const batch = held.get(shop) ?? [];
    held.delete(shop);
    if (batch.length === 0) return;
    const r = shopRng(shop);
    const order = batch.slice();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    if (order.length > 1 && order.every((p, i) => p === batch[i])) order.push(order.shift()!); // always out of order
    // Send one after another so the receiver sees exactly this order.
    void (async () => {
      for (const p of order) {
        if (closed) return settle(p);
        await attempt(p);
      }
    })();
  }

  function trigger(
    shop: string,
    topic: string,
    payload: unknown,
    opts: { triggeredAt?: string; eventId?: string } = {},
  ) {
    if (closed) return;
    const subs = subscriptions(shop).filter((s) => s.topic === topic);
    if (subs.length === 0) return;
    const body = JSON.stringify(payload);
    const triggeredAt = opts.triggeredAt ?? new Date().toISOString();
    const eventId = opts.eventId ?? randomUUID();
    const faults = simShop(shop)?.faults.webhooks;
    const r = shopRng(shop);
    for (const sub of subs) {
      const rec: DeliveryRecord = {
        id: randomUUID(),
        shop,
        topic,
        uri: sub.uri,
        attempts: 0,
        status: "pending",
        triggeredAt,
        eventId,
        body,
        subscriptionId: sub.id,
        duplicate: false,
      };
      records.push(rec);
      if (faults && faults.dropRate > 0 && r() < faults.dropRate) {
        rec.status = "dropped";
        continue;
      }
      if (faults && faults.duplicateRate > 0 && r() < faults.duplicateRate) rec.duplicate = true;
      const p: Pending = { rec, url: resolveUri(sub.uri), shop };
      active.add(p);
      if (faults?.reorder) {
        const batch = held.get(shop) ?? [];
        batch.push(p);
        held.set(shop, batch);
        if (!heldTimers.has(shop))
          heldTimers.set(
            shop,
            setTimeout(() => flushHeld(shop), (faults.delayMs ?? 0) + reorderWindow),
          );
      } else {
        schedule(p, faults?.delayMs ?? 0);
      }
    }
  }

  // --- store events ----------------------------------------------------------------------------
  function onChange(shop: SimShop, e: ChangeEvent) {
    if (e.silent || closed) return;
    const ctx = {
      shop: safeShopRecord(shop),
      domain: shop.domain,
      resolve: (gid: string) => shop.store.node(gid),
    };
    const eventId = randomUUID();
    // Like Shopify's header, X-Shopify-Triggered-At has sub-second precision (the record's
    // updated_at has whole seconds), so receivers can order two changes made in the same second.
    const triggeredAt = new Date(Math.max(Date.now(), Date.parse(e.at))).toISOString();
    const topics: { topic: string; subject?: GqlRecord }[] = [];
    const primary = topicForChange(e.resource, e.action);
    if (primary) topics.push({ topic: primary });
    for (const t of e.topics ?? []) topics.push({ topic: t, subject: e.subject });
    for (const { topic, subject } of topics) {
      if (!subscriptions(shop.domain).some((s) => s.topic === topic)) continue;
      const subjects = subjectsFor(topic, e.record, subject);
      if (subjects.length === 0) log(`no subject for ${topic} on ${e.record.id}: not sent`);
      for (const sub of subjects) {
        try {
          trigger(shop.domain, topic, restPayload(topic, e.record, sub, ctx), {
            triggeredAt,
            eventId,
          });
        } catch (err) {
          log(`cannot build ${topic} for ${e.record.id}: ${(err as Error).message}`);
        }
      }
    }
  }
  function safeShopRecord(shop: SimShop): GqlRecord | undefined {
    try {
      return shop.store.shop();
    } catch {
      return undefined;
    }
  }
  function attach(shop: SimShop) {
    if (listeners.has(shop.domain)) return;
    const l = (e: ChangeEvent) => onChange(shop, e);
    listeners.set(shop.domain, l);
    shop.store.on("change", l);
  }

  function triggerCompliance(shop: string, topic: ComplianceTopic, customerIdOrGid?: string) {
    if (!(COMPLIANCE_TOPICS as readonly string[]).includes(topic))
      throw new Error(`Unknown compliance topic: ${topic}`);
    const s = simShop(shop);
    const shopRecord = s ? safeShopRecord(s) : undefined;
    let customer: GqlRecord | undefined;
    const orderIds: string[] = [];
    if (topic !== "shop/redact") {
      if (!customerIdOrGid) throw new Error(`${topic} needs a customer id`);
      customer = s?.store.collection("customers").get(customerIdOrGid);
      if (!customer) throw new Error(`Unknown customer ${customerIdOrGid}`);
      const numeric = /(\d+)$/.exec(customer.id)?.[1] ?? "";
      let scanned = 0;
      for (const { record } of s!.store
        .collection("orders")
        .scan({ filter: [{ field: "customer_id", op: "=", value: numeric }] })) {
        const cid = (record.customer as GqlRecord | null | undefined)?.id;
        if (cid === customer.id) orderIds.push(record.id);
        if (orderIds.length >= 1000 || ++scanned >= 200_000) break;
      }
    }
    trigger(
      shop,
      topic,
      compliancePayload(
        topic,
        shopRecord,
        shop,
        customer,
        orderIds,
        Math.floor(shopRng(shop)() * 1e6) + 1,
      ),
    );
  }

  function idle(timeoutMs = 30_000): Promise<void> {
    if (active.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        idleWaiters.delete(w);
        reject(new Error(`webhooks not idle after ${timeoutMs} ms (${active.size} pending)`));
      }, timeoutMs);
      const w = () => {
        clearTimeout(t);
        idleWaiters.delete(w);
        resolve();
      };
      idleWaiters.add(w);
    });
  }

  async function close() {
    closed = true;
    for (const [domain, l] of listeners) {
      try {
        sim.shop(domain).store.off("change", l);
      } catch {
        /* shop gone */
      }
    }
    listeners.clear();
    for (const t of heldTimers.values()) clearTimeout(t);
    heldTimers.clear();
    held.clear();
    for (const p of active) if (p.timer) clearTimeout(p.timer);
    for (const ac of inflight) ac.abort(new Error("simulator closing"));
    inflight.clear();
    active.clear();
    for (const w of [...idleWaiters]) w();
  }

  const strip = ({
    eventId: _e,
    body: _b,
    subscriptionId: _s,
    duplicate: _d,
    ...log
  }: DeliveryRecord): WebhookDeliveryLog => ({ ...log });
  return {
    trigger: (shop, topic, payload, opts) => trigger(shop, topic, payload, opts),
    triggerCompliance,
    deliveries: (shop) => records.filter((r) => !shop || r.shop === shop).map(strip),
    records: (shop) => records.filter((r) => !shop || r.shop === shop).map((r) => ({ ...r })),
    idle,
    subscriptions,
    createSubscription,
    deleteSubscription,
    attach,
    close,
  };
}
