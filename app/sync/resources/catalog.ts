/**
 * The list of sync resources: one entry per concept the app mirrors.
 *
 * Everything that needs "all resources" (scopes, webhook declarations, the dashboard table,
 * counts) reads this list, so adding a resource starts here. Per-resource behaviour (queries,
 * refinement) lives in the resource's own module next to this file.
 */

export type FetchMode = "bulk" | "paginated" | "computed" | "report";

/** Prisma client delegate names (`db.order`, `db.lineItem`, ...) of the refined tables. */
export type RefinedDelegate =
  | "order"
  | "lineItem"
  | "orderTransaction"
  | "refund"
  | "refundLineItem"
  | "fulfillment"
  | "fulfillmentLineItem"
  | "product"
  | "productVariant"
  | "productImage"
  | "customer"
  | "customerAddress"
  | "location"
  | "inventoryItem"
  | "inventoryLevel"
  | "payout"
  | "dispute"
  | "balanceTransaction"
  | "discount"
  | "discountCode"
  | "marketingEvent"
  | "abandonedCheckout"
  | "report"
  | "reportRow"
  | "dailyMetric"
  | "analyticsSnapshot";

export interface ChildTable {
  key: string;
  label: string;
  delegate: RefinedDelegate;
}

export interface SyncResource {
  key: ResourceKey;
  /** What a merchant reads on the dashboard. */
  label: string;
  /** The resource's own refined table. */
  delegate: RefinedDelegate;
  /** Tables filled together with the resource (same query / same webhook payload). */
  children: readonly ChildTable[];
  /** The access scope reading this resource needs; the first one is the essential one. */
  scopes: readonly string[];
  fetchMode: FetchMode;
  /** Webhook topics that change this resource (none: kept fresh by scheduled incremental sync). */
  webhookTopics: readonly string[];
}

export const RESOURCE_KEYS = [
  "orders",
  "products",
  "customers",
  "locations",
  "inventoryItems",
  "payouts",
  "disputes",
  "balanceTransactions",
  "discounts",
  "marketingEvents",
  "abandonedCheckouts",
  "reports",
  "dailyMetrics",
] as const;

export type ResourceKey = (typeof RESOURCE_KEYS)[number];

