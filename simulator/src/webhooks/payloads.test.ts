/* eslint-disable @typescript-eslint/no-explicit-any -- JSON payloads are inspected freely */
import { describe, expect, it } from "vitest";
import type { ChangeEvent, GqlRecord } from "../types.js";
import { createStore } from "../store/store.js";
import {
  compliancePayload,
  localTimestamp,
  numericId,
  PAYLOAD_TOPICS,
  restPayload,
  subjectsFor,
  sumAmounts,
} from "./payloads.js";

// Top-level keys of each topic's sample payload in Shopify's webhook reference, API version 2026-07
// (https://shopify.dev/docs/api/webhooks/2026-07), written out here by hand.
const ORDER_KEYS = [
  "id",
  "admin_graphql_api_id",
  "app_id",
  "browser_ip",
  "buyer_accepts_marketing",
  "cancel_reason",
  "cancelled_at",
  "cart_token",
  "checkout_token",
  "client_details",
  "closed_at",
  "confirmation_number",
  "confirmed",
  "contact_email",
  "created_at",
  "currency",
  "current_shipping_price_set",
  "current_subtotal_price",
  "current_subtotal_price_set",
  "current_total_additional_fees_set",
  "current_total_discounts",
  "current_total_discounts_set",
  "current_total_duties_set",
  "current_total_price",
  "current_total_price_set",
  "current_total_tax",
  "current_total_tax_set",
  "customer_locale",
  "device_id",
  "discount_codes",
  "duties_included",
  "email",
  "estimated_taxes",
  "financial_status",
  "fulfillment_status",
  "landing_site",
  "landing_site_ref",
  "location_id",
  "merchant_business_entity_id",
  "merchant_of_record_app_id",
  "name",
  "note",
  "note_attributes",
  "number",
  "order_number",
  "order_status_url",
  "original_total_additional_fees_set",
  "original_total_duties_set",
  "payment_gateway_names",
  "phone",
  "po_number",
  "presentment_currency",
  "processed_at",
  "reference",
  "referring_site",
  "source_identifier",
  "source_name",
  "source_url",
  "subtotal_price",
  "subtotal_price_set",
  "tags",
  "tax_exempt",
  "tax_lines",
  "taxes_included",
  "test",
  "token",
  "total_cash_rounding_payment_adjustment_set",
  "total_cash_rounding_refund_adjustment_set",
  "total_discounts",
  "total_discounts_set",
  "total_line_items_price",
  "total_line_items_price_set",
  "total_outstanding",
  "total_price",
  "total_price_set",
  "total_shipping_price_set",
  "total_tax",
  "total_tax_set",
  "total_tip_received",
  "total_weight",
  "updated_at",
  "user_id",
  "billing_address",
  "customer",
  "discount_applications",
  "fulfillments",
  "line_items",
  "payment_terms",
  "refunds",
  "shipping_address",
  "shipping_lines",
  "returns",
  "line_item_groups",
];
const ORDER_LINE_ITEM_KEYS = [
  "id",
  "admin_graphql_api_id",
  "attributed_staffs",
  "current_quantity",
  "fulfillable_quantity",
  "fulfillment_service",
  "fulfillment_status",
  "gift_card",
  "grams",
  "name",
  "price",
  "price_set",
  "product_exists",
  "product_id",
  "properties",
  "quantity",
  "requires_shipping",
  "sales_line_item_group_id",
  "sku",
  "taxable",
  "title",
  "total_discount",
  "total_discount_set",
  "variant_id",
  "variant_inventory_management",
  "variant_title",
  "vendor",
  "tax_lines",
  "duties",
  "discount_allocations",
];
const ADDRESS_KEYS = [
  "first_name",
  "address1",
  "phone",
  "city",
  "zip",
  "province",
  "country",
  "last_name",
  "address2",
  "company",
  "latitude",
  "longitude",
  "name",
  "country_code",
  "province_code",
];
const CUSTOMER_KEYS = [
  "id",
  "created_at",
  "updated_at",
  "first_name",
  "last_name",
  "state",
  "note",
  "verified_email",
  "multipass_identifier",
  "tax_exempt",
  "email",
  "phone",
  "currency",
  "addresses",
  "tax_exemptions",
  "admin_graphql_api_id",
  "default_address",
];
const CUSTOMER_ADDRESS_KEYS = [
  "id",
  "customer_id",
  "first_name",
  "last_name",
  "company",
  "address1",
  "address2",
  "city",
  "province",
  "country",
  "zip",
  "phone",
  "name",
  "province_code",
  "country_code",
  "country_name",
  "default",
];
const PRODUCT_KEYS = [
  "admin_graphql_api_id",
  "body_html",
  "created_at",
  "handle",
  "id",
  "product_type",
  "published_at",
  "template_suffix",
  "title",
  "updated_at",
  "vendor",
  "status",
  "published_scope",
  "tags",
  "variants",
  "options",
  "images",
  "image",
  "media",
  "variant_gids",
  "has_variants_that_requires_components",
  "category",
];
const VARIANT_KEYS = [
  "admin_graphql_api_id",
  "barcode",
  "compare_at_price",
  "created_at",
  "id",
  "inventory_policy",
  "position",
  "price",
  "product_id",
  "sku",
  "taxable",
  "title",
  "updated_at",
  "option1",
  "option2",
  "option3",
  "image_id",
  "inventory_item_id",
  "inventory_quantity",
  "old_inventory_quantity",
];
const INVENTORY_ITEM_KEYS = [
  "id",
  "sku",
  "created_at",
  "updated_at",
  "requires_shipping",
  "cost",
  "country_code_of_origin",
  "province_code_of_origin",
  "harmonized_system_code",
  "tracked",
  "country_harmonized_system_codes",
  "weight_value",
  "weight_unit",
  "admin_graphql_api_id",
];
const INVENTORY_LEVEL_KEYS = [
  "inventory_item_id",
  "location_id",
  "available",
  "updated_at",
  "admin_graphql_api_id",
];
const LOCATION_KEYS = [
  "id",
  "name",
  "address1",
  "address2",
  "city",
  "zip",
  "province",
  "country",
  "phone",
  "created_at",
  "updated_at",
  "country_code",
  "country_name",
  "province_code",
  "legacy",
  "active",
  "admin_graphql_api_id",
];
const TRANSACTION_KEYS = [
  "id",
  "order_id",
  "kind",
  "gateway",
  "status",
  "message",
  "created_at",
  "test",
  "authorization",
  "location_id",
  "user_id",
  "parent_id",
  "processed_at",
  "device_id",
  "error_code",
  "source_name",
  "payment_details",
  "receipt",
  "amount",
  "currency",
  "payment_id",
  "total_unsettled_set",
  "manual_payment_gateway",
  "amount_rounding",
  "admin_graphql_api_id",
];
const REFUND_KEYS = [
  "id",
  "order_id",
  "created_at",
  "note",
  "user_id",
  "processed_at",
  "duties",
  "total_duties_set",
  "return",
  "refund_shipping_lines",
  "restock",
  "admin_graphql_api_id",
  "order_adjustments",
  "refund_line_items",
  "transactions",
];
const REFUND_LINE_ITEM_KEYS = [
  "id",
  "quantity",
  "line_item_id",
  "location_id",
  "restock_type",
  "subtotal",
  "total_tax",
  "subtotal_set",
  "total_tax_set",
  "line_item",
];
const FULFILLMENT_KEYS = [
  "id",
  "order_id",
  "status",
  "created_at",
  "service",
  "updated_at",
  "tracking_company",
  "shipment_status",
  "location_id",
  "origin_address",
  "email",
  "destination",
  "line_items",
  "tracking_number",
  "tracking_numbers",
  "tracking_url",
  "tracking_urls",
  "receipt",
  "name",
  "admin_graphql_api_id",
];
const DISPUTE_KEYS = [
  "id",
  "order_id",
  "type",
  "amount",
  "currency",
  "reason",
  "network_reason_code",
  "status",
  "evidence_due_by",
  "evidence_sent_on",
  "finalized_on",
  "initiated_at",
];
const CHECKOUT_KEYS = [
  "token",
  "cart_token",
  "email",
  "gateway",
  "buyer_accepts_marketing",
  "created_at",
  "updated_at",
  "landing_site",
  "note",
  "note_attributes",
  "referring_site",
  "shipping_lines",
  "taxes_included",
  "total_weight",
  "currency",
  "completed_at",
  "closed_at",
  "user_id",
  "location_id",
  "source_identifier",
  "source_url",
  "device_id",
  "phone",
  "customer_locale",
  "line_items",
  "name",
  "source",
  "abandoned_checkout_url",
  "discount_codes",
  "tax_lines",
  "source_name",
  "presentment_currency",
  "buyer_accepts_sms_marketing",
  "sms_marketing_phone",
  "total_discounts",
  "total_line_items_price",
  "total_price",
  "total_tax",
  "subtotal_price",
  "total_duties",
  "reservation_token",
  "billing_address",
  "shipping_address",
  "customer",
];
const CHECKOUT_DELETE_KEYS = [
  "id",
  "presentment_currency",
  "buyer_accepts_sms_marketing",
  "sms_marketing_phone",
  "total_discounts",
  "total_line_items_price",
  "total_price",
  "total_tax",
  "subtotal_price",
  "cart_token",
  "total_duties",
  "reservation_token",
];
const SHOP_KEYS = [
  "id",
  "name",
  "email",
  "domain",
  "province",
  "country",
  "address1",
  "zip",
  "city",
  "source",
  "phone",
  "latitude",
  "longitude",
  "primary_locale",
  "address2",
  "created_at",
  "updated_at",
  "country_code",
  "country_name",
  "currency",
  "customer_email",
  "timezone",
  "iana_timezone",
  "shop_owner",
  "money_format",
  "money_with_currency_format",
  "weight_unit",
  "province_code",
  "taxes_included",
  "auto_configure_tax_inclusivity",
  "tax_shipping",
  "county_taxes",
  "plan_display_name",
  "plan_name",
  "has_discounts",
  "has_gift_cards",
  "myshopify_domain",
  "google_apps_domain",
  "google_apps_login_enabled",
  "money_in_emails_format",
  "money_with_currency_in_emails_format",
  "eligible_for_payments",
  "requires_extra_payments_agreement",
  "password_enabled",
  "has_storefront",
  "finances",
  "primary_location_id",
  "checkout_api_supported",
  "multi_location_enabled",
  "setup_required",
  "pre_launch_enabled",
  "enabled_presentment_currencies",
  "marketing_sms_consent_enabled_at_checkout",
  "transactional_sms_disabled",
];

