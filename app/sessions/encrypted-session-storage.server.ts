/**
 * Session storage that encrypts Shopify access and refresh tokens (AES-256-GCM)
 * before they reach the `sessions` table, wrapping Shopify's PrismaSessionStorage.
 *
 * Stored format (one string, base64url parts):
 *   enc:v1:<keyId>:<iv 12 bytes>:<auth tag 16 bytes>:<ciphertext>
 * The additional authenticated data binds a value to its column and session id,
 * so a ciphertext copied into another row or column does not decrypt.
 *
 * Keys: TOKEN_ENCRYPTION_KEYS = "keyId:key[,keyId:key…]" where key is 32 bytes
 * as base64/base64url (44/43 chars) or hex (64 chars). The FIRST key encrypts;
 * every key decrypts, so rotation is: prepend a new key, deploy, and old rows
 * are re-encrypted with the new key the next time their session is stored;
 * drop the old key once no row uses it. Rows written before encryption
 * (plaintext tokens) are still readable and get encrypted on their next store.
 *
 * Generate a key: node -e "console.log('k1:' + require('crypto').randomBytes(32).toString('base64url'))"
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import type { Database, Statement } from "better-sqlite3";
import { engineOf, type Db } from "../db.server";
import { directSqlite } from "../sync/ingest/raw-writer.server";

export const ENCRYPTED_PREFIX = "enc:v1:";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** Keys in order: `current` encrypts, all of `keys` (current first) decrypt. */
export interface TokenKeyring {
  current: EncryptionKey;
  keys: ReadonlyMap<string, Buffer>;
}

function decodeKey(text: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  const key = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return key.length === KEY_BYTES ? key : null;
}

/**
 * Parses TOKEN_ENCRYPTION_KEYS ("keyId:base64key,…", first = current).
 * Throws a one-line error naming TOKEN_ENCRYPTION_KEYS; never echoes key material.
 */
export function parseTokenEncryptionKeys(value: string | undefined): TokenKeyring {
  const fail = (why: string): never => {
    throw new Error(
      `TOKEN_ENCRYPTION_KEYS ${why} (expected "keyId:key[,keyId:key…]" with 32-byte keys in base64 or hex, e.g. k1:$(openssl rand -base64 32))`,
    );
  };
  const entries = (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) fail("is empty");
  const keys = new Map<string, Buffer>();
  let current: EncryptionKey | undefined;
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(":");
    const id = colon > 0 ? entry.slice(0, colon) : "";
    const material = colon > 0 ? entry.slice(colon + 1) : "";
    if (!KEY_ID.test(id))
      fail(`entry ${index + 1} has no valid key id before ":" (letters, digits, _ . - only)`);
    const key = decodeKey(material);
    if (!key) fail(`entry ${index + 1} (key id "${id}") is not a 32-byte key in base64 or hex`);
    if (keys.has(id)) fail(`lists key id "${id}" twice`);
    keys.set(id, key!);
    current ??= { id, key: key! };
  });
  return { current: current!, keys };
}

function aad(field: string, sessionId: string): Buffer {
  return Buffer.from(`storesync:${field}:${sessionId}`, "utf8");
}

export function isEncryptedToken(value: string | undefined | null): boolean {
  return typeof value === "string" && value.startsWith(ENCRYPTED_PREFIX);
}

