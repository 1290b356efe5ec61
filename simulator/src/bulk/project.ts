/**
 * Fast path of bulk execution: the node selection of a bulk query compiled once into a walker
 * that resolves each field with the executor's own `fieldResolver` / `typeResolver` (the same
 * resolution rules as `executor.execute`), without graphql-js's per-call parse/validate/collect
 * overhead. Anything unusual (a resolver error, a promise, a null in a non-null field) makes the
 * walker give up on that record (`ProjectionFallback`) so the caller re-runs it through the real
 * executor, which then decides — so the output can only differ where graphql-js itself would.
 *
 * Also: `buildFlattenPlan` / `flattenRecord` turn one projected (or executed) node into JSONL lines,
 * nested connection nodes becoming their own lines with `__parentId`.
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLAbstractType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  type OperationDefinitionNode,
  type SelectionSetNode,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from "graphql";

import type { ResolverContext } from "../types.js";

/** Thrown when the fast path cannot reproduce graphql-js semantics for a record. */
export class ProjectionFallback extends Error {
  constructor(reason: string) {
    super(reason);
  }
}

interface CompiledField {
  key: string;
  typename: boolean;
  def: GraphQLField<unknown, unknown> | null;
  resolve: GraphQLFieldResolver<unknown, unknown>;
  args: Record<string, unknown>;
  info: GraphQLResolveInfo;
  returnType: GraphQLOutputType;
  sub: SelectionGroup | null;
}

/** Selection sets merged for one response key; compiled lazily per runtime object type. */
class SelectionGroup {
  readonly byType = new Map<string, CompiledField[]>();
  constructor(readonly sets: readonly SelectionSetNode[]) {}
}

export interface ProjectorOptions {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  operation: OperationDefinitionNode;
  fieldResolver: GraphQLFieldResolver<unknown, ResolverContext>;
  typeResolver: GraphQLTypeResolver<unknown, ResolverContext>;
}

export type Projector = (record: unknown, ctx: ResolverContext) => Record<string, unknown>;

function included(
  node: { directives?: readonly unknown[] } & Parameters<typeof getDirectiveValues>[1],
): boolean {
  if (!node.directives?.length) return true;
  const skip = getDirectiveValues(GraphQLSkipDirective, node, {});
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, {});
  if (include?.if === false) return false;
  return true;
}

