/**
 * Inventory items with their inventory levels (`InventoryItem.inventoryLevels`, a nested connection
 * in bulk) and each level's quantities by name. Levels are keyed by (item, location): REST
 * inventory_levels/* payloads carry no level id.
 */
import { TABLES } from "../refine/tables";
import {
  buildRow,
  gidType,
  legacyId,
  makeGid,
  nodesOf,
  RefineError,
  upper,
  type Json,
  type Mapping,
  type RefineContext,
} from "./normalize";
import { bulkDocument } from "./query";
import { addRows, emptyRowSet, type ResourceDefinition, type RowSet } from "./types";

/** Quantity names mirrored into inventory_levels (column ← name). */
export const QUANTITY_COLUMNS = {
  available: "available",
  onHand: "on_hand",
  committed: "committed",
  incoming: "incoming",
  reserved: "reserved",
  damaged: "damaged",
  safetyStock: "safety_stock",
  qualityControl: "quality_control",
} as const;

const ITEM_FIELDS = `#graphql
  fragment SyncInventoryItemFields on InventoryItem {
    id
    sku
    tracked
    requiresShipping
    unitCost { amount currencyCode }
    countryCodeOfOrigin
    provinceCodeOfOrigin
    harmonizedSystemCode
    measurement { weight { unit value } }
    variant { id }
    createdAt
    updatedAt
  }

  fragment SyncInventoryLevelFields on InventoryLevel {
    id
    location { id }
    quantities(names: ["available", "on_hand", "committed", "incoming", "reserved", "damaged", "safety_stock", "quality_control"]) {
      name
      quantity
    }
    createdAt
    updatedAt
  }
`;

const ITEMS_BULK = `#graphql
  query SyncInventoryItemsBulk {
    inventoryItems(query: "") {
      edges {
        node {
          ...SyncInventoryItemFields
          inventoryLevels {
            edges {
              node { ...SyncInventoryLevelFields }
            }
          }
        }
      }
    }
  }
  ${ITEM_FIELDS}
`;

const ITEMS_PAGE = `#graphql
  query SyncInventoryItemsPage($first: Int!, $after: String, $query: String) {
    inventoryItems(first: $first, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ...SyncInventoryItemFields
        inventoryLevels(first: 50) {
          pageInfo { hasNextPage endCursor }
          nodes { ...SyncInventoryLevelFields }
        }
      }
    }
  }
  ${ITEM_FIELDS}
`;

const ITEMS_REMOTE_MAP = `#graphql
  query SyncInventoryItemsRemoteMap($first: Int!, $after: String, $query: String) {
    inventoryItems(first: $first, after: $after, query: $query) {
      pageInfo { hasNextPage endCursor }
      nodes { id updatedAt }
    }
  }
`;

const REST_WEIGHT_UNITS: Record<string, string> = { lb: "POUNDS", kg: "KILOGRAMS", g: "GRAMS", oz: "OUNCES" };

export const itemMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("InventoryItem", p.id)],
  variantId: [(n) => n.variant?.id ?? null, null],
  sku: [(n) => n.sku, (p) => p.sku],
  tracked: [(n) => n.tracked, (p) => p.tracked],
  requiresShipping: [(n) => n.requiresShipping, (p) => p.requires_shipping],
  // REST `cost` is in the shop currency and does not name it.
  currencyCode: [
    (n) => n.unitCost?.currencyCode ?? null,
    (p, ctx) => (p.cost === null || p.cost === undefined ? null : (ctx.shopCurrency ?? undefined)),
  ],
  unitCost: [(n) => n.unitCost?.amount ?? null, (p) => p.cost],
  countryCodeOfOrigin: [(n) => n.countryCodeOfOrigin, (p) => p.country_code_of_origin],
  provinceCodeOfOrigin: [(n) => n.provinceCodeOfOrigin, (p) => p.province_code_of_origin],
  harmonizedSystemCode: [(n) => n.harmonizedSystemCode, (p) => p.harmonized_system_code],
  weightValue: [(n) => n.measurement?.weight?.value ?? null, (p) => p.weight_value],
  weightUnit: [
    (n) => upper(n.measurement?.weight?.unit),
    (p) => (p.weight_unit ? (REST_WEIGHT_UNITS[String(p.weight_unit)] ?? upper(p.weight_unit)) : null),
  ],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
  updatedAt: [(n) => n.updatedAt, (p) => p.updated_at],
};

