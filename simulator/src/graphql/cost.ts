/**
 * Shopify's calculated query cost and the per-shop leaky bucket.
 *
 * Requested cost (static, before execution): scalars and enums 0, objects 1, interfaces/unions the
 * maximum of their possible selections, connections 2 + (first|last) × cost of one node (edges.node /
 * nodes; pageInfo and edge objects are free), nested connections multiply, lists of objects cost
 * their item selection once (× first when the field takes `first`), every top-level mutation field 10.
 * Actual cost: same rules over what was returned (a connection costs 2 + the sum of its returned nodes).
 */
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { CostBucket, ShopConfig } from "../types.js";

export const MAX_QUERY_COST = 1000;
export const BUCKET_MAXIMUM = 2000;
export const RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits";

export function restoreRateForPlan(plan: ShopConfig["plan"]): number {
  switch (plan) {
    case "advanced":
      return 200;
    case "plus":
      return 1000;
    default:
      return 100; // Standard (Basic / Shopify / Grow)
  }
}

/** A leaky bucket restored lazily by elapsed time. `now` is injectable (tests). */
export function createCostBucket(opts: { restoreRate: number; maximumAvailable?: number; now?: () => number }): CostBucket {
  const now = opts.now ?? Date.now;
  const maximumAvailable = opts.maximumAvailable ?? BUCKET_MAXIMUM;
  let level = maximumAvailable;
  let at = now();
  const settle = (nowMs: number) => {
    if (nowMs > at) {
      level = Math.min(maximumAvailable, level + ((nowMs - at) / 1000) * bucket.restoreRate);
      at = nowMs;
    }
  };
  const bucket: CostBucket = {
    maximumAvailable,
    restoreRate: opts.restoreRate,
    available(nowMs = now()) {
      settle(nowMs);
      return Math.floor(level);
    },
    take(points, nowMs = now()) {
      settle(nowMs);
      if (points > level) return false;
      level -= points;
      return true;
    },
    refund(points) {
      settle(now());
      if (points > 0) level = Math.min(maximumAvailable, level + points);
    },
    drain() {
      settle(now());
      level = 0;
    },
  };
  return bucket;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export function costExtension(bucket: CostBucket, requested: number, actual: number | null, nowMs?: number): CostExtension {
  return {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: {
      maximumAvailable: bucket.maximumAvailable,
      currentlyAvailable: bucket.available(nowMs),
      restoreRate: bucket.restoreRate,
    },
  };
}

export function throttledError() {
  return { message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMITS_DOC } };
}

export function maxCostExceededError(cost: number, maxCost = MAX_QUERY_COST) {
  return {
    message:
      `Query cost is ${cost}, which exceeds the single query max cost limit (${maxCost}).\n\n` +
      "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n" +
      "cost of a query is calculated.\n\n" +
      "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
      "See https://shopify.dev/api/usage/bulk-operations/queries for usage details.\n",
    extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost, documentation: RATE_LIMITS_DOC },
  };
}

// ---------------------------------------------------------------------------------------------
// Cost analysis
// ---------------------------------------------------------------------------------------------

/** A connection type: object type named *Connection with edges/nodes and pageInfo. */
export function isConnectionType(t: GraphQLNamedType): t is GraphQLObjectType {
  if (!isObjectType(t) || !t.name.endsWith("Connection")) return false;
  const f = t.getFields();
  return ("edges" in f || "nodes" in f) && "pageInfo" in f;
}

interface Ctx {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function getOperation(doc: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return ops.find((o) => o.name?.value === operationName);
  return ops[0];
}

function argValue(node: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  return valueFromASTUntyped(arg.value, variables);
}

function isSkipped(node: { directives?: readonly import("graphql").DirectiveNode[] }, variables: Record<string, unknown>): boolean {
  for (const d of node.directives ?? []) {
    const ifArg = d.arguments?.find((a) => a.name.value === "if");
    if (!ifArg) continue;
    const v = valueFromASTUntyped(ifArg.value, variables);
    if (d.name.value === "skip" && v === true) return true;
    if (d.name.value === "include" && v === false) return true;
  }
  return false;
}

/** Fields of a selection set split into "applies to every type" and per-fragment branches. */
function splitSelections(
  sel: SelectionSetNode,
  ctx: Ctx,
): { direct: FieldNode[]; branches: { typeCondition?: string; selectionSet: SelectionSetNode }[] } {
  const direct: FieldNode[] = [];
  const branches: { typeCondition?: string; selectionSet: SelectionSetNode }[] = [];
  for (const s of sel.selections) {
    if (isSkipped(s, ctx.variables)) continue;
    if (s.kind === Kind.FIELD) direct.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) branches.push({ typeCondition: s.typeCondition?.name.value, selectionSet: s.selectionSet });
    else {
      const frag = ctx.fragments[s.name.value];
      if (frag) branches.push({ typeCondition: frag.typeCondition.name.value, selectionSet: frag.selectionSet });
    }
  }
  return { direct, branches };
}