const bag = (amount: string, currencyCode = "USD") => ({
  shopMoney: { amount, currencyCode },
  presentmentMoney: { amount, currencyCode },
});
const SHOP: GqlRecord = {
  __typename: "Shop",
  id: "gid://shopify/Shop/548380009",
  name: "Demo",
  email: "owner@demo.test",
  currencyCode: "USD",
  ianaTimezone: "America/New_York",
  myshopifyDomain: "demo.myshopify.com",
  plan: { publicDisplayName: "Advanced" },
};
const ctx = { shop: SHOP, domain: "demo.myshopify.com" };

const address = {
  __typename: "MailingAddress",
  id: "gid://shopify/MailingAddress/31?model_name=CustomerAddress",
  firstName: "Ann",
  lastName: "Lee",
  address1: "1 Main St",
  city: "Boston",
  province: "Massachusetts",
  provinceCode: "MA",
  country: "United States",
  countryCodeV2: "US",
  zip: "02110",
  phone: "+16175550100",
};
const customer: GqlRecord = {
  __typename: "Customer",
  id: "gid://shopify/Customer/42",
  legacyResourceId: "42",
  firstName: "Ann",
  lastName: "Lee",
  state: "ENABLED",
  createdAt: "2025-01-02T03:04:05Z",
  updatedAt: "2025-02-01T12:00:00Z",
  taxExempt: false,
  taxExemptions: [],
  verifiedEmail: true,
  defaultEmailAddress: { emailAddress: "ann@example.com" },
  defaultPhoneNumber: { phoneNumber: "+16175550100" },
  defaultAddress: address,
  addressesV2: [address],
  tags: ["vip"],
};
const lineItem = {
  __typename: "LineItem",
  id: "gid://shopify/LineItem/7001",
  title: "Linen Shirt",
  name: "Linen Shirt - M",
  variantTitle: "M",
  sku: "LS-M",
  quantity: 2,
  currentQuantity: 2,
  unfulfilledQuantity: 2,
  originalUnitPriceSet: bag("10.15"),
  originalTotalSet: bag("20.30"),
  totalDiscountSet: bag("0.00"),
  product: { __typename: "Product", id: "gid://shopify/Product/300" },
  variant: { __typename: "ProductVariant", id: "gid://shopify/ProductVariant/301" },
  taxLines: [{ title: "State tax", rate: 0.05, priceSet: bag("1.02") }],
  discountAllocations: [],
  requiresShipping: true,
  taxable: true,
};
const transaction: GqlRecord = {
  __typename: "OrderTransaction",
  id: "gid://shopify/OrderTransaction/8001",
  kind: "SALE",
  status: "SUCCESS",
  gateway: "shopify_payments",
  createdAt: "2025-03-01T15:00:00Z",
  processedAt: "2025-03-01T15:00:00Z",
  amountSet: bag("22.32"),
  test: false,
  manualPaymentGateway: false,
};
const refund: GqlRecord = {
  __typename: "Refund",
  id: "gid://shopify/Refund/9001",
  createdAt: "2025-03-05T15:00:00Z",
  processedAt: "2025-03-05T15:00:00Z",
  note: "damaged",
  totalRefundedSet: bag("10.15"),
  refundLineItems: [
    {
      __typename: "RefundLineItem",
      id: "gid://shopify/RefundLineItem/9101",
      quantity: 1,
      restockType: "NO_RESTOCK",
      restocked: false,
      lineItem,
      subtotalSet: bag("10.15"),
      totalTaxSet: bag("0.51"),
      priceSet: bag("10.15"),
    },
  ],
  transactions: [
    {
      ...transaction,
      id: "gid://shopify/OrderTransaction/8002",
      kind: "REFUND",
      amountSet: bag("10.66"),
    },
  ],
};
const fulfillment: GqlRecord = {
  __typename: "Fulfillment",
  id: "gid://shopify/Fulfillment/6001",
  name: "#1001.1",
  status: "SUCCESS",
  createdAt: "2025-03-03T15:00:00Z",
  updatedAt: "2025-03-03T15:00:00Z",
  trackingInfo: [{ company: "UPS", number: "1Z999", url: "https://ups.example/1Z999" }],
  fulfillmentLineItems: [
    {
      __typename: "FulfillmentLineItem",
      id: "gid://shopify/FulfillmentLineItem/6101",
      quantity: 2,
      lineItem,
    },
  ],
  location: { __typename: "Location", id: "gid://shopify/Location/11" },
};
const order: GqlRecord = {
  __typename: "Order",
  id: "gid://shopify/Order/1001",
  legacyResourceId: "1001",
  name: "#2001",
  number: 2001,
  email: "ann@example.com",
  createdAt: "2025-03-01T15:00:00Z",
  updatedAt: "2025-03-05T15:00:00Z",
  processedAt: "2025-03-01T15:00:00Z",
  currencyCode: "USD",
  presentmentCurrencyCode: "USD",
  displayFinancialStatus: "PARTIALLY_REFUNDED",
  displayFulfillmentStatus: "FULFILLED",
  subtotalPriceSet: bag("20.30"),
  currentSubtotalPriceSet: bag("10.15"),
  totalPriceSet: bag("22.32"),
  currentTotalPriceSet: bag("11.16"),
  totalTaxSet: bag("1.02"),
  totalDiscountsSet: bag("0.00"),
  totalShippingPriceSet: bag("1.00"),
  totalOutstandingSet: bag("0.00"),
  tags: ["wholesale", "rush"],
  taxLines: [{ title: "State tax", rate: 0.05, priceSet: bag("1.02") }],
  customer,
  billingAddress: address,
  shippingAddress: address,
  lineItems: [lineItem],
  transactions: [transaction],
  refunds: [refund],
  fulfillments: [fulfillment],
  shippingLines: [
    {
      __typename: "ShippingLine",
      id: "gid://shopify/ShippingLine/5",
      title: "Standard",
      originalPriceSet: bag("1.00"),
      discountedPriceSet: bag("1.00"),
      currentDiscountedPriceSet: bag("1.00"),
    },
  ],
  paymentGatewayNames: ["shopify_payments"],
  discountCodes: [],
  test: false,
};
const product: GqlRecord = {
  __typename: "Product",
  id: "gid://shopify/Product/300",
  title: "Linen Shirt",
  handle: "linen-shirt",
  descriptionHtml: "<p>Soft</p>",
  vendor: "Acme",
  productType: "Shirts",
  status: "ACTIVE",
  tags: ["summer", "linen"],
  createdAt: "2025-01-01T00:00:00Z",
  updatedAt: "2025-02-01T00:00:00Z",
  publishedAt: "2025-01-01T00:00:00Z",
  options: [
    {
      __typename: "ProductOption",
      id: "gid://shopify/ProductOption/3001",
      name: "Size",
      position: 1,
      values: ["M", "L"],
    },
  ],
  variants: [
    {
      __typename: "ProductVariant",
      id: "gid://shopify/ProductVariant/301",
      title: "M",
      price: "10.15",
      compareAtPrice: null,
      sku: "LS-M",
      position: 1,
      inventoryPolicy: "DENY",
      inventoryQuantity: 5,
      taxable: true,
      createdAt: "2025-01-01T00:00:00Z",
      updatedAt: "2025-02-01T00:00:00Z",
      selectedOptions: [{ name: "Size", value: "M" }],
      inventoryItem: { __typename: "InventoryItem", id: "gid://shopify/InventoryItem/401" },
    },
  ],
  media: [
    {
      __typename: "MediaImage",
      id: "gid://shopify/MediaImage/501",
      alt: "front",
      mediaContentType: "IMAGE",
      status: "READY",
      createdAt: "2025-01-01T00:00:00Z",
      updatedAt: "2025-01-01T00:00:00Z",
      image: { url: "https://cdn.example/shirt.jpg", width: 800, height: 600 },
    },
  ],
  hasVariantsThatRequiresComponents: false,
  category: null,
};
const inventoryItem: GqlRecord = {
  __typename: "InventoryItem",
  id: "gid://shopify/InventoryItem/401",
  sku: "LS-M",
  tracked: true,
  requiresShipping: true,
  createdAt: "2025-01-01T00:00:00Z",
  updatedAt: "2025-02-01T00:00:00Z",
  unitCost: { amount: "4.50", currencyCode: "USD" },
  measurement: { weight: { value: 0.5, unit: "KILOGRAMS" } },
};
const inventoryLevel: GqlRecord = {
  __typename: "InventoryLevel",
  id: "gid://shopify/InventoryLevel/11?inventory_item_id=401",
  updatedAt: "2025-02-02T00:00:00Z",
  location: { __typename: "Location", id: "gid://shopify/Location/11" },
  item: { __typename: "InventoryItem", id: "gid://shopify/InventoryItem/401" },
  quantities: ({ names }: { names: string[] }) =>
    names.map((name) => ({ name, quantity: name === "available" ? 7 : 0 })),
};
const locationRec: GqlRecord = {
  __typename: "Location",
  id: "gid://shopify/Location/11",
  name: "Warehouse",
  isActive: true,
  createdAt: "2024-01-01T00:00:00Z",
  updatedAt: "2024-06-01T00:00:00Z",
  address: {
    address1: "2 Dock Rd",
    city: "Ottawa",
    countryCode: "CA",
    country: "Canada",
    provinceCode: "ON",
    province: "Ontario",
    zip: "K1N5T5",
  },
};
const checkout: GqlRecord = {
  __typename: "AbandonedCheckout",
  id: "gid://shopify/AbandonedCheckout/7700",
  name: "#7700",
  createdAt: "2025-03-01T15:00:00Z",
  updatedAt: "2025-03-01T16:00:00Z",
  abandonedCheckoutUrl: "https://demo.example/recover",
  customer,
  lineItems: [
    {
      id: "gid://shopify/AbandonedCheckoutLineItem/1",
      title: "Linen Shirt",
      quantity: 1,
      originalUnitPriceSet: bag("10.15"),
      originalTotalPriceSet: bag("10.15"),
      variant: { id: "gid://shopify/ProductVariant/301" },
      product: { id: "gid://shopify/Product/300" },
    },
  ],
  subtotalPriceSet: bag("10.15"),
  totalPriceSet: bag("10.66"),
  totalTaxSet: bag("0.51"),
  totalLineItemsPriceSet: bag("10.15"),
  totalDiscountSet: bag("0.00"),
  taxLines: [],
  discountCodes: [],
  taxesIncluded: false,
  note: "",
};
const discountNode: GqlRecord = {
  __typename: "DiscountNode",
  id: "gid://shopify/DiscountNode/55",
  discount: {
    __typename: "DiscountCodeBasic",
    title: "SPRING10",
    status: "ACTIVE",
    createdAt: "2025-03-01T15:00:00Z",
    updatedAt: "2025-03-02T15:00:00Z",
  },
};
const dispute: GqlRecord = {
  __typename: "ShopifyPaymentsDispute",
  id: "gid://shopify/ShopifyPaymentsDispute/66",
  order: { __typename: "Order", id: "gid://shopify/Order/1001" },
  type: "CHARGEBACK",
  status: "NEEDS_RESPONSE",
  amount: { amount: "11.50", currencyCode: "USD" },
  reasonDetails: { reason: "FRAUDULENT", networkReasonCode: "4837" },
  initiatedAt: "2025-03-06T15:00:00Z",
  evidenceDueBy: "2025-03-20T15:00:00Z",
};
const bulkOp: GqlRecord = {
  __typename: "BulkOperation",
  id: "gid://shopify/BulkOperation/147595010",
  status: "COMPLETED",
  type: "QUERY",
  errorCode: null,
  createdAt: "2025-03-01T15:00:00Z",
  completedAt: "2025-03-01T15:01:00Z",
};

