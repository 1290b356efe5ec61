/**
 * Customers with their addresses (`Customer.addressesV2`, a nested connection in bulk).
 *
 * A bulk address line does not know whether it is the default address; the customer line does
 * (`defaultAddress { id }`), so it emits a partial address row `{ id, gid, customerId, isDefault: true }`
 * that the address line completes (columns a row does not carry are left untouched).
 */
import { TABLES } from "../refine/tables";
import { MAILING_ADDRESS_FRAGMENT } from "./fragments";
import {
  buildRow,
  gidType,
  gqlAddress,
  isCompleteList,
  joinList,
  legacyId,
  makeGid,
  nodesOf,
  RefineError,
  restAddress,
  upper,
  type Json,
  type Mapping,
  type NormalAddress,
  type RefineContext,
} from "./normalize";
import { bulkDocument } from "./query";
import { addRows, emptyRowSet, type ResourceDefinition, type RowSet } from "./types";

const CUSTOMER_FIELDS = `#graphql
  fragment SyncCustomerFields on Customer {
    id
    firstName
    lastName
    displayName
    defaultEmailAddress { emailAddress marketingState }
    defaultPhoneNumber { phoneNumber }
    smsMarketingConsent { marketingState }
    state
    locale
    note
    tags
    verifiedEmail
    taxExempt
    dataSaleOptOut
    numberOfOrders
    amountSpent { amount currencyCode }
    defaultAddress { id }
    lastOrder { id }
    createdAt
    updatedAt
  }
`;

const CUSTOMERS_BULK = `#graphql
  query SyncCustomersBulk {
    customers(query: "", sortKey: ID) {
      edges {
        node {
          ...SyncCustomerFields
          addressesV2 {
            edges {
              node {
                id
                ...SyncMailingAddress
              }
            }
          }
        }
      }
    }
  }
  ${CUSTOMER_FIELDS}
  ${MAILING_ADDRESS_FRAGMENT}
`;

const CUSTOMERS_PAGE = `#graphql
  query SyncCustomersPage($first: Int!, $after: String, $query: String) {
    customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ...SyncCustomerFields
        addressesV2(first: 50) {
          pageInfo { hasNextPage endCursor }
          nodes {
            id
            ...SyncMailingAddress
          }
        }
      }
    }
  }
  ${CUSTOMER_FIELDS}
  ${MAILING_ADDRESS_FRAGMENT}
`;

const CUSTOMERS_COUNT = `#graphql
  query SyncCustomersCount($query: String) {
    customersCount(query: $query, limit: null) { count precision }
  }
`;

const CUSTOMERS_REMOTE_MAP = `#graphql
  query SyncCustomersRemoteMap($first: Int!, $after: String, $query: String) {
    customers(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes { id updatedAt }
    }
  }
`;

const has = (p: Json, key: string) => Object.prototype.hasOwnProperty.call(p, key);
/** A REST field that some payload versions omit: absent → not carried (undefined). */
const opt = (p: Json, key: string, f: (v: unknown) => unknown = (v) => v) => (has(p, key) ? f(p[key]) : undefined);

export const customerMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("Customer", p.id)],
  firstName: [(n) => n.firstName, (p) => p.first_name],
  lastName: [(n) => n.lastName, (p) => p.last_name],
  displayName: [
    (n) => n.displayName,
    (p) => [p.first_name, p.last_name].filter((x) => x !== null && x !== undefined && x !== "").join(" ") || undefined,
  ],
  email: [(n) => n.defaultEmailAddress?.emailAddress ?? null, (p) => p.email],
  phone: [(n) => n.defaultPhoneNumber?.phoneNumber ?? null, (p) => p.phone],
  state: [(n) => upper(n.state), (p) => upper(p.state)],
  locale: [(n) => n.locale, null],
  note: [(n) => n.note, (p) => p.note],
  tags: [(n) => joinList(n.tags), (p) => opt(p, "tags", joinList)],
  verifiedEmail: [(n) => n.verifiedEmail, (p) => p.verified_email],
  taxExempt: [(n) => n.taxExempt, (p) => p.tax_exempt],
  dataSaleOptOut: [(n) => n.dataSaleOptOut, null],
  emailMarketingState: [
    (n) => upper(n.defaultEmailAddress?.marketingState),
    (p) => opt(p, "email_marketing_consent", (c) => upper((c as Json | null)?.state)),
  ],
  smsMarketingState: [
    (n) => upper(n.smsMarketingConsent?.marketingState),
    (p) => opt(p, "sms_marketing_consent", (c) => upper((c as Json | null)?.state)),
  ],
  numberOfOrders: [(n) => n.numberOfOrders, (p) => opt(p, "orders_count")],
  currencyCode: [(n) => n.amountSpent?.currencyCode ?? null, (p) => p.currency],
  amountSpent: [(n) => n.amountSpent?.amount ?? null, (p) => opt(p, "total_spent")],
  defaultAddressId: [(n) => n.defaultAddress?.id ?? null, (p) => p.default_address?.id ?? null],
  lastOrderId: [(n) => n.lastOrder?.id ?? null, (p) => opt(p, "last_order_id")],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
  updatedAt: [(n) => n.updatedAt, (p) => p.updated_at],
};

