/** Minimal HS256 JWT (session tokens are HS256 signed with the app's client secret). */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

export interface SessionTokenPayload {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
  [claim: string]: unknown;
}

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString("base64url");

export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url");
  return `${header}.${body}.${sig}`;
}

export type JwtVerifyResult =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; reason: "malformed" | "algorithm" | "signature" | "expired" | "not_yet_valid" };

/** Verify signature and exp/nbf (with `leewaySeconds`). */
export function verifyJwt(token: string, secret: string, opts: { nowSeconds?: number; leewaySeconds?: number } = {}): JwtVerifyResult {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { alg?: string };
    payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (header.alg !== "HS256") return { ok: false, reason: "algorithm" };
  const expected = createHmac("sha256", secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "signature" };
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  const leeway = opts.leewaySeconds ?? 10;
  if (typeof payload.exp === "number" && now - leeway >= payload.exp) return { ok: false, reason: "expired" };
  if (typeof payload.nbf === "number" && now + leeway < payload.nbf) return { ok: false, reason: "not_yet_valid" };
  return { ok: true, payload };
}

/** A session token (id_token) as App Bridge would hand the app for `shop`'s admin user. */
export function mintSessionToken(opts: {
  shop: string;
  apiKey: string;
  apiSecret: string;
  userId?: number;
  expiresInSeconds?: number;
  nowSeconds?: number;
}): string {
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  const payload: SessionTokenPayload = {
    iss: `https://${opts.shop}/admin`,
    dest: `https://${opts.shop}`,
    aud: opts.apiKey,
    sub: String(opts.userId ?? 1),
    exp: now + (opts.expiresInSeconds ?? 60),
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: randomBytes(16).toString("hex"),
  };
  return signJwt(payload, opts.apiSecret);
}