const keys = (o: unknown) => Object.keys(o as object);

describe("restPayload: documented keys per topic (2026-07)", () => {
  it("orders/* carry every documented key, nested line items, customer, addresses, refunds, fulfillments", () => {
    for (const topic of [
      "orders/create",
      "orders/updated",
      "orders/paid",
      "orders/cancelled",
      "orders/fulfilled",
    ]) {
      const p = restPayload(topic, order, undefined, ctx);
      expect(keys(p)).toEqual(expect.arrayContaining(ORDER_KEYS));
    }
    const p = restPayload("orders/create", order, undefined, ctx) as Record<string, any>;
    expect(keys(p.line_items[0])).toEqual(expect.arrayContaining(ORDER_LINE_ITEM_KEYS));
    expect(keys(p.billing_address)).toEqual(expect.arrayContaining(ADDRESS_KEYS));
    expect(keys(p.customer)).toEqual(
      expect.arrayContaining(CUSTOMER_KEYS.filter((k) => k !== "addresses")),
    );
    expect(keys(p.refunds[0])).toEqual(expect.arrayContaining(REFUND_KEYS));
    expect(keys(p.fulfillments[0])).toEqual(expect.arrayContaining(FULFILLMENT_KEYS));
    // values match the GraphQL record
    expect(p).toMatchObject({
      id: 1001,
      admin_graphql_api_id: "gid://shopify/Order/1001",
      name: "#2001",
      order_number: 2001,
      number: 1001,
      total_price: "22.32",
      subtotal_price: "20.30",
      current_total_price: "11.16",
      total_tax: "1.02",
      currency: "USD",
      financial_status: "partially_refunded",
      fulfillment_status: "fulfilled",
      tags: "wholesale, rush",
      created_at: "2025-03-01T10:00:00-05:00", // shop is America/New_York
      updated_at: "2025-03-05T10:00:00-05:00",
      total_line_items_price: "20.30",
    });
    expect(p.total_price_set).toEqual({
      shop_money: { amount: "22.32", currency_code: "USD" },
      presentment_money: { amount: "22.32", currency_code: "USD" },
    });
    expect(p.line_items[0]).toMatchObject({
      id: 7001,
      price: "10.15",
      quantity: 2,
      product_id: 300,
      variant_id: 301,
      sku: "LS-M",
      admin_graphql_api_id: "gid://shopify/LineItem/7001",
    });
    expect(p.line_items[0].tax_lines[0]).toMatchObject({
      price: "1.02",
      rate: 0.05,
      title: "State tax",
    });
    expect(p.customer).toMatchObject({
      id: 42,
      email: "ann@example.com",
      default_address: { customer_id: 42, country_code: "US", default: true },
    });
    expect(p.refunds[0]).toMatchObject({ id: 9001, order_id: 1001 });
    expect(p.fulfillments[0]).toMatchObject({
      id: 6001,
      order_id: 1001,
      tracking_number: "1Z999",
      line_items: [{ id: 7001, quantity: 2 }],
    });
    expect(p.shipping_lines[0]).toMatchObject({ id: 5, price: "1.00", title: "Standard" });
  });

  it("resolves bare references ({__typename, id}) through the context and the order's own line items", () => {
    const refOrder: GqlRecord = {
      ...order,
      customer: { __typename: "Customer", id: customer.id },
      refunds: [
        {
          ...refund,
          refundLineItems: [
            {
              ...(refund.refundLineItems as object[])[0],
              lineItem: { __typename: "LineItem", id: lineItem.id },
            },
          ],
        },
      ],
    };
    const resolve = (gid: string) => (gid === customer.id ? customer : undefined);
    const p = restPayload("orders/updated", refOrder, undefined, { ...ctx, resolve }) as Record<
      string,
      any
    >;
    expect(p.customer).toMatchObject({ id: 42, first_name: "Ann", email: "ann@example.com" });
    expect(p.refunds[0].refund_line_items[0].line_item).toMatchObject({
      id: 7001,
      sku: "LS-M",
      price: "10.15",
    });
    const r = restPayload("refunds/create", refOrder, (refOrder.refunds as GqlRecord[])[0], {
      ...ctx,
      resolve,
    }) as Record<string, any>;
    expect(r.refund_line_items[0].line_item).toMatchObject({ id: 7001, title: "Linen Shirt" });
  });

  it("delete topics send what the docs show", () => {
    expect(restPayload("orders/delete", order, undefined, ctx)).toEqual({ id: 1001 });
    expect(restPayload("products/delete", product, undefined, ctx)).toEqual({ id: 300 });
    expect(restPayload("locations/delete", locationRec, undefined, ctx)).toEqual({ id: 11 });
    expect(restPayload("customers/delete", customer, undefined, ctx)).toEqual({
      id: 42,
      tax_exemptions: [],
      admin_graphql_api_id: "gid://shopify/Customer/42",
    });
    expect(keys(restPayload("inventory_items/delete", inventoryItem, undefined, ctx))).toEqual([
      "id",
      "country_code_of_origin",
      "province_code_of_origin",
      "harmonized_system_code",
      "country_harmonized_system_codes",
      "admin_graphql_api_id",
    ]);
    expect(keys(restPayload("checkouts/delete", checkout, undefined, ctx))).toEqual(
      CHECKOUT_DELETE_KEYS,
    );
    expect(keys(restPayload("discounts/delete", discountNode, undefined, ctx))).toEqual([
      "admin_graphql_api_id",
      "deleted_at",
    ]);
    expect(restPayload("inventory_levels/disconnect", inventoryItem, inventoryLevel, ctx)).toEqual({
      inventory_item_id: 401,
      location_id: 11,
    });
  });

  it("products/* with variants, options, images, media, variant_gids", () => {
    const p = restPayload("products/update", product, undefined, ctx) as Record<string, any>;
    expect(keys(p)).toEqual(expect.arrayContaining(PRODUCT_KEYS));
    expect(keys(p.variants[0])).toEqual(expect.arrayContaining(VARIANT_KEYS));
    expect(p).toMatchObject({
      id: 300,
      title: "Linen Shirt",
      status: "active",
      tags: "summer, linen",
      body_html: "<p>Soft</p>",
      created_at: "2024-12-31T19:00:00-05:00",
    });
    expect(p.variants[0]).toMatchObject({
      id: 301,
      product_id: 300,
      price: "10.15",
      option1: "M",
      inventory_item_id: 401,
      inventory_policy: "deny",
      inventory_quantity: 5,
    });
    expect(p.options[0]).toEqual({
      id: 3001,
      product_id: 300,
      name: "Size",
      position: 1,
      values: ["M", "L"],
    });
    expect(p.images[0]).toMatchObject({
      id: 501,
      product_id: 300,
      src: "https://cdn.example/shirt.jpg",
      width: 800,
      position: 1,
    });
    expect(p.image).toEqual(p.images[0]);
    expect(p.variant_gids).toEqual([
      {
        admin_graphql_api_id: "gid://shopify/ProductVariant/301",
        updated_at: "2025-02-01T00:00:00.000Z",
      },
    ]);
  });

  it("customers/* with addresses and default_address", () => {
    const p = restPayload("customers/update", customer, undefined, ctx) as Record<string, any>;
    expect(keys(p)).toEqual(expect.arrayContaining(CUSTOMER_KEYS));
    expect(keys(p.default_address)).toEqual(expect.arrayContaining(CUSTOMER_ADDRESS_KEYS));
    expect(p).toMatchObject({
      id: 42,
      first_name: "Ann",
      state: "enabled",
      email: "ann@example.com",
      phone: "+16175550100",
      currency: "USD",
      created_at: "2025-01-01T22:04:05-05:00",
    });
    expect(p.addresses).toHaveLength(1);
    expect(p.addresses[0]).toMatchObject({
      id: 31,
      customer_id: 42,
      default: true,
      country_name: "United States",
    });
  });

  it("inventory items, inventory levels, locations", () => {
    const it1 = restPayload("inventory_items/update", inventoryItem, undefined, ctx);
    expect(keys(it1)).toEqual(expect.arrayContaining(INVENTORY_ITEM_KEYS));
    expect(it1).toMatchObject({
      id: 401,
      sku: "LS-M",
      cost: "4.50",
      weight_value: 0.5,
      weight_unit: "kg",
      tracked: true,
    });
    const lvl = restPayload("inventory_levels/update", inventoryItem, inventoryLevel, ctx);
    expect(keys(lvl)).toEqual(INVENTORY_LEVEL_KEYS);
    expect(lvl).toEqual({
      inventory_item_id: 401,
      location_id: 11,
      available: 7,
      updated_at: "2025-02-01T19:00:00-05:00",
      admin_graphql_api_id: "gid://shopify/InventoryLevel/11?inventory_item_id=401",
    });
    const loc = restPayload("locations/update", locationRec, undefined, ctx);
    expect(keys(loc)).toEqual(expect.arrayContaining(LOCATION_KEYS));
    expect(loc).toMatchObject({
      id: 11,
      name: "Warehouse",
      country: "CA",
      country_code: "CA",
      country_name: "Canada",
      province_code: "ON",
      active: true,
    });
  });

  it("money topics: order_transactions/create, refunds/create, disputes/*", () => {
    const t = restPayload("order_transactions/create", order, transaction, ctx);
    expect(keys(t)).toEqual(expect.arrayContaining(TRANSACTION_KEYS));
    expect(t).toMatchObject({
      id: 8001,
      order_id: 1001,
      kind: "sale",
      status: "success",
      amount: "22.32",
      currency: "USD",
      gateway: "shopify_payments",
    });
    const r = restPayload("refunds/create", order, refund, ctx) as Record<string, any>;
    expect(keys(r)).toEqual(expect.arrayContaining(REFUND_KEYS));
    expect(keys(r.refund_line_items[0])).toEqual(expect.arrayContaining(REFUND_LINE_ITEM_KEYS));
    expect(r).toMatchObject({
      id: 9001,
      order_id: 1001,
      note: "damaged",
      created_at: "2025-03-05T10:00:00-05:00",
    });
    expect(r.refund_line_items[0]).toMatchObject({
      id: 9101,
      line_item_id: 7001,
      quantity: 1,
      restock_type: "no_restock",
      subtotal: 10.15,
      subtotal_set: { shop_money: { amount: "10.15" } },
    });
    expect(r.transactions[0]).toMatchObject({
      id: 8002,
      kind: "refund",
      amount: "10.66",
      order_id: 1001,
    });
    expect(() => restPayload("refunds/create", order, undefined, ctx)).toThrow(/subject/);
    const d = restPayload("disputes/create", dispute, undefined, ctx);
    expect(keys(d)).toEqual(DISPUTE_KEYS);
    expect(d).toMatchObject({
      id: 66,
      order_id: 1001,
      type: "chargeback",
      amount: "11.50",
      reason: "fraudulent",
      network_reason_code: "4837",
      status: "needs_response",
      evidence_sent_on: null,
    });
  });

  it("fulfillments/*", () => {
    const f = restPayload("fulfillments/create", order, fulfillment, ctx) as Record<string, any>;
    expect(keys(f)).toEqual(expect.arrayContaining(FULFILLMENT_KEYS));
    expect(f).toMatchObject({
      id: 6001,
      order_id: 1001,
      status: "success",
      tracking_company: "UPS",
      tracking_numbers: ["1Z999"],
      location_id: 11,
      name: "#1001.1",
      email: "ann@example.com",
    });
    expect(keys(f.destination)).toEqual(expect.arrayContaining(ADDRESS_KEYS));
  });

  it("checkouts/* and discounts/*", () => {
    const k = restPayload("checkouts/create", checkout, undefined, ctx) as Record<string, any>;
    expect(keys(k)).toEqual(expect.arrayContaining(CHECKOUT_KEYS));
    expect(k).toMatchObject({
      id: 7700,
      total_price: "10.66",
      subtotal_price: "10.15",
      total_tax: "0.51",
      email: "ann@example.com",
      abandoned_checkout_url: "https://demo.example/recover",
    });
    expect(k.line_items[0]).toMatchObject({
      product_id: 300,
      variant_id: 301,
      quantity: 1,
      price: "10.15",
    });
    expect(restPayload("discounts/update", discountNode, undefined, ctx)).toEqual({
      admin_graphql_api_id: "gid://shopify/DiscountNode/55",
      title: "SPRING10",
      status: "ACTIVE",
      created_at: "2025-03-01T10:00:00-05:00",
      updated_at: "2025-03-02T10:00:00-05:00",
    });
    const code = {
      __typename: "DiscountRedeemCode",
      id: "gid://shopify/DiscountRedeemCode/5",
      code: "SPRING10-A",
    };
    expect(restPayload("discounts/redeemcode_added", discountNode, code, ctx)).toMatchObject({
      admin_graphql_api_id: "gid://shopify/DiscountNode/55",
      redeem_code: { id: "gid://shopify/DiscountRedeemCode/5", code: "SPRING10-A" },
    });
  });

  it("shop-level topics: shop/update, app/uninstalled, app/scopes_update, bulk_operations/finish", () => {
    for (const topic of ["shop/update", "app/uninstalled"]) {
      const s = restPayload(topic, SHOP, undefined, ctx);
      expect(keys(s)).toEqual(expect.arrayContaining(SHOP_KEYS));
      expect(s).toMatchObject({
        id: 548380009,
        name: "Demo",
        myshopify_domain: "demo.myshopify.com",
        currency: "USD",
        iana_timezone: "America/New_York",
      });
    }
    const scopes = restPayload("app/scopes_update", {
      __typename: "AppScopesUpdate",
      id: "1",
      shopId: SHOP.id,
      previous: ["read_products"],
      current: ["read_products", "read_orders"],
      updatedAt: "2025-03-01T15:00:00Z",
    });
    expect(scopes).toEqual({
      id: 1,
      shop_id: "gid://shopify/Shop/548380009",
      previous: ["read_products"],
      current: ["read_products", "read_orders"],
      updated_at: "2025-03-01T15:00:00.000Z",
    });
    expect(restPayload("bulk_operations/finish", bulkOp, undefined, ctx)).toEqual({
      admin_graphql_api_id: "gid://shopify/BulkOperation/147595010",
      completed_at: "2025-03-01T10:01:00-05:00",
      created_at: "2025-03-01T10:00:00-05:00",
      error_code: null,
      status: "completed",
      type: "query",
    });
  });

  it("compliance payloads", () => {
    expect(compliancePayload("shop/redact", SHOP, "demo.myshopify.com")).toEqual({
      shop_id: 548380009,
      shop_domain: "demo.myshopify.com",
    });
    expect(
      compliancePayload("customers/redact", SHOP, "demo.myshopify.com", customer, [
        "gid://shopify/Order/1001",
      ]),
    ).toEqual({
      shop_id: 548380009,
      shop_domain: "demo.myshopify.com",
      customer: { id: 42, email: "ann@example.com", phone: "+16175550100" },
      orders_to_redact: [1001],
    });
    expect(
      compliancePayload("customers/data_request", SHOP, "demo.myshopify.com", customer, [], 9),
    ).toEqual({
      shop_id: 548380009,
      shop_domain: "demo.myshopify.com",
      customer: { id: 42, email: "ann@example.com", phone: "+16175550100" },
      orders_requested: [],
      data_request: { id: 9 },
    });
  });

  it("unknown topics throw; every resource topic the app subscribes to is buildable", () => {
    expect(() => restPayload("orders/teleported", order)).toThrow(/Unknown webhook topic/);
    for (const t of [
      "orders/create",
      "orders/updated",
      "orders/cancelled",
      "orders/delete",
      "orders/edited",
      "orders/paid",
      "orders/fulfilled",
      "products/create",
      "products/update",
      "products/delete",
      "customers/create",
      "customers/update",
      "customers/delete",
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
      "app/uninstalled",
      "app/scopes_update",
      "bulk_operations/finish",
      "shop/update",
    ]) {
      expect(PAYLOAD_TOPICS).toContain(t);
    }
  });
});

