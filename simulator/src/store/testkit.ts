/** Test helpers: the real Admin 2026-07 schema and a conformance walker for GraphQL-shaped records. */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  getNamedType,
  type GraphQLField,
  type GraphQLNamedType,
  GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from "graphql";
import { fileURLToPath } from "node:url";

let cached: GraphQLSchema | undefined;
export function adminSchema(): GraphQLSchema {
  if (!cached) {
    const path = fileURLToPath(new URL("../../../schema/admin_2026-07.json.gz", import.meta.url));
    const json = JSON.parse(gunzipSync(readFileSync(path)).toString("utf8"));
    cached = buildClientSchema(json.data ?? json);
  }
  return cached;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DECIMAL = /^-?\d+\.\d{2}$/;

function connectionNodeType(t: GraphQLNamedType): GraphQLOutputType | undefined {
  if (!isObjectType(t) || !t.name.endsWith("Connection")) return undefined;
  const nodes = t.getFields().nodes;
  return nodes ? (getNamedType(nodes.type) as GraphQLOutputType) : undefined;
}

/** Sample arguments for fields stored as functions. */
const SAMPLE_ARGS: Record<string, Record<string, unknown>> = {
  quantities: { names: ["available", "on_hand", "committed", "incoming", "reserved"] },
};

/**
 * Checks every own key of `value` is a field of `type` (resolving unions/interfaces by __typename),
 * scalars have the right JS shape, enums are valid values, non-null fields are not null.
 */
export function conformance(schema: GraphQLSchema, value: unknown, typeName: string): string[] {
  const errors: string[] = [];
  walk(schema, value, schema.getType(typeName) as GraphQLOutputType, typeName, errors);
  return errors;
}

function walk(
  schema: GraphQLSchema,
  value: unknown,
  type: GraphQLOutputType,
  path: string,
  errors: string[],
): void {
  if (errors.length > 50) return;
  if (isNonNullType(type)) {
    if (value === null || value === undefined) {
      errors.push(`${path}: null for non-null ${String(type)}`);
      return;
    }
    walk(schema, value, type.ofType, path, errors);
    return;
  }
  if (value === null || value === undefined) return;
  if (isListType(type)) {
    if (!Array.isArray(value))
      return void errors.push(`${path}: expected a list for ${String(type)}`);
    value.forEach((v, i) => walk(schema, v, type.ofType, `${path}[${i}]`, errors));
    return;
  }
  const named = type as GraphQLNamedType;
  const nodeType = connectionNodeType(named);
  if (nodeType) {
    if (!Array.isArray(value))
      return void errors.push(`${path}: connection ${named.name} must be stored as an array`);
    value.forEach((v, i) => walk(schema, v, nodeType, `${path}[${i}]`, errors));
    return;
  }
  if (isScalarType(named)) {
    const ok = scalarOk(named.name, value);
    if (!ok) errors.push(`${path}: ${JSON.stringify(value)} is not a valid ${named.name}`);
    return;
  }
  if (isEnumType(named)) {
    if (typeof value !== "string" || !named.getValue(value))
      errors.push(`${path}: ${JSON.stringify(value)} is not a ${named.name} value`);
    return;
  }
  if (typeof value !== "object" || Array.isArray(value))
    return void errors.push(`${path}: expected an object for ${named.name}`);
  const obj = value as Record<string, unknown>;
  let concrete: GraphQLObjectType;
  if (isObjectType(named)) {
    concrete = named;
    if (obj.__typename !== undefined && obj.__typename !== named.name)
      errors.push(`${path}: __typename ${String(obj.__typename)} for ${named.name}`);
  } else if (isUnionType(named) || isInterfaceType(named)) {
    const t = schema.getType(String(obj.__typename));
    if (!t || !isObjectType(t) || !schema.isSubType(named, t))
      return void errors.push(
        `${path}: __typename ${String(obj.__typename)} is not a possible type of ${named.name}`,
      );
    concrete = t;
  } else return void errors.push(`${path}: unexpected type ${String(named)}`);
  const fields = concrete.getFields();
  for (const key of Object.keys(obj)) {
    if (key === "__typename") continue;
    const f: GraphQLField<unknown, unknown> | undefined = fields[key];
    if (!f) {
      errors.push(`${path}.${key}: not a field of ${concrete.name}`);
      continue;
    }
    if (f.deprecationReason && !ALLOWED_DEPRECATED.has(`${concrete.name}.${key}`))
      errors.push(`${path}.${key}: deprecated field of ${concrete.name}`);
    let v = obj[key];
    if (typeof v === "function")
      v = (v as (a: unknown) => unknown).call(obj, SAMPLE_ARGS[key] ?? {});
    walk(schema, v, f.type, `${path}.${key}`, errors);
  }
}

/** Deprecated fields we still populate on purpose (apps of today still read them). */
const ALLOWED_DEPRECATED = new Set(["InventoryItem.variant"]);

function scalarOk(name: string, v: unknown): boolean {
  switch (name) {
    case "Int":
      return Number.isInteger(v);
    case "Float":
      return typeof v === "number" && Number.isFinite(v);
    case "Boolean":
      return typeof v === "boolean";
    case "DateTime":
      return typeof v === "string" && DATETIME.test(v);
    case "Decimal":
    case "Money":
      return typeof v === "string" && DECIMAL.test(v);
    case "UnsignedInt64":
      return typeof v === "string" && /^\d+$/.test(v);
    case "BigInt":
      return typeof v === "string" && /^-?\d+$/.test(v);
    case "ID":
      return typeof v === "string" && v.length > 0;
    case "URL":
      return typeof v === "string" && /^https?:\/\//.test(v);
    case "JSON":
      return true;
    default:
      return typeof v === "string";
  }
}
