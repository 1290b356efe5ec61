/**
 * The store simulator's internal contract. Every part (store, graphql, bulk, auth, webhooks,
 * control) codes against these types; change them only together.
 */
import type { GraphQLSchema } from "graphql";

/** Root collections the simulator serves (one name per concept, as in the app's catalog). */
export type ResourceName =
  | "orders"
  | "products"
  | "customers"
  | "locations"
  | "inventoryItems"
  | "abandonedCheckouts"
  | "marketingEvents"
  | "discounts" // discountNodes (DiscountNode { discount: Discount union }); codeDiscountNodes is the code subset
  | "payouts" // shopifyPaymentsAccount.payouts
  | "disputes" // shopifyPaymentsAccount.disputes and root `disputes`
  | "balanceTransactions"; // shopifyPaymentsAccount.balanceTransactions

/** A GraphQL-shaped record (see DESIGN.md). */
export interface GqlRecord {
  __typename: string;
  id: string;
  [field: string]: unknown;
}

/** One term of Shopify's search syntax (`updated_at:>='2025-01-01T00:00:00Z'`, `id:>1234`, `status:open`). */
export interface SearchTerm {
  field: string; // snake_case as in Shopify search syntax: updated_at, created_at, id, status, ...
  op: "=" | ">" | ">=" | "<" | "<=";
  value: string;
  negate?: boolean; // `-field:value` / `NOT field:value`
}
/** A parsed `query:` argument: the AND of its terms (OR is not used by the app). Unknown fields are ignored like Shopify does. */
export type SearchFilter = SearchTerm[];

/** Sort keys as Shopify names them (the subset the simulator honours; others fall back to ID). */
export type SortKey = "ID" | "CREATED_AT" | "UPDATED_AT" | "PROCESSED_AT" | "NAME" | "TITLE";

export interface ScanOptions {
  filter?: SearchFilter;
  sortKey?: SortKey;
  reverse?: boolean;
  /** Resume strictly after this position (what an opaque cursor encodes). */
  after?: ScanPosition;
}
/** A position in a sorted scan: the sort value and the numeric id (tie-breaker). */
export interface ScanPosition {
  sortValue: string | number;
  id: string; // numeric id as a decimal string
}

/** One root collection. Implementations must not derive full records just to filter or count. */
export interface Collection {
  readonly resource: ResourceName;
  /** Count of live (not deleted) records matching the filter. */
  count(filter?: SearchFilter): number;
  /** A live record by numeric id (decimal string) or GID; undefined if absent or deleted. */
  get(idOrGid: string): GqlRecord | undefined;
  /** Live records matching the filter, in sort order, lazily. Each yielded item carries its position. */
  scan(options?: ScanOptions): Iterable<{ record: GqlRecord; position: ScanPosition }>;
}

export type ChangeAction = "create" | "update" | "delete";

/** Emitted by the store on every change; the webhooks part turns it into deliveries. */
export interface ChangeEvent {
  shop: string;
  resource: ResourceName;
  action: ChangeAction;
  /** The record after the change (for delete: the last version before deletion). */
  record: GqlRecord;
  /** Extra topics this change implies beyond the resource's create/update/delete topic,
   * e.g. ["orders/paid"], ["refunds/create"], ["fulfillments/create"], ["order_transactions/create"],
   * ["inventory_levels/update"], ["discounts/redeemcode_added"], ["orders/cancelled"]. */
  topics?: string[];
  /** Sub-object the extra topic is about (the Refund, Fulfillment, OrderTransaction, InventoryLevel, ...). */
  subject?: GqlRecord;
  /** A silent change emits no webhook (drift for reconciliation to find). */
  silent: boolean;
  at: string; // ISO time of the change (becomes updatedAt / X-Shopify-Triggered-At)
}

export interface DeletionEventRecord {
  __typename: "DeletionEvent";
  occurredAt: string;
  subjectId: string; // GID
  subjectType: "PRODUCT" | "COLLECTION";
}

/** Sizes for the generator. Anything omitted is derived proportionally from `orders`. */
export interface StoreSize {
  orders: number;
  products?: number;
  customers?: number;
  locations?: number;
  abandonedCheckouts?: number;
  marketingEvents?: number;
  discounts?: number;
  payouts?: number;
  disputes?: number;
}

export interface ShopConfig {
  domain: string; // e.g. "demo.myshopify.com"
  seed?: number; // default 1
  size?: StoreSize; // default: the small demo store
  currency?: string; // default "USD"
  ianaTimezone?: string; // default "America/New_York"
  /**
   * Where the generated history ends: "now" (the store's creation time: the newest orders are
   * minutes old, as in a live store), an ISO time or epoch seconds. Only the times move; the data's
   * shape is the same for the same seed. Default: 2026-11-01T00:00:00Z (the same data every day).
   */
  anchor?: "now" | string | number;
  plan?: "basic" | "standard" | "advanced" | "plus"; // sets restoreRate 50/100/200/1000 (basic=50 per docs? standard=100)
  /** Scopes granted at install (default: all the app asks for). Removing one makes queries ACCESS_DENIED. */
  scopes?: string[];
}

