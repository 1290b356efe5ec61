/**
 * Orders with their line items, transactions, refunds (+ refund line items) and fulfillments
 * (+ fulfillment line items).
 *
 * Bulk: `lineItems` is a nested connection (its own JSONL lines with `__parentId`); transactions,
 * refunds and fulfillments are lists, inline in the order line. Bulk forbids a connection inside a
 * list, so refund line items and fulfillment line items are not in the bulk file: they come from
 * the paginated query (`pageQuery`, everything inline) and from webhooks (refunds/create,
 * orders/* carry refund line items; fulfillment webhooks carry no fulfillment-line-item ids).
 */
import { TABLES } from "../refine/tables";
import { MAILING_ADDRESS_FRAGMENT, MONEY_BAG_FRAGMENT } from "./fragments";
import {
  bagAmount,
  bagCurrency,
  bagPresentment,
  buildRow,
  decimalMul,
  decimalSub,
  decimalSum,
  gidType,
  gqlAddress,
  isCompleteList,
  joinList,
  legacyId,
  makeGid,
  nodesOf,
  RefineError,
  restAddress,
  setAmount,
  setCurrency,
  stableJson,
  upper,
  type Json,
  type Mapping,
  type RefineContext,
} from "./normalize";
import { bulkDocument } from "./query";
import { addRows, emptyRowSet, type ResourceDefinition, type RowSet } from "./types";

// ------------------------------------------------------------------------------------------------
// Documents

const ORDER_FIELDS = `#graphql
  fragment SyncOrderFields on Order {
    id
    name
    number
    email
    phone
    customerLocale
    createdAt
    updatedAt
    processedAt
    cancelledAt
    cancelReason
    closedAt
    closed
    confirmed
    test
    displayFinancialStatus
    displayFulfillmentStatus
    returnStatus
    currencyCode
    presentmentCurrencyCode
    subtotalPriceSet { ...SyncMoneyBag }
    totalPriceSet { ...SyncMoneyBag }
    totalTaxSet { ...SyncMoneyBag }
    totalDiscountsSet { ...SyncMoneyBag }
    totalShippingPriceSet { ...SyncMoneyBag }
    totalRefundedSet { ...SyncMoneyBag }
    totalOutstandingSet { ...SyncMoneyBag }
    currentSubtotalPriceSet { ...SyncMoneyBag }
    currentTotalPriceSet { ...SyncMoneyBag }
    currentTotalTaxSet { ...SyncMoneyBag }
    currentTotalDiscountsSet { ...SyncMoneyBag }
    subtotalLineItemsQuantity
    totalWeight
    taxesIncluded
    taxExempt
    sourceName
    sourceIdentifier
    tags
    note
    discountCodes
    paymentGatewayNames
    confirmationNumber
    checkoutToken
    cartToken
    customer { id }
    billingAddress { ...SyncMailingAddress }
    shippingAddress { ...SyncMailingAddress }
    transactions { ...SyncOrderTransactionFields }
  }
`;

const ORDER_CHILD_FIELDS = `#graphql
  fragment SyncLineItemFields on LineItem {
    id
    product { id }
    variant { id }
    title
    variantTitle
    name
    sku
    vendor
    quantity
    currentQuantity
    unfulfilledQuantity
    requiresShipping
    taxable
    isGiftCard
    originalUnitPriceSet { ...SyncMoneyBag }
    discountedUnitPriceSet { ...SyncMoneyBag }
    originalTotalSet { ...SyncMoneyBag }
    discountedTotalSet { ...SyncMoneyBag }
    totalDiscountSet { ...SyncMoneyBag }
    taxLines { priceSet { ...SyncMoneyBag } }
  }

  fragment SyncOrderTransactionFields on OrderTransaction {
    id
    parentTransaction { id }
    kind
    status
    gateway
    formattedGateway
    amountSet { ...SyncMoneyBag }
    errorCode
    paymentId
    accountNumber
    manualPaymentGateway
    test
    processedAt
    createdAt
  }

  fragment SyncRefundFields on Refund {
    id
    note
    createdAt
    processedAt
    updatedAt
    totalRefundedSet { ...SyncMoneyBag }
    return { id }
  }

  fragment SyncFulfillmentFields on Fulfillment {
    id
    name
    status
    displayStatus
    location { id }
    service { serviceName }
    totalQuantity
    requiresShipping
    trackingInfo { company number url }
    createdAt
    updatedAt
    deliveredAt
    inTransitAt
    estimatedDeliveryAt
  }

`;

