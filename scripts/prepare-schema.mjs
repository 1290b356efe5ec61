#!/usr/bin/env node
// Unpacks the kept Admin schema (schema/admin_2026-07.json.gz) to app/types/admin-2026-07.schema.json,
// where @shopify/api-codegen-preset looks first, so `npm run codegen` never needs the network.
// The unpacked file is gitignored. Usage: node scripts/prepare-schema.mjs
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = path.join(root, "schema", "admin_2026-07.json.gz");
const target = path.join(root, "app", "types", "admin-2026-07.schema.json");

if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) {
  process.exit(0);
}
const json = JSON.parse(gunzipSync(readFileSync(source)).toString("utf8"));
if (!json?.data?.__schema && !json?.__schema) {
  console.error(`${path.relative(root, source)} is not a GraphQL introspection result`);
  process.exit(1);
}
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify(json));
console.log(`schema: wrote ${path.relative(root, target)}`);