const addressField =
  (key: keyof NormalAddress, shape: "graphql" | "rest") =>
  (src: Json): unknown =>
    (shape === "graphql" ? gqlAddress(src) : restAddress(src))?.[key] ?? null;
const addressColumns = (keys: (keyof NormalAddress)[]): Mapping =>
  Object.fromEntries(keys.map((k) => [k, [addressField(k, "graphql"), addressField(k, "rest")] as const]));

/** REST customer addresses carry no GraphQL id: it is `MailingAddress/<id>?model_name=CustomerAddress`. */
export const addressGid = (id: unknown) => `${makeGid("MailingAddress", String(legacyId(id)))}?model_name=CustomerAddress`;

export const addressMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => addressGid(p.id)],
  ...addressColumns([
    "firstName",
    "lastName",
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "province",
    "provinceCode",
    "country",
    "countryCode",
    "zip",
    "phone",
  ]),
  latitude: [(n) => n.latitude ?? null, (p) => opt(p, "latitude")],
  longitude: [(n) => n.longitude ?? null, (p) => opt(p, "longitude")],
};

const T = TABLES;

function gqlCustomer(set: RowSet, n: Json, ctx: RefineContext): void {
  const row = buildRow(T.customers, customerMapping, "graphql", n, ctx);
  const customerId = row.id as bigint;
  addRows(set, "customers", row);
  const defaultId = legacyId(n.defaultAddress?.id ?? null);
  if ("addressesV2" in n) {
    const rows = nodesOf(n.addressesV2).map((a) =>
      buildRow(T.customer_addresses, addressMapping, "graphql", a, ctx, { customerId, isDefault: legacyId(a.id) === defaultId }),
    );
    addRows(set, "customer_addresses", ...rows);
    if (isCompleteList(n.addressesV2)) set.complete.push({ table: "customer_addresses", ownerId: customerId, ids: rows.map((r) => r.id as bigint) });
  } else if (defaultId !== null) {
    addRows(set, "customer_addresses", { id: defaultId, gid: String(n.defaultAddress.id), customerId, isDefault: true });
  }
}

function refineGraphql(node: Json, parentGid?: string | null, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  const type = gidType(node.id);
  if (type === "Customer") gqlCustomer(set, node, ctx);
  else if (type === "MailingAddress") {
    const customerId = legacyId(parentGid ?? node.__parentId ?? null);
    if (customerId === null) throw new RefineError("address without a parent customer id");
    addRows(set, "customer_addresses", buildRow(T.customer_addresses, addressMapping, "graphql", node, ctx, { customerId }));
  } else throw new RefineError(`customers: unexpected node ${String(node.id ?? "(no id)")}`);
  return set;
}

function restCustomer(set: RowSet, p: Json, ctx: RefineContext): void {
  const row = buildRow(T.customers, customerMapping, "rest", p, ctx);
  const customerId = row.id as bigint;
  addRows(set, "customers", row);
  if (Array.isArray(p.addresses)) {
    const defaultId = legacyId(p.default_address?.id ?? null);
    const rows = (p.addresses as Json[]).map((a) =>
      buildRow(T.customer_addresses, addressMapping, "rest", a, ctx, {
        customerId,
        isDefault: a.default === true || legacyId(a.id) === defaultId,
      }),
    );
    addRows(set, "customer_addresses", ...rows);
    set.complete.push({ table: "customer_addresses", ownerId: customerId, ids: rows.map((r) => r.id as bigint) });
  }
}

const UPSERT_TOPICS = ["customers/create", "customers/update", "customers/enable", "customers/disable"];

function refineRest(topic: string, p: Json, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  if (UPSERT_TOPICS.includes(topic)) restCustomer(set, p, ctx);
  else if (topic === "customers/delete") set.tombstones.push({ table: "customers", key: { id: legacyId(p.id) }, cascade: true });
  else throw new RefineError(`customers: unsupported webhook topic ${topic}`);
  return set;
}

export const customersResource: ResourceDefinition = {
  key: "customers",
  fetchMode: "bulk",
  rootGidType: "Customer",
  gidTypes: ["Customer", "MailingAddress"],
  tables: ["customers", "customer_addresses"],
  webhookTopics: ["customers/create", "customers/update", "customers/delete"],
  updatedSinceField: "updated_at",
  bulkQuery: (opts) => bulkDocument(CUSTOMERS_BULK, opts, "updated_at"),
  pageQuery: CUSTOMERS_PAGE,
  connectionPath: ["customers"],
  countQuery: CUSTOMERS_COUNT,
  remoteMapQuery: CUSTOMERS_REMOTE_MAP,
  refineGraphql,
  refineRest,
};
