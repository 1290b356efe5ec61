/**
 * Parses and checks a bulk query the way Shopify does (bulkOperationRunQuery):
 * GraphQL syntax + validation against the real schema, then the bulk rules
 * (at least one connection, at most 5, nesting depth at most 2, `edges { node }` only,
 * a nested connection's parent node selects `id`, no connection inside a list, no top-level `node`).
 * Messages follow the ones Shopify returns (captured responses), code INVALID, field ["query"].
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  GraphQLError,
  Kind,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  parse,
  validate,
} from "graphql";

import type { BulkUserError } from "../types.js";

/** Shopify stores at most this many bytes of query text. */
export const MAX_QUERY_BYTES = 65_535;
export const MAX_CONNECTIONS = 5;
export const MAX_CONNECTION_DEPTH = 2;

/** A connection field found in the query, with the connections nested in its nodes. */
export interface ConnectionInfo {
  /** Field name (not alias). */
  name: string;
  /** 1 for the root connection, 2 for connections inside its nodes. */
  depth: number;
  children: ConnectionInfo[];
}

export interface BulkPlan {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  /** The single top-level field of the query. */
  rootField: FieldNode;
  rootFieldDef: GraphQLField<unknown, unknown>;
  /** Whether the root field itself is a connection (orders, products, ...). */
  rootIsConnection: boolean;
  /** Named type of the root connection's nodes (e.g. Order) when rootIsConnection. */
  nodeType: GraphQLNamedType | null;
  /** Selections of `edges { node { ... } }` of the root connection (all occurrences). */
  nodeSelections: SelectionSetNode[];
  connections: ConnectionInfo[];
  connectionCount: number;
}

export type BulkQueryCheck =
  { ok: true; plan: BulkPlan } | { ok: false; userErrors: BulkUserError[] };

function invalid(message: string): BulkUserError {
  return { field: ["query"], message, code: "INVALID" };
}

/** Turns graphql-js wording into Shopify's (graphql-ruby) wording for the common cases. */
function shopifyValidationMessage(error: GraphQLError): string {
  const m = error.message;
  let match = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(m);
  if (match) return `Field '${match[1]}' doesn't exist on type '${match[2]}'`;
  match = /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./.exec(m);
  if (match) return `Field '${match[3]}' doesn't accept argument '${match[1]}'`;
  match = /^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields\./.exec(m);
  if (match)
    return `Field must have selections (field '${match[1]}' returns ${match[2].replace(/[![\]]/g, "")} but has no selections. Did you mean '${match[1]} { ... }'?)`;
  match = /^Field "([^"]+)" must not have a selection since type "([^"]+)" has no subfields\./.exec(
    m,
  );
  if (match)
    return `Selections can't be made on scalars (field '${match[1]}' returns ${match[2]} but has selections [...])`;
  return m;
}

function isConnectionType(type: GraphQLOutputType): boolean {
  const named = getNamedType(type);
  return isObjectType(named) && named.name.endsWith("Connection") && "edges" in named.getFields();
}

function unwrapListDepth(type: GraphQLOutputType): boolean {
  let t: GraphQLOutputType = type;
  if (isNonNullType(t)) t = t.ofType;
  return isListType(t);
}

interface FieldWithParent {
  node: FieldNode;
  parentType: GraphQLNamedType;
}

/** Fields of a selection set, looking through inline fragments and fragment spreads. */
function fieldsOf(
  schema: GraphQLSchema,
  selectionSet: SelectionSetNode,
  parentType: GraphQLNamedType,
  fragments: Record<string, FragmentDefinitionNode>,
  out: FieldWithParent[] = [],
  seenSpreads: Set<string> = new Set(),
): FieldWithParent[] {
  for (const sel of selectionSet.selections) {
    if (sel.kind === Kind.FIELD) out.push({ node: sel, parentType });
    else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const t = sel.typeCondition
        ? (schema.getType(sel.typeCondition.name.value) ?? parentType)
        : parentType;
      fieldsOf(schema, sel.selectionSet, t, fragments, out, seenSpreads);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = fragments[sel.name.value];
      if (!frag || seenSpreads.has(sel.name.value)) continue;
      seenSpreads.add(sel.name.value);
      const t = schema.getType(frag.typeCondition.name.value) ?? parentType;
      fieldsOf(schema, frag.selectionSet, t, fragments, out, seenSpreads);
    }
  }
  return out;
}

function fieldDef(
  parentType: GraphQLNamedType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(parentType) || isInterfaceType(parentType)) return parentType.getFields()[name];
  return undefined;
}

