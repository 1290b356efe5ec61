/**
 * Driver adapter factories for Prisma's JS schema engine (prisma.config.ts,
 * `prisma migrate diff`, the drift tests). NOT used by the app's PrismaClient.
 *
 * They work around three bugs of Prisma 6.19's JS schema engine + adapters so
 * that `migrate diff --from-migrations` works offline on both engines:
 *
 *  1. SQLite: the shadow database applies a whole migration.sql through
 *     `executeRaw`, i.e. better-sqlite3 `prepare()`, which accepts a single
 *     statement ("External error id#0" / P3006). Parameterless executeRaw on the
 *     shadow connection is routed to `executeScript` (`exec`).
 *  2. PostgreSQL: introspection reads catalog columns of type `name` (oid 19)
 *     and `char` (oid 18), which adapter-pg cannot map ("Column type 'name'
 *     could not be deserialized", prisma/prisma#27403). pg already returns
 *     those values as strings, so the field type is reported as text (25).
 *  3. PostgreSQL: adapter-pg's connectToShadowDb drops the shadow database
 *     before closing its pool (the DROP fails and the database leaks), and
 *     spreads a config in which a connection string would override the
 *     database name. Here the pool is closed first, then the database dropped.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import { SQLITE_BUSY_TIMEOUT_MS, type ResolvedDatabase } from "./database-url";

const PG_NAME_OID = 19;
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/** Makes `pool.query` report `name`/`char` result columns as `text`. */
function patchPoolForIntrospection(pool: pg.Pool): pg.Pool {
  const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  (pool as unknown as { query: (...args: unknown[]) => Promise<pg.QueryResult> }).query = async (
    ...args
  ) => {
    const result = await original(...args);
    for (const field of result?.fields ?? []) {
      if (field.dataTypeID === PG_NAME_OID || field.dataTypeID === PG_CHAR_OID)
        field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  return pool;
}

class MigrationPg extends PrismaPg {
  readonly #config: pg.PoolConfig;

  constructor(config: pg.PoolConfig, schema: string | undefined) {
    // allowExitOnIdle: the CLI process exits as soon as it is done instead of waiting
    // for idle pool clients to time out (10 s).
    super(patchPoolForIntrospection(new pg.Pool({ ...config, allowExitOnIdle: true })), {
      schema,
      disposeExternalPool: true,
    });
    this.#config = config;
  }

  override async connectToShadowDb() {
    const database = `prisma_shadow_${randomUUID().replace(/-/g, "")}`;
    await adminQuery(this.#config, `CREATE DATABASE "${database}"`);
    const pool = patchPoolForIntrospection(
      new pg.Pool({ ...this.#config, database, options: undefined, allowExitOnIdle: true }),
    );
    const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    const dispose = adapter.dispose.bind(adapter);
    const config = this.#config;
    adapter.dispose = async () => {
      await dispose();
      await adminQuery(config, `DROP DATABASE IF EXISTS "${database}"`);
    };
    return adapter;
  }
}

async function adminQuery(config: pg.PoolConfig, sql: string): Promise<void> {
  const client = new pg.Client({ ...config, options: undefined } as pg.ClientConfig);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

class MigrationSqlite extends PrismaBetterSQLite3 {
  override async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const adapter = await super.connectToShadowDb();
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.executeRaw = async (query) => {
      if (query.args.length === 0) {
        await adapter.executeScript(query.sql);
        return 0;
      }
      return executeRaw(query);
    };
    return adapter;
  }
}

/** Adapter factory for the JS schema engine (migrate diff / deploy / db execute). */
export function createMigrationAdapterFactory(
  db: ResolvedDatabase,
): PrismaBetterSQLite3 | PrismaPg {
  if (db.engine === "sqlite") {
    // better-sqlite3 creates the file but not its folder (./data on a fresh checkout).
    if (db.filePath !== ":memory:") fs.mkdirSync(path.dirname(db.filePath), { recursive: true });
    return new MigrationSqlite({ url: db.filePath, timeout: SQLITE_BUSY_TIMEOUT_MS });
  }
  return new MigrationPg(db.pgConfig, db.schema);
}
