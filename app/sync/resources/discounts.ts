/**
 * Discounts (`discountNodes` → discounts) and their redeem codes (→ discount_codes).
 *
 * One bulk query covers both: `discountNodes` with each code discount type's `codes` connection
 * (1 + 4 connections, the bulk maximum); code lines carry `__parentId` = the DiscountNode GID.
 * Ids: DiscountNode, DiscountCodeNode and DiscountAutomaticNode share the numeric id; `gid` is
 * always stored in the DiscountNode form.
 *
 * Webhooks: discounts/create|update carry only title/status/timestamps (no type, no starts_at), so
 * they update a discount already known and cannot create one (the upsert turns a row missing
 * required columns into an update-only write; the next incremental sync brings new discounts).
 */
import { TABLES } from "../refine/tables";
import {
  buildRow,
  gidType,
  joinList,
  legacyId,
  makeGid,
  nodesOf,
  RefineError,
  stableJson,
  upper,
  type Json,
  type Mapping,
  type RefineContext,
} from "./normalize";
import { bulkDocument } from "./query";
import { addRows, emptyRowSet, type ResourceDefinition, type RowSet } from "./types";

const DISCOUNT_FIELDS = `#graphql
  fragment SyncDiscountCommon on Discount {
    __typename
    ... on DiscountCodeBasic {
      title status summary discountClasses startsAt endsAt usageLimit appliesOncePerCustomer asyncUsageCount
      codesCount { count }
      totalSales { amount currencyCode }
      customerGets { ...SyncDiscountCustomerGets }
      combinesWith { ...SyncDiscountCombinesWith }
      createdAt updatedAt
    }
    ... on DiscountCodeBxgy {
      title status summary discountClasses startsAt endsAt usageLimit appliesOncePerCustomer asyncUsageCount
      codesCount { count }
      totalSales { amount currencyCode }
      customerGets { ...SyncDiscountCustomerGets }
      combinesWith { ...SyncDiscountCombinesWith }
      createdAt updatedAt
    }
    ... on DiscountCodeFreeShipping {
      title status summary discountClasses startsAt endsAt usageLimit appliesOncePerCustomer asyncUsageCount
      codesCount { count }
      totalSales { amount currencyCode }
      combinesWith { ...SyncDiscountCombinesWith }
      createdAt updatedAt
    }
    ... on DiscountCodeApp {
      title status discountClasses startsAt endsAt usageLimit appliesOncePerCustomer asyncUsageCount
      codesCount { count }
      totalSales { amount currencyCode }
      combinesWith { ...SyncDiscountCombinesWith }
      createdAt updatedAt
    }
    ... on DiscountAutomaticBasic {
      title status summary discountClasses startsAt endsAt asyncUsageCount
      customerGets { ...SyncDiscountCustomerGets }
      combinesWith { ...SyncDiscountCombinesWith }
      createdAt updatedAt
    }
    ... on DiscountAutomaticBxgy {
      title status summary discountClasses startsAt endsAt asyncUsageCount
      customerGets { ...SyncDiscountCustomerGets }
      combinesWith { ...SyncDiscountCombinesWith }
      createdAt updatedAt
    }
    ... on DiscountAutomaticFreeShipping {
      title status summary discountClasses startsAt endsAt asyncUsageCount
      totalSales { amount currencyCode }
      combinesWith { ...SyncDiscountCombinesWith }
      createdAt updatedAt
    }
    ... on DiscountAutomaticApp {
      title status discountClasses startsAt endsAt asyncUsageCount
      combinesWith { ...SyncDiscountCombinesWith }
      createdAt updatedAt
    }
  }

  fragment SyncDiscountCustomerGets on DiscountCustomerGets {
    value {
      __typename
      ... on DiscountPercentage { percentage }
      ... on DiscountAmount {
        amount { amount currencyCode }
        appliesOnEachItem
      }
      ... on DiscountOnQuantity {
        quantity { quantity }
        effect {
          __typename
          ... on DiscountPercentage { percentage }
          ... on DiscountAmount {
            amount { amount currencyCode }
          }
        }
      }
    }
  }

  fragment SyncDiscountCombinesWith on DiscountCombinesWith {
    orderDiscounts
    productDiscounts
    shippingDiscounts
  }

  fragment SyncRedeemCodeFields on DiscountRedeemCode {
    id
    code
    asyncUsageCount
    createdBy { id }
  }
`;

