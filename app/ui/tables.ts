/**
 * The data browser's view of every refined table: what to list, how it may be sorted (only on
 * non-null indexed columns, so keyset pagination walks an index) and how it may be searched
 * (prefix ranges on indexed columns, or an exact id). Client-safe: no database access here.
 */

export type FieldType = "string" | "bigint" | "int" | "date" | "decimal" | "bool" | "float";

export interface FieldDef {
  field: string;
  label: string;
  type: FieldType;
  /** Money: the field holding the ISO currency code of this amount. */
  currencyField?: string;
}

export interface SearchDef {
  field: string;
  /** prefix: index-friendly range `field >= q AND field < next(q)`; id: exact match of a number. */
  mode: "prefix" | "id";
  /** Lower-case the query first (emails). */
  lower?: boolean;
  /** Prepended to the query when missing (order names "#1001"). */
  ensurePrefix?: string;
}

export interface SortDef {
  field: string;
  label: string;
}

export interface BrowseTable {
  /** URL slug = SQL table name. */
  key: string;
  label: string;
  /** Prisma delegate name (`db.order`, ...). */
  delegate: string;
  /** Primary key fields after `shop`, in key order (keyset tie-break). */
  keyFields: readonly FieldDef[];
  /** The field shown as the row's title (links to the detail view). */
  titleField: string;
  columns: readonly FieldDef[];
  sorts: readonly SortDef[];
  defaultSort: { field: string; direction: "asc" | "desc" };
  search: readonly SearchDef[];
  searchHint: string;
  /** Has a `deletedAt` tombstone column (tombstoned rows are left out of the list). */
  tombstone: boolean;
  /** Has a `gid` column (raw payloads are looked up by it). */
  hasGid: boolean;
  /** Parent link shown in the detail view. */
  parent?: { field: string; table: string };
}

const f = (field: string, label: string, type: FieldType, currencyField?: string): FieldDef => ({
  field,
  label,
  type,
  ...(currencyField ? { currencyField } : {}),
});
const ID = f("id", "ID", "bigint");
const idSearch: SearchDef = { field: "id", mode: "id" };
const prefix = (field: string, extra: Partial<SearchDef> = {}): SearchDef => ({
  field,
  mode: "prefix",
  ...extra,
});
const byId: SortDef = { field: "id", label: "ID" };
const created: SortDef = { field: "createdAt", label: "Created" };
const updated: SortDef = { field: "updatedAt", label: "Updated" };

type Def = Omit<BrowseTable, "tombstone" | "hasGid" | "keyFields"> &
  Partial<Pick<BrowseTable, "tombstone" | "hasGid" | "keyFields">>;

const def = (d: Def): BrowseTable => ({
  tombstone: true,
  hasGid: true,
  keyFields: [ID],
  ...d,
});

