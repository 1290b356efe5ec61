/**
 * What reconciliation compares, per resource: where the remote map (id → version) comes from and
 * which local column holds the same version.
 *
 *  - Bulk resources (orders, products, customers, inventory items, discounts): a bulk operation
 *    of the root connection selecting `id` and the version only (the documents below, validated
 *    against the Admin schema like every #graphql literal in app/), streamed with readJsonl.
 *    Large paginated resources (abandoned checkouts, balance transactions) get one too: paging
 *    100k ids costs ~100 points per 100 ids, a bulk operation 10 points.
 *  - Small paginated resources (locations, payouts, disputes, marketing events): the resource's own
 *    paginated `remoteMapQuery`.
 *
 * Versions: `updatedAt` where the type has one; payouts and disputes have none but a `status` that
 * changes (compared for equality); balance transactions and marketing events are immutable once
 * created (presence only). Child tables (line items, variants, addresses, ...) follow their owner:
 * an owner whose version matches has the children of that version.
 */
import type { TableName } from "../refine/tables";

export const ORDERS_ID_MAP_BULK = `#graphql
  query ReconcileOrdersIdMap {
    orders(sortKey: ID) {
      edges { node { id updatedAt } }
    }
  }
`;

export const PRODUCTS_ID_MAP_BULK = `#graphql
  query ReconcileProductsIdMap {
    products(sortKey: ID) {
      edges { node { id updatedAt } }
    }
  }
`;

export const CUSTOMERS_ID_MAP_BULK = `#graphql
  query ReconcileCustomersIdMap {
    customers(sortKey: ID) {
      edges { node { id updatedAt } }
    }
  }
`;

export const INVENTORY_ITEMS_ID_MAP_BULK = `#graphql
  query ReconcileInventoryItemsIdMap {
    inventoryItems {
      edges { node { id updatedAt } }
    }
  }
`;

export const DISCOUNTS_ID_MAP_BULK = `#graphql
  query ReconcileDiscountsIdMap {
    discountNodes(sortKey: ID) {
      edges {
        node {
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
  }
`;

export const ABANDONED_CHECKOUTS_ID_MAP_BULK = `#graphql
  query ReconcileAbandonedCheckoutsIdMap {
    abandonedCheckouts(sortKey: ID) {
      edges {
        node {
          id
          updatedAt
        }
      }
    }
  }
`;

export const BALANCE_TRANSACTIONS_ID_MAP_BULK = `#graphql
  query ReconcileBalanceTransactionsIdMap {
    shopifyPaymentsAccount {
      balanceTransactions {
        edges {
          node {
            id
          }
        }
      }
    }
  }
`;

/** How a version is compared: time order, equality of a state, or not at all (presence only). */
export type VersionKind = "timestamp" | "state" | "none";

export interface MapSpec {
  /** The resource's root table. */
  table: TableName;
  /** Bulk id-map document (null: the paginated remoteMapQuery is used). */
  bulkMap: string | null;
  versionKind: VersionKind;
  /** Local column holding the version (null for "none"). */
  localColumn: string | null;
  /** The version of a remote map node (a JSONL line or a page node). */
  remoteVersion(node: Record<string, unknown>): string | null;
}

const updatedAt = (n: Record<string, unknown>) =>
  typeof n.updatedAt === "string" ? n.updatedAt : null;
const status = (n: Record<string, unknown>) => (typeof n.status === "string" ? n.status : null);
const none = () => null;

export const MAP_SPECS: Record<string, MapSpec> = {
  orders: {
    table: "orders",
    bulkMap: ORDERS_ID_MAP_BULK,
    versionKind: "timestamp",
    localColumn: "updated_at",
    remoteVersion: updatedAt,
  },
  products: {
    table: "products",
    bulkMap: PRODUCTS_ID_MAP_BULK,
    versionKind: "timestamp",
    localColumn: "updated_at",
    remoteVersion: updatedAt,
  },
  customers: {
    table: "customers",
    bulkMap: CUSTOMERS_ID_MAP_BULK,
    versionKind: "timestamp",
    localColumn: "updated_at",
    remoteVersion: updatedAt,
  },
  inventoryItems: {
    table: "inventory_items",
    bulkMap: INVENTORY_ITEMS_ID_MAP_BULK,
    versionKind: "timestamp",
    localColumn: "updated_at",
    remoteVersion: updatedAt,
  },
  discounts: {
    table: "discounts",
    bulkMap: DISCOUNTS_ID_MAP_BULK,
    versionKind: "timestamp",
    localColumn: "updated_at",
    remoteVersion: (n) => {
      const d = n.discount as Record<string, unknown> | null | undefined;
      return d && typeof d.updatedAt === "string" ? d.updatedAt : null;
    },
  },
  locations: {
    table: "locations",
    bulkMap: null,
    versionKind: "timestamp",
    localColumn: "updated_at",
    remoteVersion: updatedAt,
  },
  abandonedCheckouts: {
    table: "abandoned_checkouts",
    bulkMap: ABANDONED_CHECKOUTS_ID_MAP_BULK,
    versionKind: "timestamp",
    localColumn: "updated_at",
    remoteVersion: updatedAt,
  },
  payouts: {
    table: "payouts",
    bulkMap: null,
    versionKind: "state",
    localColumn: "status",
    remoteVersion: status,
  },
  disputes: {
    table: "disputes",
    bulkMap: null,
    versionKind: "state",
    localColumn: "status",
    remoteVersion: status,
  },
  balanceTransactions: {
    table: "balance_transactions",
    bulkMap: BALANCE_TRANSACTIONS_ID_MAP_BULK,
    versionKind: "none",
    localColumn: null,
    remoteVersion: none,
  },
  marketingEvents: {
    table: "marketing_events",
    bulkMap: null,
    versionKind: "none",
    localColumn: null,
    remoteVersion: none,
  },
};

export function mapSpecFor(resource: string): MapSpec {
  const spec = MAP_SPECS[resource];
  if (!spec) throw new Error(`reconcile: no map spec for resource ${resource}`);
  return spec;
}
