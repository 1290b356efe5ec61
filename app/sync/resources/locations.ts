/** Locations (paginated: a shop has few). */
import { TABLES } from "../refine/tables";
import { buildRow, gidType, legacyId, makeGid, RefineError, type Json, type Mapping, type RefineContext } from "./normalize";
import { bulkDocument } from "./query";
import { addRows, emptyRowSet, type ResourceDefinition, type RowSet } from "./types";

const LOCATION_FIELDS = `#graphql
  fragment SyncLocationFields on Location {
    id
    name
    isActive
    fulfillsOnlineOrders
    shipsInventory
    hasActiveInventory
    isFulfillmentService
    address {
      address1
      address2
      city
      province
      provinceCode
      country
      countryCode
      zip
      phone
      latitude
      longitude
    }
    deactivatedAt
    createdAt
    updatedAt
  }
`;

const LOCATIONS_BULK = `#graphql
  query SyncLocationsBulk {
    locations(query: "", includeInactive: true, includeLegacy: true) {
      edges {
        node { ...SyncLocationFields }
      }
    }
  }
  ${LOCATION_FIELDS}
`;

const LOCATIONS_PAGE = `#graphql
  query SyncLocationsPage($first: Int!, $after: String, $query: String) {
    locations(first: $first, after: $after, query: $query, includeInactive: true, includeLegacy: true) {
      pageInfo { hasNextPage endCursor }
      nodes { ...SyncLocationFields }
    }
  }
  ${LOCATION_FIELDS}
`;

const LOCATIONS_COUNT = `#graphql
  query SyncLocationsCount($query: String) {
    locationsCount(query: $query, limit: null) { count precision }
  }
`;

const LOCATIONS_REMOTE_MAP = `#graphql
  query SyncLocationsRemoteMap($first: Int!, $after: String, $query: String) {
    locations(first: $first, after: $after, query: $query, includeInactive: true, includeLegacy: true) {
      pageInfo { hasNextPage endCursor }
      nodes { id updatedAt }
    }
  }
`;

const has = (p: Json, key: string) => Object.prototype.hasOwnProperty.call(p, key);

export const locationMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("Location", p.id)],
  name: [(n) => n.name, (p) => p.name],
  isActive: [(n) => n.isActive, (p) => p.active],
  fulfillsOnlineOrders: [(n) => n.fulfillsOnlineOrders, null],
  shipsInventory: [(n) => n.shipsInventory, null],
  hasActiveInventory: [(n) => n.hasActiveInventory, null],
  isFulfillmentService: [(n) => n.isFulfillmentService, (p) => p.legacy],
  address1: [(n) => n.address?.address1 ?? null, (p) => p.address1],
  address2: [(n) => n.address?.address2 ?? null, (p) => p.address2],
  city: [(n) => n.address?.city ?? null, (p) => p.city],
  province: [(n) => n.address?.province ?? null, (p) => p.province],
  provinceCode: [(n) => n.address?.provinceCode ?? null, (p) => p.province_code],
  // REST `country` is the code; the name is `country_name`.
  country: [(n) => n.address?.country ?? null, (p) => p.country_name],
  countryCode: [(n) => n.address?.countryCode ?? null, (p) => p.country_code],
  zip: [(n) => n.address?.zip ?? null, (p) => p.zip],
  phone: [(n) => n.address?.phone ?? null, (p) => p.phone],
  latitude: [(n) => n.address?.latitude ?? null, (p) => (has(p, "latitude") ? p.latitude : undefined)],
  longitude: [(n) => n.address?.longitude ?? null, (p) => (has(p, "longitude") ? p.longitude : undefined)],
  deactivatedAt: [(n) => n.deactivatedAt, null],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
  updatedAt: [(n) => n.updatedAt, (p) => p.updated_at],
};

function refineGraphql(node: Json, _parentGid?: string | null, ctx: RefineContext = {}): RowSet {
  if (gidType(node.id) !== "Location") throw new RefineError(`locations: unexpected node ${String(node.id ?? "(no id)")}`);
  const set = emptyRowSet();
  addRows(set, "locations", buildRow(TABLES.locations, locationMapping, "graphql", node, ctx));
  return set;
}

const UPSERT_TOPICS = ["locations/create", "locations/update", "locations/activate", "locations/deactivate"];

function refineRest(topic: string, p: Json, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  if (UPSERT_TOPICS.includes(topic)) addRows(set, "locations", buildRow(TABLES.locations, locationMapping, "rest", p, ctx));
  else if (topic === "locations/delete") set.tombstones.push({ table: "locations", key: { id: legacyId(p.id) } });
  else throw new RefineError(`locations: unsupported webhook topic ${topic}`);
  return set;
}

export const locationsResource: ResourceDefinition = {
  key: "locations",
  fetchMode: "paginated",
  rootGidType: "Location",
  gidTypes: ["Location"],
  tables: ["locations"],
  webhookTopics: ["locations/create", "locations/update", "locations/delete"],
  updatedSinceField: null,
  bulkQuery: (opts) => bulkDocument(LOCATIONS_BULK, opts, null),
  pageQuery: LOCATIONS_PAGE,
  connectionPath: ["locations"],
  countQuery: LOCATIONS_COUNT,
  remoteMapQuery: LOCATIONS_REMOTE_MAP,
  refineGraphql,
  refineRest,
};