/** Only in the paginated query: bulk forbids a connection inside a list (Order.refunds, Order.fulfillments). */
const ORDER_PAGE_ONLY_FIELDS = `#graphql
  fragment SyncRefundLineItemFields on RefundLineItem {
    id
    lineItem { id }
    quantity
    restockType
    restocked
    location { id }
    priceSet { ...SyncMoneyBag }
    subtotalSet { ...SyncMoneyBag }
    totalTaxSet { ...SyncMoneyBag }
  }

  fragment SyncFulfillmentLineItemFields on FulfillmentLineItem {
    id
    lineItem { id }
    quantity
    originalTotalSet { ...SyncMoneyBag }
    discountedTotalSet { ...SyncMoneyBag }
  }
`;

const ORDERS_BULK = `#graphql
  query SyncOrdersBulk {
    orders(query: "", sortKey: ID) {
      edges {
        node {
          ...SyncOrderFields
          refunds { ...SyncRefundFields }
          fulfillments { ...SyncFulfillmentFields }
          lineItems {
            edges {
              node { ...SyncLineItemFields }
            }
          }
        }
      }
    }
  }
  ${ORDER_FIELDS}
  ${ORDER_CHILD_FIELDS}
  ${MONEY_BAG_FRAGMENT}
  ${MAILING_ADDRESS_FRAGMENT}
`;

export const ORDERS_PAGE_QUERY = `#graphql
  query SyncOrdersPage($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ...SyncOrderFields
        lineItems(first: 100) {
          pageInfo { hasNextPage endCursor }
          nodes { ...SyncLineItemFields }
        }
        refunds(first: 20) {
          ...SyncRefundFields
          refundLineItems(first: 100) {
            pageInfo { hasNextPage endCursor }
            nodes { ...SyncRefundLineItemFields }
          }
        }
        fulfillments(first: 20) {
          ...SyncFulfillmentFields
          fulfillmentLineItems(first: 100) {
            pageInfo { hasNextPage endCursor }
            nodes { ...SyncFulfillmentLineItemFields }
          }
        }
      }
    }
  }
  ${ORDER_FIELDS}
  ${ORDER_CHILD_FIELDS}
  ${ORDER_PAGE_ONLY_FIELDS}
  ${MONEY_BAG_FRAGMENT}
  ${MAILING_ADDRESS_FRAGMENT}
`;

const ORDERS_COUNT = `#graphql
  query SyncOrdersCount($query: String) {
    ordersCount(query: $query, limit: null) { count precision }
  }
`;

const ORDERS_REMOTE_MAP = `#graphql
  query SyncOrdersRemoteMap($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes { id updatedAt }
    }
  }
`;

// ------------------------------------------------------------------------------------------------
// Mappings: [GraphQL getter, REST getter] per column, written once.

const REST_FULFILLMENT_STATUS: Record<string, string> = {
  fulfilled: "FULFILLED",
  partial: "PARTIALLY_FULFILLED",
  restocked: "RESTOCKED",
};

const successfulRefundAmounts = (transactions: Json[] | undefined) =>
  (transactions ?? [])
    .filter((t) => upper(t.kind) === "REFUND" && upper(t.status) === "SUCCESS")
    .map((t) => setAmount(t.amount_set) ?? t.amount);

