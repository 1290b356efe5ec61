/**
 * Shopify Payments: payouts, disputes and balance transactions (paginated, under
 * `shopifyPaymentsAccount`). Only disputes have webhooks (disputes/create, disputes/update).
 */
import { TABLES } from "../refine/tables";
import {
  buildRow,
  gidType,
  makeGid,
  RefineError,
  stableJson,
  upper,
  type Json,
  type Mapping,
  type RefineContext,
} from "./normalize";
import { bulkDocument } from "./query";
import { addRows, emptyRowSet, type ResourceDefinition, type RowSet } from "./types";

// ------------------------------------------------------------------------------------------------ payouts

const PAYOUT_FIELDS = `#graphql
  fragment SyncPayoutFields on ShopifyPaymentsPayout {
    id
    status
    transactionType
    issuedAt
    net { amount currencyCode }
    externalTraceId
    summary {
      chargesGross { amount currencyCode }
      chargesFee { amount currencyCode }
      refundsFeeGross { amount currencyCode }
      refundsFee { amount currencyCode }
      adjustmentsGross { amount currencyCode }
      adjustmentsFee { amount currencyCode }
      advanceGross { amount currencyCode }
      advanceFees { amount currencyCode }
      reservedFundsGross { amount currencyCode }
      reservedFundsFee { amount currencyCode }
      retriedPayoutsGross { amount currencyCode }
      retriedPayoutsFee { amount currencyCode }
    }
  }
`;

const PAYOUTS_BULK = `#graphql
  query SyncPayoutsBulk {
    shopifyPaymentsAccount {
      payouts(query: "") {
        edges {
          node { ...SyncPayoutFields }
        }
      }
    }
  }
  ${PAYOUT_FIELDS}
`;

const PAYOUTS_PAGE = `#graphql
  query SyncPayoutsPage($first: Int!, $after: String, $query: String) {
    shopifyPaymentsAccount {
      payouts(first: $first, after: $after, query: $query) {
        pageInfo { hasNextPage endCursor }
        nodes { ...SyncPayoutFields }
      }
    }
  }
  ${PAYOUT_FIELDS}
`;

const PAYOUTS_REMOTE_MAP = `#graphql
  query SyncPayoutsRemoteMap($first: Int!, $after: String, $query: String) {
    shopifyPaymentsAccount {
      payouts(first: $first, after: $after, query: $query) {
        pageInfo { hasNextPage endCursor }
        nodes { id status }
      }
    }
  }
`;

const summaryAmount = (key: string) => (n: Json) => n.summary?.[key]?.amount ?? null;

export const payoutMapping: Mapping = {
  id: [(n) => n.id, null],
  gid: [(n) => n.id, null],
  status: [(n) => upper(n.status), null],
  transactionType: [(n) => upper(n.transactionType), null],
  issuedAt: [(n) => n.issuedAt, null],
  currencyCode: [(n) => n.net?.currencyCode, null],
  net: [(n) => n.net?.amount, null],
  chargesGross: [summaryAmount("chargesGross"), null],
  chargesFee: [summaryAmount("chargesFee"), null],
  refundsFeeGross: [summaryAmount("refundsFeeGross"), null],
  refundsFee: [summaryAmount("refundsFee"), null],
  adjustmentsGross: [summaryAmount("adjustmentsGross"), null],
  adjustmentsFee: [summaryAmount("adjustmentsFee"), null],
  externalTraceId: [(n) => n.externalTraceId, null],
  summaryJson: [(n) => stableJson(n.summary ?? null), null],
};

const noWebhooks = (key: string) => (topic: string): RowSet => {
  throw new RefineError(`${key}: Shopify has no webhook topic for it (got ${topic})`);
};

function single(key: string, type: string, table: "payouts" | "balance_transactions" | "disputes", mapping: Mapping) {
  return (node: Json, _parentGid?: string | null, ctx: RefineContext = {}): RowSet => {
    if (gidType(node.id) !== type) throw new RefineError(`${key}: unexpected node ${String(node.id ?? "(no id)")}`);
    const set = emptyRowSet();
    addRows(set, table, buildRow(TABLES[table], mapping, "graphql", node, ctx));
    return set;
  };
}

