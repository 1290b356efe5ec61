/**
 * The refined tables as refinement sees them: Prisma field → column type, key, version column and
 * owner (the root record whose version governs a child row). Column names are the snake_case of the
 * Prisma field (the @map convention of prisma/schema.base.prisma); `tables.test.ts` proves every spec
 * here matches the Prisma model exactly (names, types, nullability, key), so a schema change that is
 * not mirrored here fails the tests instead of failing at runtime.
 *
 * Every table also has `shop` (first key column), `synced_at` and `deleted_at`; they are handled
 * generically by the upsert and are not listed in `columns`.
 */

export type ColumnType = "bigint" | "string" | "int" | "bool" | "decimal" | "date" | "float";

export interface ColumnSpec {
  field: string;
  column: string;
  type: ColumnType;
  /** NOT NULL without a database default: an INSERT must carry it. */
  required: boolean;
}

export type TableName =
  | "orders"
  | "line_items"
  | "order_transactions"
  | "refunds"
  | "refund_line_items"
  | "fulfillments"
  | "fulfillment_line_items"
  | "products"
  | "product_variants"
  | "product_images"
  | "customers"
  | "customer_addresses"
  | "locations"
  | "inventory_items"
  | "inventory_levels"
  | "abandoned_checkouts"
  | "marketing_events"
  | "discounts"
  | "discount_codes"
  | "payouts"
  | "disputes"
  | "balance_transactions";

export interface TableSpec {
  name: TableName;
  /** Prisma model name (for the schema check). */
  model: string;
  /** Key fields after `shop`. */
  key: readonly string[];
  columns: readonly ColumnSpec[];
  byField: ReadonlyMap<string, ColumnSpec>;
  /**
   * Version guard: "required" = Shopify's updatedAt is always there (guard `old <= new`);
   * "optional" = nullable updatedAt (guard only when both sides have one); null = no own version.
   */
  version: "required" | "optional" | null;
  /** Root record owning this row (its version decides whether the row may be written). */
  owner?: { table: TableName; field: string };
  /** GID type used for tombstone placeholders (`gid://shopify/<type>/<id>`). */
  gidType?: string;
  /**
   * A tombstone that a newer version may lift (inventory levels: disconnect, then connect again).
   * Everything else: Shopify never reuses a deleted id, so tombstones are final.
   */
  resurrectable?: boolean;
}

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * `"bigint!"` NOT NULL without default, `"bool="` NOT NULL with a default, `"string"` nullable.
 */
function table(
  name: TableName,
  model: string,
  key: readonly string[],
  cols: Record<string, string>,
  extra: Pick<TableSpec, "version" | "owner" | "gidType" | "resurrectable">,
): TableSpec {
  const columns: ColumnSpec[] = Object.entries(cols).map(([field, spec]) => {
    const m = /^(bigint|string|int|bool|decimal|date|float)([!=]?)$/.exec(spec);
    if (!m) throw new Error(`bad column spec ${name}.${field}: ${spec}`);
    return { field, column: snake(field), type: m[1] as ColumnType, required: m[2] === "!" };
  });
  return { name, model, key, columns, byField: new Map(columns.map((c) => [c.field, c])), ...extra };
}

const ORDER_OWNER = { table: "orders", field: "orderId" } as const;

