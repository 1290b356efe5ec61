/**
 * npm run db:migrate / migrateDatabase(url): applies the committed migrations
 * offline, records them exactly like `prisma migrate deploy`, and is idempotent.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { resolveDatabaseUrl } from "./database-url";
import { migrateDatabase, readMigrations } from "./scripts/migrate";
import { runPrisma } from "./scripts/prisma-cli";
import { createEmptyPostgresDatabase, postgresAvailability } from "./testing";

const pgServer = await postgresAvailability();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-migrate-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("migrateDatabase on SQLite", () => {
  it("creates the file (and its folder) on first run, applies every migration, then nothing", async () => {
    const url = `file:${path.join(tmp, "nested", "dir", "app.sqlite")}`;
    const expected = readMigrations("sqlite").map((m) => m.name);

    const first = await migrateDatabase(url);
    expect(first).toEqual({ engine: "sqlite", applied: expected, modified: [] });

    const second = await migrateDatabase(url);
    expect(second.applied).toEqual([]);

    const conn = new Database(path.join(tmp, "nested", "dir", "app.sqlite"), { readonly: true });
    try {
      const rows = conn
        .prepare(
          `SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
        )
        .all() as Array<{
        migration_name: string;
        checksum: string;
        finished_at: string;
        applied_steps_count: number;
      }>;
      expect(rows.map((r) => r.migration_name)).toEqual(expected);
      for (const row of rows) {
        const sql = fs.readFileSync(
          path.join("prisma/sqlite/migrations", row.migration_name, "migration.sql"),
        );
        expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
        expect(row.finished_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
        expect(row.applied_steps_count).toBe(1);
      }
      expect(conn.pragma("journal_mode", { simple: true })).toBe("wal");
      const tables = conn
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`)
        .all() as Array<{ name: string }>;
      expect(tables.map((t) => t.name)).toEqual(
        expect.arrayContaining(["sessions", "orders", "raw_records", "daily_metrics"]),
      );
    } finally {
      conn.close();
    }
  });

  it("is what stock `prisma migrate status` / `migrate deploy` consider fully applied", async () => {
    const url = `file:${path.join(tmp, "stock.sqlite")}`;
    await migrateDatabase(url);
    const status = await runPrisma(["migrate", "status"], { DATABASE_URL: url });
    expect(status.stdout).toContain("Database schema is up to date!");
    expect(status.code).toBe(0);
    const deploy = await runPrisma(["migrate", "deploy"], { DATABASE_URL: url });
    expect(deploy.code).toBe(0);
    expect(deploy.stdout).toContain("No pending migrations to apply.");
  });

  it("resumes after stock `prisma migrate deploy` without re-applying", async () => {
    const url = `file:${path.join(tmp, "deployed.sqlite")}`;
    const deploy = await runPrisma(["migrate", "deploy"], { DATABASE_URL: url });
    expect(deploy.code).toBe(0);
    expect((await migrateDatabase(url)).applied).toEqual([]);
  });

  it("reports a failing migration in one line and records it like Prisma does", async () => {
    const dir = path.join(tmp, "broken-migrations");
    fs.mkdirSync(path.join(dir, "20000101000000_broken"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "20000101000000_broken", "migration.sql"),
      "CREATE TABLE ok (id INTEGER);\nCREATE TABLE (;",
    );
    const url = `file:${path.join(tmp, "broken.sqlite")}`;
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(
      /Migration 20000101000000_broken failed/,
    );
    // The failed script was rolled back and the next run refuses until resolved.
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(
      /prisma migrate resolve/,
    );
    const conn = new Database(path.join(tmp, "broken.sqlite"), { readonly: true });
    expect(conn.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'ok'`).get()).toEqual(
      { n: 0 },
    );
    conn.close();
  });
});

describe.skipIf(!pgServer.available)(`migrateDatabase on PostgreSQL ${pgServer.reason}`, () => {
  it("applies every migration to a fresh database, then nothing; stock `prisma migrate status` agrees", async () => {
    const database = await createEmptyPostgresDatabase();
    try {
      const expected = readMigrations("postgresql").map((m) => m.name);
      expect(await migrateDatabase(database.url)).toEqual({
        engine: "postgresql",
        applied: expected,
        modified: [],
      });
      expect((await migrateDatabase(database.url)).applied).toEqual([]);

      const target = resolveDatabaseUrl(database.url);
      if (target.engine !== "postgresql") throw new Error("unreachable");
      const client = new pg.Client(target.pgConfig as pg.ClientConfig);
      await client.connect();
      try {
        const { rows } = await client.query(
          `SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY 1`,
        );
        expect(rows.map((r) => r.migration_name)).toEqual(expected);
        for (const row of rows) {
          const sql = fs.readFileSync(
            path.join("prisma/postgresql/migrations", row.migration_name, "migration.sql"),
          );
          expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
          expect(row.finished_at).toBeInstanceOf(Date);
        }
        const { rows: cols } = await client.query(
          `SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns
            WHERE table_name = 'orders' AND column_name IN ('total_price', 'created_at', 'id')
            ORDER BY column_name`,
        );
        expect(cols).toEqual([
          {
            column_name: "created_at",
            data_type: "timestamp with time zone",
            numeric_precision: null,
            numeric_scale: null,
          },
          { column_name: "id", data_type: "bigint", numeric_precision: 64, numeric_scale: 0 },
          {
            column_name: "total_price",
            data_type: "numeric",
            numeric_precision: 20,
            numeric_scale: 4,
          },
        ]);
      } finally {
        await client.end();
      }

      const status = await runPrisma(["migrate", "status"], { DATABASE_URL: database.url });
      expect(status.stdout).toContain("Database schema is up to date!");
    } finally {
      await database.drop();
    }
  });

  it("creates a missing database and a `?schema=` schema on first run", async () => {
    const database = await createEmptyPostgresDatabase();
    await database.drop(); // the name is now free: migrate must create it
    const url = `${database.url}?schema=tenant_a`;
    try {
      expect((await migrateDatabase(url)).applied.length).toBeGreaterThan(0);
      expect((await migrateDatabase(url)).applied).toEqual([]);
      const target = resolveDatabaseUrl(url);
      if (target.engine !== "postgresql") throw new Error("unreachable");
      const client = new pg.Client(target.pgConfig as pg.ClientConfig);
      await client.connect();
      const { rows } = await client.query(
        `SELECT table_schema FROM information_schema.tables WHERE table_name = 'orders'`,
      );
      await client.end();
      expect(rows).toEqual([{ table_schema: "tenant_a" }]);
    } finally {
      await database.drop();
    }
  });

  it("fails with one clear line when the server cannot be reached", async () => {
    await expect(migrateDatabase("postgresql://root@127.0.0.1:1/nowhere")).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});
