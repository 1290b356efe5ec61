/**
 * Test databases: each test file gets its own freshly migrated database.
 *
 *   const t = await createTestDatabase("sqlite");      // or "postgresql"
 *   await t.db.order.findMany(); …; await t.drop();
 *
 * SQLite: a copy of a migrated template file (made once per migration set, in
 * the OS temp folder). PostgreSQL: a new database `storesync_test_<random>` on
 * TEST_POSTGRES_URL (default postgresql://root@127.0.0.1:5432/test), migrated,
 * dropped by drop().
 *
 * PostgreSQL tests should skip cleanly when the server is down:
 *   const pg = await postgresAvailability();
 *   describe.skipIf(!pg.available)(`… ${pg.reason}`, () => { … });
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb, type Db } from "../app/db.server";
import { redactUrl, resolveDatabaseUrl, type Engine } from "./database-url";
import { migrateDatabase, readMigrations } from "./scripts/migrate";

export interface TestDatabase {
  engine: Engine;
  /** DATABASE_URL of this database (file:… or postgresql://…). */
  url: string;
  db: Db;
  /** Disconnects and deletes the database. Safe to call twice. */
  drop(): Promise<void>;
}

/** The PostgreSQL server tests use (TEST_POSTGRES_URL, default local trust auth). */
export function postgresTestServerUrl(): string {
  return process.env.TEST_POSTGRES_URL ?? "postgresql://root@127.0.0.1:5432/test";
}

let availability: Promise<{ available: boolean; reason: string }> | undefined;

/** Whether the PostgreSQL test server answers (checked once per process). */
export function postgresAvailability(): Promise<{ available: boolean; reason: string }> {
  availability ??= (async () => {
    const target = resolveDatabaseUrl(postgresTestServerUrl());
    if (target.engine !== "postgresql")
      return { available: false, reason: "TEST_POSTGRES_URL is not a postgres:// URL" };
    const client = new pg.Client({
      ...target.pgConfig,
      connectionTimeoutMillis: 3_000,
    } as pg.ClientConfig);
    try {
      await client.connect();
      await client.query("SELECT 1");
      return { available: true, reason: "" };
    } catch (error) {
      const reason = `(skipped: PostgreSQL not reachable at ${redactUrl(postgresTestServerUrl())}: ${(error as Error).message})`;
      console.warn(reason);
      return { available: false, reason };
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return availability;
}

function migrationsFingerprint(engine: Engine): string {
  const hash = createHash("sha256");
  for (const m of readMigrations(engine)) hash.update(`${m.name}:${m.checksum}\n`);
  return hash.digest("hex").slice(0, 16);
}

let sqliteTemplate: Promise<string> | undefined;

/** A migrated SQLite file to copy from (shared by test processes with the same migrations). */
function sqliteTemplatePath(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const file = path.join(
      os.tmpdir(),
      `storesync-template-${migrationsFingerprint("sqlite")}.sqlite`,
    );
    if (!fs.existsSync(file)) {
      const building = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      await migrateDatabase(`file:${building}`); // closes the connection: WAL is checkpointed into the file
      for (const suffix of ["-wal", "-shm"]) fs.rmSync(building + suffix, { force: true });
      fs.renameSync(building, file); // atomic: parallel workers never see a half-built template
    }
    return file;
  })();
  return sqliteTemplate;
}

async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-test-"));
  const file = path.join(dir, "test.sqlite");
  fs.copyFileSync(await sqliteTemplatePath(), file);
  const url = `file:${file}`;
  const db = createDb(url);
  let dropped = false;
  return {
    engine: "sqlite",
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const target = resolveDatabaseUrl(postgresTestServerUrl());
  if (target.engine !== "postgresql")
    throw new Error("TEST_POSTGRES_URL must be a postgres:// URL");
  const client = new pg.Client({ ...target.pgConfig, options: undefined } as pg.ClientConfig);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** URL of database `name` on the PostgreSQL test server. */
export function postgresTestDatabaseUrl(name: string): string {
  const url = new URL(postgresTestServerUrl());
  url.pathname = `/${name}`;
  url.searchParams.delete("schema");
  return url.toString();
}

/** Creates an empty database on the test server; returns its name, URL and a drop function. */
export async function createEmptyPostgresDatabase(): Promise<{
  name: string;
  url: string;
  drop(): Promise<void>;
}> {
  const name = `storesync_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  return {
    name,
    url: postgresTestDatabaseUrl(name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function createPostgresTestDatabase(): Promise<TestDatabase> {
  const empty = await createEmptyPostgresDatabase();
  try {
    await migrateDatabase(empty.url);
  } catch (error) {
    await empty.drop();
    throw error;
  }
  const db = createDb(empty.url);
  let dropped = false;
  return {
    engine: "postgresql",
    url: empty.url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.$disconnect();
      await empty.drop();
    },
  };
}

/** A fresh, fully migrated database of `engine` with a connected-on-demand client. */
export function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  return engine === "sqlite" ? createSqliteTestDatabase() : createPostgresTestDatabase();
}