interface Analysis {
  connectionCount: number;
  maxDepth: number;
  nodesConnections: string[];
  withoutParentId: string[];
  connectionInList: boolean;
  connections: ConnectionInfo[];
}

/**
 * Walks a selection set of `parentType`, finding connections.
 * `depth` = number of connections enclosing this selection; `inList` = under a list field
 * (not a connection) since the nearest connection node.
 */
function analyze(
  schema: GraphQLSchema,
  fragments: Record<string, FragmentDefinitionNode>,
  selectionSet: SelectionSetNode,
  parentType: GraphQLNamedType,
  depth: number,
  inList: boolean,
  a: Analysis,
  into: ConnectionInfo[],
): void {
  for (const { node, parentType: pt } of fieldsOf(schema, selectionSet, parentType, fragments)) {
    const def = fieldDef(pt, node.name.value);
    if (!def || !node.selectionSet) continue;
    if (isConnectionType(def.type)) {
      a.connectionCount++;
      const info: ConnectionInfo = { name: node.name.value, depth: depth + 1, children: [] };
      into.push(info);
      a.maxDepth = Math.max(a.maxDepth, depth + 1);
      if (inList) a.connectionInList = true;
      const connType = getNamedType(def.type) as GraphQLObjectType;
      for (const { node: cf, parentType: cpt } of fieldsOf(
        schema,
        node.selectionSet,
        connType,
        fragments,
      )) {
        const cdef = fieldDef(cpt, cf.name.value);
        if (!cdef || !cf.selectionSet) continue;
        if (cf.name.value === "nodes") {
          if (!a.nodesConnections.includes(node.name.value))
            a.nodesConnections.push(node.name.value);
          continue;
        }
        if (cf.name.value !== "edges") continue;
        const edgeType = getNamedType(cdef.type);
        for (const { node: ef, parentType: ept } of fieldsOf(
          schema,
          cf.selectionSet,
          edgeType,
          fragments,
        )) {
          if (ef.name.value !== "node" || !ef.selectionSet) continue;
          const ndef = fieldDef(ept, "node");
          if (!ndef) continue;
          const nodeType = getNamedType(ndef.type);
          // Nested connections under this node need the node's own (unaliased) `id`.
          const nodeFields = fieldsOf(schema, ef.selectionSet, nodeType, fragments);
          const hasId = nodeFields.some((f) => f.node.name.value === "id" && !f.node.alias);
          const before = a.connectionCount;
          analyze(schema, fragments, ef.selectionSet, nodeType, depth + 1, false, a, info.children);
          if (
            a.connectionCount > before &&
            !hasId &&
            !a.withoutParentId.includes(node.name.value)
          ) {
            a.withoutParentId.push(node.name.value);
          }
        }
      }
      continue;
    }
    analyze(
      schema,
      fragments,
      node.selectionSet,
      getNamedType(def.type),
      depth,
      inList || unwrapListDepth(def.type),
      a,
      into,
    );
  }
}

/** `edges { node { ... } }` selection sets of a connection field (all occurrences, through fragments). */
export function edgeNodeSelections(
  schema: GraphQLSchema,
  connectionField: FieldNode,
  connectionType: GraphQLNamedType,
  fragments: Record<string, FragmentDefinitionNode>,
): SelectionSetNode[] {
  const out: SelectionSetNode[] = [];
  if (!connectionField.selectionSet) return out;
  for (const { node: cf, parentType } of fieldsOf(
    schema,
    connectionField.selectionSet,
    connectionType,
    fragments,
  )) {
    if (cf.name.value !== "edges" || !cf.selectionSet) continue;
    const def = fieldDef(parentType, "edges");
    if (!def) continue;
    for (const { node: ef } of fieldsOf(
      schema,
      cf.selectionSet,
      getNamedType(def.type),
      fragments,
    )) {
      if (ef.name.value === "node" && ef.selectionSet) out.push(ef.selectionSet);
    }
  }
  return out;
}