export const TABLES: Record<TableName, TableSpec> = {
  orders: table(
    "orders",
    "Order",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      name: "string!",
      number: "int",
      email: "string",
      phone: "string",
      customerId: "bigint",
      customerLocale: "string",
      createdAt: "date!",
      updatedAt: "date!",
      processedAt: "date",
      cancelledAt: "date",
      cancelReason: "string",
      closedAt: "date",
      closed: "bool=",
      confirmed: "bool=",
      test: "bool=",
      displayFinancialStatus: "string",
      displayFulfillmentStatus: "string",
      returnStatus: "string",
      currencyCode: "string!",
      presentmentCurrencyCode: "string",
      subtotalPrice: "decimal",
      totalPrice: "decimal!",
      totalTax: "decimal",
      totalDiscounts: "decimal",
      totalShipping: "decimal",
      totalRefunded: "decimal",
      totalOutstanding: "decimal",
      currentSubtotalPrice: "decimal",
      currentTotalPrice: "decimal",
      currentTotalTax: "decimal",
      currentTotalDiscounts: "decimal",
      totalPricePresentment: "decimal",
      subtotalLineItemsQuantity: "int",
      totalWeightGrams: "bigint",
      taxesIncluded: "bool=",
      taxExempt: "bool=",
      sourceName: "string",
      sourceIdentifier: "string",
      tags: "string",
      note: "string",
      discountCodes: "string",
      paymentGatewayNames: "string",
      confirmationNumber: "string",
      checkoutToken: "string",
      cartToken: "string",
      billingCountryCode: "string",
      shippingCountryCode: "string",
      shippingProvinceCode: "string",
      billingAddressJson: "string",
      shippingAddressJson: "string",
    },
    { version: "required", gidType: "Order" },
  ),
  line_items: table(
    "line_items",
    "LineItem",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      orderId: "bigint!",
      productId: "bigint",
      variantId: "bigint",
      title: "string!",
      variantTitle: "string",
      name: "string",
      sku: "string",
      vendor: "string",
      quantity: "int!",
      currentQuantity: "int",
      unfulfilledQuantity: "int",
      requiresShipping: "bool=",
      taxable: "bool=",
      isGiftCard: "bool=",
      currencyCode: "string!",
      originalUnitPrice: "decimal!",
      discountedUnitPrice: "decimal",
      originalTotal: "decimal",
      discountedTotal: "decimal",
      totalDiscount: "decimal",
      totalTax: "decimal",
    },
    { version: null, owner: ORDER_OWNER, gidType: "LineItem" },
  ),
  order_transactions: table(
    "order_transactions",
    "OrderTransaction",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      orderId: "bigint!",
      parentId: "bigint",
      kind: "string!",
      status: "string!",
      gateway: "string",
      formattedGateway: "string",
      currencyCode: "string!",
      amount: "decimal!",
      presentmentCurrencyCode: "string",
      amountPresentment: "decimal",
      errorCode: "string",
      paymentId: "string",
      accountNumber: "string",
      manualPaymentGateway: "bool=",
      test: "bool=",
      processedAt: "date",
      createdAt: "date!",
    },
    { version: null, owner: ORDER_OWNER, gidType: "OrderTransaction" },
  ),
  refunds: table(
    "refunds",
    "Refund",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      orderId: "bigint!",
      note: "string",
      currencyCode: "string!",
      totalRefunded: "decimal!",
      returnId: "bigint",
      createdAt: "date",
      processedAt: "date",
      updatedAt: "date",
    },
    { version: null, owner: ORDER_OWNER, gidType: "Refund" },
  ),
  refund_line_items: table(
    "refund_line_items",
    "RefundLineItem",
    ["refundId", "lineItemId"],
    {
      refundId: "bigint!",
      lineItemId: "bigint!",
      id: "bigint",
      gid: "string",
      orderId: "bigint!",
      quantity: "int!",
      restockType: "string",
      restocked: "bool=",
      locationId: "bigint",
      currencyCode: "string!",
      price: "decimal",
      subtotal: "decimal",
      totalTax: "decimal",
    },
    { version: null, owner: ORDER_OWNER },
  ),
  fulfillments: table(
    "fulfillments",
    "Fulfillment",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      orderId: "bigint!",
      name: "string",
      status: "string!",
      displayStatus: "string",
      locationId: "bigint",
      serviceName: "string",
      totalQuantity: "int",
      requiresShipping: "bool=",
      trackingCompany: "string",
      trackingNumber: "string",
      trackingUrl: "string",
      trackingInfoJson: "string",
      createdAt: "date!",
      updatedAt: "date!",
      deliveredAt: "date",
      inTransitAt: "date",
      estimatedDeliveryAt: "date",
    },
    { version: "required", owner: ORDER_OWNER, gidType: "Fulfillment" },
  ),
  fulfillment_line_items: table(
    "fulfillment_line_items",
    "FulfillmentLineItem",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      fulfillmentId: "bigint!",
      orderId: "bigint!",
      lineItemId: "bigint!",
      quantity: "int",
      currencyCode: "string",
      originalTotal: "decimal",
      discountedTotal: "decimal",
    },
    { version: null, owner: ORDER_OWNER, gidType: "FulfillmentLineItem" },
  ),
  products: table(
    "products",
    "Product",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      title: "string!",
      handle: "string!",
      status: "string!",
      productType: "string",
      vendor: "string",
      tags: "string",
      descriptionHtml: "string",
      category: "string",
      templateSuffix: "string",
      onlineStoreUrl: "string",
      isGiftCard: "bool=",
      hasOnlyDefaultVariant: "bool=",
      tracksInventory: "bool=",
      totalInventory: "int",
      currencyCode: "string",
      minVariantPrice: "decimal",
      maxVariantPrice: "decimal",
      optionsJson: "string",
      seoTitle: "string",
      seoDescription: "string",
      featuredMediaId: "bigint",
      createdAt: "date!",
      updatedAt: "date!",
      publishedAt: "date",
    },
    { version: "required", gidType: "Product" },
  ),
  product_variants: table(
    "product_variants",
    "ProductVariant",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      productId: "bigint!",
      inventoryItemId: "bigint",
      title: "string!",
      displayName: "string",
      sku: "string",
      barcode: "string",
      position: "int",
      currencyCode: "string!",
      price: "decimal!",
      compareAtPrice: "decimal",
      inventoryQuantity: "int",
      inventoryPolicy: "string",
      availableForSale: "bool=",
      taxable: "bool=",
      selectedOptionsJson: "string",
      createdAt: "date!",
      updatedAt: "date!",
    },
    { version: "required", owner: { table: "products", field: "productId" }, gidType: "ProductVariant" },
  ),
  product_images: table(
    "product_images",
    "ProductImage",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      productId: "bigint!",
      position: "int",
      alt: "string",
      url: "string",
      width: "int",
      height: "int",
      mimeType: "string",
      status: "string",
      createdAt: "date",
      updatedAt: "date",
    },
    { version: "optional", owner: { table: "products", field: "productId" }, gidType: "MediaImage" },
  ),
  customers: table(
    "customers",
    "Customer",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      firstName: "string",
      lastName: "string",
      displayName: "string",
      email: "string",
      phone: "string",
      state: "string",
      locale: "string",
      note: "string",
      tags: "string",
      verifiedEmail: "bool=",
      taxExempt: "bool=",
      dataSaleOptOut: "bool=",
      emailMarketingState: "string",
      smsMarketingState: "string",
      numberOfOrders: "int=",
      currencyCode: "string",
      amountSpent: "decimal",
      defaultAddressId: "bigint",
      lastOrderId: "bigint",
      createdAt: "date!",
      updatedAt: "date!",
    },
    { version: "required", gidType: "Customer" },
  ),
  customer_addresses: table(
    "customer_addresses",
    "CustomerAddress",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      customerId: "bigint!",
      isDefault: "bool=",
      firstName: "string",
      lastName: "string",
      name: "string",
      company: "string",
      address1: "string",
      address2: "string",
      city: "string",
      province: "string",
      provinceCode: "string",
      country: "string",
      countryCode: "string",
      zip: "string",
      phone: "string",
      latitude: "float",
      longitude: "float",
    },
    { version: null, owner: { table: "customers", field: "customerId" }, gidType: "MailingAddress" },
  ),
  locations: table(
    "locations",
    "Location",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      name: "string!",
      isActive: "bool=",
      fulfillsOnlineOrders: "bool=",
      shipsInventory: "bool=",
      hasActiveInventory: "bool=",
      isFulfillmentService: "bool=",
      address1: "string",
      address2: "string",
      city: "string",
      province: "string",
      provinceCode: "string",
      country: "string",
      countryCode: "string",
      zip: "string",
      phone: "string",
      latitude: "float",
      longitude: "float",
      deactivatedAt: "date",
      createdAt: "date",
      updatedAt: "date",
    },
    { version: "optional", gidType: "Location" },
  ),
  inventory_items: table(
    "inventory_items",
    "InventoryItem",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      variantId: "bigint",
      sku: "string",
      tracked: "bool=",
      requiresShipping: "bool=",
      currencyCode: "string",
      unitCost: "decimal",
      countryCodeOfOrigin: "string",
      provinceCodeOfOrigin: "string",
      harmonizedSystemCode: "string",
      weightValue: "float",
      weightUnit: "string",
      createdAt: "date",
      updatedAt: "date",
    },
    { version: "optional", gidType: "InventoryItem" },
  ),
  inventory_levels: table(
    "inventory_levels",
    "InventoryLevel",
    ["inventoryItemId", "locationId"],
    {
      inventoryItemId: "bigint!",
      locationId: "bigint!",
      id: "bigint",
      gid: "string",
      available: "int",
      onHand: "int",
      committed: "int",
      incoming: "int",
      reserved: "int",
      damaged: "int",
      safetyStock: "int",
      qualityControl: "int",
      createdAt: "date",
      updatedAt: "date",
    },
    // Levels change on their own (inventory_levels/update), so their own updatedAt is the version.
    { version: "optional", owner: { table: "inventory_items", field: "inventoryItemId" }, resurrectable: true },
  ),
  abandoned_checkouts: table(
    "abandoned_checkouts",
    "AbandonedCheckout",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      name: "string",
      customerId: "bigint",
      email: "string",
      abandonedCheckoutUrl: "string",
      currencyCode: "string!",
      subtotalPrice: "decimal",
      totalPrice: "decimal!",
      totalTax: "decimal",
      totalDiscounts: "decimal",
      totalLineItemsPrice: "decimal",
      taxesIncluded: "bool=",
      discountCodes: "string",
      note: "string",
      lineItemsCount: "int",
      lineItemsJson: "string",
      billingCountryCode: "string",
      shippingCountryCode: "string",
      completedAt: "date",
      createdAt: "date!",
      updatedAt: "date!",
    },
    { version: "required", gidType: "AbandonedCheckout" },
  ),
  marketing_events: table(
    "marketing_events",
    "MarketingEvent",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      type: "string!",
      marketingChannelType: "string",
      remoteId: "string",
      sourceAndMedium: "string",
      description: "string",
      appTitle: "string",
      manageUrl: "string",
      previewUrl: "string",
      utmCampaign: "string",
      utmMedium: "string",
      utmSource: "string",
      startedAt: "date!",
      endedAt: "date",
      scheduledToEndAt: "date",
    },
    { version: null, gidType: "MarketingEvent" },
  ),
  discounts: table(
    "discounts",
    "Discount",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      method: "string!",
      discountType: "string!",
      title: "string!",
      status: "string!",
      summary: "string",
      discountClasses: "string",
      startsAt: "date!",
      endsAt: "date",
      usageLimit: "int",
      appliesOncePerCustomer: "bool=",
      asyncUsageCount: "int=",
      codesCount: "int",
      currencyCode: "string",
      totalSales: "decimal",
      valueJson: "string",
      combinesWithJson: "string",
      createdAt: "date!",
      updatedAt: "date!",
    },
    { version: "required", gidType: "DiscountNode" },
  ),
  discount_codes: table(
    "discount_codes",
    "DiscountCode",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      discountId: "bigint!",
      code: "string!",
      asyncUsageCount: "int=",
      createdByAppId: "string",
    },
    { version: null, owner: { table: "discounts", field: "discountId" }, gidType: "DiscountRedeemCode" },
  ),
  payouts: table(
    "payouts",
    "Payout",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      status: "string!",
      transactionType: "string",
      issuedAt: "date!",
      currencyCode: "string!",
      net: "decimal!",
      chargesGross: "decimal",
      chargesFee: "decimal",
      refundsFeeGross: "decimal",
      refundsFee: "decimal",
      adjustmentsGross: "decimal",
      adjustmentsFee: "decimal",
      externalTraceId: "string",
      summaryJson: "string",
    },
    { version: null, gidType: "ShopifyPaymentsPayout" },
  ),
  disputes: table(
    "disputes",
    "Dispute",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      orderId: "bigint",
      type: "string!",
      status: "string!",
      reason: "string",
      networkReasonCode: "string",
      currencyCode: "string!",
      amount: "decimal!",
      initiatedAt: "date!",
      evidenceDueBy: "date",
      evidenceSentOn: "date",
      finalizedOn: "date",
      updatedAt: "date",
    },
    { version: "optional", gidType: "ShopifyPaymentsDispute" },
  ),
  balance_transactions: table(
    "balance_transactions",
    "BalanceTransaction",
    ["id"],
    {
      id: "bigint!",
      gid: "string!",
      type: "string!",
      test: "bool=",
      currencyCode: "string!",
      amount: "decimal!",
      fee: "decimal!",
      net: "decimal!",
      sourceType: "string",
      sourceId: "bigint",
      sourceOrderTransactionId: "bigint",
      orderId: "bigint",
      payoutId: "bigint",
      payoutStatus: "string",
      adjustmentReason: "string",
      transactionDate: "date!",
    },
    { version: null, gidType: "ShopifyPaymentsBalanceTransaction" },
  ),
};

/** Write order inside one batch: owners before the rows they own. */
export const TABLE_ORDER: readonly TableName[] = [
  "orders",
  "products",
  "customers",
  "locations",
  "inventory_items",
  "abandoned_checkouts",
  "marketing_events",
  "discounts",
  "payouts",
  "disputes",
  "balance_transactions",
  "line_items",
  "order_transactions",
  "refunds",
  "refund_line_items",
  "fulfillments",
  "fulfillment_line_items",
  "product_variants",
  "product_images",
  "customer_addresses",
  "inventory_levels",
  "discount_codes",
];

export function tableSpec(name: TableName): TableSpec {
  const spec = TABLES[name];
  if (!spec) throw new Error(`Unknown refined table: ${name}`);
  return spec;
}
