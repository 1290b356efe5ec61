/**
 * The real Admin GraphQL schema 2026-07 (introspection JSON kept in the repo), built once per process.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-07";

/** Absolute path of the kept introspection file (repo root /schema). */
export const ADMIN_SCHEMA_PATH = fileURLToPath(new URL("../../schema/admin_2026-07.json.gz", import.meta.url));

let cached: GraphQLSchema | undefined;

/** The Admin GraphQL schema 2026-07 (cached per process). */
export function loadAdminSchema(): GraphQLSchema {
  if (cached) return cached;
  const json = JSON.parse(gunzipSync(readFileSync(ADMIN_SCHEMA_PATH)).toString("utf8")) as {
    data?: IntrospectionQuery;
  } & Partial<IntrospectionQuery>;
  const introspection = (json.data ?? json) as IntrospectionQuery;
  cached = buildClientSchema(introspection, { assumeValid: true });
  return cached;
}
