/**
 * The Admin GraphQL schema 2026-07: the contract every document in app/ is validated against.
 * Loaded from the kept introspection file (schema/admin_2026-07.json.gz), built once and cached.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-07";
export const ADMIN_SCHEMA_FILE = path.join("schema", "admin_2026-07.json.gz");

let cached: { file: string; schema: GraphQLSchema } | undefined;

/** Reads the introspection JSON (`data.__schema` or a bare `{ __schema }`). */
export function readAdminIntrospection(
  file = path.resolve(process.cwd(), ADMIN_SCHEMA_FILE),
): IntrospectionQuery {
  const raw = readFileSync(file);
  const text = file.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
  const json = JSON.parse(text) as { data?: IntrospectionQuery } & Partial<IntrospectionQuery>;
  const introspection = json.data ?? json;
  if (!introspection.__schema) throw new Error(`${file} is not a GraphQL introspection result`);
  return introspection as IntrospectionQuery;
}

/** The Admin schema, built once per file and cached for the process. */
export function getAdminSchema(
  file = path.resolve(process.cwd(), ADMIN_SCHEMA_FILE),
): GraphQLSchema {
  if (cached?.file === file) return cached.schema;
  const schema = buildClientSchema(readAdminIntrospection(file));
  cached = { file, schema };
  return schema;
}