export const orderMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("Order", p.id)],
  name: [(n) => n.name, (p) => p.name],
  number: [(n) => n.number, (p) => p.order_number],
  email: [(n) => n.email, (p) => p.email],
  phone: [(n) => n.phone, (p) => p.phone],
  customerId: [(n) => n.customer?.id ?? null, (p) => p.customer?.id ?? null],
  customerLocale: [(n) => n.customerLocale, (p) => p.customer_locale],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
  updatedAt: [(n) => n.updatedAt, (p) => p.updated_at],
  processedAt: [(n) => n.processedAt, (p) => p.processed_at],
  cancelledAt: [(n) => n.cancelledAt, (p) => p.cancelled_at],
  cancelReason: [(n) => upper(n.cancelReason), (p) => upper(p.cancel_reason)],
  closedAt: [(n) => n.closedAt, (p) => p.closed_at],
  closed: [(n) => n.closed, (p) => p.closed_at !== null && p.closed_at !== undefined],
  confirmed: [(n) => n.confirmed, (p) => p.confirmed],
  test: [(n) => n.test, (p) => p.test],
  displayFinancialStatus: [(n) => upper(n.displayFinancialStatus), (p) => upper(p.financial_status)],
  displayFulfillmentStatus: [
    (n) => upper(n.displayFulfillmentStatus),
    // REST only distinguishes fulfilled/partial/restocked; everything else is null there.
    (p) => REST_FULFILLMENT_STATUS[String(p.fulfillment_status)] ?? "UNFULFILLED",
  ],
  // REST order payloads carry no return status: only the GraphQL shape sets it.
  returnStatus: [(n) => ("returnStatus" in n ? upper(n.returnStatus) : undefined), null],
  currencyCode: [(n) => n.currencyCode, (p) => p.currency],
  presentmentCurrencyCode: [(n) => n.presentmentCurrencyCode, (p) => p.presentment_currency],
  subtotalPrice: [(n) => bagAmount(n.subtotalPriceSet), (p) => p.subtotal_price],
  totalPrice: [(n) => bagAmount(n.totalPriceSet), (p) => p.total_price],
  totalTax: [(n) => bagAmount(n.totalTaxSet), (p) => p.total_tax],
  totalDiscounts: [(n) => bagAmount(n.totalDiscountsSet), (p) => p.total_discounts],
  totalShipping: [(n) => bagAmount(n.totalShippingPriceSet), (p) => setAmount(p.total_shipping_price_set)],
  totalRefunded: [
    (n) => bagAmount(n.totalRefundedSet),
    (p) => decimalSum(((p.refunds as Json[] | undefined) ?? []).flatMap((r) => successfulRefundAmounts(r.transactions))),
  ],
  totalOutstanding: [(n) => bagAmount(n.totalOutstandingSet), (p) => p.total_outstanding],
  currentSubtotalPrice: [(n) => bagAmount(n.currentSubtotalPriceSet), (p) => p.current_subtotal_price],
  currentTotalPrice: [(n) => bagAmount(n.currentTotalPriceSet), (p) => p.current_total_price],
  currentTotalTax: [(n) => bagAmount(n.currentTotalTaxSet), (p) => p.current_total_tax],
  currentTotalDiscounts: [(n) => bagAmount(n.currentTotalDiscountsSet), (p) => p.current_total_discounts],
  totalPricePresentment: [(n) => bagPresentment(n.totalPriceSet), (p) => p.total_price_set?.presentment_money?.amount],
  subtotalLineItemsQuantity: [
    (n) => n.subtotalLineItemsQuantity,
    (p) => ((p.line_items as Json[] | undefined) ?? []).reduce((s, li) => s + Number(li.quantity ?? 0), 0),
  ],
  totalWeightGrams: [(n) => n.totalWeight, (p) => p.total_weight],
  taxesIncluded: [(n) => n.taxesIncluded, (p) => p.taxes_included],
  taxExempt: [(n) => n.taxExempt, (p) => p.tax_exempt],
  sourceName: [(n) => n.sourceName, (p) => p.source_name],
  sourceIdentifier: [(n) => n.sourceIdentifier, (p) => p.source_identifier],
  tags: [(n) => joinList(n.tags), (p) => joinList(p.tags)],
  note: [(n) => n.note, (p) => p.note],
  discountCodes: [
    (n) => joinList(n.discountCodes),
    (p) => joinList(((p.discount_codes as Json[] | undefined) ?? []).map((d) => d.code)),
  ],
  paymentGatewayNames: [(n) => joinList(n.paymentGatewayNames), (p) => joinList(p.payment_gateway_names)],
  confirmationNumber: [(n) => n.confirmationNumber, (p) => p.confirmation_number],
  checkoutToken: [(n) => n.checkoutToken, (p) => p.checkout_token],
  cartToken: [(n) => n.cartToken, (p) => p.cart_token],
  billingCountryCode: [(n) => gqlAddress(n.billingAddress)?.countryCode ?? null, (p) => restAddress(p.billing_address)?.countryCode ?? null],
  shippingCountryCode: [(n) => gqlAddress(n.shippingAddress)?.countryCode ?? null, (p) => restAddress(p.shipping_address)?.countryCode ?? null],
  shippingProvinceCode: [(n) => gqlAddress(n.shippingAddress)?.provinceCode ?? null, (p) => restAddress(p.shipping_address)?.provinceCode ?? null],
  billingAddressJson: [(n) => stableJson(gqlAddress(n.billingAddress)), (p) => stableJson(restAddress(p.billing_address))],
  shippingAddressJson: [(n) => stableJson(gqlAddress(n.shippingAddress)), (p) => stableJson(restAddress(p.shipping_address))],
};

