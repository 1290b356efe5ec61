/**
 * The model has one source (schema.base.prisma); the derived schemas and the
 * committed migrations of both engines must agree with it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrationsDir, type Engine } from "./database-url";
import {
  BASE_SCHEMA_PATH,
  ENGINES,
  deriveSchema,
  derivedSchemaPath,
  staleSchemas,
} from "./scripts/derive-schemas";
import { pendingMigrationSql } from "./scripts/new-migration";
import { postgresAvailability } from "./testing";

const pg = await postgresAvailability();

describe("derived schemas", () => {
  it("are up to date with schema.base.prisma (run `npm run db:schemas` if this fails)", () => {
    expect(staleSchemas()).toEqual([]);
  });

  it("differ only by engine: SQLite has no native types, PostgreSQL uses timestamptz and numeric(20,4)", () => {
    const base = fs.readFileSync(BASE_SCHEMA_PATH, "utf8");
    const sqlite = deriveSchema(base, "sqlite");
    const postgres = deriveSchema(base, "postgresql");
    expect(sqlite).toMatch(/provider = "sqlite"/);
    expect(sqlite).toMatch(/output\s+= "..\/..\/app\/generated\/prisma-sqlite"/);
    expect(sqlite.replace(/\/\/.*$/gm, "")).not.toMatch(/@db\./);
    expect(postgres).toMatch(/provider = "postgresql"/);
    expect(postgres).toMatch(/totalPrice\s+Decimal\s+@map\("total_price"\) @db\.Decimal\(20, 4\)/);
    expect(postgres).toMatch(/createdAt\s+DateTime\s+@map\("created_at"\) @db\.Timestamptz\(3\)/);
    expect(postgres).toMatch(/date\s+DateTime\s+@db\.Date/);
    // Same models, same fields.
    const fields = (text: string) =>
      text
        .split("\n")
        .filter(
          (line) =>
            /^\s+[a-zA-Z]\w*\s+\w/.test(line) &&
            !/^\s+(provider|output|engineType|runtime|moduleFormat|url)\b/.test(line),
        )
        .map((line) => line.trim().split(/\s+/).slice(0, 2).join(" "));
    expect(fields(sqlite)).toEqual(fields(postgres));
  });
});

describe("committed migrations", () => {
  it("exist for both engines with the same migration names and a matching migration_lock.toml", () => {
    const names = (engine: Engine) =>
      fs
        .readdirSync(migrationsDir(engine))
        .filter((entry) => fs.existsSync(path.join(migrationsDir(engine), entry, "migration.sql")));
    expect(names("sqlite").length).toBeGreaterThan(0);
    expect(names("sqlite")).toEqual(names("postgresql"));
    for (const engine of ENGINES) {
      const lock = fs.readFileSync(path.join(migrationsDir(engine), "migration_lock.toml"), "utf8");
      expect(lock).toContain(`provider = "${engine}"`);
    }
  });

  it("SQLite: migrations produce exactly the derived schema (prisma migrate diff --from-migrations)", async () => {
    expect(await pendingMigrationSql("sqlite")).toBe("");
  });

  it.skipIf(!pg.available)(
    `PostgreSQL: migrations produce exactly the derived schema ${pg.reason}`,
    async () => {
      expect(await pendingMigrationSql("postgresql")).toBe("");
    },
  );

  it("the drift check fails when the schema gains a column the migrations lack", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-drift-"));
    try {
      const engines: Engine[] = pg.available ? ["sqlite", "postgresql"] : ["sqlite"];
      for (const engine of engines) {
        const schema = path.join(dir, `${engine}.prisma`);
        const text = fs
          .readFileSync(derivedSchemaPath(engine), "utf8")
          .replace(/(model Order \{\n)/, `$1  driftProbe String? @map("drift_probe")\n`);
        fs.writeFileSync(schema, text);
        const sql = await pendingMigrationSql(engine, { schema });
        expect(sql).toMatch(/drift_probe/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
