import { randomBytes } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, postgresAvailability, type TestDatabase } from "../../prisma/testing";
import type { Engine } from "../../prisma/database-url";
import {
  createSessionStorage,
  decryptToken,
  encryptToken,
  parseTokenEncryptionKeys,
} from "./encrypted-session-storage.server";

const pg = await postgresAvailability();
const key = () => randomBytes(32).toString("base64url");
const K1 = `k1:${key()}`;
const K2 = `k2:${key()}`;
const SHOP = "tokens.myshopify.com";
const ACCESS = "shpat_0123456789abcdef0123456789abcdef";
const REFRESH = "shprt_fedcba9876543210fedcba9876543210";

function offlineSession(id = `offline_${SHOP}`) {
  return new Session({
    id,
    shop: SHOP,
    state: "state",
    isOnline: false,
    scope: "read_orders,read_products",
    accessToken: ACCESS,
    refreshToken: REFRESH,
    expires: new Date("2030-01-01T00:00:00.000Z"),
    refreshTokenExpires: new Date("2030-02-01T00:00:00.000Z"),
  });
}

async function rawTokens(t: TestDatabase, id: string) {
  const sql =
    t.engine === "sqlite"
      ? `SELECT access_token, refresh_token FROM sessions WHERE id = ?`
      : `SELECT access_token, refresh_token FROM sessions WHERE id = $1`;
  const [row] = await t.db.$queryRawUnsafe<
    Array<{ access_token: string; refresh_token: string | null }>
  >(sql, id);
  return row;
}