export const BROWSE_TABLES: readonly BrowseTable[] = [
  def({
    key: "orders",
    label: "Orders",
    delegate: "order",
    titleField: "name",
    columns: [
      f("name", "Order", "string"),
      f("createdAt", "Created", "date"),
      f("email", "Email", "string"),
      f("displayFinancialStatus", "Payment", "string"),
      f("displayFulfillmentStatus", "Fulfillment", "string"),
      f("totalPrice", "Total", "decimal", "currencyCode"),
    ],
    sorts: [created, updated, { field: "name", label: "Order number" }, byId],
    defaultSort: { field: "createdAt", direction: "desc" },
    search: [prefix("name", { ensurePrefix: "#" }), idSearch],
    searchHint: "Order number (#1001) or ID",
  }),
  def({
    key: "line_items",
    label: "Line items",
    delegate: "lineItem",
    titleField: "title",
    columns: [
      f("title", "Title", "string"),
      f("sku", "SKU", "string"),
      f("orderId", "Order ID", "bigint"),
      f("quantity", "Quantity", "int"),
      f("originalUnitPrice", "Unit price", "decimal", "currencyCode"),
    ],
    sorts: [byId, { field: "orderId", label: "Order ID" }],
    defaultSort: { field: "id", direction: "desc" },
    search: [prefix("sku"), idSearch, { field: "orderId", mode: "id" }],
    searchHint: "SKU, ID or order ID",
    parent: { field: "orderId", table: "orders" },
  }),
  def({
    key: "order_transactions",
    label: "Transactions",
    delegate: "orderTransaction",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("kind", "Kind", "string"),
      f("status", "Status", "string"),
      f("gateway", "Gateway", "string"),
      f("amount", "Amount", "decimal", "currencyCode"),
      f("createdAt", "Created", "date"),
    ],
    sorts: [created, byId],
    defaultSort: { field: "createdAt", direction: "desc" },
    search: [idSearch, { field: "orderId", mode: "id" }],
    searchHint: "ID or order ID",
    parent: { field: "orderId", table: "orders" },
  }),
  def({
    key: "refunds",
    label: "Refunds",
    delegate: "refund",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("orderId", "Order ID", "bigint"),
      f("totalRefunded", "Refunded", "decimal", "currencyCode"),
      f("createdAt", "Created", "date"),
    ],
    sorts: [byId, { field: "orderId", label: "Order ID" }],
    defaultSort: { field: "id", direction: "desc" },
    search: [idSearch, { field: "orderId", mode: "id" }],
    searchHint: "ID or order ID",
    parent: { field: "orderId", table: "orders" },
  }),
  def({
    key: "refund_line_items",
    label: "Refund line items",
    delegate: "refundLineItem",
    keyFields: [f("refundId", "Refund ID", "bigint"), f("lineItemId", "Line item ID", "bigint")],
    titleField: "lineItemId",
    hasGid: false,
    columns: [
      f("refundId", "Refund ID", "bigint"),
      f("lineItemId", "Line item ID", "bigint"),
      f("quantity", "Quantity", "int"),
      f("subtotal", "Subtotal", "decimal", "currencyCode"),
    ],
    sorts: [{ field: "refundId", label: "Refund ID" }],
    defaultSort: { field: "refundId", direction: "desc" },
    search: [{ field: "refundId", mode: "id" }],
    searchHint: "Refund ID",
    parent: { field: "orderId", table: "orders" },
  }),
  def({
    key: "fulfillments",
    label: "Fulfillments",
    delegate: "fulfillment",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("orderId", "Order ID", "bigint"),
      f("status", "Status", "string"),
      f("trackingNumber", "Tracking", "string"),
      f("createdAt", "Created", "date"),
    ],
    sorts: [created, updated, byId],
    defaultSort: { field: "createdAt", direction: "desc" },
    search: [idSearch, { field: "orderId", mode: "id" }],
    searchHint: "ID or order ID",
    parent: { field: "orderId", table: "orders" },
  }),
  def({
    key: "fulfillment_line_items",
    label: "Fulfillment line items",
    delegate: "fulfillmentLineItem",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("fulfillmentId", "Fulfillment ID", "bigint"),
      f("lineItemId", "Line item ID", "bigint"),
      f("quantity", "Quantity", "int"),
    ],
    sorts: [byId],
    defaultSort: { field: "id", direction: "desc" },
    search: [idSearch, { field: "orderId", mode: "id" }],
    searchHint: "ID or order ID",
    parent: { field: "orderId", table: "orders" },
  }),
  def({
    key: "products",
    label: "Products",
    delegate: "product",
    titleField: "title",
    columns: [
      f("title", "Title", "string"),
      f("status", "Status", "string"),
      f("vendor", "Vendor", "string"),
      f("totalInventory", "Inventory", "int"),
      f("updatedAt", "Updated", "date"),
    ],
    sorts: [updated, created, { field: "title", label: "Title" }, byId],
    defaultSort: { field: "updatedAt", direction: "desc" },
    search: [prefix("title"), prefix("handle", { lower: true }), idSearch],
    searchHint: "Title, handle or ID",
  }),
  def({
    key: "product_variants",
    label: "Variants",
    delegate: "productVariant",
    titleField: "title",
    columns: [
      f("title", "Title", "string"),
      f("sku", "SKU", "string"),
      f("price", "Price", "decimal", "currencyCode"),
      f("inventoryQuantity", "Inventory", "int"),
      f("updatedAt", "Updated", "date"),
    ],
    sorts: [updated, byId],
    defaultSort: { field: "updatedAt", direction: "desc" },
    search: [prefix("sku"), idSearch, { field: "productId", mode: "id" }],
    searchHint: "SKU, ID or product ID",
    parent: { field: "productId", table: "products" },
  }),
  def({
    key: "product_images",
    label: "Product images",
    delegate: "productImage",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("productId", "Product ID", "bigint"),
      f("alt", "Alt text", "string"),
      f("status", "Status", "string"),
    ],
    sorts: [byId],
    defaultSort: { field: "id", direction: "desc" },
    search: [idSearch, { field: "productId", mode: "id" }],
    searchHint: "ID or product ID",
    parent: { field: "productId", table: "products" },
  }),
  def({
    key: "customers",
    label: "Customers",
    delegate: "customer",
    titleField: "displayName",
    columns: [
      f("displayName", "Name", "string"),
      f("email", "Email", "string"),
      f("numberOfOrders", "Orders", "int"),
      f("amountSpent", "Spent", "decimal", "currencyCode"),
      f("createdAt", "Created", "date"),
    ],
    sorts: [created, updated, byId],
    defaultSort: { field: "createdAt", direction: "desc" },
    search: [prefix("email", { lower: true }), prefix("lastName"), idSearch],
    searchHint: "Email, last name or ID",
  }),
  def({
    key: "customer_addresses",
    label: "Addresses",
    delegate: "customerAddress",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("customerId", "Customer ID", "bigint"),
      f("city", "City", "string"),
      f("countryCode", "Country", "string"),
    ],
    sorts: [byId],
    defaultSort: { field: "id", direction: "desc" },
    search: [idSearch, { field: "customerId", mode: "id" }],
    searchHint: "ID or customer ID",
    parent: { field: "customerId", table: "customers" },
  }),
  def({
    key: "locations",
    label: "Locations",
    delegate: "location",
    titleField: "name",
    columns: [
      f("name", "Name", "string"),
      f("city", "City", "string"),
      f("countryCode", "Country", "string"),
      f("isActive", "Active", "bool"),
    ],
    sorts: [{ field: "name", label: "Name" }, byId],
    defaultSort: { field: "name", direction: "asc" },
    search: [prefix("name"), idSearch],
    searchHint: "Name or ID",
  }),
  def({
    key: "inventory_items",
    label: "Inventory items",
    delegate: "inventoryItem",
    titleField: "sku",
    columns: [
      f("sku", "SKU", "string"),
      f("id", "ID", "bigint"),
      f("tracked", "Tracked", "bool"),
      f("unitCost", "Unit cost", "decimal", "currencyCode"),
    ],
    sorts: [byId],
    defaultSort: { field: "id", direction: "desc" },
    search: [prefix("sku"), idSearch],
    searchHint: "SKU or ID",
  }),
  def({
    key: "inventory_levels",
    label: "Inventory levels",
    delegate: "inventoryLevel",
    keyFields: [
      f("inventoryItemId", "Inventory item ID", "bigint"),
      f("locationId", "Location ID", "bigint"),
    ],
    titleField: "inventoryItemId",
    hasGid: false,
    columns: [
      f("inventoryItemId", "Inventory item ID", "bigint"),
      f("locationId", "Location ID", "bigint"),
      f("available", "Available", "int"),
      f("onHand", "On hand", "int"),
    ],
    sorts: [{ field: "inventoryItemId", label: "Inventory item ID" }],
    defaultSort: { field: "inventoryItemId", direction: "asc" },
    search: [{ field: "inventoryItemId", mode: "id" }],
    searchHint: "Inventory item ID",
    parent: { field: "inventoryItemId", table: "inventory_items" },
  }),
  def({
    key: "payouts",
    label: "Payouts",
    delegate: "payout",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("status", "Status", "string"),
      f("issuedAt", "Issued", "date"),
      f("net", "Net", "decimal", "currencyCode"),
    ],
    sorts: [{ field: "issuedAt", label: "Issued" }, byId],
    defaultSort: { field: "issuedAt", direction: "desc" },
    search: [idSearch],
    searchHint: "ID",
  }),
  def({
    key: "disputes",
    label: "Disputes",
    delegate: "dispute",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("status", "Status", "string"),
      f("reason", "Reason", "string"),
      f("amount", "Amount", "decimal", "currencyCode"),
      f("initiatedAt", "Opened", "date"),
    ],
    sorts: [{ field: "initiatedAt", label: "Opened" }, byId],
    defaultSort: { field: "initiatedAt", direction: "desc" },
    search: [idSearch, { field: "orderId", mode: "id" }],
    searchHint: "ID or order ID",
  }),
  def({
    key: "balance_transactions",
    label: "Balance transactions",
    delegate: "balanceTransaction",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("type", "Type", "string"),
      f("amount", "Amount", "decimal", "currencyCode"),
      f("net", "Net", "decimal", "currencyCode"),
      f("transactionDate", "Date", "date"),
    ],
    sorts: [{ field: "transactionDate", label: "Date" }, byId],
    defaultSort: { field: "transactionDate", direction: "desc" },
    search: [idSearch, { field: "orderId", mode: "id" }, { field: "payoutId", mode: "id" }],
    searchHint: "ID, order ID or payout ID",
  }),
  def({
    key: "discounts",
    label: "Discounts",
    delegate: "discount",
    titleField: "title",
    columns: [
      f("title", "Title", "string"),
      f("method", "Method", "string"),
      f("status", "Status", "string"),
      f("asyncUsageCount", "Used", "int"),
      f("startsAt", "Starts", "date"),
    ],
    sorts: [created, updated, { field: "title", label: "Title" }, byId],
    defaultSort: { field: "createdAt", direction: "desc" },
    search: [prefix("title"), idSearch],
    searchHint: "Title or ID",
  }),
  def({
    key: "discount_codes",
    label: "Discount codes",
    delegate: "discountCode",
    titleField: "code",
    columns: [
      f("code", "Code", "string"),
      f("discountId", "Discount ID", "bigint"),
      f("asyncUsageCount", "Used", "int"),
    ],
    sorts: [{ field: "code", label: "Code" }, byId],
    defaultSort: { field: "code", direction: "asc" },
    search: [prefix("code"), idSearch, { field: "discountId", mode: "id" }],
    searchHint: "Code, ID or discount ID",
    parent: { field: "discountId", table: "discounts" },
  }),
  def({
    key: "marketing_events",
    label: "Marketing events",
    delegate: "marketingEvent",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("type", "Type", "string"),
      f("utmCampaign", "Campaign", "string"),
      f("startedAt", "Started", "date"),
    ],
    sorts: [{ field: "startedAt", label: "Started" }, byId],
    defaultSort: { field: "startedAt", direction: "desc" },
    search: [idSearch],
    searchHint: "ID",
  }),
  def({
    key: "abandoned_checkouts",
    label: "Abandoned checkouts",
    delegate: "abandonedCheckout",
    titleField: "id",
    columns: [
      f("id", "ID", "bigint"),
      f("name", "Checkout", "string"),
      f("email", "Email", "string"),
      f("totalPrice", "Total", "decimal", "currencyCode"),
      f("createdAt", "Created", "date"),
    ],
    sorts: [created, updated, byId],
    defaultSort: { field: "createdAt", direction: "desc" },
    search: [prefix("name", { ensurePrefix: "#" }), idSearch],
    searchHint: "Checkout name (#C1234) or ID",
  }),
  def({
    key: "reports",
    label: "Reports",
    delegate: "report",
    keyFields: [f("id", "ID", "string")],
    titleField: "name",
    hasGid: false,
    columns: [
      f("name", "Name", "string"),
      f("key", "Key", "string"),
      f("schedule", "Schedule", "string"),
      f("lastRunAt", "Last run", "date"),
    ],
    sorts: [{ field: "name", label: "Name" }],
    defaultSort: { field: "name", direction: "asc" },
    search: [prefix("name")],
    searchHint: "Name",
  }),
  def({
    key: "report_rows",
    label: "Report rows",
    delegate: "reportRow",
    keyFields: [f("id", "ID", "int")],
    titleField: "id",
    hasGid: false,
    tombstone: false,
    columns: [
      f("id", "ID", "int"),
      f("reportId", "Report", "string"),
      f("rowIndex", "Row", "int"),
      f("capturedAt", "Captured", "date"),
    ],
    sorts: [{ field: "id", label: "ID" }],
    defaultSort: { field: "id", direction: "desc" },
    search: [],
    searchHint: "",
  }),
  def({
    key: "daily_metrics",
    label: "Daily metrics",
    delegate: "dailyMetric",
    keyFields: [f("date", "Date", "date")],
    titleField: "date",
    hasGid: false,
    tombstone: false,
    columns: [
      f("date", "Date", "date"),
      f("orders", "Orders", "int"),
      f("netSales", "Net sales", "decimal", "currencyCode"),
      f("returns", "Refunds", "decimal", "currencyCode"),
      f("unitsSold", "Units", "int"),
    ],
    sorts: [{ field: "date", label: "Date" }],
    defaultSort: { field: "date", direction: "desc" },
    search: [],
    searchHint: "",
  }),
  def({
    key: "analytics_snapshots",
    label: "Analytics snapshots",
    delegate: "analyticsSnapshot",
    keyFields: [f("id", "ID", "int")],
    titleField: "kind",
    hasGid: false,
    tombstone: false,
    columns: [
      f("kind", "Kind", "string"),
      f("periodStart", "From", "date"),
      f("periodEnd", "To", "date"),
      f("computedAt", "Computed", "date"),
    ],
    sorts: [{ field: "id", label: "ID" }],
    defaultSort: { field: "id", direction: "desc" },
    search: [],
    searchHint: "",
  }),
];

