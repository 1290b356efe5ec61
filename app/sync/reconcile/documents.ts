/**
 * Documents of reconciliation.
 *
 * Refetching drifted records uses `nodes(ids:)` with exactly the fields the resource's own sync
 * reads, so a healed record refines to the same rows as a backfilled one. That query is DERIVED
 * from the resource's document instead of written a second time: bulk resources from their bulk
 * query (nested `x { edges { node … } }` connections become inline `x(first: $childFirst)
 * { pageInfo … nodes … }`), paginated resources from their page query. The fragments come along
 * unchanged. `documents.test.ts` next to this file validates every derived document against the
 * Admin schema 2026-07.
 */
import {
  Kind,
  parse,
  print,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from "graphql";
import type { ResourceDefinition } from "../resources/types";

/** Cheap existence check of records reported as zombies. */
export const NODES_EXIST_QUERY = `#graphql
  query ReconcileNodesExist($ids: [ID!]!) {
    nodes(ids: $ids) { id }
  }
`;

/** Product deletions with their real time (products' zombies take deletedAt from here). */
export const DELETION_EVENTS_QUERY = `#graphql
  query ReconcileDeletionEvents($first: Int!, $after: String, $query: String) {
    deletionEvents(first: $first, after: $after, query: $query, subjectTypes: [PRODUCT]) {
      pageInfo { hasNextPage endCursor }
      nodes { occurredAt subjectId subjectType }
    }
  }
`;

export interface DeletionEventNode {
  occurredAt: string;
  subjectId: string;
  subjectType: string;
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const field = (
  n: string,
  selections?: readonly SelectionNode[],
  args: ArgumentNode[] = [],
): FieldNode => ({
  kind: Kind.FIELD,
  name: name(n),
  arguments: args,
  directives: [],
  ...(selections ? { selectionSet: { kind: Kind.SELECTION_SET, selections } } : {}),
});

function childField(sel: SelectionSetNode | undefined, n: string): FieldNode | undefined {
  return sel?.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === n);
}

/** `x { edges { node { … } } }` → `x(first: $childFirst) { pageInfo { hasNextPage endCursor } nodes { … } }`. */
function inlineConnections(node: SelectionSetNode | FragmentDefinitionNode): {
  result: typeof node;
  used: boolean;
} {
  let used = false;
  const result = visit(node, {
    Field: {
      leave(f: FieldNode) {
        const edges = childField(f.selectionSet, "edges");
        const inner = childField(edges?.selectionSet, "node");
        if (!edges || !inner?.selectionSet) return undefined;
        used = true;
        const hasFirst = (f.arguments ?? []).some((a) => a.name.value === "first");
        const args: ArgumentNode[] = [
          ...(f.arguments ?? []).filter(
            (a) => a.name.value !== "query" || a.value.kind !== Kind.STRING || a.value.value !== "",
          ),
          ...(hasFirst
            ? []
            : [
                {
                  kind: Kind.ARGUMENT,
                  name: name("first"),
                  value: { kind: Kind.VARIABLE, name: name("childFirst") },
                } as ArgumentNode,
              ]),
        ];
        return {
          ...f,
          arguments: args,
          selectionSet: {
            kind: Kind.SELECTION_SET,
            selections: [
              field("pageInfo", [field("hasNextPage"), field("endCursor")]),
              field("nodes", inner.selectionSet.selections),
            ],
          },
        } satisfies FieldNode;
      },
    },
  });
  return { result, used };
}

/** The node selection of the root connection at `path` (edges.node or nodes). */
function rootNodeSelection(op: OperationDefinitionNode, path: readonly string[]): SelectionSetNode {
  let sel: SelectionSetNode | undefined = op.selectionSet;
  for (const segment of path) sel = childField(sel, segment)?.selectionSet;
  const viaNodes = childField(sel, "nodes")?.selectionSet;
  const viaEdges = childField(childField(sel, "edges")?.selectionSet, "node")?.selectionSet;
  const out = viaNodes ?? viaEdges;
  if (!out) throw new Error(`reconcile: no node selection at ${path.join(".")}`);
  return out;
}

const derived = new Map<string, string>();

/**
 * `query Reconcile<Type>Nodes($ids: [ID!]![, $childFirst: Int!]) { nodes(ids: $ids) { __typename
 * ... on <Type> { <the resource's node fields> } } }` plus the fragments it uses.
 */
export function nodesQueryFor(def: ResourceDefinition): string {
  const cached = derived.get(def.key);
  if (cached) return cached;
  const source: DocumentNode = parse(def.fetchMode === "bulk" ? def.bulkQuery() : def.pageQuery);
  const op = source.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (!op) throw new Error(`reconcile: ${def.key} has no operation`);
  let usesChildFirst = false;
  const selection = inlineConnections(rootNodeSelection(op, def.connectionPath));
  usesChildFirst ||= selection.used;
  const fragments = source.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
    .map((f) => {
      const r = inlineConnections(f);
      usesChildFirst ||= r.used;
      return r.result as FragmentDefinitionNode;
    });
  const typeName = def.rootGidType;
  const variables = [`$ids: [ID!]!`, ...(usesChildFirst ? ["$childFirst: Int!"] : [])].join(", ");
  const body = print(selection.result as SelectionSetNode);
  const text =
    `query Reconcile${typeName}Nodes(${variables}) {\n  nodes(ids: $ids) {\n    __typename\n    ... on ${typeName} ${body}\n  }\n}\n` +
    fragments.map((f) => print(f)).join("\n");
  derived.set(def.key, text);
  return text;
}

/** Whether the derived query of `def` takes `$childFirst`. */
export function takesChildFirst(def: ResourceDefinition): boolean {
  return nodesQueryFor(def).includes("$childFirst: Int!");
}

/** True when a fetched node holds an inline connection that was cut at `first` (it needs the bulk path). */
export function hasTruncatedConnection(value: unknown, depth = 0): boolean {
  if (!value || typeof value !== "object" || depth > 6) return false;
  if (Array.isArray(value)) return value.some((v) => hasTruncatedConnection(v, depth + 1));
  const o = value as Record<string, unknown>;
  const info = o.pageInfo as { hasNextPage?: unknown } | undefined;
  if (info && info.hasNextPage === true) return true;
  return Object.values(o).some(
    (v) => v && typeof v === "object" && hasTruncatedConnection(v, depth + 1),
  );
}