const quantity = (n: Json, name: string) => {
  const q = nodesOf(n.quantities).find((x) => x.name === name);
  return q ? q.quantity : null;
};

export const levelMapping: Mapping = {
  locationId: [(n) => n.location?.id, (p) => p.location_id],
  id: [(n) => n.id, (p) => p.admin_graphql_api_id ?? null],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? null],
  ...Object.fromEntries(
    Object.entries(QUANTITY_COLUMNS).map(([field, name]) => [
      field,
      // inventory_levels/* payloads carry `available` only.
      [(n: Json) => quantity(n, name), field === "available" ? (p: Json) => p.available : null] as const,
    ]),
  ),
  createdAt: [(n) => n.createdAt, null],
  updatedAt: [(n) => n.updatedAt, (p) => p.updated_at],
};

const T = TABLES;

function levelRow(n: Json, inventoryItemId: bigint, ctx: RefineContext) {
  return buildRow(T.inventory_levels, levelMapping, "graphql", n, ctx, { inventoryItemId });
}

function refineGraphql(node: Json, parentGid?: string | null, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  const type = gidType(node.id);
  if (type === "InventoryItem") {
    const row = buildRow(T.inventory_items, itemMapping, "graphql", node, ctx);
    addRows(set, "inventory_items", row);
    if ("inventoryLevels" in node) addRows(set, "inventory_levels", ...nodesOf(node.inventoryLevels).map((l) => levelRow(l, row.id as bigint, ctx)));
  } else if (type === "InventoryLevel") {
    const itemId = legacyId(parentGid ?? node.__parentId ?? node.item?.id ?? null);
    if (itemId === null) throw new RefineError("inventory level without an inventory item id");
    addRows(set, "inventory_levels", levelRow(node, itemId, ctx));
  } else throw new RefineError(`inventoryItems: unexpected node ${String(node.id ?? "(no id)")}`);
  return set;
}

function refineRest(topic: string, p: Json, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  switch (topic) {
    case "inventory_items/create":
    case "inventory_items/update":
      addRows(set, "inventory_items", buildRow(T.inventory_items, itemMapping, "rest", p, ctx));
      break;
    case "inventory_items/delete":
      set.tombstones.push({ table: "inventory_items", key: { id: legacyId(p.id) }, cascade: true });
      break;
    case "inventory_levels/update":
    case "inventory_levels/connect":
      addRows(set, "inventory_levels", buildRow(T.inventory_levels, levelMapping, "rest", p, ctx, { inventoryItemId: p.inventory_item_id }));
      break;
    case "inventory_levels/disconnect":
      set.tombstones.push({
        table: "inventory_levels",
        key: { inventoryItemId: legacyId(p.inventory_item_id), locationId: legacyId(p.location_id) },
      });
      break;
    default:
      throw new RefineError(`inventoryItems: unsupported webhook topic ${topic}`);
  }
  return set;
}

export const inventoryItemsResource: ResourceDefinition = {
  key: "inventoryItems",
  fetchMode: "bulk",
  rootGidType: "InventoryItem",
  gidTypes: ["InventoryItem", "InventoryLevel"],
  tables: ["inventory_items", "inventory_levels"],
  webhookTopics: [
    "inventory_items/create",
    "inventory_items/update",
    "inventory_items/delete",
    "inventory_levels/update",
    "inventory_levels/connect",
    "inventory_levels/disconnect",
  ],
  updatedSinceField: "updated_at",
  bulkQuery: (opts) => bulkDocument(ITEMS_BULK, opts, "updated_at"),
  pageQuery: ITEMS_PAGE,
  connectionPath: ["inventoryItems"],
  countQuery: null,
  remoteMapQuery: ITEMS_REMOTE_MAP,
  refineGraphql,
  refineRest,
};