export function findBrowseTable(key: string | null | undefined): BrowseTable | undefined {
  return BROWSE_TABLES.find((t) => t.key === key);
}

/** Shopify GraphQL type name (in a gid) → the table holding it. */
const GID_TYPES: Record<string, string> = {
  Order: "orders",
  LineItem: "line_items",
  OrderTransaction: "order_transactions",
  Refund: "refunds",
  Fulfillment: "fulfillments",
  FulfillmentLineItem: "fulfillment_line_items",
  Product: "products",
  ProductVariant: "product_variants",
  MediaImage: "product_images",
  Customer: "customers",
  MailingAddress: "customer_addresses",
  Location: "locations",
  InventoryItem: "inventory_items",
  ShopifyPaymentsPayout: "payouts",
  ShopifyPaymentsDispute: "disputes",
  ShopifyPaymentsBalanceTransaction: "balance_transactions",
  DiscountNode: "discounts",
  DiscountCodeNode: "discounts",
  DiscountAutomaticNode: "discounts",
  DiscountRedeemCode: "discount_codes",
  MarketingEvent: "marketing_events",
  AbandonedCheckout: "abandoned_checkouts",
};

/** Where the data browser shows the record a gid names, or null when it has no page. */
export function recordPathForGid(gid: string | null | undefined): string | null {
  if (!gid) return null;
  const match = /^gid:\/\/shopify\/(\w+)\/(\d+)/.exec(gid);
  if (!match) return null;
  const table = GID_TYPES[match[1]];
  return table ? recordPath(table, match[2]) : null;
}

/** URL of one record's detail view (composite keys are joined with "~"). */
export function recordPath(table: string, id: string): string {
  return `/app/data/${table}/${encodeURIComponent(id)}`;
}