export const SYNC_RESOURCES: readonly SyncResource[] = [
  {
    key: "orders",
    label: "Orders",
    delegate: "order",
    children: [
      { key: "lineItems", label: "Line items", delegate: "lineItem" },
      { key: "orderTransactions", label: "Transactions", delegate: "orderTransaction" },
      { key: "refunds", label: "Refunds", delegate: "refund" },
      { key: "refundLineItems", label: "Refund line items", delegate: "refundLineItem" },
      { key: "fulfillments", label: "Fulfillments", delegate: "fulfillment" },
      {
        key: "fulfillmentLineItems",
        label: "Fulfillment line items",
        delegate: "fulfillmentLineItem",
      },
    ],
    // read_all_orders: orders older than 60 days; read_fulfillments: fulfillment webhooks.
    scopes: ["read_orders", "read_all_orders", "read_fulfillments"],
    fetchMode: "bulk",
    webhookTopics: [
      "orders/create",
      "orders/updated",
      "orders/cancelled",
      "orders/delete",
      "orders/edited",
      "orders/paid",
      "orders/fulfilled",
      "order_transactions/create",
      "refunds/create",
      "fulfillments/create",
      "fulfillments/update",
    ],
  },
  {
    key: "products",
    label: "Products",
    delegate: "product",
    children: [
      { key: "variants", label: "Variants", delegate: "productVariant" },
      { key: "productImages", label: "Images", delegate: "productImage" },
    ],
    scopes: ["read_products"],
    fetchMode: "bulk",
    webhookTopics: ["products/create", "products/update", "products/delete"],
  },
  {
    key: "customers",
    label: "Customers",
    delegate: "customer",
    children: [{ key: "customerAddresses", label: "Addresses", delegate: "customerAddress" }],
    scopes: ["read_customers"],
    fetchMode: "bulk",
    webhookTopics: ["customers/create", "customers/update", "customers/delete"],
  },
  {
    key: "locations",
    label: "Locations",
    delegate: "location",
    children: [],
    scopes: ["read_locations"],
    fetchMode: "paginated",
    webhookTopics: ["locations/create", "locations/update", "locations/delete"],
  },
  {
    key: "inventoryItems",
    label: "Inventory items",
    delegate: "inventoryItem",
    children: [{ key: "inventoryLevels", label: "Inventory levels", delegate: "inventoryLevel" }],
    scopes: ["read_inventory"],
    fetchMode: "bulk",
    webhookTopics: [
      "inventory_items/create",
      "inventory_items/update",
      "inventory_items/delete",
      "inventory_levels/update",
      "inventory_levels/connect",
      "inventory_levels/disconnect",
    ],
  },
  {
    key: "payouts",
    label: "Payouts",
    delegate: "payout",
    children: [],
    scopes: ["read_shopify_payments_payouts"],
    fetchMode: "paginated",
    webhookTopics: [],
  },
  {
    key: "disputes",
    label: "Disputes",
    delegate: "dispute",
    children: [],
    scopes: ["read_shopify_payments_disputes"],
    fetchMode: "paginated",
    webhookTopics: ["disputes/create", "disputes/update"],
  },
  {
    key: "balanceTransactions",
    label: "Balance transactions",
    delegate: "balanceTransaction",
    children: [],
    scopes: ["read_shopify_payments_payouts"],
    fetchMode: "paginated",
    webhookTopics: [],
  },
  {
    key: "discounts",
    label: "Discounts",
    delegate: "discount",
    children: [{ key: "discountCodes", label: "Discount codes", delegate: "discountCode" }],
    scopes: ["read_discounts"],
    fetchMode: "bulk",
    webhookTopics: [
      "discounts/create",
      "discounts/update",
      "discounts/delete",
      "discounts/redeemcode_added",
      "discounts/redeemcode_removed",
    ],
  },
  {
    key: "marketingEvents",
    label: "Marketing events",
    delegate: "marketingEvent",
    children: [],
    scopes: ["read_marketing_events"],
    fetchMode: "paginated",
    webhookTopics: [],
  },
  {
    key: "abandonedCheckouts",
    label: "Abandoned checkouts",
    delegate: "abandonedCheckout",
    children: [],
    // The GraphQL `abandonedCheckouts` query and checkouts/* topics are gated by read_orders;
    // read_checkouts is kept as the original design requested it.
    scopes: ["read_orders", "read_checkouts"],
    fetchMode: "paginated",
    webhookTopics: ["checkouts/create", "checkouts/update", "checkouts/delete"],
  },
  {
    key: "reports",
    label: "Reports",
    delegate: "report",
    children: [{ key: "reportRows", label: "Report rows", delegate: "reportRow" }],
    scopes: ["read_reports"],
    fetchMode: "report",
    webhookTopics: [],
  },
  {
    key: "dailyMetrics",
    label: "Daily metrics",
    delegate: "dailyMetric",
    children: [
      { key: "analyticsSnapshots", label: "Analytics snapshots", delegate: "analyticsSnapshot" },
    ],
    scopes: [],
    fetchMode: "computed",
    webhookTopics: [],
  },
];

/** App-level topics that are not tied to one resource. */
export const APP_WEBHOOK_TOPICS = [
  "app/uninstalled",
  "app/scopes_update",
  "bulk_operations/finish",
  "shop/update",
] as const;

/** Mandatory privacy topics for App Store apps (declared as `compliance_topics`). */
export const COMPLIANCE_TOPICS = [
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;

const LABELS = new Map<string, string>(SYNC_RESOURCES.map((r) => [r.key, r.label]));

/** The merchant-facing name of a resource ("Orders", "Inventory items"); undefined for an unknown key. */
export function resourceLabel(key: string): string | undefined {
  return LABELS.get(key);
}

export function getResource(key: ResourceKey): SyncResource {
  const resource = SYNC_RESOURCES.find((r) => r.key === key);
  if (!resource) throw new Error(`Unknown sync resource: ${key}`);
  return resource;
}

/** Every scope the catalog needs, without duplicates, in catalog order. */
export function catalogScopes(): string[] {
  return [...new Set(SYNC_RESOURCES.flatMap((r) => r.scopes))];
}

/** Every webhook topic the app subscribes to (resource topics, then app-level ones). */
export function catalogWebhookTopics(): string[] {
  return [...new Set([...SYNC_RESOURCES.flatMap((r) => r.webhookTopics), ...APP_WEBHOOK_TOPICS])];
}