export const lineItemMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("LineItem", p.id)],
  productId: [(n) => n.product?.id ?? null, (p) => p.product_id],
  variantId: [(n) => n.variant?.id ?? null, (p) => p.variant_id],
  title: [(n) => n.title, (p) => p.title],
  variantTitle: [(n) => n.variantTitle, (p) => p.variant_title],
  name: [(n) => n.name, (p) => p.name],
  sku: [(n) => n.sku, (p) => p.sku],
  vendor: [(n) => n.vendor, (p) => p.vendor],
  quantity: [(n) => n.quantity, (p) => p.quantity],
  currentQuantity: [(n) => n.currentQuantity, (p) => p.current_quantity],
  unfulfilledQuantity: [(n) => n.unfulfilledQuantity, (p) => p.fulfillable_quantity],
  requiresShipping: [(n) => n.requiresShipping, (p) => p.requires_shipping],
  taxable: [(n) => n.taxable, (p) => p.taxable],
  isGiftCard: [(n) => n.isGiftCard, (p) => p.gift_card],
  currencyCode: [(n) => bagCurrency(n.originalUnitPriceSet), (p) => setCurrency(p.price_set)],
  originalUnitPrice: [(n) => bagAmount(n.originalUnitPriceSet), (p) => p.price],
  discountedUnitPrice: [(n) => bagAmount(n.discountedUnitPriceSet), null],
  originalTotal: [(n) => bagAmount(n.originalTotalSet), (p) => decimalMul(p.price, Number(p.quantity))],
  discountedTotal: [
    (n) => bagAmount(n.discountedTotalSet),
    (p) => decimalSub(decimalMul(p.price, Number(p.quantity)), p.total_discount ?? "0"),
  ],
  totalDiscount: [(n) => bagAmount(n.totalDiscountSet), (p) => p.total_discount],
  totalTax: [
    (n) => decimalSum(nodesOf(n.taxLines).map((t) => bagAmount(t.priceSet))),
    (p) => decimalSum(((p.tax_lines as Json[] | undefined) ?? []).map((t) => t.price)),
  ],
};

export const transactionMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("OrderTransaction", p.id)],
  parentId: [(n) => n.parentTransaction?.id ?? null, (p) => p.parent_id],
  kind: [(n) => upper(n.kind), (p) => upper(p.kind)],
  status: [(n) => upper(n.status), (p) => upper(p.status)],
  gateway: [(n) => n.gateway, (p) => p.gateway],
  formattedGateway: [(n) => n.formattedGateway, null],
  currencyCode: [(n) => bagCurrency(n.amountSet), (p) => setCurrency(p.amount_set) ?? p.currency],
  amount: [(n) => bagAmount(n.amountSet), (p) => setAmount(p.amount_set) ?? p.amount],
  presentmentCurrencyCode: [(n) => n.amountSet?.presentmentMoney?.currencyCode ?? null, null],
  amountPresentment: [(n) => bagPresentment(n.amountSet), null],
  errorCode: [(n) => upper(n.errorCode), (p) => upper(p.error_code)],
  paymentId: [(n) => n.paymentId, (p) => p.payment_id],
  accountNumber: [(n) => n.accountNumber, null],
  manualPaymentGateway: [(n) => n.manualPaymentGateway, (p) => p.manual_payment_gateway],
  test: [(n) => n.test, (p) => p.test],
  processedAt: [(n) => n.processedAt, (p) => p.processed_at],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
};

