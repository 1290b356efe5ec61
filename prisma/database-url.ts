/**
 * Which database engine a DATABASE_URL means, and the Prisma driver adapter
 * for it. Shared by prisma.config.ts, prisma/scripts/*, prisma/testing.ts and
 * app/db.server.ts so that every entrance agrees.
 *
 *   unset / ""            -> SQLite at ./data/storesync.sqlite (relative to the working directory)
 *   file:<path>           -> SQLite at <path> (relative to the working directory)
 *   postgres://…          -> PostgreSQL (also postgresql://). `?schema=<name>` selects a schema.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";

export type Engine = "sqlite" | "postgresql";

export const DEFAULT_SQLITE_URL = "file:./data/storesync.sqlite";

/** Busy timeout for SQLite connections (ms): waits for a writer instead of failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

export type ResolvedDatabase =
  | { engine: "sqlite"; url: string; filePath: string }
  | { engine: "postgresql"; url: string; pgConfig: pg.PoolConfig; schema?: string };

const PRISMA_DIR = path.dirname(fileURLToPath(import.meta.url));

export function resolveDatabaseUrl(
  url: string | undefined = process.env.DATABASE_URL,
): ResolvedDatabase {
  const value = (url ?? "").trim();
  if (value === "") return resolveDatabaseUrl(DEFAULT_SQLITE_URL);
  if (value.startsWith("file:")) {
    const raw = value.slice("file:".length).replace(/\?.*$/, "");
    if (raw === "")
      throw new Error(
        `DATABASE_URL "${value}" has no file path (expected e.g. file:./data/storesync.sqlite)`,
      );
    const filePath = raw === ":memory:" ? raw : path.resolve(process.cwd(), raw);
    return { engine: "sqlite", url: value, filePath };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new Error(`DATABASE_URL is not a valid PostgreSQL URL: ${redactUrl(value)}`);
    }
    const schema = parsed.searchParams.get("schema") ?? undefined;
    // Explicit fields rather than `connectionString`: pg lets a connection string
    // override `database`, which would make adapter-pg's shadow database
    // (connectToShadowDb spreads the config and swaps `database`) hit the real one.
    const pgConfig: pg.PoolConfig = {
      host: decodeURIComponent(parsed.hostname) || "localhost",
      port: parsed.port ? Number(parsed.port) : 5432,
      user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
      password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
      database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined,
    };
    const sslmode = parsed.searchParams.get("sslmode");
    if (sslmode && sslmode !== "disable")
      pgConfig.ssl = sslmode === "no-verify" ? { rejectUnauthorized: false } : true;
    if (schema) pgConfig.options = `-c search_path=${quoteIdent(schema)}`;
    return { engine: "postgresql", url: value, pgConfig, schema };
  }
  throw new Error(
    `DATABASE_URL must be unset (SQLite), file:<path> (SQLite) or postgres://… (PostgreSQL); got "${redactUrl(value)}"`,
  );
}

/** Driver adapter factory for Prisma Client and the JS schema engine. */
export function createAdapterFactory(db: ResolvedDatabase): PrismaBetterSQLite3 | PrismaPg {
  if (db.engine === "sqlite") {
    return new PrismaBetterSQLite3({ url: db.filePath, timeout: SQLITE_BUSY_TIMEOUT_MS });
  }
  return new PrismaPg(db.pgConfig, db.schema ? { schema: db.schema } : undefined);
}

/** Folder holding the derived schema.prisma and migrations/ of an engine. */
export function engineDir(engine: Engine): string {
  return path.join(PRISMA_DIR, engine);
}

export function schemaPath(engine: Engine): string {
  return path.join(engineDir(engine), "schema.prisma");
}

export function migrationsDir(engine: Engine): string {
  return path.join(engineDir(engine), "migrations");
}

/** postgres://user:secret@host/db -> postgres://user:***@host/db (for messages and logs). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]+):[^@]*@/i, "$1:***@");
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
