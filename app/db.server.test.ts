import { afterAll, describe, expect, it } from "vitest";
import { postgresAvailability, createTestDatabase, type TestDatabase } from "../prisma/testing";
import { checkDatabase, createDb, engine, engineOf } from "./db.server";

const pg = await postgresAvailability();
const cleanup: TestDatabase[] = [];
afterAll(async () => {
  for (const t of cleanup) await t.drop();
});

describe("db.server", () => {
  it("defaults to SQLite when DATABASE_URL is unset or file:", () => {
    if (!process.env.DATABASE_URL || process.env.DATABASE_URL.startsWith("file:"))
      expect(engine).toBe("sqlite");
    expect(engineOf(createDb("file:/tmp/storesync-unused.sqlite"))).toBe("sqlite");
    expect(engineOf(createDb("postgresql://root@127.0.0.1:5432/unused"))).toBe("postgresql");
  });

  it("rejects an unsupported DATABASE_URL with one line", () => {
    expect(() => createDb("mysql://root@localhost/x")).toThrow(
      /^DATABASE_URL must be unset \(SQLite\), file:<path> \(SQLite\) or postgres:\/\/…/,
    );
  });

  it("SQLite connections use WAL, a busy timeout and NORMAL sync", async () => {
    const t = await createTestDatabase("sqlite");
    cleanup.push(t);
    await checkDatabase(t.db);
    const pragma = async (name: string) =>
      Object.values(
        (await t.db.$queryRawUnsafe<Array<Record<string, unknown>>>(`PRAGMA ${name}`))[0],
      )[0];
    expect(await pragma("journal_mode")).toBe("wal");
    expect(Number(await pragma("busy_timeout"))).toBe(5000);
    expect(Number(await pragma("synchronous"))).toBe(1); // NORMAL
  });

  it("an unreachable PostgreSQL gives a one-line message with the redacted URL and the cause", async () => {
    const db = createDb("postgresql://root:s3cret@127.0.0.1:1/nowhere");
    const error = await checkDatabase(db).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toMatch(
      /^Database unreachable at postgresql:\/\/root:\*\*\*@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/,
    );
    expect(error!.message).not.toContain("s3cret");
    expect(error!.message).not.toContain("\n");
    await db.$disconnect();
  });

  it("an unopenable SQLite file gives a one-line message", async () => {
    const db = createDb("file:/nonexistent-dir/storesync/x.sqlite");
    await expect(checkDatabase(db)).rejects.toThrow(
      /^Database unreachable at \/nonexistent-dir\/storesync\/x\.sqlite: [^\n]+$/,
    );
  });

  it.skipIf(!pg.available)(
    `the PostgreSQL client works behind the shared Db type ${pg.reason}`,
    async () => {
      const t = await createTestDatabase("postgresql");
      cleanup.push(t);
      await checkDatabase(t.db);
      expect(engineOf(t.db)).toBe("postgresql");
      await t.db.shop.create({ data: { shop: "pg.myshopify.com", currencyCode: "CAD" } });
      const shop = await t.db.shop.findUniqueOrThrow({ where: { shop: "pg.myshopify.com" } });
      expect(shop).toMatchObject({
        installState: "installed",
        currencyCode: "CAD",
        settingsJson: "{}",
      });
      expect(shop.installedAt).toBeInstanceOf(Date);
    },
  );
});