describe("parseTokenEncryptionKeys", () => {
  it("takes the first key as current and keeps all for decryption", () => {
    const ring = parseTokenEncryptionKeys(`${K2}, ${K1}`);
    expect(ring.current.id).toBe("k2");
    expect([...ring.keys.keys()]).toEqual(["k2", "k1"]);
    expect(ring.current.key).toHaveLength(32);
  });

  it("accepts standard base64 and 64-char hex keys", () => {
    expect(
      parseTokenEncryptionKeys(`a:${randomBytes(32).toString("base64")}`).current.key,
    ).toHaveLength(32);
    expect(parseTokenEncryptionKeys(`b:${"ab".repeat(32)}`).current.key).toEqual(
      Buffer.alloc(32, 0xab),
    );
  });

  it.each([
    ["", /TOKEN_ENCRYPTION_KEYS is empty/],
    [undefined, /TOKEN_ENCRYPTION_KEYS is empty/],
    [key(), /TOKEN_ENCRYPTION_KEYS entry 1 has no valid key id/],
    [
      `k1:${randomBytes(16).toString("base64")}`,
      /TOKEN_ENCRYPTION_KEYS entry 1 \(key id "k1"\) is not a 32-byte key/,
    ],
    [`k1:not base64!!`, /TOKEN_ENCRYPTION_KEYS entry 1 \(key id "k1"\) is not a 32-byte key/],
    [`${K1},${K1}`, /TOKEN_ENCRYPTION_KEYS lists key id "k1" twice/],
  ])("rejects %j with a one-line error naming TOKEN_ENCRYPTION_KEYS", (value, pattern) => {
    let message = "";
    try {
      parseTokenEncryptionKeys(value as string | undefined);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(pattern);
    expect(message).not.toContain("\n");
    if (value) expect(message).not.toContain(String(value).split(":")[1] ?? "\u0000"); // never echoes key material
  });
});

describe("token encryption", () => {
  it("binds a ciphertext to its column and session", () => {
    const ring = parseTokenEncryptionKeys(K1);
    const stored = encryptToken(ring, ACCESS, "accessToken", "s1");
    expect(stored).toMatch(/^enc:v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(decryptToken(ring, stored, "accessToken", "s1")).toBe(ACCESS);
    expect(() => decryptToken(ring, stored, "accessToken", "s2")).toThrow(/could not be decrypted/);
    expect(() => decryptToken(ring, stored, "refreshToken", "s1")).toThrow(
      /could not be decrypted/,
    );
    expect(() => decryptToken(parseTokenEncryptionKeys(K2), stored, "accessToken", "s1")).toThrow(
      /key "k1", which is not in TOKEN_ENCRYPTION_KEYS/,
    );
  });
});

for (const engine of ["sqlite", "postgresql"] as Engine[]) {
  const skip = engine === "postgresql" && !pg.available;
  describe.skipIf(skip)(`encrypted session storage on ${engine} ${skip ? pg.reason : ""}`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(engine);
    });
    afterAll(async () => {
      await t?.drop();
    });

    it("stores no plaintext token in the sessions table and loads the session back intact", async () => {
      const storage = createSessionStorage(t.db, K1);
      const session = offlineSession();
      expect(await storage.storeSession(session)).toBe(true);

      const raw = await rawTokens(t, session.id);
      expect(raw.access_token.startsWith("enc:v1:k1:")).toBe(true);
      expect(raw.refresh_token!.startsWith("enc:v1:k1:")).toBe(true);
      expect(JSON.stringify(raw)).not.toContain(ACCESS);
      expect(JSON.stringify(raw)).not.toContain(REFRESH);
      const [all] =
        await t.db.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT * FROM sessions`);
      expect(
        JSON.stringify(all, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
      ).not.toMatch(/shpat_|shprt_/);

      const loaded = await storage.loadSession(session.id);
      expect(loaded?.accessToken).toBe(ACCESS);
      expect(loaded?.refreshToken).toBe(REFRESH);
      expect(loaded?.refreshTokenExpires?.toISOString()).toBe("2030-02-01T00:00:00.000Z");
      expect(loaded?.scope).toBe("read_orders,read_products");
      expect((await storage.findSessionsByShop(SHOP)).map((s) => s.accessToken)).toEqual([ACCESS]);
    });

    it("rotates keys: the old key still decrypts, new writes use the new key", async () => {
      const session = offlineSession("offline_rotation");
      await createSessionStorage(t.db, K1).storeSession(session);
      expect((await rawTokens(t, session.id)).access_token.startsWith("enc:v1:k1:")).toBe(true);

      const rotated = createSessionStorage(t.db, `${K2},${K1}`);
      expect((await rotated.loadSession(session.id))?.accessToken).toBe(ACCESS); // old key decrypts
      await rotated.storeSession((await rotated.loadSession(session.id))!);
      const raw = await rawTokens(t, session.id);
      expect(raw.access_token.startsWith("enc:v1:k2:")).toBe(true); // re-encrypted with the new key
      expect(raw.refresh_token!.startsWith("enc:v1:k2:")).toBe(true);

      // Once every row is re-encrypted, the old key can go.
      expect((await createSessionStorage(t.db, K2).loadSession(session.id))?.accessToken).toBe(
        ACCESS,
      );
      await expect(createSessionStorage(t.db, K1).loadSession(session.id)).rejects.toThrow(
        /key "k2"/,
      );
    });

    it("reads legacy plaintext rows and encrypts them on the next store", async () => {
      await t.db.session.create({
        data: {
          id: "offline_legacy",
          shop: SHOP,
          state: "s",
          isOnline: false,
          accessToken: ACCESS,
          refreshToken: REFRESH,
        },
      });
      const storage = createSessionStorage(t.db, K1);
      const legacy = await storage.loadSession("offline_legacy");
      expect(legacy?.accessToken).toBe(ACCESS);
      await storage.storeSession(legacy!);
      const raw = await rawTokens(t, "offline_legacy");
      expect(raw.access_token.startsWith("enc:v1:k1:")).toBe(true);
      expect(raw.refresh_token!.startsWith("enc:v1:k1:")).toBe(true);
      expect((await storage.loadSession("offline_legacy"))?.refreshToken).toBe(REFRESH);
    });

    it("loads exactly what Shopify's PrismaSessionStorage loads, and always the current row", async () => {
      // On SQLite loadSession reads the row directly (better-sqlite3), not through Prisma: it must
      // map every column as Shopify's storage does, and never serve a row changed behind its back.
      const storage = createSessionStorage(t.db, K1);
      const shopify = new PrismaSessionStorage(t.db, { tableName: "session" });
      const online = new Session({
        id: `${SHOP}_77`,
        shop: SHOP,
        state: "st",
        isOnline: true,
        scope: "read_orders",
        accessToken: "shpua_compare",
        expires: new Date("2031-05-06T07:08:09.123Z"),
        onlineAccessInfo: {
          expires_in: 60,
          associated_user_scope: "read_orders",
          associated_user: {
            id: 77,
            first_name: "Grace",
            last_name: "Hopper",
            email: "grace@example.com",
            email_verified: false,
            account_owner: false,
            locale: "fr",
            collaborator: true,
          },
        },
      });
      const offline = offlineSession("offline_compare");
      const bare = new Session({ id: "offline_bare", shop: SHOP, state: "s", isOnline: false, accessToken: "shpat_bare" });
      for (const session of [online, offline, bare]) {
        await storage.storeSession(session);
        const ours = await storage.loadSession(session.id);
        const theirs = await shopify.loadSession(session.id);
        expect(theirs?.accessToken?.startsWith("enc:v1:k1:")).toBe(true);
        const decrypted = { ...theirs!.toObject(), accessToken: ours?.accessToken, refreshToken: ours?.refreshToken };
        expect(ours?.toObject()).toEqual(decrypted);
        expect(ours?.accessToken).toBe(session.accessToken);
        expect(ours?.refreshToken).toBe(session.refreshToken);
        expect(ours?.expires?.getTime()).toBe(session.expires?.getTime());
      }
      expect((await storage.loadSession(online.id))?.onlineAccessInfo?.associated_user.email).toBe("grace@example.com");
      expect(await storage.loadSession("offline_nobody")).toBeUndefined();

      // Changed and deleted with plain Prisma (as lifecycle.server.ts does on uninstall): seen at once.
      await t.db.session.updateMany({ where: { id: offline.id }, data: { scope: "read_products" } });
      expect((await storage.loadSession(offline.id))?.scope).toBe("read_products");
      await t.db.session.deleteMany({ where: { id: { in: [online.id, offline.id, bare.id] } } });
      expect(await storage.loadSession(offline.id)).toBeUndefined();
      expect(await storage.loadSession(online.id)).toBeUndefined();
    });

    it("a ciphertext already decrypted once still does not decrypt in another row or column", async () => {
      const storage = createSessionStorage(t.db, K1);
      const session = offlineSession("offline_bound");
      await storage.storeSession(session);
      expect((await storage.loadSession(session.id))?.accessToken).toBe(ACCESS); // decrypted (and remembered)
      const raw = await rawTokens(t, session.id);
      await t.db.session.create({
        data: { id: "offline_copy", shop: SHOP, state: "s", isOnline: false, accessToken: raw.access_token },
      });
      await expect(storage.loadSession("offline_copy")).rejects.toThrow(/could not be decrypted/);
      await t.db.session.update({ where: { id: session.id }, data: { refreshToken: raw.access_token } });
      await expect(storage.loadSession(session.id)).rejects.toThrow(/refreshToken could not be decrypted/);
      await t.db.session.deleteMany({ where: { id: { in: [session.id, "offline_copy"] } } });
    });

    it("stores online sessions (user info, BigInt user id) and deletes sessions", async () => {
      const storage = createSessionStorage(t.db, K1);
      const online = new Session({
        id: `${SHOP}_9007199254740993`,
        shop: SHOP,
        state: "s",
        isOnline: true,
        accessToken: "shpua_online",
        expires: new Date(Date.now() + 60_000),
        onlineAccessInfo: {
          expires_in: 60,
          associated_user_scope: "read_orders",
          associated_user: {
            id: 42,
            first_name: "Ada",
            last_name: "Lovelace",
            email: "ada@example.com",
            email_verified: true,
            account_owner: true,
            locale: "en",
            collaborator: false,
          },
        },
      });
      await storage.storeSession(online);
      const row = await t.db.session.findUniqueOrThrow({ where: { id: online.id } });
      expect(row.userId).toBe(42n);
      expect(row.accessToken.startsWith("enc:v1:")).toBe(true);
      expect((await storage.loadSession(online.id))?.accessToken).toBe("shpua_online");
      expect(await storage.deleteSessions([online.id, "offline_legacy"])).toBe(true);
      expect(await storage.loadSession(online.id)).toBeUndefined();
      expect(await storage.isReady()).toBe(true);
    });
  });
}
