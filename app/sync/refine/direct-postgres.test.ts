/**
 * On PostgreSQL, refinement's transactions run on its own node-postgres pool, not through Prisma's
 * query compiler (direct-postgres.server.ts), and a pool whose database goes away does not take
 * the process with it.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { postgresConfigOf } from "~/db.server";
import { createTestDatabase, type TestDatabase } from "../../../prisma/testing";
import { testEngines } from "../../../tests/support/engines";
import { APPLICATION_NAME, closeDirectPostgresPools, directPostgres } from "./direct-postgres.server";
import { applyRowSets } from "./upsert.server";

const SHOP = "direct-pg.myshopify.com";
const NOW = new Date("2026-06-01T00:00:00.000Z");

const location = (id: number, name: string) => ({
  rows: { locations: [{ id: BigInt(id), gid: `gid://shopify/Location/${id}`, name, isActive: true, updatedAt: NOW }] },
  tombstones: [],
  complete: [],
});

describe.runIf(testEngines.includes("postgresql"))("refinement's direct PostgreSQL pool", () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await closeDirectPostgresPools();
    for (const d of databases) await d.drop();
  });

  it("writes through connections named storesync-refine, outside Prisma", async () => {
    const t = await createTestDatabase("postgresql");
    databases.push(t);
    const result = await applyRowSets(t.db, SHOP, [location(1, "Warehouse")], { now: NOW });
    expect(result.upserted.locations).toBe(1);
    const probe = new pg.Client(postgresConfigOf(t.db) as pg.ClientConfig);
    await probe.connect();
    try {
      const { rows } = await probe.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
        [APPLICATION_NAME],
      );
      expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(1);
    } finally {
      await probe.end();
    }
    const stored = await t.db.location.findMany({ where: { shop: SHOP } });
    expect(stored.map((l) => l.name)).toEqual(["Warehouse"]);
  });

  it("survives its database being dropped under it, and a rolled-back plan leaves nothing", async () => {
    const t = await createTestDatabase("postgresql");
    await applyRowSets(t.db, SHOP, [location(2, "Shop floor")], { now: NOW });
    expect(directPostgres(t.db)?.idleCount).toBeGreaterThanOrEqual(1);
    await t.drop(); // DROP DATABASE … WITH (FORCE) ends the pool's idle connection
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(directPostgres(t.db)?.idleCount).toBe(0);

    const u = await createTestDatabase("postgresql");
    databases.push(u);
    // An id beyond bigint fails its statement (a shape of its own: the other row's statement ran
    // first): the transaction rolls back as a whole.
    const bad = { ...location(3, "Too big"), rows: { locations: [{ ...location(3, "Too big").rows.locations[0]!, id: 2n ** 70n, city: "Ghent" }] } };
    await expect(applyRowSets(u.db, SHOP, [location(4, "Kept out"), bad], { now: NOW })).rejects.toThrow(/out of range/);
    expect(await u.db.location.count({ where: { shop: SHOP } })).toBe(0);
  });
});
