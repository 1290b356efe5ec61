/**
 * Execution on the real Admin schema with generic resolvers (see DESIGN.md): property access on
 * GraphQL-shaped records, functions called with (args, ctx), connections built from arrays or lazy
 * collection scans, the root fields and the few mutations the app uses.
 */
import { normalizeTopic, topicEnum } from "../webhooks/index.js";
import {
  execute as gqlExecute,
  getNamedType,
  getOperationAST,
  GraphQLError,
  isListType,
  isNonNullType,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLTypeResolver,
} from "graphql";
import type { Collection, Executor, GqlRecord, ResolverContext, ResourceName, SearchFilter, SimShop, SimulatorInternals } from "../types.js";
import { isConnectionType } from "./cost.js";
import { arrayConnection, checkPageArgs, isScanSource, scanConnection, scanSource, type ConnectionArgs, type ScanSource } from "./connection.js";
import { parseSearchQuery } from "./search.js";
import { runShopifyql } from "./shopifyql.js";

export const ACCESS_SCOPES_DOC = "https://shopify.dev/api/usage/access-scopes";

export function accessDenied(field: string, scope: string): GraphQLError {
  return new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    extensions: { code: "ACCESS_DENIED", documentation: ACCESS_SCOPES_DOC, requiredAccess: `\`${scope}\` access scope.` },
  });
}

/** Read scope required by each root field. */
const ROOT_SCOPES: Record<string, string> = {
  orders: "read_orders",
  order: "read_orders",
  ordersCount: "read_orders",
  products: "read_products",
  product: "read_products",
  productsCount: "read_products",
  productVariants: "read_products",
  productVariant: "read_products",
  productVariantsCount: "read_products",
  deletionEvents: "read_products",
  customers: "read_customers",
  customer: "read_customers",
  customersCount: "read_customers",
  locations: "read_locations",
  location: "read_locations",
  locationsCount: "read_locations",
  inventoryItems: "read_inventory",
  inventoryItem: "read_inventory",
  abandonedCheckouts: "read_checkouts",
  abandonedCheckoutsCount: "read_checkouts",
  marketingEvents: "read_marketing_events",
  marketingEvent: "read_marketing_events",
  discountNodes: "read_discounts",
  discountNode: "read_discounts",
  discountNodesCount: "read_discounts",
  codeDiscountNodes: "read_discounts",
  codeDiscountNode: "read_discounts",
  disputes: "read_shopify_payments_disputes",
  dispute: "read_shopify_payments_disputes",
  shopifyPaymentsAccount: "read_shopify_payments_payouts",
  shopifyqlQuery: "read_reports",
};

/** Read scope required to see a node of this type through node()/nodes(). */
const TYPE_SCOPES: Record<string, string> = {
  Order: "read_orders",
  LineItem: "read_orders",
  OrderTransaction: "read_orders",
  Refund: "read_orders",
  Fulfillment: "read_orders",
  Product: "read_products",
  ProductVariant: "read_products",
  MediaImage: "read_products",
  Customer: "read_customers",
  MailingAddress: "read_customers",
  Location: "read_locations",
  InventoryItem: "read_inventory",
  InventoryLevel: "read_inventory",
  AbandonedCheckout: "read_checkouts",
  MarketingEvent: "read_marketing_events",
  DiscountNode: "read_discounts",
  DiscountCodeNode: "read_discounts",
  DiscountAutomaticNode: "read_discounts",
  DiscountRedeemCode: "read_discounts",
  ShopifyPaymentsPayout: "read_shopify_payments_payouts",
  ShopifyPaymentsBalanceTransaction: "read_shopify_payments_payouts",
  ShopifyPaymentsDispute: "read_shopify_payments_disputes",
};

function numericId(gidOrId: string): string {
  const m = /(\d+)(\?.*)?$/.exec(gidOrId);
  return m ? m[1]! : gidOrId;
}