export function checkBulkQuery(schema: GraphQLSchema, query: string): BulkQueryCheck {
  if (query.trim() === "") {
    return {
      ok: false,
      userErrors: [invalid("Invalid bulk query: syntax error, unexpected end of file")],
    };
  }
  const bytes = Buffer.byteLength(query, "utf8");
  if (bytes > MAX_QUERY_BYTES) {
    return {
      ok: false,
      userErrors: [
        invalid(`Query is too large (${bytes} bytes; maximum is ${MAX_QUERY_BYTES} bytes)`),
      ],
    };
  }
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    const message = (error as Error).message.replace(/^Syntax Error: /, "syntax error, ");
    return { ok: false, userErrors: [invalid(`Invalid bulk query: ${message}`)] };
  }
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operations[0];
  if (!operation)
    return { ok: false, userErrors: [invalid("Invalid bulk query: no operation in the document")] };
  if (operation.operation !== "query") {
    return {
      ok: false,
      userErrors: [invalid("Invalid operation type. Only `query` operations are supported.")],
    };
  }
  if (operations.length > 1) {
    return {
      ok: false,
      userErrors: [invalid("Invalid bulk query: the document must contain exactly one operation")],
    };
  }
  if (operation.variableDefinitions?.length) {
    return {
      ok: false,
      userErrors: [invalid("Invalid bulk query: bulk queries cannot declare variables")],
    };
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length) {
    return {
      ok: false,
      userErrors: validationErrors
        .slice(0, 5)
        .map((e) => invalid(`Invalid bulk query: ${shopifyValidationMessage(e)}`)),
    };
  }

  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const queryType = schema.getQueryType()!;
  const rootFields = fieldsOf(schema, operation.selectionSet, queryType, fragments).filter(
    (f) => f.node.name.value !== "__typename",
  );

  const errors: BulkUserError[] = [];
  const a: Analysis = {
    connectionCount: 0,
    maxDepth: 0,
    nodesConnections: [],
    withoutParentId: [],
    connectionInList: false,
    connections: [],
  };
  analyze(schema, fragments, operation.selectionSet, queryType, 0, false, a, a.connections);

  const topLevelNode = rootFields.some(
    (f) => f.node.name.value === "node" || f.node.name.value === "nodes",
  );
  if (a.nodesConnections.length) {
    errors.push(
      invalid(
        `All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: '${a.nodesConnections[0]} { edges { node {'. ` +
          `Selecting via 'nodes' is not supported. Invalid connection fields: '${a.nodesConnections.join("', '")}'.`,
      ),
    );
  }
  if (topLevelNode) errors.push(invalid("Bulk queries cannot contain a top level `node` field."));
  if (a.maxDepth > MAX_CONNECTION_DEPTH) {
    errors.push(
      invalid(
        `Bulk queries cannot contain connections with a nesting depth greater than ${MAX_CONNECTION_DEPTH}.`,
      ),
    );
  }
  if (a.connectionCount > MAX_CONNECTIONS) {
    errors.push(invalid(`Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`));
  }
  if (a.withoutParentId.length) {
    errors.push(
      invalid(
        "The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. " +
          `Connection fields without 'id': ${a.withoutParentId.join(", ")}.`,
      ),
    );
  }
  if (a.connectionInList) {
    errors.push(
      invalid(
        "Queries that contain a connection field within a list field are not currently supported.",
      ),
    );
  }
  if (a.connectionCount === 0 && (errors.length === 0 || (topLevelNode && errors.length === 1))) {
    errors.push(invalid("Bulk queries must contain at least one connection."));
  }
  if (errors.length === 0 && rootFields.length !== 1) {
    errors.push(invalid("Bulk queries must contain exactly one top-level field."));
  }
  if (errors.length) return { ok: false, userErrors: errors };

  const root = rootFields[0]!;
  const rootFieldDef = fieldDef(queryType, root.node.name.value)!;
  const rootIsConnection = isConnectionType(rootFieldDef.type);
  let nodeType: GraphQLNamedType | null = null;
  let nodeSelections: SelectionSetNode[] = [];
  if (rootIsConnection) {
    const connType = getNamedType(rootFieldDef.type) as GraphQLObjectType;
    const edgeType = getNamedType(connType.getFields().edges!.type) as GraphQLObjectType;
    nodeType = getNamedType(edgeType.getFields().node!.type);
    nodeSelections = edgeNodeSelections(schema, root.node, connType, fragments);
  }
  return {
    ok: true,
    plan: {
      document,
      operation,
      fragments,
      rootField: root.node,
      rootFieldDef,
      rootIsConnection,
      nodeType,
      nodeSelections,
      connections: a.connections,
      connectionCount: a.connectionCount,
    },
  };
}

/** True if `type` (a named output type) can hold `name` objects. */
export function typeAccepts(schema: GraphQLSchema, type: GraphQLNamedType, name: string): boolean {
  if (type.name === name) return true;
  const t = schema.getType(name);
  if (!t || !isObjectType(t)) return false;
  if (isUnionType(type) || isInterfaceType(type)) return schema.isSubType(type, t);
  return false;
}
