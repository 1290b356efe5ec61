/**
 * The Prisma client for the configured engine.
 *
 *   DATABASE_URL unset / file:…  -> SQLite (better-sqlite3 adapter), default ./data/storesync.sqlite
 *   DATABASE_URL postgres://…    -> PostgreSQL (pg adapter)
 *
 * Both generated clients (app/generated/prisma-sqlite, app/generated/prisma-postgresql,
 * made by `npm run db:generate`) come from the same model, so the app codes
 * against one type, `Db` (the SQLite client's type: the portable subset — e.g.
 * no `mode: "insensitive"`, no `skipDuplicates`). The PostgreSQL client is cast
 * to it once, in `createDb` below.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import pg from "pg";
import { PrismaClient as SqlitePrismaClient } from "./generated/prisma-sqlite/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/prisma-postgresql/client";
import {
  SQLITE_BUSY_TIMEOUT_MS,
  createAdapterFactory,
  redactUrl,
  resolveDatabaseUrl,
  type Engine,
  type ResolvedDatabase,
} from "../prisma/database-url";

export type { Engine } from "../prisma/database-url";
export { Prisma } from "./generated/prisma-sqlite/client";

/** The app's database client type (valid for both engines). */
export type Db = SqlitePrismaClient;

/** Per-connection SQLite settings, applied when the adapter opens its connection. */
/**
 * WAL pages before a connection checkpoints after its own commit. SQLite's default (1000) made the
 * app's Prisma connection copy each ingest batch the raw writer's connection had just committed
 * back into the database file, with its fsyncs, on every job or progress write (4.2 s per 83k
 * records); every 10,000 pages (~40 MB of WAL) costs a tenth of the syncs. Both connections use it.
 */
export const SQLITE_WAL_AUTOCHECKPOINT_PAGES = 10_000;

export const SQLITE_PRAGMAS = [
  "PRAGMA journal_mode = WAL", // readers never block the writer
  "PRAGMA synchronous = NORMAL", // safe with WAL, much faster than FULL
  `PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`, // wait for a writer instead of SQLITE_BUSY
  "PRAGMA foreign_keys = ON",
  `PRAGMA wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`,
].join(";\n");

/** better-sqlite3 adapter that applies SQLITE_PRAGMAS before the first query. */
class TunedBetterSQLite3 extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    await adapter.executeScript(SQLITE_PRAGMAS);
    return adapter;
  }
}

const targets = new WeakMap<object, ResolvedDatabase>();

export interface CreateDbOptions {
  log?: Array<"query" | "info" | "warn" | "error">;
}

/** A new client for `url` (default DATABASE_URL). Callers own it: `await db.$disconnect()` when done. */
export function createDb(
  url: string | undefined = process.env.DATABASE_URL,
  options: CreateDbOptions = {},
): Db {
  const target = resolveDatabaseUrl(url);
  let client: Db;
  if (target.engine === "sqlite") {
    client = new SqlitePrismaClient({
      adapter: new TunedBetterSQLite3({ url: target.filePath, timeout: SQLITE_BUSY_TIMEOUT_MS }),
      log: options.log,
    });
  } else {
    // The one cast between the two generated clients. They are generated from the
    // same model (prisma/schema.base.prisma), so model delegates, field names and
    // value types (bigint, Decimal, Date) are identical at runtime; the PostgreSQL
    // client only *adds* options (e.g. `mode: "insensitive"`) that code written
    // against `Db` cannot use.
    client = new PostgresPrismaClient({
      adapter: createAdapterFactory(target),
      log: options.log,
    }) as unknown as Db;
  }
  targets.set(client, target);
  return client;
}

/** Which engine a client talks to. */
export function engineOf(client: Db): Engine {
  return targets.get(client)?.engine ?? engine;
}

/** node-postgres settings of a PostgreSQL client made by createDb (undefined otherwise). */
export function postgresConfigOf(client: Db): pg.PoolConfig | undefined {
  const target = targets.get(client);
  return target?.engine === "postgresql" ? target.pgConfig : undefined;
}

/** The most useful single line out of a Prisma / driver adapter error. */
function describeError(error: unknown): string {
  const e = error as {
    message?: unknown;
    meta?: { driverAdapterError?: { cause?: Record<string, unknown> } };
  };
  const message = typeof e?.message === "string" ? e.message : String(error);
  const fromPrisma = message.match(/Message: `([^`]*)`/)?.[1];
  const cause = e?.meta?.driverAdapterError?.cause;
  const original = typeof cause?.originalMessage === "string" ? cause.originalMessage : undefined;
  const line =
    fromPrisma ?? original ?? message.split("\n").find((l) => l.trim() !== "") ?? "unknown error";
  return line.trim();
}

/** Connects with node-postgres directly to learn the precise reason (ECONNREFUSED, ENOTFOUND, 28P01, …). */
async function probePostgres(
  target: Extract<ResolvedDatabase, { engine: "postgresql" }>,
): Promise<string | null> {
  const client = new pg.Client({
    ...target.pgConfig,
    connectionTimeoutMillis: 5_000,
  } as pg.ClientConfig);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const text = (message ?? String(error)).split("\n")[0];
    return code && !text.includes(code) ? `${code} (${text})` : text;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Proves the database answers (`SELECT 1`). Throws one line, no stack trace noise:
 * `Database unreachable at postgresql://root:***@127.0.0.1:5432/x: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:5432)`.
 */
export async function checkDatabase(client: Db = db): Promise<void> {
  const target = targets.get(client);
  const where = target
    ? target.engine === "sqlite"
      ? target.filePath
      : redactUrl(target.url)
    : "(unknown)";
  try {
    await client.$queryRawUnsafe("SELECT 1");
  } catch (error) {
    let reason = describeError(error);
    if (target?.engine === "postgresql") reason = (await probePostgres(target)) ?? reason;
    const failure = new Error(`Database unreachable at ${where}: ${reason}`);
    failure.stack = failure.message; // a one-liner even when printed with its stack
    throw failure;
  }
}

/** Engine of the process-wide client (from DATABASE_URL). */
export const engine: Engine = resolveDatabaseUrl(process.env.DATABASE_URL).engine;

declare global {
  var __storesyncDb: Db | undefined;
}

/**
 * The process-wide client. In development it is cached on globalThis so Vite's
 * module reloads do not open a new connection pool each time.
 */
export const db: Db =
  process.env.NODE_ENV === "production" ? createDb() : (globalThis.__storesyncDb ??= createDb());

export default db;
