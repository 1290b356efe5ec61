/**
 * Writes prisma/sqlite/schema.prisma and prisma/postgresql/schema.prisma from
 * the one model source prisma/schema.base.prisma (`npm run db:schemas`).
 *
 * Only engine differences are applied:
 *   - the generator/datasource header (provider, client output folder);
 *   - PostgreSQL: DateTime without a native type -> @db.Timestamptz(3),
 *     Decimal without a native type -> @db.Decimal(20, 4);
 *   - SQLite: every @db.* attribute is removed (SQLite has no native types).
 *
 * `--check` exits 1 when a derived file is stale (used by tests/CI).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Engine } from "../database-url";

const PRISMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BASE_SCHEMA_PATH = path.join(PRISMA_DIR, "schema.base.prisma");
export const ENGINES: readonly Engine[] = ["sqlite", "postgresql"];

export const PG_DECIMAL = "@db.Decimal(20, 4)";
export const PG_TIMESTAMP = "@db.Timestamptz(3)";

function header(engine: Engine): string {
  return [
    "generator client {",
    '  provider   = "prisma-client"',
    `  output     = "../../app/generated/prisma-${engine}"`,
    '  engineType = "client"',
    '  runtime    = "nodejs"',
    '  moduleFormat = "esm"',
    "}",
    "",
    "datasource db {",
    `  provider = "${engine}"`,
    // Only read by the Prisma CLI (which needs the variable to exist; prisma.config.ts
    // defaults it). The app and the JS schema engine connect through driver adapters.
    '  url      = env("DATABASE_URL")',
    "}",
  ].join("\n");
}

const BANNER = (engine: Engine) =>
  [
    "// GENERATED FILE — do not edit.",
    `// Derived for ${engine} from prisma/schema.base.prisma by prisma/scripts/derive-schemas.ts`,
    "// (npm run db:schemas). Edit the base schema, then create a migration with",
    "// `npx tsx prisma/scripts/new-migration.ts <name>`.",
    "",
  ].join("\n");

/** Derive one engine's schema text from the base schema text. */
export function deriveSchema(base: string, engine: Engine): string {
  const start = base.indexOf("// @derive:header");
  const endMarker = "// @derive:end-header";
  const end = base.indexOf(endMarker);
  if (start < 0 || end < start)
    throw new Error(
      "schema.base.prisma: missing // @derive:header ... // @derive:end-header block",
    );
  const body = base.slice(0, start) + header(engine) + base.slice(end + endMarker.length);

  let inModel = false;
  const lines = body.split("\n").map((line) => {
    if (/^model\s+\w+\s*\{/.test(line)) inModel = true;
    else if (inModel && /^\}/.test(line)) inModel = false;
    if (!inModel) return line;
    const field = line.match(/^(\s+)([a-zA-Z]\w*)(\s+)(\w+)(\??)(\s.*)?$/);
    if (!field) return line;
    const [, indent, name, gap, type, optional, restRaw = ""] = field;
    // split trailing comment
    const ci = restRaw.indexOf("//");
    let attrs = ci >= 0 ? restRaw.slice(0, ci) : restRaw;
    const comment = ci >= 0 ? " " + restRaw.slice(ci).trim() : "";
    attrs = attrs.trimEnd();
    if (engine === "sqlite") {
      attrs = attrs.replace(/\s*@db\.\w+(\([^)]*\))?/g, "");
    } else if (!/@db\./.test(attrs)) {
      if (type === "DateTime") attrs += ` ${PG_TIMESTAMP}`;
      if (type === "Decimal") attrs += ` ${PG_DECIMAL}`;
    }
    return `${indent}${name}${gap}${type}${optional}${attrs}${comment}`;
  });
  return BANNER(engine) + lines.join("\n").replace(/\n{3,}/g, "\n\n");
}

export function derivedSchemaPath(engine: Engine): string {
  return path.join(PRISMA_DIR, engine, "schema.prisma");
}

/** Returns the engines whose derived schema file differs from what the base schema produces. */
export function staleSchemas(): Engine[] {
  const base = fs.readFileSync(BASE_SCHEMA_PATH, "utf8");
  return ENGINES.filter((engine) => {
    const file = derivedSchemaPath(engine);
    return !fs.existsSync(file) || fs.readFileSync(file, "utf8") !== deriveSchema(base, engine);
  });
}

export function writeDerivedSchemas(): string[] {
  const base = fs.readFileSync(BASE_SCHEMA_PATH, "utf8");
  return ENGINES.map((engine) => {
    const file = derivedSchemaPath(engine);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, deriveSchema(base, engine));
    return file;
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  if (process.argv.includes("--check")) {
    const stale = staleSchemas();
    if (stale.length > 0) {
      console.error(`Derived schema out of date for: ${stale.join(", ")} — run npm run db:schemas`);
      process.exit(1);
    }
    console.log("Derived schemas are up to date.");
  } else {
    for (const file of writeDerivedSchemas())
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