export const refundMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("Refund", p.id)],
  note: [(n) => n.note, (p) => p.note],
  currencyCode: [
    (n) => bagCurrency(n.totalRefundedSet),
    (p, ctx) => (p.transactions as Json[] | undefined)?.[0]?.currency ?? p.__currency ?? ctx.shopCurrency ?? undefined,
  ],
  totalRefunded: [(n) => bagAmount(n.totalRefundedSet), (p) => decimalSum(successfulRefundAmounts(p.transactions))],
  returnId: [(n) => n.return?.id ?? null, (p) => p.return?.id ?? null],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
  processedAt: [(n) => n.processedAt, (p) => p.processed_at],
  updatedAt: [(n) => n.updatedAt, null],
};

export const refundLineItemMapping: Mapping = {
  lineItemId: [(n) => n.lineItem?.id, (p) => p.line_item_id ?? p.line_item?.id],
  id: [(n) => n.id ?? null, (p) => p.id ?? null],
  gid: [(n) => n.id ?? null, (p) => (p.id ? makeGid("RefundLineItem", p.id) : null)],
  quantity: [(n) => n.quantity, (p) => p.quantity],
  restockType: [(n) => upper(n.restockType), (p) => upper(p.restock_type)],
  restocked: [(n) => n.restocked, (p) => upper(p.restock_type) !== "NO_RESTOCK"],
  locationId: [(n) => n.location?.id ?? null, (p) => p.location_id],
  currencyCode: [
    (n) => bagCurrency(n.subtotalSet),
    (p, ctx) => setCurrency(p.subtotal_set) ?? p.__currency ?? ctx.shopCurrency ?? undefined,
  ],
  price: [(n) => bagAmount(n.priceSet), (p) => p.line_item?.price ?? undefined],
  subtotal: [(n) => bagAmount(n.subtotalSet), (p) => setAmount(p.subtotal_set) ?? p.subtotal],
  totalTax: [(n) => bagAmount(n.totalTaxSet), (p) => setAmount(p.total_tax_set) ?? p.total_tax],
};

const restTracking = (p: Json): { company: unknown; number: unknown; url: unknown }[] => {
  const numbers = (p.tracking_numbers as unknown[] | undefined) ?? (p.tracking_number ? [p.tracking_number] : []);
  const urls = (p.tracking_urls as unknown[] | undefined) ?? (p.tracking_url ? [p.tracking_url] : []);
  return numbers.map((number, i) => ({ company: p.tracking_company ?? null, number, url: urls[i] ?? null }));
};
const gqlTracking = (n: Json) =>
  nodesOf(n.trackingInfo).map((t) => ({ company: t.company ?? null, number: t.number ?? null, url: t.url ?? null }));

export const fulfillmentMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("Fulfillment", p.id)],
  name: [(n) => n.name, (p) => p.name],
  status: [(n) => upper(n.status), (p) => upper(p.status)],
  displayStatus: [(n) => upper(n.displayStatus), (p) => upper(p.shipment_status)],
  locationId: [(n) => n.location?.id ?? null, (p) => p.location_id],
  serviceName: [(n) => n.service?.serviceName ?? null, null],
  totalQuantity: [
    (n) => n.totalQuantity,
    (p) => ((p.line_items as Json[] | undefined) ?? []).reduce((s, li) => s + Number(li.quantity ?? 0), 0),
  ],
  requiresShipping: [(n) => n.requiresShipping, null],
  trackingCompany: [(n) => gqlTracking(n)[0]?.company ?? null, (p) => p.tracking_company],
  trackingNumber: [(n) => gqlTracking(n)[0]?.number ?? null, (p) => p.tracking_number],
  trackingUrl: [(n) => gqlTracking(n)[0]?.url ?? null, (p) => p.tracking_url],
  trackingInfoJson: [(n) => stableJson(gqlTracking(n)), (p) => stableJson(restTracking(p))],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
  updatedAt: [(n) => n.updatedAt, (p) => p.updated_at],
  deliveredAt: [(n) => n.deliveredAt, null],
  inTransitAt: [(n) => n.inTransitAt, null],
  estimatedDeliveryAt: [(n) => n.estimatedDeliveryAt, null],
};

/** GraphQL only: REST fulfillment payloads list the order's line items, not fulfillment line items. */
export const fulfillmentLineItemMapping: Mapping = {
  id: [(n) => n.id, null],
  gid: [(n) => n.id, null],
  lineItemId: [(n) => n.lineItem?.id, null],
  quantity: [(n) => n.quantity, null],
  currencyCode: [(n) => bagCurrency(n.originalTotalSet), null],
  originalTotal: [(n) => bagAmount(n.originalTotalSet), null],
  discountedTotal: [(n) => bagAmount(n.discountedTotalSet), null],
};

