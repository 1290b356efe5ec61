/**
 * The resource registry: every catalog resource fetched from Shopify (fetchMode bulk/paginated)
 * with its ResourceDefinition, looked up by key, webhook topic or GID type.
 */
import type { TableName } from "../refine/tables";
import { abandonedCheckoutsResource } from "./abandoned-checkouts";
import { SYNC_RESOURCES, type ResourceKey } from "./catalog";
import { customersResource } from "./customers";
import { discountsResource } from "./discounts";
import { inventoryItemsResource } from "./inventory-items";
import { locationsResource } from "./locations";
import { marketingEventsResource } from "./marketing-events";
import { gidType } from "./normalize";
import { ordersResource } from "./orders";
import { balanceTransactionsResource, disputesResource, payoutsResource } from "./payments";
import { productsResource } from "./products";
import type { ResourceDefinition } from "./types";

export type { ResourceDefinition, RowSet, Row, Tombstone, CompleteChildList, BulkQueryOptions } from "./types";

export const resourceDefinitions: readonly ResourceDefinition[] = [
  ordersResource,
  productsResource,
  customersResource,
  locationsResource,
  inventoryItemsResource,
  payoutsResource,
  disputesResource,
  balanceTransactionsResource,
  discountsResource,
  marketingEventsResource,
  abandonedCheckoutsResource,
];

const byKey = new Map<string, ResourceDefinition>(resourceDefinitions.map((d) => [d.key, d]));
const byTopic = new Map<string, ResourceDefinition>();
const byGidType = new Map<string, ResourceDefinition>();
for (const def of resourceDefinitions) {
  for (const topic of def.webhookTopics) byTopic.set(topic, def);
  for (const type of def.gidTypes) byGidType.set(type, def);
}
// Topics the catalog does not subscribe to but the refiners understand.
for (const [topic, key] of [
  ["orders/partially_fulfilled", "orders"],
  ["customers/enable", "customers"],
  ["customers/disable", "customers"],
  ["locations/activate", "locations"],
  ["locations/deactivate", "locations"],
] as const)
  byTopic.set(topic, byKey.get(key)!);

/** The definition of a resource key (throws for computed/report resources, which are not fetched). */
export function definitionFor(key: ResourceKey | string): ResourceDefinition {
  const def = byKey.get(key);
  if (!def) throw new Error(`No resource definition for ${key}`);
  return def;
}

/** The resource a webhook topic belongs to (undefined for app-level topics such as app/uninstalled). */
export function definitionForTopic(topic: string): ResourceDefinition | undefined {
  return byTopic.get(topic);
}

/** The resource and root table of a GID (`gid://shopify/LineItem/1` → orders / line_items). */
export function definitionForGid(gid: string): { resource: ResourceDefinition; table: TableName } | undefined {
  const type = gidType(gid);
  if (!type) return undefined;
  const resource = byGidType.get(type);
  if (!resource) return undefined;
  return { resource, table: GID_TABLE[type] ?? resource.tables[0]! };
}

const GID_TABLE: Record<string, TableName> = {
  Order: "orders",
  LineItem: "line_items",
  OrderTransaction: "order_transactions",
  Refund: "refunds",
  RefundLineItem: "refund_line_items",
  Fulfillment: "fulfillments",
  FulfillmentLineItem: "fulfillment_line_items",
  Product: "products",
  ProductVariant: "product_variants",
  MediaImage: "product_images",
  Customer: "customers",
  MailingAddress: "customer_addresses",
  Location: "locations",
  InventoryItem: "inventory_items",
  InventoryLevel: "inventory_levels",
  AbandonedCheckout: "abandoned_checkouts",
  MarketingEvent: "marketing_events",
  DiscountNode: "discounts",
  DiscountCodeNode: "discounts",
  DiscountAutomaticNode: "discounts",
  DiscountRedeemCode: "discount_codes",
  ShopifyPaymentsPayout: "payouts",
  ShopifyPaymentsDispute: "disputes",
  ShopifyPaymentsBalanceTransaction: "balance_transactions",
};

/** Catalog keys with fetchMode bulk/paginated that have no definition (must stay empty; tested). */
export function missingDefinitions(): string[] {
  return SYNC_RESOURCES.filter((r) => r.fetchMode === "bulk" || r.fetchMode === "paginated")
    .map((r) => r.key)
    .filter((k) => !byKey.has(k));
}