function fieldDef(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  return undefined;
}

/** Static cost of a selection on `parent`. */
function staticSelection(parent: GraphQLCompositeType, sel: SelectionSetNode, ctx: Ctx): number {
  const { direct, branches } = splitSelections(sel, ctx);
  let total = 0;
  for (const f of direct) total += staticField(parent, f, ctx);
  let maxBranch = 0;
  for (const b of branches) {
    const t = (b.typeCondition ? ctx.schema.getType(b.typeCondition) : parent) as GraphQLCompositeType | undefined;
    if (!t) continue;
    maxBranch = Math.max(maxBranch, staticSelection(t, b.selectionSet, ctx));
  }
  return total + maxBranch;
}

function pageSize(node: FieldNode, ctx: Ctx): number {
  const first = argValue(node, "first", ctx.variables);
  const last = argValue(node, "last", ctx.variables);
  const n = typeof first === "number" ? first : typeof last === "number" ? last : 0;
  return Math.max(0, n);
}

/** Every field named `name` in a selection, through fragments. */
function collectFields(sel: SelectionSetNode, name: string, ctx: Ctx): FieldNode[] {
  const { direct, branches } = splitSelections(sel, ctx);
  const out = direct.filter((f) => f.name.value === name);
  for (const b of branches) out.push(...collectFields(b.selectionSet, name, ctx));
  return out;
}

/** Cost of one node of a connection: the max of edges.node and nodes selections (1 + sub-selection). */
function staticConnectionNode(conn: GraphQLObjectType, sel: SelectionSetNode, ctx: Ctx): number {
  const fields = conn.getFields();
  let best = 0;
  if (fields.nodes) {
    const nodeType = getNamedType(fields.nodes.type) as GraphQLCompositeType;
    for (const f of collectFields(sel, "nodes", ctx)) {
      best = Math.max(best, 1 + (f.selectionSet ? staticSelection(nodeType, f.selectionSet, ctx) : 0));
    }
  }
  if (fields.edges) {
    const edgeType = getNamedType(fields.edges.type) as GraphQLObjectType;
    const nodeType = getNamedType(edgeType.getFields().node!.type) as GraphQLCompositeType;
    for (const e of collectFields(sel, "edges", ctx)) {
      if (!e.selectionSet) continue;
      for (const n of collectFields(e.selectionSet, "node", ctx)) {
        best = Math.max(best, 1 + (n.selectionSet ? staticSelection(nodeType, n.selectionSet, ctx) : 0));
      }
    }
  }
  return best;
}

function staticField(parent: GraphQLCompositeType, node: FieldNode, ctx: Ctx): number {
  if (node.name.value.startsWith("__")) return 0;
  const def = fieldDef(parent, node.name.value);
  if (!def) return 0;
  const named = getNamedType(def.type);
  if (isLeafType(named)) return 0;
  if (isConnectionType(named)) {
    if (!node.selectionSet) return 2;
    return 2 + pageSize(node, ctx) * staticConnectionNode(named, node.selectionSet, ctx);
  }
  const sub = node.selectionSet ? staticSelection(named as GraphQLCompositeType, node.selectionSet, ctx) : 0;
  const one = 1 + sub;
  const nullable = getNullableType(def.type);
  if (isListType(nullable)) {
    if (def.args.some((a) => a.name === "first")) {
      const n = argValue(node, "first", ctx.variables);
      return typeof n === "number" ? Math.max(0, n) * one : one;
    }
    const ids = argValue(node, "ids", ctx.variables);
    if (Array.isArray(ids)) return ids.length * one;
  }
  return one;
}

export interface CostAnalysis {
  requested: number;
  isMutation: boolean;
}

/** Requested (static) cost of the selected operation. */
export function calculateRequestedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string | null,
): CostAnalysis {
  const op = getOperation(document, operationName);
  if (!op) return { requested: 0, isMutation: false };
  const ctx: Ctx = { schema, fragments: fragmentsOf(document), variables };
  if (op.operation === "mutation") {
    const { direct } = splitSelections(op.selectionSet, ctx);
    return { requested: 10 * Math.max(1, direct.filter((f) => !f.name.value.startsWith("__")).length), isMutation: true };
  }
  const root = op.operation === "subscription" ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return { requested: 0, isMutation: false };
  return { requested: staticSelection(root, op.selectionSet, ctx), isMutation: false };
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
  return out;
}