// ------------------------------------------------------------------------------------------------
// Refiners

const T = TABLES;

function gqlOrder(set: RowSet, n: Json, ctx: RefineContext): void {
  const row = buildRow(T.orders, orderMapping, "graphql", n, ctx);
  const orderId = row.id as bigint;
  addRows(set, "orders", row);
  if ("transactions" in n) {
    const txs = nodesOf(n.transactions).map((t) => gqlTransaction(t, orderId, ctx));
    addRows(set, "order_transactions", ...txs);
    if (isCompleteList(n.transactions)) set.complete.push({ table: "order_transactions", ownerId: orderId, ids: txs.map((r) => r.id as bigint) });
  }
  if ("lineItems" in n) {
    const lines = nodesOf(n.lineItems).map((li) => buildRow(T.line_items, lineItemMapping, "graphql", li, ctx, { orderId }));
    addRows(set, "line_items", ...lines);
    if (isCompleteList(n.lineItems)) set.complete.push({ table: "line_items", ownerId: orderId, ids: lines.map((r) => r.id as bigint) });
  }
  if ("refunds" in n) {
    const refunds = nodesOf(n.refunds);
    for (const r of refunds) gqlRefund(set, r, orderId, ctx);
    if (isCompleteList(n.refunds)) set.complete.push({ table: "refunds", ownerId: orderId, ids: refunds.map((r) => legacyId(r.id)!) });
  }
  if ("fulfillments" in n) {
    const fulfillments = nodesOf(n.fulfillments);
    for (const f of fulfillments) gqlFulfillment(set, f, orderId, ctx);
    if (isCompleteList(n.fulfillments))
      set.complete.push({ table: "fulfillments", ownerId: orderId, ids: fulfillments.map((f) => legacyId(f.id)!) });
  }
}

function gqlTransaction(t: Json, orderId: bigint, ctx: RefineContext) {
  return buildRow(T.order_transactions, transactionMapping, "graphql", t, ctx, { orderId });
}

function gqlRefund(set: RowSet, r: Json, orderId: bigint, ctx: RefineContext): void {
  const row = buildRow(T.refunds, refundMapping, "graphql", r, ctx, { orderId });
  addRows(set, "refunds", row);
  const refundId = row.id as bigint;
  if ("refundLineItems" in r)
    addRows(
      set,
      "refund_line_items",
      ...nodesOf(r.refundLineItems).map((x) => buildRow(T.refund_line_items, refundLineItemMapping, "graphql", x, ctx, { refundId, orderId })),
    );
}

function gqlFulfillment(set: RowSet, f: Json, orderId: bigint, ctx: RefineContext): void {
  const row = buildRow(T.fulfillments, fulfillmentMapping, "graphql", f, ctx, { orderId });
  addRows(set, "fulfillments", row);
  const fulfillmentId = row.id as bigint;
  if ("fulfillmentLineItems" in f)
    addRows(
      set,
      "fulfillment_line_items",
      ...nodesOf(f.fulfillmentLineItems).map((x) =>
        buildRow(T.fulfillment_line_items, fulfillmentLineItemMapping, "graphql", x, ctx, { fulfillmentId, orderId }),
      ),
    );
}

function refineGraphql(node: Json, parentGid?: string | null, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  const type = gidType(node.id);
  const parent = parentGid ?? (node.__parentId as string | undefined) ?? null;
  switch (type) {
    case "Order":
      gqlOrder(set, node, ctx);
      break;
    case "LineItem":
      addRows(set, "line_items", buildRow(T.line_items, lineItemMapping, "graphql", node, ctx, { orderId: requireParent(parent, "LineItem") }));
      break;
    case "OrderTransaction":
      addRows(set, "order_transactions", gqlTransaction(node, requireParent(parent, "OrderTransaction"), ctx));
      break;
    default:
      throw new RefineError(`orders: unexpected node ${String(node.id ?? "(no id)")}`);
  }
  return set;
}

function requireParent(parent: unknown, what: string): bigint {
  const id = legacyId(parent);
  if (id === null) throw new RefineError(`${what} without a parent order id`);
  return id;
}