export function compileProjector(
  nodeType: GraphQLNamedType,
  nodeSelections: readonly SelectionSetNode[],
  o: ProjectorOptions,
): Projector {
  const { schema, fragments } = o;
  const root = new SelectionGroup(nodeSelections);

  function conditionMatches(typeName: string | undefined, type: GraphQLObjectType): boolean {
    if (!typeName || typeName === type.name) return true;
    const cond = schema.getType(typeName);
    return !!cond && isAbstractType(cond) && schema.isSubType(cond, type);
  }

  function collect(
    type: GraphQLObjectType,
    sets: readonly SelectionSetNode[],
  ): Map<string, FieldNode[]> {
    const out = new Map<string, FieldNode[]>();
    const visited = new Set<string>();
    const walk = (set: SelectionSetNode) => {
      for (const sel of set.selections) {
        if (!included(sel)) continue;
        if (sel.kind === Kind.FIELD) {
          const key = sel.alias?.value ?? sel.name.value;
          const list = out.get(key);
          if (list) list.push(sel);
          else out.set(key, [sel]);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          if (conditionMatches(sel.typeCondition?.name.value, type)) walk(sel.selectionSet);
        } else {
          const name = sel.name.value;
          const frag = fragments[name];
          if (!frag || visited.has(name)) continue;
          visited.add(name);
          if (conditionMatches(frag.typeCondition.name.value, type)) walk(frag.selectionSet);
        }
      }
    };
    for (const s of sets) walk(s);
    return out;
  }

  function compile(group: SelectionGroup, type: GraphQLObjectType): CompiledField[] {
    const cached = group.byType.get(type.name);
    if (cached) return cached;
    const fields: CompiledField[] = [];
    for (const [key, nodes] of collect(type, group.sets)) {
      const first = nodes[0]!;
      const name = first.name.value;
      if (name === "__typename") {
        fields.push({
          key,
          typename: true,
          def: null,
          resolve: () => type.name,
          args: {},
          info: undefined as unknown as GraphQLResolveInfo,
          returnType: schema.getType("String") as GraphQLOutputType,
          sub: null,
        });
        continue;
      }
      const def = type.getFields()[name];
      if (!def) throw new ProjectionFallback(`unknown field ${type.name}.${name}`);
      const subsets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      const info: GraphQLResolveInfo = {
        fieldName: name,
        fieldNodes: nodes,
        returnType: def.type,
        parentType: type,
        path: { prev: undefined, key, typename: type.name },
        schema,
        fragments,
        rootValue: undefined,
        operation: o.operation,
        variableValues: {},
      };
      fields.push({
        key,
        typename: false,
        def: def as GraphQLField<unknown, unknown>,
        resolve: (def.resolve ?? o.fieldResolver) as GraphQLFieldResolver<unknown, unknown>,
        args: getArgumentValues(def, first, {}),
        info,
        returnType: def.type,
        sub: subsets.length ? new SelectionGroup(subsets) : null,
      });
    }
    group.byType.set(type.name, fields);
    return fields;
  }

  function isThenable(v: unknown): boolean {
    return (
      typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function"
    );
  }

  function completeObject(
    type: GraphQLObjectType,
    group: SelectionGroup,
    source: unknown,
    ctx: ResolverContext,
  ): Record<string, unknown> {
    const fields = compile(group, type);
    const result: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.typename) {
        result[f.key] = type.name;
        continue;
      }
      let value: unknown;
      try {
        value = f.resolve(source, f.args, ctx, f.info);
      } catch (error) {
        throw new ProjectionFallback(
          `resolver error at ${type.name}.${f.info.fieldName}: ${(error as Error).message}`,
        );
      }
      if (isThenable(value))
        throw new ProjectionFallback(`async resolver at ${type.name}.${f.info.fieldName}`);
      result[f.key] = complete(f.returnType, value, f, ctx);
    }
    return result;
  }

  function complete(
    type: GraphQLOutputType,
    value: unknown,
    f: CompiledField,
    ctx: ResolverContext,
  ): unknown {
    if (value instanceof Error) throw new ProjectionFallback(`error value at ${f.info.fieldName}`);
    if (isNonNullType(type)) {
      const inner = complete(type.ofType, value, f, ctx);
      if (inner === null)
        throw new ProjectionFallback(`null in non-null field ${f.info.fieldName}`);
      return inner;
    }
    if (value === null || value === undefined) return null;
    if (isListType(type)) {
      if (typeof value !== "object" || !(Symbol.iterator in (value as object))) {
        throw new ProjectionFallback(`non-iterable list at ${f.info.fieldName}`);
      }
      const out: unknown[] = [];
      for (const item of value as Iterable<unknown>) {
        if (isThenable(item))
          throw new ProjectionFallback(`async list item at ${f.info.fieldName}`);
        out.push(complete(type.ofType, item, f, ctx));
      }
      return out;
    }
    if (isLeafType(type)) {
      let serialized: unknown;
      try {
        serialized = type.serialize(value);
      } catch (error) {
        throw new ProjectionFallback(
          `serialize error at ${f.info.fieldName}: ${(error as Error).message}`,
        );
      }
      if (serialized === undefined)
        throw new ProjectionFallback(`unserializable value at ${f.info.fieldName}`);
      return serialized;
    }
    if (!f.sub) throw new ProjectionFallback(`composite without selection at ${f.info.fieldName}`);
    if (isAbstractType(type)) {
      const runtime = resolveRuntimeType(type, value, ctx, f.info);
      return completeObject(runtime, f.sub, value, ctx);
    }
    if (isObjectType(type)) return completeObject(type, f.sub, value, ctx);
    throw new ProjectionFallback(`unexpected type at ${f.info.fieldName}`);
  }

  function resolveRuntimeType(
    type: GraphQLAbstractType,
    value: unknown,
    ctx: ResolverContext,
    info: GraphQLResolveInfo,
  ): GraphQLObjectType {
    const resolver = (type.resolveType ?? o.typeResolver) as GraphQLTypeResolver<
      unknown,
      ResolverContext
    >;
    const name = resolver(value, ctx, info, type);
    if (isThenable(name)) throw new ProjectionFallback("async type resolver");
    const runtime = typeof name === "string" ? schema.getType(name) : undefined;
    if (!runtime || !isObjectType(runtime) || !schema.isSubType(type, runtime)) {
      throw new ProjectionFallback(`cannot resolve runtime type of ${type.name}`);
    }
    return runtime;
  }

  return (record, ctx) => {
    let type: GraphQLObjectType;
    if (isObjectType(nodeType)) type = nodeType;
    else if (isAbstractType(nodeType)) {
      const info = {
        fieldName: "node",
        returnType: nodeType,
        schema,
      } as unknown as GraphQLResolveInfo;
      type = resolveRuntimeType(nodeType, record, ctx, info);
    } else throw new ProjectionFallback("node type is not composite");
    return completeObject(type, root, record, ctx);
  };
}

