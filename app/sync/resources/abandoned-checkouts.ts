/** Abandoned checkouts (paginated; line items inline, kept as JSON). */
import { TABLES } from "../refine/tables";
import {
  bagAmount,
  bagCurrency,
  buildRow,
  decimal,
  gidType,
  joinList,
  legacyId,
  makeGid,
  nodesOf,
  RefineError,
  stableJson,
  type Json,
  type Mapping,
  type RefineContext,
} from "./normalize";
import { MONEY_BAG_FRAGMENT } from "./fragments";
import { bulkDocument } from "./query";
import { addRows, emptyRowSet, type ResourceDefinition, type RowSet } from "./types";

const CHECKOUT_FIELDS = `#graphql
  fragment SyncAbandonedCheckoutFields on AbandonedCheckout {
    id
    name
    abandonedCheckoutUrl
    customer {
      id
      defaultEmailAddress { emailAddress }
    }
    subtotalPriceSet { ...SyncMoneyBag }
    totalPriceSet { ...SyncMoneyBag }
    totalTaxSet { ...SyncMoneyBag }
    totalDiscountSet { ...SyncMoneyBag }
    totalLineItemsPriceSet { ...SyncMoneyBag }
    taxesIncluded
    discountCodes
    note
    billingAddress { countryCodeV2 }
    shippingAddress { countryCodeV2 }
    completedAt
    createdAt
    updatedAt
  }

  fragment SyncAbandonedCheckoutLineFields on AbandonedCheckoutLineItem {
    id
    title
    variantTitle
    sku
    quantity
    product { id }
    variant { id }
    originalUnitPriceSet { ...SyncMoneyBag }
    originalTotalPriceSet { ...SyncMoneyBag }
  }
`;

const CHECKOUTS_BULK = `#graphql
  query SyncAbandonedCheckoutsBulk {
    abandonedCheckouts(query: "", sortKey: ID) {
      edges {
        node {
          ...SyncAbandonedCheckoutFields
          lineItems {
            edges {
              node { ...SyncAbandonedCheckoutLineFields }
            }
          }
        }
      }
    }
  }
  ${CHECKOUT_FIELDS}
  ${MONEY_BAG_FRAGMENT}
`;

const CHECKOUTS_PAGE = `#graphql
  query SyncAbandonedCheckoutsPage($first: Int!, $after: String, $query: String) {
    abandonedCheckouts(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ...SyncAbandonedCheckoutFields
        lineItems(first: 100) {
          pageInfo { hasNextPage endCursor }
          nodes { ...SyncAbandonedCheckoutLineFields }
        }
      }
    }
  }
  ${CHECKOUT_FIELDS}
  ${MONEY_BAG_FRAGMENT}
`;

const CHECKOUTS_COUNT = `#graphql
  query SyncAbandonedCheckoutsCount($query: String) {
    abandonedCheckoutsCount(query: $query, limit: null) { count precision }
  }
`;

const CHECKOUTS_REMOTE_MAP = `#graphql
  query SyncAbandonedCheckoutsRemoteMap($first: Int!, $after: String, $query: String) {
    abandonedCheckouts(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes { id updatedAt }
    }
  }
`;

const id = (v: unknown) => {
  const x = legacyId(v ?? null);
  return x === null ? null : x.toString();
};
const gqlLines = (n: Json) =>
  nodesOf(n.lineItems).map((li) => ({
    title: li.title ?? null,
    variantTitle: li.variantTitle ?? null,
    sku: li.sku ?? null,
    quantity: li.quantity ?? null,
    productId: id(li.product?.id),
    variantId: id(li.variant?.id),
    price: decimal(bagAmount(li.originalUnitPriceSet)),
    total: decimal(bagAmount(li.originalTotalPriceSet)),
  }));
const restLines = (p: Json) =>
  ((p.line_items as Json[] | undefined) ?? []).map((li) => ({
    title: li.title ?? null,
    variantTitle: li.variant_title ?? null,
    sku: li.sku ?? null,
    quantity: li.quantity ?? null,
    productId: id(li.product_id),
    variantId: id(li.variant_id),
    price: decimal(li.price),
    total: decimal(li.line_price),
  }));