const DISCOUNTS_BULK = `#graphql
  query SyncDiscountsBulk {
    discountNodes(query: "", sortKey: ID) {
      edges {
        node {
          id
          discount {
            ...SyncDiscountCommon
            ... on DiscountCodeBasic {
              codes { edges { node { ...SyncRedeemCodeFields } } }
            }
            ... on DiscountCodeBxgy {
              codes { edges { node { ...SyncRedeemCodeFields } } }
            }
            ... on DiscountCodeFreeShipping {
              codes { edges { node { ...SyncRedeemCodeFields } } }
            }
            ... on DiscountCodeApp {
              codes { edges { node { ...SyncRedeemCodeFields } } }
            }
          }
        }
      }
    }
  }
  ${DISCOUNT_FIELDS}
`;

const DISCOUNTS_PAGE = `#graphql
  query SyncDiscountsPage($first: Int!, $after: String, $query: String) {
    discountNodes(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        discount {
          ...SyncDiscountCommon
          ... on DiscountCodeBasic {
            codes(first: 100) { pageInfo { hasNextPage } nodes { ...SyncRedeemCodeFields } }
          }
          ... on DiscountCodeBxgy {
            codes(first: 100) { pageInfo { hasNextPage } nodes { ...SyncRedeemCodeFields } }
          }
          ... on DiscountCodeFreeShipping {
            codes(first: 100) { pageInfo { hasNextPage } nodes { ...SyncRedeemCodeFields } }
          }
          ... on DiscountCodeApp {
            codes(first: 100) { pageInfo { hasNextPage } nodes { ...SyncRedeemCodeFields } }
          }
        }
      }
    }
  }
  ${DISCOUNT_FIELDS}
`;

const DISCOUNTS_COUNT = `#graphql
  query SyncDiscountsCount($query: String) {
    discountNodesCount(query: $query, limit: null) { count precision }
  }
`;

const DISCOUNTS_REMOTE_MAP = `#graphql
  query SyncDiscountsRemoteMap($first: Int!, $after: String, $query: String) {
    discountNodes(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        discount {
          ... on DiscountCodeBasic { updatedAt }
          ... on DiscountCodeBxgy { updatedAt }
          ... on DiscountCodeFreeShipping { updatedAt }
          ... on DiscountCodeApp { updatedAt }
          ... on DiscountAutomaticBasic { updatedAt }
          ... on DiscountAutomaticBxgy { updatedAt }
          ... on DiscountAutomaticFreeShipping { updatedAt }
          ... on DiscountAutomaticApp { updatedAt }
        }
      }
    }
  }
`;

/** Any discount node GID (DiscountNode / DiscountCodeNode / DiscountAutomaticNode) → DiscountNode form. */
const discountGid = (gid: unknown) => makeGid("DiscountNode", String(legacyId(gid)));
const methodOfGid = (gid: unknown) => {
  const t = gidType(gid);
  return t === "DiscountCodeNode" ? "CODE" : t === "DiscountAutomaticNode" ? "AUTOMATIC" : undefined;
};
const d = (n: Json): Json => (n.discount ?? n.codeDiscount ?? n.automaticDiscount ?? {}) as Json;

export const discountMapping: Mapping = {
  id: [(n) => n.id, (p) => p.admin_graphql_api_id],
  gid: [(n) => discountGid(n.id), (p) => discountGid(p.admin_graphql_api_id)],
  method: [(n) => (String(d(n).__typename).startsWith("DiscountCode") ? "CODE" : "AUTOMATIC"), (p) => methodOfGid(p.admin_graphql_api_id)],
  discountType: [(n) => d(n).__typename, null],
  title: [(n) => d(n).title, (p) => p.title],
  status: [(n) => upper(d(n).status), (p) => upper(p.status)],
  summary: [(n) => d(n).summary ?? null, null],
  discountClasses: [(n) => joinList(d(n).discountClasses), null],
  startsAt: [(n) => d(n).startsAt, null],
  endsAt: [(n) => d(n).endsAt ?? null, null],
  usageLimit: [(n) => d(n).usageLimit ?? null, null],
  appliesOncePerCustomer: [(n) => d(n).appliesOncePerCustomer ?? false, null],
  asyncUsageCount: [(n) => d(n).asyncUsageCount ?? 0, null],
  codesCount: [(n) => d(n).codesCount?.count ?? null, null],
  currencyCode: [(n) => d(n).totalSales?.currencyCode ?? null, null],
  totalSales: [(n) => d(n).totalSales?.amount ?? null, null],
  valueJson: [(n) => stableJson(d(n).customerGets?.value ?? null), null],
  combinesWithJson: [(n) => stableJson(d(n).combinesWith ?? null), null],
  createdAt: [(n) => d(n).createdAt, (p) => p.created_at],
  updatedAt: [(n) => d(n).updatedAt, (p) => p.updated_at],
};