/** The store of one shop: generated base data + overlay of changes. Implemented in store/store.ts. */
export interface Store {
  readonly domain: string;
  /** The Shop object (GraphQL-shaped: name, email, currencyCode, ianaTimezone, plan {...}, ...). */
  shop(): GqlRecord;
  collection(resource: ResourceName): Collection;
  /** Any node by GID, including children (LineItem, ProductVariant, MediaImage, MailingAddress,
   * InventoryLevel, OrderTransaction, Refund, Fulfillment, DiscountRedeemCode, ...). */
  node(gid: string): GqlRecord | undefined;
  deletionEvents(): DeletionEventRecord[];

  /** Changes. `silent: true` changes data without any webhook. Returns the record after the change. */
  create(resource: ResourceName, input?: Record<string, unknown>, opts?: { silent?: boolean }): GqlRecord;
  update(resource: ResourceName, idOrGid: string, patch: Record<string, unknown>, opts?: { silent?: boolean }): GqlRecord;
  delete(resource: ResourceName, idOrGid: string, opts?: { silent?: boolean }): GqlRecord;
  /** Domain actions with the extra topics they imply. */
  refundOrder(orderIdOrGid: string, opts?: { amount?: string; silent?: boolean }): GqlRecord;
  fulfillOrder(orderIdOrGid: string, opts?: { silent?: boolean }): GqlRecord;
  cancelOrder(orderIdOrGid: string, opts?: { silent?: boolean }): GqlRecord;
  markOrderPaid(orderIdOrGid: string, opts?: { silent?: boolean }): GqlRecord;
  adjustInventory(inventoryItemIdOrGid: string, locationIdOrGid: string, delta: number, opts?: { silent?: boolean }): GqlRecord;

  on(event: "change", listener: (e: ChangeEvent) => void): void;
  off(event: "change", listener: (e: ChangeEvent) => void): void;
}

/** Leaky bucket of one shop (graphql/cost.ts). */
export interface CostBucket {
  maximumAvailable: number; // 2000
  restoreRate: number; // points per second
  /** Points available now (restores lazily by elapsed time). */
  available(nowMs?: number): number;
  /** Try to take `points`; false if not enough (→ THROTTLED). */
  take(points: number, nowMs?: number): boolean;
  /** Give back `points` (requested - actual refund after execution). */
  refund(points: number): void;
  /** Drain the bucket (fault injection: a throttling burst). */
  drain(): void;
}

/** Faults the control API can inject (state read by the part that applies them). */
export interface FaultState {
  /** Next N GraphQL calls answer HTTP 5xx (status) before executing. */
  graphql5xx: { remaining: number; status: number };
  /** Next bulk operation(s) to start will fail/timeout after writing this fraction of objects (partialDataUrl). */
  bulk: { remaining: number; errorCode: "TIMEOUT" | "INTERNAL_SERVER_ERROR"; afterFraction: number } | null;
  /** Webhook faults (webhooks part). */
  webhooks: {
    dropRate: number; // 0..1 — delivery never attempted
    duplicateRate: number; // 0..1 — delivered twice (same X-Shopify-Webhook-Id)
    delayMs: number; // extra delay before first attempt
    reorder: boolean; // shuffle pending deliveries of a window before sending
  };
}

export interface SimShop {
  domain: string;
  config: ShopConfig;
  store: Store;
  bucket: CostBucket;
  faults: FaultState;
  /** Scopes currently granted. */
  scopes: Set<string>;
}

export interface SimulatorOptions {
  port?: number; // 0 = random
  host?: string; // default 127.0.0.1
  shops?: ShopConfig[]; // default: [{ domain: "demo.myshopify.com" }]
  seed?: number; // default seed for shops that do not set one
  apiKey?: string; // app client id (default "storesync-dev-key")
  apiSecret?: string; // app client secret (default "storesync-dev-secret") — HMAC + JWT signing
  /** Path of the app's shopify.app.toml: declarative webhook subscriptions. */
  appToml?: string;
  /** Base URL of the app (where webhook URIs from the toml resolve and where the admin shell points). */
  appUrl?: string;
  /** Webhook retry timing is divided by this (tests: 1000 → 4 hours becomes 14.4 s). Default 1. */
  timeScale?: number;
  /** Bulk operations complete after at least this many ms (default 200). */
  bulkMinDurationMs?: number;
  /** Access token lifetime in seconds (default 3600, as Shopify's expiring offline tokens). */
  accessTokenTtlSeconds?: number;
  /** Directory for bulk result files (default: a temp dir). */
  dataDir?: string;
  log?: (line: string) => void;
}

export interface Simulator {
  readonly url: string; // http://127.0.0.1:PORT
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly schema: GraphQLSchema;
  shop(domain: string): SimShop; // throws if unknown
  shops(): SimShop[];
  addShop(config: ShopConfig): SimShop;
  /** Mint a session token (id_token) for the shop's admin user, as App Bridge would. */
  sessionToken(domain: string, opts?: { userId?: number; expiresInSeconds?: number }): string;
  /** Webhook subsystem (webhooks part): trigger topics on demand, inspect deliveries. */
  webhooks: WebhookDispatcher;
  close(): Promise<void>;
}