/** WebhookSubscription record from a dispatcher subscription. */
export function webhookSubscriptionRecord(s: { id: string; topic: string; uri: string }): GqlRecord {
  const id = s.id.startsWith("gid://") ? s.id : `gid://shopify/WebhookSubscription/${s.id}`;
  const now = "2026-01-01T00:00:00Z";
  return {
    __typename: "WebhookSubscription",
    id,
    legacyResourceId: numericId(id),
    topic: topicEnum(s.topic),
    uri: s.uri,
    callbackUrl: s.uri,
    endpoint: { __typename: "WebhookHttpEndpoint", callbackUrl: s.uri },
    format: "JSON",
    apiVersion: { __typename: "ApiVersion", handle: "2026-07", displayName: "2026-07", supported: true },
    includeFields: [],
    metafieldNamespaces: [],
    metafields: [],
    filter: null,
    name: null,
    createdAt: now,
    updatedAt: now,
  };
}

type Args = Record<string, unknown>;

function connectionArgs(args: Args): ConnectionArgs {
  return {
    first: args.first as number | null | undefined,
    last: args.last as number | null | undefined,
    after: args.after as string | null | undefined,
    before: args.before as string | null | undefined,
    reverse: args.reverse as boolean | null | undefined,
    sortKey: args.sortKey as string | null | undefined,
    filter: typeof args.query === "string" ? parseSearchQuery(args.query) : undefined,
  };
}

/** Nodes of an array-ish value: an array, or something connection-shaped ({nodes} / {edges}). */
function toArray(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (v && typeof v === "object" && !isScanSource(v)) {
    const o = v as { nodes?: unknown; edges?: unknown };
    if (Array.isArray(o.nodes)) return o.nodes;
    if (Array.isArray(o.edges)) return o.edges.map((e) => (e as { node?: unknown }).node);
  }
  if (v && typeof v === "object" && Symbol.iterator in v && !isScanSource(v)) return [...(v as Iterable<unknown>)];
  return undefined;
}

/** Apply simple search terms to in-memory records (arrays: deletion events, bulk operations, ...). */
function matchesTerms(rec: Record<string, unknown>, filter: SearchFilter, fieldMap: Record<string, string>): boolean {
  for (const t of filter) {
    const prop = fieldMap[t.field];
    if (!prop) continue; // unknown fields are ignored
    const raw = rec[prop];
    const a = raw == null ? "" : String(raw);
    const b = t.value;
    let ok: boolean;
    const cmp = a < b ? -1 : a > b ? 1 : 0;
    switch (t.op) {
      case ">":
        ok = cmp > 0;
        break;
      case ">=":
        ok = cmp >= 0;
        break;
      case "<":
        ok = cmp < 0;
        break;
      case "<=":
        ok = cmp <= 0;
        break;
      default:
        ok = a.toLowerCase() === b.toLowerCase();
    }
    if (t.negate ? ok : !ok) return false;
  }
  return true;
}

const SIXTY_DAYS_MS = 60 * 24 * 3600 * 1000;