export const codeMapping: Mapping = {
  id: [(n) => n.id, (p) => p.redeem_code?.id],
  gid: [(n) => n.id, (p) => makeGid("DiscountRedeemCode", String(legacyId(p.redeem_code?.id)))],
  code: [(n) => n.code, (p) => p.redeem_code?.code],
  asyncUsageCount: [(n) => n.asyncUsageCount, null],
  createdByAppId: [(n) => n.createdBy?.id ?? null, null],
};

const T = TABLES;

function refineGraphql(node: Json, parentGid?: string | null, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  const type = gidType(node.id);
  if (type === "DiscountNode" || type === "DiscountCodeNode" || type === "DiscountAutomaticNode") {
    const row = buildRow(T.discounts, discountMapping, "graphql", node, ctx);
    addRows(set, "discounts", row);
    const discount = d(node);
    if ("codes" in discount) {
      const codes = nodesOf(discount.codes).map((c) => buildRow(T.discount_codes, codeMapping, "graphql", c, ctx, { discountId: row.id }));
      addRows(set, "discount_codes", ...codes);
    }
  } else if (type === "DiscountRedeemCode") {
    const discountId = legacyId(parentGid ?? node.__parentId ?? null);
    if (discountId === null) throw new RefineError("redeem code without a parent discount id");
    addRows(set, "discount_codes", buildRow(T.discount_codes, codeMapping, "graphql", node, ctx, { discountId }));
  } else throw new RefineError(`discounts: unexpected node ${String(node.id ?? "(no id)")}`);
  return set;
}

function refineRest(topic: string, p: Json, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  switch (topic) {
    case "discounts/create":
    case "discounts/update":
      addRows(set, "discounts", buildRow(T.discounts, discountMapping, "rest", p, ctx));
      break;
    case "discounts/delete":
      set.tombstones.push({ table: "discounts", key: { id: legacyId(p.admin_graphql_api_id) }, cascade: true });
      break;
    case "discounts/redeemcode_added":
      addRows(set, "discount_codes", buildRow(T.discount_codes, codeMapping, "rest", p, ctx, { discountId: p.admin_graphql_api_id }));
      break;
    case "discounts/redeemcode_removed":
      set.tombstones.push({ table: "discount_codes", key: { id: legacyId(p.redeem_code?.id) } });
      break;
    default:
      throw new RefineError(`discounts: unsupported webhook topic ${topic}`);
  }
  return set;
}

export const discountsResource: ResourceDefinition = {
  key: "discounts",
  fetchMode: "bulk",
  rootGidType: "DiscountNode",
  gidTypes: ["DiscountNode", "DiscountCodeNode", "DiscountAutomaticNode", "DiscountRedeemCode"],
  tables: ["discounts", "discount_codes"],
  webhookTopics: [
    "discounts/create",
    "discounts/update",
    "discounts/delete",
    "discounts/redeemcode_added",
    "discounts/redeemcode_removed",
  ],
  updatedSinceField: "updated_at",
  bulkQuery: (opts) => bulkDocument(DISCOUNTS_BULK, opts, "updated_at"),
  pageQuery: DISCOUNTS_PAGE,
  connectionPath: ["discountNodes"],
  countQuery: DISCOUNTS_COUNT,
  remoteMapQuery: DISCOUNTS_REMOTE_MAP,
  refineGraphql,
  refineRest,
};