export const payoutsResource: ResourceDefinition = {
  key: "payouts",
  fetchMode: "paginated",
  rootGidType: "ShopifyPaymentsPayout",
  gidTypes: ["ShopifyPaymentsPayout"],
  tables: ["payouts"],
  webhookTopics: [],
  updatedSinceField: null,
  bulkQuery: (opts) => bulkDocument(PAYOUTS_BULK, opts, null),
  pageQuery: PAYOUTS_PAGE,
  connectionPath: ["shopifyPaymentsAccount", "payouts"],
  countQuery: null,
  remoteMapQuery: PAYOUTS_REMOTE_MAP,
  refineGraphql: single("payouts", "ShopifyPaymentsPayout", "payouts", payoutMapping),
  refineRest: noWebhooks("payouts"),
};

// ------------------------------------------------------------------------------------------------ disputes

const DISPUTE_FIELDS = `#graphql
  fragment SyncDisputeFields on ShopifyPaymentsDispute {
    id
    order { id }
    type
    status
    reasonDetails { reason networkReasonCode }
    amount { amount currencyCode }
    initiatedAt
    evidenceDueBy
    evidenceSentOn
    finalizedOn
  }
`;

const DISPUTES_BULK = `#graphql
  query SyncDisputesBulk {
    disputes(query: "") {
      edges {
        node { ...SyncDisputeFields }
      }
    }
  }
  ${DISPUTE_FIELDS}
`;

const DISPUTES_PAGE = `#graphql
  query SyncDisputesPage($first: Int!, $after: String, $query: String) {
    disputes(first: $first, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes { ...SyncDisputeFields }
    }
  }
  ${DISPUTE_FIELDS}
`;

const DISPUTES_REMOTE_MAP = `#graphql
  query SyncDisputesRemoteMap($first: Int!, $after: String, $query: String) {
    disputes(first: $first, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes { id status }
    }
  }
`;

export const disputeMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("ShopifyPaymentsDispute", p.id)],
  orderId: [(n) => n.order?.id ?? null, (p) => p.order_id],
  type: [(n) => upper(n.type), (p) => upper(p.type)],
  status: [(n) => upper(n.status), (p) => upper(p.status)],
  reason: [(n) => upper(n.reasonDetails?.reason), (p) => upper(p.reason)],
  networkReasonCode: [(n) => n.reasonDetails?.networkReasonCode ?? null, (p) => p.network_reason_code],
  currencyCode: [(n) => n.amount?.currencyCode, (p) => p.currency],
  amount: [(n) => n.amount?.amount, (p) => p.amount],
  initiatedAt: [(n) => n.initiatedAt, (p) => p.initiated_at],
  evidenceDueBy: [(n) => n.evidenceDueBy, (p) => p.evidence_due_by],
  evidenceSentOn: [(n) => n.evidenceSentOn, (p) => p.evidence_sent_on],
  finalizedOn: [(n) => n.finalizedOn, (p) => p.finalized_on],
  // The GraphQL type has no updatedAt; webhooks may carry one.
  updatedAt: [() => undefined, (p) => p.updated_at ?? undefined],
};

function refineDisputeRest(topic: string, p: Json, ctx: RefineContext = {}): RowSet {
  if (topic !== "disputes/create" && topic !== "disputes/update") throw new RefineError(`disputes: unsupported webhook topic ${topic}`);
  const set = emptyRowSet();
  addRows(set, "disputes", buildRow(TABLES.disputes, disputeMapping, "rest", p, ctx));
  return set;
}