// ---------------------------------------------------------------------------------------------
// Flattening into JSONL lines

/** Where connections sit inside one node's result object (only keys that lead to a connection). */
export interface FlattenPlan {
  entries: { key: string; connection: boolean; plan: FlattenPlan | null }[];
}

function isConnectionType(type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  return isObjectType(named) && named.name.endsWith("Connection") && "edges" in named.getFields();
}

/** Builds the flatten plan of a node selection (looking through all fragments of any type). */
export function buildFlattenPlan(
  schema: GraphQLSchema,
  sets: readonly SelectionSetNode[],
  parentType: GraphQLNamedType,
  fragments: Record<string, FragmentDefinitionNode>,
): FlattenPlan | null {
  const byKey = new Map<string, { nodes: FieldNode[]; parent: GraphQLNamedType }>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode, parent: GraphQLNamedType) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        const e = byKey.get(key);
        if (e) e.nodes.push(sel);
        else byKey.set(key, { nodes: [sel], parent });
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(
          sel.selectionSet,
          sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) ?? parent) : parent,
        );
      } else {
        const frag = fragments[sel.name.value];
        if (!frag || seen.has(sel.name.value)) continue;
        seen.add(sel.name.value);
        walk(frag.selectionSet, schema.getType(frag.typeCondition.name.value) ?? parent);
      }
    }
  };
  for (const s of sets) walk(s, parentType);
  const entries: FlattenPlan["entries"] = [];
  for (const [key, { nodes, parent }] of byKey) {
    const first = nodes[0]!;
    if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
    const def = parent.getFields()[first.name.value];
    if (!def) continue;
    const subsets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
    if (!subsets.length) continue;
    const named = getNamedType(def.type);
    if (isConnectionType(def.type)) {
      const conn = named as GraphQLObjectType;
      const edgeType = getNamedType(conn.getFields().edges!.type) as GraphQLObjectType;
      const nodeType = getNamedType(edgeType.getFields().node!.type);
      const nodeSets: SelectionSetNode[] = [];
      for (const s of subsets) {
        for (const sel of s.selections) {
          if (sel.kind === Kind.FIELD && sel.name.value === "edges" && sel.selectionSet) {
            for (const es of sel.selectionSet.selections) {
              if (es.kind === Kind.FIELD && es.name.value === "node" && es.selectionSet)
                nodeSets.push(es.selectionSet);
            }
          }
        }
      }
      entries.push({
        key,
        connection: true,
        plan: buildFlattenPlan(schema, nodeSets, nodeType, fragments) ?? { entries: [] },
      });
    } else if (isCompositeType(named)) {
      const sub = buildFlattenPlan(schema, subsets, named, fragments);
      if (sub) entries.push({ key, connection: false, plan: sub });
    }
  }
  return entries.length ? { entries } : null;
}

/** One node's JSONL lines: the node first, then each nested connection node (with `__parentId`), depth first. */
export function flattenRecord(
  obj: Record<string, unknown>,
  plan: FlattenPlan | null,
  parentId: string | null,
): string[] {
  const children: string[] = [];
  if (plan) extract(obj, plan, obj.id as string | undefined, children);
  if (parentId !== null) obj.__parentId = parentId;
  children.unshift(JSON.stringify(obj));
  return children;
}

function extract(
  obj: Record<string, unknown>,
  plan: FlattenPlan,
  ownerId: string | undefined,
  out: string[],
): void {
  for (const entry of plan.entries) {
    const v = obj[entry.key];
    if (v === null || v === undefined || typeof v !== "object") continue;
    if (entry.connection) {
      delete obj[entry.key];
      const edges = (v as { edges?: unknown }).edges;
      if (!Array.isArray(edges)) continue;
      for (const edge of edges) {
        const node = (edge as { node?: unknown } | null)?.node;
        if (!node || typeof node !== "object") continue;
        const lines = flattenRecord(node as Record<string, unknown>, entry.plan, ownerId ?? null);
        for (const l of lines) out.push(l);
      }
    } else if (entry.plan) {
      extract(v as Record<string, unknown>, entry.plan, ownerId, out);
    }
  }
}