function restOrder(set: RowSet, p: Json, ctx: RefineContext): void {
  const row = buildRow(T.orders, orderMapping, "rest", p, ctx);
  const orderId = row.id as bigint;
  addRows(set, "orders", row);
  const lines = ((p.line_items as Json[] | undefined) ?? []).map((li) => buildRow(T.line_items, lineItemMapping, "rest", li, ctx, { orderId }));
  addRows(set, "line_items", ...lines);
  set.complete.push({ table: "line_items", ownerId: orderId, ids: lines.map((r) => r.id as bigint) });
  if (Array.isArray(p.refunds)) {
    for (const r of p.refunds as Json[]) restRefund(set, { ...r, __currency: p.currency }, orderId, ctx);
    set.complete.push({ table: "refunds", ownerId: orderId, ids: (p.refunds as Json[]).map((r) => legacyId(r.id)!) });
  }
  if (Array.isArray(p.fulfillments)) {
    for (const f of p.fulfillments as Json[]) addRows(set, "fulfillments", buildRow(T.fulfillments, fulfillmentMapping, "rest", f, ctx, { orderId }));
    set.complete.push({ table: "fulfillments", ownerId: orderId, ids: (p.fulfillments as Json[]).map((f) => legacyId(f.id)!) });
  }
}

function restRefund(set: RowSet, r: Json, orderId: bigint, ctx: RefineContext): void {
  const row = buildRow(T.refunds, refundMapping, "rest", r, ctx, { orderId });
  addRows(set, "refunds", row);
  const refundId = row.id as bigint;
  const currency = row.currencyCode;
  for (const x of (r.refund_line_items as Json[] | undefined) ?? [])
    addRows(set, "refund_line_items", buildRow(T.refund_line_items, refundLineItemMapping, "rest", { ...x, __currency: currency }, ctx, { refundId, orderId }));
  for (const t of (r.transactions as Json[] | undefined) ?? [])
    addRows(set, "order_transactions", buildRow(T.order_transactions, transactionMapping, "rest", t, ctx, { orderId: t.order_id ?? orderId }));
}

const FULL_ORDER_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/paid",
  "orders/partially_fulfilled",
];

function refineRest(topic: string, p: Json, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  if (FULL_ORDER_TOPICS.includes(topic)) restOrder(set, p, ctx);
  else if (topic === "orders/delete") set.tombstones.push({ table: "orders", key: { id: legacyId(p.id) }, cascade: true });
  else if (topic === "orders/edited") {
    // An order-edit summary, not the order: the orders/updated that accompanies it carries the data.
  } else if (topic === "order_transactions/create") {
    addRows(set, "order_transactions", buildRow(T.order_transactions, transactionMapping, "rest", p, ctx, { orderId: requireParent(p.order_id, "transaction") }));
  } else if (topic === "refunds/create") {
    restRefund(set, p, requireParent(p.order_id, "refund"), ctx);
  } else if (topic === "fulfillments/create" || topic === "fulfillments/update") {
    addRows(set, "fulfillments", buildRow(T.fulfillments, fulfillmentMapping, "rest", p, ctx, { orderId: requireParent(p.order_id, "fulfillment") }));
  } else throw new RefineError(`orders: unsupported webhook topic ${topic}`);
  return set;
}

export const ordersResource: ResourceDefinition = {
  key: "orders",
  fetchMode: "bulk",
  rootGidType: "Order",
  gidTypes: ["Order", "LineItem", "OrderTransaction", "Refund", "RefundLineItem", "Fulfillment", "FulfillmentLineItem"],
  tables: ["orders", "line_items", "order_transactions", "refunds", "refund_line_items", "fulfillments", "fulfillment_line_items"],
  webhookTopics: [
    ...FULL_ORDER_TOPICS,
    "orders/delete",
    "orders/edited",
    "order_transactions/create",
    "refunds/create",
    "fulfillments/create",
    "fulfillments/update",
  ],
  updatedSinceField: "updated_at",
  bulkQuery: (opts) => bulkDocument(ORDERS_BULK, opts, "updated_at"),
  pageQuery: ORDERS_PAGE_QUERY,
  connectionPath: ["orders"],
  countQuery: ORDERS_COUNT,
  remoteMapQuery: ORDERS_REMOTE_MAP,
  refineGraphql,
  refineRest,
};
