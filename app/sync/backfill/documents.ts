/**
 * Admin GraphQL documents of the sync jobs (validated against the 2026-07 schema by
 * app/graphql/documents.test.ts, like every #graphql literal under app/).
 */

export const BULK_RUN_QUERY = `#graphql
  mutation SyncBulkRunQuery($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: false) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export const BULK_OPERATION_QUERY = `#graphql
  query SyncBulkOperation($id: ID!) {
    bulkOperation(id: $id) {
      id
      status
      errorCode
      objectCount
      rootObjectCount
      fileSize
      url
      partialDataUrl
      completedAt
    }
  }
`;

export const SHOPIFYQL_QUERY = `#graphql
  query SyncShopifyql($query: String!) {
    shopifyqlQuery(query: $query) {
      parseErrors
      tableData {
        columns {
          name
          dataType
          displayName
        }
        rows
      }
    }
  }
`;

export interface BulkRunResult {
  bulkOperationRunQuery: {
    bulkOperation: { id: string; status: string } | null;
    userErrors: { field: string[] | null; message: string; code: string | null }[];
  } | null;
}

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "CANCELING" | "CANCELED" | "FAILED" | "EXPIRED";

export interface BulkOperationInfo {
  id: string;
  status: BulkStatus;
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  completedAt: string | null;
}

export interface ShopifyqlResult {
  shopifyqlQuery: {
    parseErrors: string[];
    tableData: {
      columns: { name: string; dataType: string; displayName: string }[];
      rows: unknown;
    } | null;
  } | null;
}