export interface WebhookDeliveryLog {
  id: string; // X-Shopify-Webhook-Id
  shop: string;
  topic: string;
  uri: string;
  attempts: number;
  status: "pending" | "delivered" | "failed" | "dropped";
  lastStatusCode?: number;
  triggeredAt: string;
}

export interface WebhookDispatcher {
  /** Send `topic` for `shop` with this REST-shaped payload to every subscription of the topic. */
  trigger(shop: string, topic: string, payload: unknown, opts?: { triggeredAt?: string }): void;
  /** Compliance topics on demand (customers/data_request, customers/redact, shop/redact). */
  triggerCompliance(shop: string, topic: "customers/data_request" | "customers/redact" | "shop/redact", customerIdOrGid?: string): void;
  deliveries(shop?: string): WebhookDeliveryLog[];
  /** Resolves when no delivery is pending or retrying (tests). */
  idle(timeoutMs?: number): Promise<void>;
  /** Subscriptions (declarative from the toml + created through the API). */
  subscriptions(shop: string): { id: string; topic: string; uri: string; source: "toml" | "api" }[];
}

// ---------------------------------------------------------------------------------------------
// Wiring between the parts. server.ts builds a SimulatorInternals and hands it to each factory:
//   store/store.ts       export function createStore(config: ShopConfig): Store
//   graphql/execute.ts   export function createExecutor(sim: SimulatorInternals): Executor
//   bulk/index.ts        export function createBulkManager(sim: SimulatorInternals): BulkManager
//   webhooks/index.ts    export function createWebhookDispatcher(sim: SimulatorInternals): WebhookDispatcherInternal
//   control/index.ts     export function createControlHandler(sim: SimulatorInternals): ControlHandler
// ---------------------------------------------------------------------------------------------
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DocumentNode, ExecutionResult, GraphQLFieldResolver, GraphQLTypeResolver } from "graphql";

/** Context of every resolver call. */
export interface ResolverContext {
  sim: SimulatorInternals;
  shop: SimShop;
  /** Bulk mode: connections return every item (no first/last limit, no cost). */
  bulk: boolean;
  /** Records pinned by GID for this execution (bulk: `node(id:)` returns the pinned record without a lookup). */
  pinned?: Map<string, GqlRecord>;
}

export interface Executor {
  fieldResolver: GraphQLFieldResolver<unknown, ResolverContext>;
  typeResolver: GraphQLTypeResolver<unknown, ResolverContext>;
  /** Execute a parsed, VALIDATED document for the shop without cost accounting (bulk uses this). */
  execute(
    shop: SimShop,
    document: DocumentNode,
    variables?: Record<string, unknown>,
    opts?: { bulk?: boolean; pinned?: Map<string, GqlRecord>; operationName?: string },
  ): Promise<ExecutionResult>;
}

export interface BulkUserError {
  field: string[] | null;
  message: string;
  code: string | null; // BulkOperationUserErrorCode, e.g. "INVALID", "OPERATION_IN_PROGRESS", "LIMIT_REACHED"
}

/** Bulk operations of all shops (bulk/). Records are GraphQL-shaped `BulkOperation` objects. */
export interface BulkManager {
  runQuery(shop: SimShop, query: string, opts?: { groupObjects?: boolean }): { bulkOperation: GqlRecord | null; userErrors: BulkUserError[] };
  cancel(shop: SimShop, gid: string): { bulkOperation: GqlRecord | null; userErrors: BulkUserError[] };
  get(shop: SimShop, gid: string): GqlRecord | undefined;
  list(shop: SimShop): GqlRecord[]; // newest first
  current(shop: SimShop, type?: "QUERY" | "MUTATION"): GqlRecord | undefined;
  /** Serves GET /_sim/bulk/... result files; returns false if the path is not a bulk file. */
  serve(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
  /** Resolves when no operation of the shop is CREATED/RUNNING/CANCELING (tests). */
  idle(shop?: SimShop, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface WebhookDispatcherInternal extends WebhookDispatcher {
  /** webhookSubscriptionCreate / Delete through the API. */
  createSubscription(shop: string, topic: string, uri: string): { id: string; topic: string; uri: string };
  deleteSubscription(shop: string, id: string): boolean;
  /** Begin listening to a shop's store change events (called by addShop). */
  attach(shop: SimShop): void;
  close(): Promise<void>;
}

/** Handles /_sim/* control requests; returns false when the path is not its own. */
export type ControlHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export interface SimulatorInternals extends Simulator {
  readonly options: Required<Omit<SimulatorOptions, "appToml" | "appUrl" | "dataDir" | "log" | "shops">> &
    Pick<SimulatorOptions, "appToml" | "appUrl" | "dataDir" | "log" | "shops">;
  readonly executor: Executor;
  readonly bulk: BulkManager;
  readonly webhooks: WebhookDispatcherInternal;
  /** Access tokens issued (auth/): validate an X-Shopify-Access-Token for a shop. */
  validateAccessToken(shop: string, token: string): "ok" | "invalid" | "expired";
}