// ---- actual cost: walk the returned data along the selection ----

function actualSelection(parent: GraphQLCompositeType, sel: SelectionSetNode, value: Record<string, unknown>, ctx: Ctx, seen: Set<string>): number {
  const { direct, branches } = splitSelections(sel, ctx);
  let total = 0;
  for (const f of direct) {
    const key = f.alias?.value ?? f.name.value;
    if (seen.has(key) || !(key in value)) continue;
    seen.add(key);
    total += actualField(parent, f, value[key], ctx);
  }
  for (const b of branches) {
    const t = (b.typeCondition ? ctx.schema.getType(b.typeCondition) : parent) as GraphQLCompositeType | undefined;
    if (!t) continue;
    total += actualSelection(t, b.selectionSet, value, ctx, seen);
  }
  return total;
}

function actualObject(type: GraphQLCompositeType, sel: SelectionSetNode | undefined, value: unknown, ctx: Ctx): number {
  if (value === null || value === undefined || typeof value !== "object") return 0;
  let t = type;
  const tn = (value as { __typename?: unknown }).__typename;
  if (isAbstractType(type) && typeof tn === "string") {
    const concrete = ctx.schema.getType(tn);
    if (concrete && isObjectType(concrete)) t = concrete;
  }
  return 1 + (sel ? actualSelection(t, sel, value as Record<string, unknown>, ctx, new Set()) : 0);
}

function actualConnection(conn: GraphQLObjectType, sel: SelectionSetNode, value: unknown, ctx: Ctx): number {
  if (!value || typeof value !== "object") return 0;
  const v = value as Record<string, unknown>;
  const fields = conn.getFields();
  let best = 0;
  if (fields.nodes) {
    const nodeType = getNamedType(fields.nodes.type) as GraphQLCompositeType;
    for (const f of collectFields(sel, "nodes", ctx)) {
      const items = v[f.alias?.value ?? f.name.value];
      if (!Array.isArray(items)) continue;
      let sum = 0;
      for (const it of items) sum += actualObject(nodeType, f.selectionSet, it, ctx);
      best = Math.max(best, sum);
    }
  }
  if (fields.edges) {
    const edgeType = getNamedType(fields.edges.type) as GraphQLObjectType;
    const nodeType = getNamedType(edgeType.getFields().node!.type) as GraphQLCompositeType;
    for (const e of collectFields(sel, "edges", ctx)) {
      const items = v[e.alias?.value ?? e.name.value];
      if (!Array.isArray(items) || !e.selectionSet) continue;
      const nodeFields = collectFields(e.selectionSet, "node", ctx);
      let sum = 0;
      for (const it of items) {
        if (!it || typeof it !== "object") continue;
        let nodeCost = 0;
        for (const nf of nodeFields) {
          nodeCost = Math.max(nodeCost, actualObject(nodeType, nf.selectionSet, (it as Record<string, unknown>)[nf.alias?.value ?? nf.name.value], ctx));
        }
        sum += nodeCost;
      }
      best = Math.max(best, sum);
    }
  }
  return 2 + best;
}

function actualField(parent: GraphQLCompositeType, node: FieldNode, value: unknown, ctx: Ctx): number {
  if (node.name.value.startsWith("__")) return 0;
  const def = fieldDef(parent, node.name.value);
  if (!def) return 0;
  const named = getNamedType(def.type);
  if (isLeafType(named)) return 0;
  if (isConnectionType(named)) {
    if (value === null || value === undefined) return 0;
    return node.selectionSet ? actualConnection(named, node.selectionSet, value, ctx) : 2;
  }
  if (Array.isArray(value)) {
    let sum = 0;
    for (const it of value) sum += actualObject(named as GraphQLCompositeType, node.selectionSet, it, ctx);
    return sum;
  }
  return actualObject(named as GraphQLCompositeType, node.selectionSet, value, ctx);
}

/** Actual cost of an executed operation from its returned data (never above requested for queries). */
export function calculateActualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  data: Record<string, unknown> | null | undefined,
  variables: Record<string, unknown> = {},
  operationName?: string | null,
): number {
  const op = getOperation(document, operationName);
  if (!op) return 0;
  const ctx: Ctx = { schema, fragments: fragmentsOf(document), variables };
  if (op.operation === "mutation") return calculateRequestedCost(schema, document, variables, operationName).requested;
  const root = schema.getQueryType();
  if (!root || !data) return 0;
  return actualSelection(root, op.selectionSet, data, ctx, new Set());
}
