/**
 * Prisma CLI configuration. The engine comes from DATABASE_URL (see
 * prisma/database-url.ts): unset or file: -> SQLite, postgres:// -> PostgreSQL.
 * The schema and migrations folder follow the engine.
 *
 * `engine: "js"` runs the schema engine in JavaScript through the driver
 * adapter, so no Prisma engine binary is ever downloaded. Known limits of that
 * engine in Prisma 6.19 (see prisma/README.md): `migrate dev` fails on a fresh
 * SQLite file (P1014) and introspecting commands fail on PostgreSQL
 * (prisma/prisma#27403) — use `npm run db:migrate` and
 * prisma/scripts/new-migration.ts instead.
 */
import { defineConfig } from "prisma/config";
import { migrationsDir, resolveDatabaseUrl, schemaPath } from "./prisma/database-url";
import { createMigrationAdapterFactory } from "./prisma/migration-adapters";

const database = resolveDatabaseUrl(process.env.DATABASE_URL);
// The derived schemas declare `url = env("DATABASE_URL")`; the CLI refuses to read a
// schema whose variable is missing, so the SQLite default is made explicit here.
process.env.DATABASE_URL = database.url;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => createMigrationAdapterFactory(database),
  schema: schemaPath(database.engine),
  migrations: { path: migrationsDir(database.engine) },
});
