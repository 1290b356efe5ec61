#!/usr/bin/env node
// After `npm ci`/`npm install`: generate the Prisma clients (offline, JS engine) and unpack the
// Admin schema for codegen, so a fresh clone typechecks, tests and runs the demo without any
// further step. Skipped quietly where dev tooling is absent (e.g. `npm ci --omit=dev` in a
// production image, which runs `npm run prepare:dev` in its build stage instead). The dependency
// patches (scripts/patch-dependencies.mjs) are applied first, in every install.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { applyDependencyPatches } from "./patch-dependencies.mjs";

for (const line of applyDependencyPatches()) console.log(`postinstall: ${line}`);

if (!existsSync("node_modules/.bin/tsx") || !existsSync("node_modules/.bin/prisma")) {
  console.log("postinstall: dev tooling not installed; skipping Prisma client generation");
  process.exit(0);
}
const r = spawnSync("npm", ["run", "-s", "prepare:dev"], { stdio: "inherit" });
process.exit(r.status ?? 1);