/** Encrypts a token for column `field` of session `sessionId` with the current key. */
export function encryptToken(
  keyring: TokenKeyring,
  plaintext: string,
  field: string,
  sessionId: string,
): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(aad(field, sessionId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${ENCRYPTED_PREFIX}${keyring.current.id}:${iv.toString("base64url")}:${tag.toString("base64url")}:${ciphertext.toString("base64url")}`;
}

/** Decrypts a stored value; plaintext (legacy) values are returned unchanged. */
export function decryptToken(
  keyring: TokenKeyring,
  stored: string,
  field: string,
  sessionId: string,
): string {
  if (!isEncryptedToken(stored)) return stored;
  const parts = stored.slice(ENCRYPTED_PREFIX.length).split(":");
  if (parts.length !== 4)
    throw new Error(`Session ${sessionId}: ${field} is not a valid enc:v1 value`);
  const [keyId, ivText, tagText, dataText] = parts;
  const key = keyring.keys.get(keyId);
  if (!key) {
    throw new Error(
      `Session ${sessionId}: ${field} is encrypted with key "${keyId}", which is not in TOKEN_ENCRYPTION_KEYS`,
    );
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivText, "base64url"), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad(field, sessionId));
    decipher.setAuthTag(Buffer.from(tagText, "base64url"));
    return Buffer.concat([
      decipher.update(Buffer.from(dataText, "base64url")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new Error(
      `Session ${sessionId}: ${field} could not be decrypted with key "${keyId}" (wrong key or tampered value)`,
    );
  }
}

function mapTokens(session: Session, map: (value: string, field: string) => string): Session {
  const params = session.toObject();
  if (params.accessToken) params.accessToken = map(params.accessToken, "accessToken");
  if (params.refreshToken) params.refreshToken = map(params.refreshToken, "refreshToken");
  return new Session(params);
}

export interface EncryptedSessionStorageOptions {
  /** Passed to PrismaSessionStorage (how long to wait for the sessions table at startup). */
  connectionRetries?: number;
  connectionRetryIntervalMs?: number;
}

/** A `sessions` row as stored, read with better-sqlite3 (safe integers: INTEGER columns are bigint). */
interface SqliteSessionRow {
  id: string;
  shop: string;
  state: string;
  is_online: bigint | number;
  scope: string | null;
  expires: string | number | bigint | null;
  access_token: string;
  user_id: bigint | number | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  account_owner: bigint | number;
  locale: string | null;
  collaborator: bigint | number | null;
  email_verified: bigint | number | null;
  refresh_token: string | null;
  refresh_token_expires: string | number | bigint | null;
}

/** A DateTime column as the Prisma SQLite adapter stores it (ISO text with offset, or epoch ms). */
function sqliteTime(value: string | number | bigint | null): number | undefined {
  if (value === null || value === "") return undefined;
  if (typeof value !== "string") return Number(value);
  // SQLite's own CURRENT_TIMESTAMP format has no zone: it is UTC.
  const text = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Same mapping as PrismaSessionStorage's (private) rowToSession, from the SQLite row. */
function sqliteRowToSession(row: SqliteSessionRow): Session {
  const bool = (v: bigint | number | null) => (v === null ? null : Number(v) !== 0);
  const params: Record<string, string | number | boolean> = {
    id: row.id,
    shop: row.shop,
    state: row.state,
    isOnline: bool(row.is_online) === true,
    userId: String(row.user_id),
    firstName: String(row.first_name),
    lastName: String(row.last_name),
    email: String(row.email),
    locale: String(row.locale),
  };
  const accountOwner = bool(row.account_owner);
  if (accountOwner !== null) params.accountOwner = accountOwner;
  const collaborator = bool(row.collaborator);
  if (collaborator !== null) params.collaborator = collaborator;
  const emailVerified = bool(row.email_verified);
  if (emailVerified !== null) params.emailVerified = emailVerified;
  const expires = sqliteTime(row.expires);
  if (expires) params.expires = expires;
  if (row.scope) params.scope = row.scope;
  if (row.access_token) params.accessToken = row.access_token;
  if (row.refresh_token) params.refreshToken = row.refresh_token;
  const refreshTokenExpires = sqliteTime(row.refresh_token_expires);
  if (refreshTokenExpires) params.refreshTokenExpires = refreshTokenExpires;
  return Session.fromPropertyArray(Object.entries(params), true);
}

const SELECT_SESSION =
  `SELECT "id","shop","state","is_online","scope","expires","access_token","user_id","first_name","last_name","email",` +
  `"account_owner","locale","collaborator","email_verified","refresh_token","refresh_token_expires" FROM "sessions" WHERE "id" = ?`;

const sessionStatements = new WeakMap<Database, Statement>();

/** Decrypted tokens kept per storage (two per session: access and refresh token). */
const PLAINTEXT_CACHE_SIZE = 256;

export class EncryptedSessionStorage implements SessionStorage {
  readonly #inner: PrismaSessionStorage<Db>;
  readonly #keyring: TokenKeyring;
  /**
   * SQLite: loadSession reads the row with one prepared statement on the app's direct
   * better-sqlite3 connection (the one webhook receiving writes through) instead of a Prisma
   * query — every webhook loads the shop's offline session, and Prisma's per-query cost (query
   * compilation, adapter round trip) was the largest part of a webhook's answer time. Always read
   * from the database, never cached: sessions are also changed with plain Prisma calls elsewhere
   * (lifecycle.server.ts deletes them on uninstall), and by other processes.
   */
  readonly #db: Db;
  #direct: boolean;

  constructor(db: Db, keyring: TokenKeyring, options: EncryptedSessionStorageOptions = {}) {
    this.#keyring = keyring;
    this.#db = db;
    this.#direct = engineOf(db) === "sqlite";
    this.#inner = new PrismaSessionStorage<Db>(db, { tableName: "session", ...options });
  }

  /** The prepared SELECT on the direct connection; undefined on PostgreSQL or when it cannot open. */
  async #directStatement(): Promise<Statement | undefined> {
    if (!this.#direct) return undefined;
    let conn: Database | undefined;
    try {
      conn = await directSqlite(this.#db);
    } catch {
      conn = undefined; // e.g. an in-memory database has no file to open: Prisma it is
    }
    if (!conn) {
      this.#direct = false;
      return undefined;
    }
    let statement = sessionStatements.get(conn);
    if (!statement) {
      statement = conn.prepare(SELECT_SESSION);
      sessionStatements.set(conn, statement);
    }
    return statement;
  }

  async storeSession(session: Session): Promise<boolean> {
    const encrypted = mapTokens(session, (value, field) =>
      encryptToken(
        this.#keyring,
        decryptToken(this.#keyring, value, field, session.id),
        field,
        session.id,
      ),
    );
    try {
      return await this.#inner.storeSession(encrypted);
    } catch (error) {
      // PrismaSessionStorage retries a concurrent-insert P2002 itself, but it checks
      // `instanceof Prisma.PrismaClientKnownRequestError` from the default
      // `@prisma/client` entry, which this app does not generate (its clients live in
      // app/generated): that check throws a TypeError instead. Retry once here.
      if (error instanceof TypeError || (error as { code?: string }).code === "P2002") {
        return this.#inner.storeSession(encrypted);
      }
      throw error;
    }
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const statement = await this.#directStatement();
    const session = statement
      ? ((row) => row && sqliteRowToSession(row))(statement.get(id) as SqliteSessionRow | undefined)
      : await this.#inner.loadSession(id);
    return session && this.#decrypt(session);
  }

  deleteSession(id: string): Promise<boolean> {
    return this.#inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.#inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const sessions = await this.#inner.findSessionsByShop(shop);
    return sessions.map((session) => this.#decrypt(session));
  }

  isReady(): Promise<boolean> {
    return this.#inner.isReady();
  }

  /**
   * Decrypted tokens by stored value. A stored value is never decrypted twice: every webhook loads
   * the same offline session, and AES-GCM setup costs more than the rest of the load. Keyed by
   * the ciphertext itself (random IV per store), so a changed row is a cache miss, never a stale
   * hit; bounded, oldest first out.
   */
  readonly #plaintexts = new Map<string, string>();

  #decrypt(session: Session): Session {
    return mapTokens(session, (value, field) => {
      if (!isEncryptedToken(value)) return value;
      const key = `${field}\u0000${session.id}\u0000${value}`;
      let plaintext = this.#plaintexts.get(key);
      if (plaintext === undefined) {
        plaintext = decryptToken(this.#keyring, value, field, session.id);
        if (this.#plaintexts.size >= PLAINTEXT_CACHE_SIZE) {
          this.#plaintexts.delete(this.#plaintexts.keys().next().value as string);
        }
        this.#plaintexts.set(key, plaintext);
      }
      return plaintext;
    });
  }
}

/**
 * The app's session storage: Shopify's Prisma storage on `db`, tokens encrypted.
 * `keys` is a parsed keyring or the raw TOKEN_ENCRYPTION_KEYS string.
 */
export function createSessionStorage(
  db: Db,
  keys: TokenKeyring | string,
  options: EncryptedSessionStorageOptions = {},
): EncryptedSessionStorage {
  const keyring = typeof keys === "string" ? parseTokenEncryptionKeys(keys) : keys;
  return new EncryptedSessionStorage(db, keyring, options);
}