describe("helpers", () => {
  it("local timestamps keep the instant and carry the shop's offset (DST aware)", () => {
    expect(localTimestamp("2025-01-15T12:00:00Z", "America/New_York")).toBe(
      "2025-01-15T07:00:00-05:00",
    );
    expect(localTimestamp("2025-07-15T12:00:00Z", "America/New_York")).toBe(
      "2025-07-15T08:00:00-04:00",
    );
    expect(localTimestamp("2025-07-15T12:00:00Z", "Asia/Kolkata")).toBe(
      "2025-07-15T17:30:00+05:30",
    );
    expect(Date.parse(localTimestamp("2025-07-15T12:00:00Z", "Asia/Kolkata")!)).toBe(
      Date.parse("2025-07-15T12:00:00Z"),
    );
    expect(localTimestamp(null)).toBeNull();
  });
  it("sums money exactly", () => {
    expect(sumAmounts(["0.10", "0.20"])).toBe("0.30");
    expect(sumAmounts(["10.15", "10.15", "-0.30"])).toBe("20.00");
    expect(sumAmounts([])).toBe("0.00");
  });
});

describe("restPayload on the real store's records", () => {
  const store = createStore({ domain: "payloads.myshopify.com", seed: 11, size: { orders: 120 } });
  const shopRec = store.shop();
  const rctx = { shop: shopRec, domain: store.domain, resolve: (gid: string) => store.node(gid) };
  const tz = String(shopRec.ianaTimezone);
  const first = (
    r: Parameters<typeof store.collection>[0],
    pred: (x: GqlRecord) => boolean = () => true,
  ) => {
    for (const { record } of store.collection(r).scan()) if (pred(record)) return record;
    throw new Error(`no ${r} record`);
  };
  const amountOf = (b: unknown) => (b as { shopMoney: { amount: string } }).shopMoney.amount;

  it("orders: documented keys; ids, money and timestamps match the GraphQL record", () => {
    const o = first(
      "orders",
      (x) => (x.refunds as unknown[]).length > 0 && (x.fulfillments as unknown[]).length > 0,
    );
    const p = restPayload("orders/updated", o, undefined, rctx) as Record<string, any>;
    expect(keys(p)).toEqual(expect.arrayContaining(ORDER_KEYS));
    expect(p.id).toBe(Number(o.legacyResourceId));
    expect(p.admin_graphql_api_id).toBe(o.id);
    expect(p.total_price).toBe(amountOf(o.totalPriceSet));
    expect(p.current_total_price).toBe(amountOf(o.currentTotalPriceSet));
    expect(p.total_tax).toBe(amountOf(o.totalTaxSet));
    expect(p.total_price_set.presentment_money.amount).toBe(
      (o.totalPriceSet as any).presentmentMoney.amount,
    );
    expect(Date.parse(p.created_at)).toBe(Date.parse(String(o.createdAt)));
    expect(Date.parse(p.updated_at)).toBe(Date.parse(String(o.updatedAt)));
    expect(p.created_at).toBe(localTimestamp(o.createdAt, tz));
    expect(p.line_items).toHaveLength((o.lineItems as unknown[]).length);
    expect(keys(p.line_items[0])).toEqual(expect.arrayContaining(ORDER_LINE_ITEM_KEYS));
    expect(p.customer.admin_graphql_api_id).toBe((o.customer as GqlRecord).id);
    expect(p.customer.email).toMatch(/@/); // resolved from the customer record
    expect(keys(p.refunds[0])).toEqual(expect.arrayContaining(REFUND_KEYS));
    expect(p.refunds[0].refund_line_items.every((x: any) => x.line_item.title)).toBe(true);
    expect(keys(p.fulfillments[0])).toEqual(expect.arrayContaining(FULFILLMENT_KEYS));
    expect(p.total_line_items_price).toBe(
      sumAmounts((o.lineItems as any[]).map((li) => li.originalTotalSet.shopMoney.amount)),
    );
  });

  it("products, customers, inventory items, locations, checkouts, discounts, disputes", () => {
    const prod = first("products", (x) => (x.variants as unknown[]).length > 0);
    const pp = restPayload("products/update", prod, undefined, rctx) as Record<string, any>;
    expect(keys(pp)).toEqual(expect.arrayContaining(PRODUCT_KEYS));
    expect(keys(pp.variants[0])).toEqual(expect.arrayContaining(VARIANT_KEYS));
    expect(pp.variants[0].price).toBe(String((prod.variants as any[])[0].price));
    expect(pp.variants[0].inventory_item_id).toBe(
      numericId((prod.variants as any[])[0].inventoryItem.id),
    );

    const cust = first("customers", (x) => (x.addressesV2 as unknown[]).length > 0);
    const cp = restPayload("customers/update", cust, undefined, rctx) as Record<string, any>;
    expect(keys(cp)).toEqual(expect.arrayContaining(CUSTOMER_KEYS));
    expect(cp.email).toBe((cust.defaultEmailAddress as any).emailAddress);
    expect(cp.addresses.length).toBe((cust.addressesV2 as unknown[]).length);

    const item = first("inventoryItems");
    expect(keys(restPayload("inventory_items/update", item, undefined, rctx))).toEqual(
      expect.arrayContaining(INVENTORY_ITEM_KEYS),
    );
    const level = (item.inventoryLevels as GqlRecord[])[0];
    const lp = restPayload("inventory_levels/update", item, level, rctx);
    expect(keys(lp)).toEqual(INVENTORY_LEVEL_KEYS);
    expect(lp.inventory_item_id).toBe(numericId(item.id));
    expect(typeof lp.available).toBe("number");

    const loc = first("locations");
    expect(keys(restPayload("locations/update", loc, undefined, rctx))).toEqual(
      expect.arrayContaining(LOCATION_KEYS),
    );

    const co = first("abandonedCheckouts");
    const kp = restPayload("checkouts/update", co, undefined, rctx) as Record<string, any>;
    expect(keys(kp)).toEqual(expect.arrayContaining(CHECKOUT_KEYS));
    expect(kp.total_price).toBe(amountOf(co.totalPriceSet));

    const disc = first("discounts");
    expect(restPayload("discounts/update", disc, undefined, rctx)).toMatchObject({
      admin_graphql_api_id: disc.id,
      title: (disc.discount as any).title,
    });

    const dispute = first("disputes");
    const dp = restPayload("disputes/update", dispute, undefined, rctx);
    expect(keys(dp)).toEqual(DISPUTE_KEYS);
    expect(dp.amount).toBe((dispute.amount as any).amount);

    const sp = restPayload("shop/update", shopRec, undefined, rctx);
    expect(keys(sp)).toEqual(expect.arrayContaining(SHOP_KEYS));
    expect(sp.myshopify_domain).toBe(store.domain);
  });

  it("change events of domain actions give each extra topic a subject of its own type", () => {
    const events: ChangeEvent[] = [];
    store.on("change", (e) => events.push(e));
    const o = first(
      "orders",
      (x) =>
        x.displayFinancialStatus === "PAID" &&
        x.displayFulfillmentStatus === "UNFULFILLED" &&
        !x.cancelledAt,
    );
    store.fulfillOrder(o.id);
    store.refundOrder(o.id);
    const [ful, ref] = events;
    const fSubjects = subjectsFor("fulfillments/create", ful.record, ful.subject);
    expect(fSubjects.map((s) => s?.__typename)).toEqual(["Fulfillment"]);
    const fp = restPayload("fulfillments/create", ful.record, fSubjects[0], rctx) as Record<
      string,
      any
    >;
    expect(fp.order_id).toBe(numericId(o.id));
    expect(fp.line_items.length).toBeGreaterThan(0);
    expect(ref.topics).toEqual(
      expect.arrayContaining(["refunds/create", "order_transactions/create"]),
    );
    const rp = restPayload(
      "refunds/create",
      ref.record,
      subjectsFor("refunds/create", ref.record, ref.subject)[0],
      rctx,
    );
    expect(rp.admin_graphql_api_id).toBe(ref.subject!.id);
    const txs = subjectsFor("order_transactions/create", ref.record, ref.subject);
    expect(txs.length).toBeGreaterThan(0);
    expect(txs.every((t) => t?.__typename === "OrderTransaction")).toBe(true);
    const tp = restPayload("order_transactions/create", ref.record, txs[0], rctx);
    expect(tp).toMatchObject({
      kind: "refund",
      order_id: numericId(o.id),
      admin_graphql_api_id: txs[0]!.id,
    });
  });
});