export const disputesResource: ResourceDefinition = {
  key: "disputes",
  fetchMode: "paginated",
  rootGidType: "ShopifyPaymentsDispute",
  gidTypes: ["ShopifyPaymentsDispute"],
  tables: ["disputes"],
  webhookTopics: ["disputes/create", "disputes/update"],
  updatedSinceField: null,
  bulkQuery: (opts) => bulkDocument(DISPUTES_BULK, opts, null),
  pageQuery: DISPUTES_PAGE,
  connectionPath: ["disputes"],
  countQuery: null,
  remoteMapQuery: DISPUTES_REMOTE_MAP,
  refineGraphql: single("disputes", "ShopifyPaymentsDispute", "disputes", disputeMapping),
  refineRest: refineDisputeRest,
};

// ------------------------------------------------------------------------------------------------ balance transactions

const BALANCE_FIELDS = `#graphql
  fragment SyncBalanceTransactionFields on ShopifyPaymentsBalanceTransaction {
    id
    type
    test
    amount { amount currencyCode }
    fee { amount currencyCode }
    net { amount currencyCode }
    sourceType
    sourceId
    sourceOrderTransactionId
    associatedOrder { id }
    associatedPayout { id status }
    adjustmentReason
    transactionDate
  }
`;

const BALANCE_BULK = `#graphql
  query SyncBalanceTransactionsBulk {
    shopifyPaymentsAccount {
      balanceTransactions(query: "") {
        edges {
          node { ...SyncBalanceTransactionFields }
        }
      }
    }
  }
  ${BALANCE_FIELDS}
`;

const BALANCE_PAGE = `#graphql
  query SyncBalanceTransactionsPage($first: Int!, $after: String, $query: String) {
    shopifyPaymentsAccount {
      balanceTransactions(first: $first, after: $after, query: $query) {
        pageInfo { hasNextPage endCursor }
        nodes { ...SyncBalanceTransactionFields }
      }
    }
  }
  ${BALANCE_FIELDS}
`;

const BALANCE_REMOTE_MAP = `#graphql
  query SyncBalanceTransactionsRemoteMap($first: Int!, $after: String, $query: String) {
    shopifyPaymentsAccount {
      balanceTransactions(first: $first, after: $after, query: $query) {
        pageInfo { hasNextPage endCursor }
        nodes { id transactionDate }
      }
    }
  }
`;

export const balanceTransactionMapping: Mapping = {
  id: [(n) => n.id, null],
  gid: [(n) => n.id, null],
  type: [(n) => upper(n.type), null],
  test: [(n) => n.test, null],
  currencyCode: [(n) => n.amount?.currencyCode, null],
  amount: [(n) => n.amount?.amount, null],
  fee: [(n) => n.fee?.amount, null],
  net: [(n) => n.net?.amount, null],
  sourceType: [(n) => upper(n.sourceType), null],
  sourceId: [(n) => n.sourceId, null],
  sourceOrderTransactionId: [(n) => n.sourceOrderTransactionId, null],
  orderId: [(n) => n.associatedOrder?.id ?? null, null],
  payoutId: [(n) => n.associatedPayout?.id ?? null, null],
  payoutStatus: [(n) => upper(n.associatedPayout?.status), null],
  adjustmentReason: [(n) => n.adjustmentReason, null],
  transactionDate: [(n) => n.transactionDate, null],
};

export const balanceTransactionsResource: ResourceDefinition = {
  key: "balanceTransactions",
  fetchMode: "paginated",
  rootGidType: "ShopifyPaymentsBalanceTransaction",
  gidTypes: ["ShopifyPaymentsBalanceTransaction"],
  tables: ["balance_transactions"],
  webhookTopics: [],
  updatedSinceField: null,
  bulkQuery: (opts) => bulkDocument(BALANCE_BULK, opts, null),
  pageQuery: BALANCE_PAGE,
  connectionPath: ["shopifyPaymentsAccount", "balanceTransactions"],
  countQuery: null,
  remoteMapQuery: BALANCE_REMOTE_MAP,
  refineGraphql: single("balanceTransactions", "ShopifyPaymentsBalanceTransaction", "balance_transactions", balanceTransactionMapping),
  refineRest: noWebhooks("balanceTransactions"),
};
