/**
 * Webhook topics as the app sees them: which topics carry a record to store raw and refine
 * (resource topics), which are handled directly (app lifecycle, compliance), and how to name the
 * record a REST payload is about (GID, numeric id, version).
 */
import { APP_WEBHOOK_TOPICS, COMPLIANCE_TOPICS, SYNC_RESOURCES } from "../resources/catalog";

export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];
export type AppTopic = (typeof APP_WEBHOOK_TOPICS)[number];

/** How a topic is handled once its delivery is recorded. */
export type TopicKind = "resource" | "app" | "compliance";

/** Topics that refine into rows, with the catalog resource they belong to. */
export const RESOURCE_TOPIC_RESOURCE: ReadonlyMap<string, string> = new Map(
  SYNC_RESOURCES.flatMap((r) => r.webhookTopics.map((t) => [t, r.key] as const)),
);

export function topicKind(topic: string): TopicKind | null {
  if ((COMPLIANCE_TOPICS as readonly string[]).includes(topic)) return "compliance";
  if ((APP_WEBHOOK_TOPICS as readonly string[]).includes(topic)) return "app";
  if (RESOURCE_TOPIC_RESOURCE.has(topic)) return "resource";
  return null;
}

/** Every topic the app subscribes to (resource, app and compliance topics). */
export function allSubscribedTopics(): string[] {
  return [...RESOURCE_TOPIC_RESOURCE.keys(), ...APP_WEBHOOK_TOPICS, ...COMPLIANCE_TOPICS];
}

/** GID type of the record a topic's payload describes (by topic prefix). */
const GID_TYPE_BY_PREFIX: Record<string, string> = {
  orders: "Order",
  products: "Product",
  customers: "Customer",
  locations: "Location",
  inventory_items: "InventoryItem",
  inventory_levels: "InventoryLevel",
  order_transactions: "OrderTransaction",
  refunds: "Refund",
  fulfillments: "Fulfillment",
  disputes: "ShopifyPaymentsDispute",
  checkouts: "AbandonedCheckout",
  discounts: "DiscountNode",
};

type Payload = Record<string, unknown>;

const digits = (v: unknown): string | null => {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return String(v);
  if (typeof v === "string" && /^\d{1,19}$/.test(v)) return v;
  return null;
};

export interface WebhookSubject {
  /** Catalog resource key (raw_records.resource). */
  resource: string;
  /** The record's GID (raw_records.gid); `webhook:<topic>` when the payload names none. */
  gid: string;
  shopifyId: bigint | null;
}

/**
 * The record a resource topic's REST payload is about. `admin_graphql_api_id` when present, else
 * built from the numeric `id`; inventory levels (no id of their own) are named by item and location.
 */
export function webhookSubject(topic: string, payload: unknown): WebhookSubject {
  const resource = RESOURCE_TOPIC_RESOURCE.get(topic) ?? topic.split("/")[0];
  const p = (payload && typeof payload === "object" ? payload : {}) as Payload;
  const prefix = topic.split("/")[0];
  if (prefix === "inventory_levels") {
    const item = digits(p.inventory_item_id);
    const location = digits(p.location_id);
    if (item && location)
      return {
        resource,
        gid: `gid://shopify/InventoryLevel/${location}?inventory_item_id=${item}`,
        shopifyId: null,
      };
  }
  const given = typeof p.admin_graphql_api_id === "string" ? p.admin_graphql_api_id : null;
  const id = digits(p.id);
  if (given) {
    const tail = /\/(\d{1,19})(?:\?.*)?$/.exec(given)?.[1] ?? id;
    return { resource, gid: given, shopifyId: tail ? BigInt(tail) : null };
  }
  const type = GID_TYPE_BY_PREFIX[prefix];
  if (id && type) return { resource, gid: `gid://shopify/${type}/${id}`, shopifyId: BigInt(id) };
  return { resource, gid: `webhook:${topic}`, shopifyId: null };
}

/** The payload's `updated_at` in ms (null when absent or unparsable). */
export function payloadUpdatedAt(payload: unknown): number | null {
  const v = (payload as Payload | null)?.updated_at;
  if (typeof v !== "string") return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

/** X-Shopify-Triggered-At (or any ISO string) as a Date; null when absent or invalid. */
export function parseTriggeredAt(v: string | null | undefined): Date | null {
  if (!v) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms);
}
