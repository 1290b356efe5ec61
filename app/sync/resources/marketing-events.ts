/** Marketing events (paginated; no webhook topics exist: kept fresh by scheduled syncs). */
import { TABLES } from "../refine/tables";
import { buildRow, gidType, RefineError, upper, type Json, type Mapping, type RefineContext } from "./normalize";
import { bulkDocument } from "./query";
import { addRows, emptyRowSet, type ResourceDefinition, type RowSet } from "./types";

const EVENT_FIELDS = `#graphql
  fragment SyncMarketingEventFields on MarketingEvent {
    id
    type
    marketingChannelType
    remoteId
    sourceAndMedium
    description
    app { title }
    manageUrl
    previewUrl
    utmCampaign
    utmMedium
    utmSource
    startedAt
    endedAt
    scheduledToEndAt
  }
`;

const EVENTS_BULK = `#graphql
  query SyncMarketingEventsBulk {
    marketingEvents(query: "", sortKey: ID) {
      edges {
        node { ...SyncMarketingEventFields }
      }
    }
  }
  ${EVENT_FIELDS}
`;

const EVENTS_PAGE = `#graphql
  query SyncMarketingEventsPage($first: Int!, $after: String, $query: String) {
    marketingEvents(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes { ...SyncMarketingEventFields }
    }
  }
  ${EVENT_FIELDS}
`;

const EVENTS_REMOTE_MAP = `#graphql
  query SyncMarketingEventsRemoteMap($first: Int!, $after: String, $query: String) {
    marketingEvents(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes { id startedAt }
    }
  }
`;

export const marketingEventMapping: Mapping = {
  id: [(n) => n.id, null],
  gid: [(n) => n.id, null],
  type: [(n) => upper(n.type), null],
  marketingChannelType: [(n) => upper(n.marketingChannelType), null],
  remoteId: [(n) => n.remoteId, null],
  sourceAndMedium: [(n) => n.sourceAndMedium, null],
  description: [(n) => n.description, null],
  appTitle: [(n) => n.app?.title ?? null, null],
  manageUrl: [(n) => n.manageUrl, null],
  previewUrl: [(n) => n.previewUrl, null],
  utmCampaign: [(n) => n.utmCampaign, null],
  utmMedium: [(n) => n.utmMedium, null],
  utmSource: [(n) => n.utmSource, null],
  startedAt: [(n) => n.startedAt, null],
  endedAt: [(n) => n.endedAt, null],
  scheduledToEndAt: [(n) => n.scheduledToEndAt, null],
};

function refineGraphql(node: Json, _parentGid?: string | null, ctx: RefineContext = {}): RowSet {
  if (gidType(node.id) !== "MarketingEvent") throw new RefineError(`marketingEvents: unexpected node ${String(node.id ?? "(no id)")}`);
  const set = emptyRowSet();
  addRows(set, "marketing_events", buildRow(TABLES.marketing_events, marketingEventMapping, "graphql", node, ctx));
  return set;
}

function refineRest(topic: string): RowSet {
  throw new RefineError(`marketingEvents: Shopify has no webhook topic for marketing events (got ${topic})`);
}

export const marketingEventsResource: ResourceDefinition = {
  key: "marketingEvents",
  fetchMode: "paginated",
  rootGidType: "MarketingEvent",
  gidTypes: ["MarketingEvent"],
  tables: ["marketing_events"],
  webhookTopics: [],
  updatedSinceField: null,
  bulkQuery: (opts) => bulkDocument(EVENTS_BULK, opts, null),
  pageQuery: EVENTS_PAGE,
  connectionPath: ["marketingEvents"],
  countQuery: null,
  remoteMapQuery: EVENTS_REMOTE_MAP,
  refineGraphql,
  refineRest,
};
