/**
 * What a REST webhook payload cannot tell, per refined table — derived from the mappings, so it
 * stays in step with them:
 *
 *  - `columns`: fields whose REST getter is `null` (the payload never carries them) or optional
 *    (`opt(...)`: Shopify's 2026-07 payloads no longer carry them, older ones did). A webhook row
 *    leaves them out (untouched). When a webhook was the FIRST write of a record (newer than the
 *    bulk/page snapshot that follows), they are NULL and the older GraphQL row is refused by the
 *    version guard: applyRowSets then fills exactly these columns where they are still NULL
 *    (`COALESCE`), so a webhook never leaves a hole the GraphQL shape could fill.
 *  - `insertIfAbsent`: child tables whose list the REST payload of the owner does not carry (an
 *    orders/* payload has no transactions and no fulfillment line items). Their rows from an older
 *    GraphQL owner are inserted when absent (the owner being live), never updated beyond the fill.
 *    Child lists REST does carry in full (line items, refunds, fulfillments, variants, images,
 *    addresses) are not: the newer payload decided them (a missing one was removed).
 */
import type { TableName } from "../refine/tables";
import { checkoutMapping } from "./abandoned-checkouts";
import { addressMapping, customerMapping } from "./customers";
import { codeMapping, discountMapping } from "./discounts";
import { itemMapping, levelMapping } from "./inventory-items";
import { locationMapping } from "./locations";
import type { Mapping } from "./normalize";
import {
  fulfillmentLineItemMapping,
  fulfillmentMapping,
  lineItemMapping,
  orderMapping,
  refundLineItemMapping,
  refundMapping,
  transactionMapping,
} from "./orders";
import { disputeMapping } from "./payments";
import { imageMapping, productMapping, variantMapping } from "./products";

export interface RestGap {
  /** Fields a webhook row may lack while the GraphQL row has them (keys excluded). */
  columns: ReadonlySet<string>;
  /** The owner's REST payload does not list these rows: older GraphQL rows are inserted when absent. */
  insertIfAbsent: boolean;
}

/** [table, mapping, REST getters that are optional (`opt`) in the 2026-07 payloads]. */
const SOURCES: [TableName, Mapping, string[]][] = [
  ["orders", orderMapping, []],
  ["line_items", lineItemMapping, []],
  ["order_transactions", transactionMapping, []],
  ["refunds", refundMapping, []],
  ["refund_line_items", refundLineItemMapping, []],
  ["fulfillments", fulfillmentMapping, []],
  ["fulfillment_line_items", fulfillmentLineItemMapping, []],
  ["products", productMapping, []],
  ["product_variants", variantMapping, []],
  ["product_images", imageMapping, []],
  [
    "customers",
    customerMapping,
    ["tags", "emailMarketingState", "smsMarketingState", "numberOfOrders", "amountSpent", "lastOrderId"],
  ],
  ["customer_addresses", addressMapping, ["latitude", "longitude"]],
  ["locations", locationMapping, []],
  ["inventory_items", itemMapping, []],
  ["inventory_levels", levelMapping, []],
  ["abandoned_checkouts", checkoutMapping, []],
  ["discounts", discountMapping, []],
  ["discount_codes", codeMapping, []],
  ["disputes", disputeMapping, []],
];

const INSERT_IF_ABSENT: readonly TableName[] = ["order_transactions", "fulfillment_line_items"];

const KEYS = new Set(["id", "gid"]);

function build(): ReadonlyMap<TableName, RestGap> {
  const out = new Map<TableName, RestGap>();
  for (const [table, mapping, optional] of SOURCES) {
    const columns = new Set<string>(optional);
    for (const [field, [, rest]] of Object.entries(mapping)) if (rest === null) columns.add(field);
    for (const k of KEYS) columns.delete(k);
    if (columns.size || INSERT_IF_ABSENT.includes(table)) out.set(table, { columns, insertIfAbsent: INSERT_IF_ABSENT.includes(table) });
  }
  return out;
}

export const REST_GAPS: ReadonlyMap<TableName, RestGap> = build();