export function createExecutor(sim: SimulatorInternals): Executor {
  const log = (line: string) => (sim.options?.log ?? ((l: string) => console.error(l)))(line);

  function collectionSource(shop: SimShop, resource: ResourceName): ScanSource {
    const col = shop.store.collection(resource);
    const base: SearchFilter = [];
    if (resource === "orders" && !shop.scopes.has("read_all_orders")) {
      base.push({ field: "created_at", op: ">=", value: new Date(Date.now() - SIXTY_DAYS_MS).toISOString() });
    }
    return scanSource((o) => col.scan(o) as Iterable<{ record: unknown; position: import("../types.js").ScanPosition }>, base);
  }

  function codeDiscountNode(rec: GqlRecord): GqlRecord | undefined {
    const d = rec.discount as { __typename?: string } | undefined;
    if (!d || typeof d.__typename !== "string" || !d.__typename.startsWith("DiscountCode")) return undefined;
    return { __typename: "DiscountCodeNode", id: rec.id.replace("/DiscountNode/", "/DiscountCodeNode/"), codeDiscount: d, events: [], metafields: [] };
  }

  function automaticDiscountNode(rec: GqlRecord): GqlRecord | undefined {
    const d = rec.discount as { __typename?: string } | undefined;
    if (!d || typeof d.__typename !== "string" || !d.__typename.startsWith("DiscountAutomatic")) return undefined;
    return { __typename: "DiscountAutomaticNode", id: rec.id.replace("/DiscountNode/", "/DiscountAutomaticNode/"), automaticDiscount: d, events: [], metafields: [] };
  }

  /** The discounts collection seen through a DiscountNode → code/automatic node mapping (lazy). */
  function discountSubsetSource(shop: SimShop, map: (r: GqlRecord) => GqlRecord | undefined): ScanSource {
    const col = shop.store.collection("discounts");
    return scanSource(function* (o) {
      for (const item of col.scan(o)) {
        const node = map(item.record);
        if (node) yield { record: node, position: item.position };
      }
    });
  }

  function firstRecord(col: Collection): GqlRecord | null {
    for (const { record } of col.scan({})) return record;
    return null;
  }

  function get(col: Collection, id: unknown): GqlRecord | null {
    return typeof id === "string" ? (col.get(id) ?? null) : null;
  }

  function count(shop: SimShop, resource: ResourceName, args: Args) {
    const filter = typeof args.query === "string" ? parseSearchQuery(args.query) : [];
    if (resource === "orders" && !shop.scopes.has("read_all_orders")) {
      filter.push({ field: "created_at", op: ">=", value: new Date(Date.now() - SIXTY_DAYS_MS).toISOString() });
    }
    const n = shop.store.collection(resource).count(filter);
    const limit = args.limit;
    if (typeof limit === "number" && n > limit) return { __typename: "Count", count: limit, precision: "AT_LEAST" };
    return { __typename: "Count", count: n, precision: "EXACT" };
  }

  function nodeById(ctx: ResolverContext, id: string): GqlRecord | null {
    const rec = ctx.pinned?.get(id) ?? ctx.shop.store.node(id) ?? codeDiscountFromGid(ctx.shop, id) ?? bulkNode(ctx.shop, id) ?? null;
    if (!rec) return null;
    const scope = TYPE_SCOPES[rec.__typename];
    if (scope && !ctx.shop.scopes.has(scope)) throw accessDenied("node", scope);
    return rec;
  }

  function codeDiscountFromGid(shop: SimShop, id: string): GqlRecord | undefined {
    if (!id.includes("/DiscountCodeNode/")) return undefined;
    const rec = shop.store.collection("discounts").get(id.replace("/DiscountCodeNode/", "/DiscountNode/"));
    return rec ? codeDiscountNode(rec) : undefined;
  }

  function bulkNode(shop: SimShop, id: string): GqlRecord | undefined {
    if (!id.includes("/BulkOperation/")) return undefined;
    try {
      return sim.bulk?.get(shop, id);
    } catch {
      return undefined;
    }
  }

  function queryRoot(ctx: ResolverContext): Record<string, unknown> {
    const { shop } = ctx;
    const store = shop.store;
    const col = (r: ResourceName) => store.collection(r);
    return {
      shop: () => store.shop(),
      orders: () => collectionSource(shop, "orders"),
      products: () => collectionSource(shop, "products"),
      customers: () => collectionSource(shop, "customers"),
      locations: () => collectionSource(shop, "locations"),
      inventoryItems: () => collectionSource(shop, "inventoryItems"),
      abandonedCheckouts: () => collectionSource(shop, "abandonedCheckouts"),
      marketingEvents: () => collectionSource(shop, "marketingEvents"),
      discountNodes: () => collectionSource(shop, "discounts"),
      codeDiscountNodes: () => discountSubsetSource(shop, codeDiscountNode),
      automaticDiscountNodes: () => discountSubsetSource(shop, automaticDiscountNode),
      automaticDiscountNode: (a: Args) => {
        const rec = typeof a.id === "string" ? col("discounts").get(a.id.replace("/DiscountAutomaticNode/", "/DiscountNode/")) : undefined;
        return rec ? (automaticDiscountNode(rec) ?? null) : null;
      },
      disputes: () => collectionSource(shop, "disputes"),
      order: (a: Args) => get(col("orders"), a.id),
      product: (a: Args) => get(col("products"), a.id),
      customer: (a: Args) => get(col("customers"), a.id),
      location: (a: Args) => (a.id == null ? firstRecord(col("locations")) : get(col("locations"), a.id)),
      inventoryItem: (a: Args) => get(col("inventoryItems"), a.id),
      marketingEvent: (a: Args) => get(col("marketingEvents"), a.id),
      discountNode: (a: Args) => get(col("discounts"), a.id),
      codeDiscountNode: (a: Args) => {
        if (typeof a.id !== "string") return null;
        const direct = codeDiscountFromGid(shop, a.id);
        if (direct) return direct;
        const rec = col("discounts").get(a.id);
        return rec ? (codeDiscountNode(rec) ?? null) : null;
      },
      dispute: (a: Args) => get(col("disputes"), a.id),
      node: (a: Args) => nodeById(ctx, String(a.id)),
      nodes: (a: Args) =>
        ((a.ids as string[]) ?? []).map((id) => {
          try {
            return nodeById(ctx, id);
          } catch (e) {
            return e as GraphQLError; // graphql-js reports an Error item at its path and nulls the item
          }
        }),
      ordersCount: (a: Args) => count(shop, "orders", a),
      productsCount: (a: Args) => count(shop, "products", a),
      customersCount: (a: Args) => count(shop, "customers", a),
      locationsCount: (a: Args) => count(shop, "locations", a),
      abandonedCheckoutsCount: (a: Args) => count(shop, "abandonedCheckouts", a),
      discountNodesCount: (a: Args) => count(shop, "discounts", a),
      deletionEvents: (a: Args) => {
        const types = a.subjectTypes as string[] | null | undefined;
        const filter = typeof a.query === "string" ? parseSearchQuery(a.query) : [];
        let events = store.deletionEvents().filter((e) => !types || types.length === 0 || types.includes(e.subjectType));
        events = events.filter((e) =>
          matchesTerms(e as unknown as Record<string, unknown>, filter, { occurred_at: "occurredAt", subject_type: "subjectType" }),
        );
        return events;
      },
      shopifyPaymentsAccount: () => {
        const shopRec = store.shop() as Record<string, unknown>;
        const currency = (shopRec.currencyCode as string) ?? shop.config.currency ?? "USD";
        const base = (shopRec.shopifyPaymentsAccount as Record<string, unknown> | undefined) ?? {};
        return {
          __typename: "ShopifyPaymentsAccount",
          id: "gid://shopify/ShopifyPaymentsAccount/1",
          activated: true,
          onboardable: false,
          country: "US",
          defaultCurrency: currency,
          accountOpenerName: null,
          balance: [{ __typename: "MoneyV2", amount: "0.00", currencyCode: currency }],
          bankAccounts: [],
          payoutSchedule: { __typename: "ShopifyPaymentsPayoutSchedule", interval: "DAILY", monthlyAnchor: null, weeklyAnchor: null },
          payoutStatementDescriptor: null,
          chargeStatementDescriptor: null,
          chargeStatementDescriptors: null,
          ...base,
          payouts: () => collectionSource(shop, "payouts"),
          disputes: () => collectionSource(shop, "disputes"),
          balanceTransactions: () => collectionSource(shop, "balanceTransactions"),
        };
      },
      shopifyqlQuery: (a: Args) =>
        runShopifyql(String(a.query ?? ""), col("orders"), {
          timeZone: ((store.shop() as Record<string, unknown>).ianaTimezone as string) ?? shop.config.ianaTimezone ?? "America/New_York",
        }),
      bulkOperation: (a: Args) => sim.bulk.get(shop, String(a.id)) ?? null,
      bulkOperations: (a: Args) => {
        const filter = typeof a.query === "string" ? parseSearchQuery(a.query) : [];
        return sim.bulk
          .list(shop)
          .filter((op) => matchesTerms(op, filter, { status: "status", operation_type: "type", created_at: "createdAt" }));
      },
      currentBulkOperation: (a: Args) => sim.bulk.current(shop, (a.type as "QUERY" | "MUTATION" | undefined) ?? "QUERY") ?? null,
      webhookSubscriptions: (a: Args) => {
        const topics = a.topics as string[] | null | undefined;
        return sim.webhooks
          .subscriptions(shop.domain)
          .map(webhookSubscriptionRecord)
          .filter((w) => !topics || topics.length === 0 || topics.includes(w.topic as string));
      },
      webhookSubscription: (a: Args) =>
        sim.webhooks
          .subscriptions(shop.domain)
          .map(webhookSubscriptionRecord)
          .find((w) => w.id === a.id || numericId(w.id) === numericId(String(a.id))) ?? null,
      webhookSubscriptionsCount: () => ({ __typename: "Count", count: sim.webhooks.subscriptions(shop.domain).length, precision: "EXACT" }),
      currentAppInstallation: () => ({
        __typename: "AppInstallation",
        id: "gid://shopify/AppInstallation/1",
        accessScopes: [...shop.scopes].map((handle) => ({ __typename: "AccessScope", handle, description: handle })),
        activeSubscriptions: [],
        subscriptions: [],
        launchUrl: `https://${shop.domain}/admin/apps/${sim.apiKey}`,
        uninstallUrl: null,
        channel: null,
        publication: null,
        app: {
          __typename: "App",
          id: "gid://shopify/App/1",
          apiKey: sim.apiKey,
          handle: "storesync",
          title: "StoreSync",
          embedded: true,
        },
      }),
    };
  }

  function mutationRoot(ctx: ResolverContext): Record<string, unknown> {
    const { shop } = ctx;
    return {
      bulkOperationRunQuery: (a: Args) => sim.bulk.runQuery(shop, String(a.query ?? ""), { groupObjects: a.groupObjects === true }),
      bulkOperationCancel: (a: Args) => sim.bulk.cancel(shop, String(a.id)),
      webhookSubscriptionCreate: (a: Args) => {
        const input = (a.webhookSubscription ?? {}) as { uri?: string | null; callbackUrl?: string | null };
        const uri = input.uri ?? input.callbackUrl;
        if (!uri) {
          return { webhookSubscription: null, userErrors: [{ __typename: "UserError", field: ["webhookSubscription", "callbackUrl"], message: "Address can't be blank" }] };
        }
        const created = sim.webhooks.createSubscription(shop.domain, normalizeTopic(String(a.topic)), uri);
        return { webhookSubscription: webhookSubscriptionRecord(created), userErrors: [] };
      },
      webhookSubscriptionDelete: (a: Args) => {
        const id = String(a.id);
        const match = sim.webhooks.subscriptions(shop.domain).find((s) => s.id === id || numericId(s.id) === numericId(id));
        if (!match || !sim.webhooks.deleteSubscription(shop.domain, match.id)) {
          return { deletedWebhookSubscriptionId: null, userErrors: [{ __typename: "UserError", field: ["id"], message: "Webhook subscription does not exist" }] };
        }
        return { deletedWebhookSubscriptionId: webhookSubscriptionRecord(match).id, userErrors: [] };
      },
    };
  }

  const fieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (source, args, ctx, info) => {
    try {
      return resolveField(source, args, ctx, info);
    } catch (e) {
      if (e instanceof GraphQLError) throw e;
      log(`[sim] resolver error at ${info.parentType.name}.${info.fieldName}: ${(e as Error)?.stack ?? String(e)}`);
      throw new GraphQLError("Internal error. Looks like something went wrong on our end.", {
        extensions: { code: "INTERNAL_SERVER_ERROR" },
        originalError: e as Error,
      });
    }
  };

  function resolveField(source: unknown, args: Args, ctx: ResolverContext, info: GraphQLResolveInfo): unknown {
    const isRoot = info.parentType === info.schema.getQueryType() || info.parentType === info.schema.getMutationType();
    if (isRoot) {
      const scope = ROOT_SCOPES[info.fieldName];
      if (scope && !ctx.shop.scopes.has(scope)) throw accessDenied(info.fieldName, scope);
    }
    const named = getNamedType(info.returnType);
    let value: unknown;
    if (source !== null && typeof source === "object") {
      value = (source as Record<string, unknown>)[info.fieldName];
      if (typeof value === "function") value = (value as (a: Args, c: ResolverContext, i: GraphQLResolveInfo) => unknown).call(source, args, ctx, info);
    }
    if (isRoot && !(source !== null && typeof source === "object" && info.fieldName in source)) {
      if (info.parentType === info.schema.getMutationType()) {
        throw new GraphQLError(`The simulator does not implement the mutation '${info.fieldName}'.`, { extensions: { code: "NOT_IMPLEMENTED" } });
      }
      throw new GraphQLError(`The simulator does not implement the field '${info.fieldName}'.`, { extensions: { code: "NOT_IMPLEMENTED" } });
    }
    if (isConnectionType(named)) {
      const cargs = connectionArgs(args);
      checkPageArgs(cargs, ctx.bulk);
      if (isScanSource(value)) return scanConnection(value, cargs, ctx.bulk);
      return arrayConnection(toArray(value) ?? [], cargs, ctx.bulk);
    }
    if (value === undefined || value === null) {
      // Lenient on missing lists: an absent non-null list is empty.
      const t = isNonNullType(info.returnType) ? info.returnType.ofType : info.returnType;
      if (isListType(t) && isNonNullType(info.returnType)) return [];
      return null;
    }
    return value;
  }

  const typeResolver: GraphQLTypeResolver<unknown, ResolverContext> = (value, _ctx, info, abstractType) => {
    if (value && typeof value === "object") {
      const tn = (value as { __typename?: unknown }).__typename;
      if (typeof tn === "string") return tn;
      // Fallbacks for records without __typename: the GID's type, or the only possible type.
      const possible = info.schema.getPossibleTypes(abstractType);
      const id = (value as { id?: unknown }).id;
      const fromGid = typeof id === "string" ? /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(id)?.[1] : undefined;
      if (fromGid && possible.some((t) => t.name === fromGid)) return fromGid;
      if (possible.length === 1) return possible[0]!.name;
    }
    return undefined;
  };

  return {
    fieldResolver,
    typeResolver,
    async execute(shop: SimShop, document: DocumentNode, variables?: Record<string, unknown>, opts?: { bulk?: boolean; pinned?: Map<string, GqlRecord>; operationName?: string }): Promise<ExecutionResult> {
      const ctx: ResolverContext = { sim, shop, bulk: !!opts?.bulk, pinned: opts?.pinned };
      const op = getOperationAST(document, opts?.operationName);
      const rootValue = op?.operation === "mutation" ? mutationRoot(ctx) : queryRoot(ctx);
      return await gqlExecute({
        schema: sim.schema,
        document,
        rootValue,
        contextValue: ctx,
        variableValues: variables ?? {},
        operationName: opts?.operationName,
        fieldResolver,
        typeResolver,
      });
    },
  };
}
