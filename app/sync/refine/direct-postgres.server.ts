/**
 * Refinement's own node-postgres pool for a PostgreSQL `Db` (every `inTransaction` plan: refined
 * rows and raw inserts): the PostgreSQL counterpart of the direct better-sqlite3 connection
 * (ingest/raw-writer.server.ts directSqlite).
 *
 * Every raw statement sent through Prisma 6's driver-adapter client first goes through its
 * query compiler (WebAssembly), parameters included. A multi-row upsert binds thousands of
 * parameters, and the raw batch travels as one JSON text of ~1 MB: on a PostgreSQL backfill the
 * compiler and the garbage it left took more CPU in the app process than everything else
 * (`npm run bench:backfill -- --pg-only`, cpu profile: 12.4 s compiling + 10.6 s GC of a 38 s busy
 * window). The statements of a plan are plain PostgreSQL with typed `$n` placeholders, so they go
 * to the server as they are.
 *
 * One small pool per client (at most 4 connections, named `storesync-refine` in pg_stat_activity,
 * closed when idle, never keeping the process alive). A connection that the server ends (a restart, a dropped test database) is discarded by
 * the pool, not thrown.
 */
import pg from "pg";
import { postgresConfigOf, type Db } from "~/db.server";

/** How these connections show in pg_stat_activity. */
export const APPLICATION_NAME = "storesync-refine";

const pools = new WeakMap<Db, pg.Pool>();
const open = new Set<pg.Pool>();

/** The direct pool of a PostgreSQL client made by createDb; undefined for SQLite and other clients. */
export function directPostgres(db: Db): pg.Pool | undefined {
  let pool = pools.get(db);
  if (pool) return pool;
  const config = postgresConfigOf(db);
  if (!config) return undefined;
  pool = new pg.Pool({ ...config, application_name: APPLICATION_NAME, max: 4, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
  pool.on("error", () => undefined); // an idle connection the server ended: the pool drops it
  pools.set(db, pool);
  open.add(pool);
  return pool;
}

/** Ends every direct pool (tests, shutdown). */
export async function closeDirectPostgresPools(): Promise<void> {
  const all = [...open];
  open.clear();
  await Promise.all(all.map((p) => p.end().catch(() => undefined)));
}
