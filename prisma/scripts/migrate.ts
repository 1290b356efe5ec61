/**
 * Applies the committed migrations of the engine chosen by DATABASE_URL,
 * offline (`npm run db:migrate`).
 *
 *   unset / file:…      -> prisma/sqlite/migrations      (file and folder created on first run)
 *   postgres(ql)://…    -> prisma/postgresql/migrations  (database / schema created if missing)
 *
 * Each migration is recorded in Prisma's own `_prisma_migrations` table with
 * the same DDL, columns and checksum (SHA-256 hex of migration.sql) that
 * `prisma migrate deploy` writes, so stock `prisma migrate deploy` /
 * `prisma migrate status` agree with it (prisma/migrate.test.ts checks that).
 * Each migration runs in a transaction together with its bookkeeping row; on
 * PostgreSQL the run holds the same advisory lock as Prisma Migrate.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import {
  SQLITE_BUSY_TIMEOUT_MS,
  migrationsDir,
  redactUrl,
  resolveDatabaseUrl,
  type Engine,
  type ResolvedDatabase,
} from "../database-url";

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  engine: Engine;
  /** Names of the migrations applied by this run (empty when the database was up to date). */
  applied: string[];
  /** Applied migrations whose migration.sql changed since (same warning as Prisma's). */
  modified: string[];
}

/** Prisma Migrate's advisory lock key (schema-engine: `pg_advisory_lock(72707369)`). */
const PRISMA_ADVISORY_LOCK = 72707369;

const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);`;

const PG_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

/** The committed migrations of an engine, in the order Prisma applies them (by folder name). */
export function readMigrations(
  engine: Engine,
  dir: string = migrationsDir(engine),
): MigrationFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")),
    )
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

function plan(migrations: MigrationFile[], rows: AppliedRow[], where: string) {
  const live = rows.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new Error(
      `Migration ${failed.migration_name} failed earlier in ${where}; fix the database, then run \`npx prisma migrate resolve --rolled-back ${failed.migration_name}\` (or --applied) and retry`,
    );
  }
  const done = new Map(live.map((row) => [row.migration_name, row.checksum]));
  return {
    pending: migrations.filter((m) => !done.has(m.name)),
    modified: migrations
      .filter((m) => done.has(m.name) && done.get(m.name) !== m.checksum)
      .map((m) => m.name),
  };
}

/** SQLite stores Prisma timestamps as ISO-8601 with an explicit offset, like the adapter does. */
function sqliteNow(): string {
  return new Date().toISOString().replace("Z", "+00:00");
}

function migrateSqlite(
  db: Extract<ResolvedDatabase, { engine: "sqlite" }>,
  migrations: MigrationFile[],
): MigrateResult {
  if (db.filePath !== ":memory:") fs.mkdirSync(path.dirname(db.filePath), { recursive: true });
  const conn = new Database(db.filePath, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    conn.pragma("journal_mode = WAL");
    conn.exec(SQLITE_MIGRATIONS_TABLE);
    const rows = conn
      .prepare(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
      )
      .all() as AppliedRow[];
    const { pending, modified } = plan(migrations, rows, db.filePath);
    const applied: string[] = [];
    for (const migration of pending) {
      const id = randomUUID();
      const startedAt = sqliteNow();
      try {
        conn
          .transaction(() => {
            conn.exec(migration.sql);
            conn
              .prepare(
                `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
              )
              .run(id, migration.checksum, sqliteNow(), migration.name, startedAt);
          })
          .immediate();
      } catch (error) {
        conn
          .prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES (?, ?, NULL, ?, ?, NULL, ?, 0)`,
          )
          .run(id, migration.checksum, migration.name, String((error as Error).message), startedAt);
        throw new Error(
          `Migration ${migration.name} failed on ${db.filePath}: ${(error as Error).message}`,
        );
      }
      applied.push(migration.name);
    }
    return { engine: "sqlite", applied, modified };
  } finally {
    conn.close();
  }
}

async function connectPg(
  db: Extract<ResolvedDatabase, { engine: "postgresql" }>,
): Promise<pg.Client> {
  const client = new pg.Client(db.pgConfig as pg.ClientConfig);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    // 3D000 = invalid_catalog_name: create the database on first run.
    if ((error as { code?: string }).code !== "3D000" || !db.pgConfig.database) throw error;
    const admin = new pg.Client({
      ...db.pgConfig,
      database: "postgres",
      options: undefined,
    } as pg.ClientConfig);
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${db.pgConfig.database.replace(/"/g, '""')}"`);
    } catch (createError) {
      if ((createError as { code?: string }).code !== "42P04") throw createError; // created concurrently
    } finally {
      await admin.end();
    }
    const retry = new pg.Client(db.pgConfig as pg.ClientConfig);
    await retry.connect();
    return retry;
  }
}

async function migratePostgres(
  db: Extract<ResolvedDatabase, { engine: "postgresql" }>,
  migrations: MigrationFile[],
): Promise<MigrateResult> {
  const client = await connectPg(db);
  const where = redactUrl(db.url);
  try {
    await client.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK})`);
    try {
      if (db.schema)
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${db.schema.replace(/"/g, '""')}"`);
      await client.query(PG_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
      );
      const { pending, modified } = plan(migrations, rows, where);
      const applied: string[] = [];
      for (const migration of pending) {
        const id = randomUUID();
        const startedAt = new Date();
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
            [id, migration.checksum, migration.name, startedAt],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES ($1, $2, NULL, $3, $4, NULL, $5, 0)`,
            [id, migration.checksum, migration.name, String((error as Error).message), startedAt],
          );
          throw new Error(
            `Migration ${migration.name} failed on ${where}: ${(error as Error).message}`,
          );
        }
        applied.push(migration.name);
      }
      return { engine: "postgresql", applied, modified };
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK})`).catch(() => {});
    }
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations to the database at `url` (default: DATABASE_URL,
 * unset = SQLite at ./data/storesync.sqlite). A second run applies nothing.
 */
export async function migrateDatabase(
  url: string | undefined = process.env.DATABASE_URL,
  options: { migrationsDir?: string } = {},
): Promise<MigrateResult> {
  const db = resolveDatabaseUrl(url);
  const migrations = readMigrations(db.engine, options.migrationsDir);
  if (migrations.length === 0)
    throw new Error(`No migrations found in ${options.migrationsDir ?? migrationsDir(db.engine)}`);
  return db.engine === "sqlite" ? migrateSqlite(db, migrations) : migratePostgres(db, migrations);
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const target = resolveDatabaseUrl(process.env.DATABASE_URL);
  const where = target.engine === "sqlite" ? target.filePath : redactUrl(target.url);
  migrateDatabase(process.env.DATABASE_URL).then(
    (result) => {
      for (const name of result.modified)
        console.warn(`warning: migration ${name} was modified after it was applied`);
      if (result.applied.length === 0) console.log(`${result.engine}: ${where} is up to date.`);
      else
        console.log(
          `${result.engine}: applied ${result.applied.length} migration(s) to ${where}: ${result.applied.join(", ")}`,
        );
    },
    (error: Error) => {
      console.error(
        `db:migrate failed (${target.engine}, ${where}): ${error.message.split("\n")[0]}`,
      );
      process.exit(1);
    },
  );
}