export const checkoutMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("AbandonedCheckout", p.id)],
  name: [(n) => n.name, (p) => p.name],
  customerId: [(n) => n.customer?.id ?? null, (p) => p.customer?.id ?? null],
  email: [(n) => n.customer?.defaultEmailAddress?.emailAddress ?? null, (p) => p.email],
  abandonedCheckoutUrl: [(n) => n.abandonedCheckoutUrl, (p) => p.abandoned_checkout_url],
  currencyCode: [(n) => bagCurrency(n.totalPriceSet), (p) => p.currency],
  subtotalPrice: [(n) => bagAmount(n.subtotalPriceSet), (p) => p.subtotal_price],
  totalPrice: [(n) => bagAmount(n.totalPriceSet), (p) => p.total_price],
  totalTax: [(n) => bagAmount(n.totalTaxSet), (p) => p.total_tax],
  totalDiscounts: [(n) => bagAmount(n.totalDiscountSet), (p) => p.total_discounts],
  totalLineItemsPrice: [(n) => bagAmount(n.totalLineItemsPriceSet), (p) => p.total_line_items_price],
  taxesIncluded: [(n) => n.taxesIncluded, (p) => p.taxes_included],
  discountCodes: [
    (n) => joinList(n.discountCodes),
    (p) => joinList(((p.discount_codes as Json[] | undefined) ?? []).map((d) => d.code)),
  ],
  note: [(n) => n.note, (p) => p.note],
  lineItemsCount: [(n) => ("lineItems" in n ? nodesOf(n.lineItems).length : undefined), (p) => (Array.isArray(p.line_items) ? p.line_items.length : undefined)],
  lineItemsJson: [(n) => ("lineItems" in n ? stableJson(gqlLines(n)) : undefined), (p) => (Array.isArray(p.line_items) ? stableJson(restLines(p)) : undefined)],
  billingCountryCode: [(n) => n.billingAddress?.countryCodeV2 ?? null, (p) => p.billing_address?.country_code ?? null],
  shippingCountryCode: [(n) => n.shippingAddress?.countryCodeV2 ?? null, (p) => p.shipping_address?.country_code ?? null],
  completedAt: [(n) => n.completedAt, (p) => p.completed_at],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
  updatedAt: [(n) => n.updatedAt, (p) => p.updated_at],
};

function refineGraphql(node: Json, _parentGid?: string | null, ctx: RefineContext = {}): RowSet {
  const type = gidType(node.id);
  const set = emptyRowSet();
  if (type === "AbandonedCheckout") addRows(set, "abandoned_checkouts", buildRow(TABLES.abandoned_checkouts, checkoutMapping, "graphql", node, ctx));
  else if (type !== "AbandonedCheckoutLineItem")
    // Bulk line-item lines are not mirrored on their own (the paginated node carries them inline).
    throw new RefineError(`abandonedCheckouts: unexpected node ${String(node.id ?? "(no id)")}`);
  return set;
}

function refineRest(topic: string, p: Json, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  if (topic === "checkouts/create" || topic === "checkouts/update")
    addRows(set, "abandoned_checkouts", buildRow(TABLES.abandoned_checkouts, checkoutMapping, "rest", p, ctx));
  else if (topic === "checkouts/delete") set.tombstones.push({ table: "abandoned_checkouts", key: { id: legacyId(p.id) } });
  else throw new RefineError(`abandonedCheckouts: unsupported webhook topic ${topic}`);
  return set;
}

export const abandonedCheckoutsResource: ResourceDefinition = {
  key: "abandonedCheckouts",
  fetchMode: "paginated",
  rootGidType: "AbandonedCheckout",
  gidTypes: ["AbandonedCheckout", "AbandonedCheckoutLineItem"],
  tables: ["abandoned_checkouts"],
  webhookTopics: ["checkouts/create", "checkouts/update", "checkouts/delete"],
  updatedSinceField: "updated_at",
  bulkQuery: (opts) => bulkDocument(CHECKOUTS_BULK, opts, "updated_at"),
  pageQuery: CHECKOUTS_PAGE,
  connectionPath: ["abandonedCheckouts"],
  countQuery: CHECKOUTS_COUNT,
  remoteMapQuery: CHECKOUTS_REMOTE_MAP,
  refineGraphql,
  refineRest,
};
