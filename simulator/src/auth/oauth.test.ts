import { describe, expect, it } from "vitest";
import type { SimShop } from "../types.js";
import { mintSessionToken, signJwt, verifyJwt } from "./jwt.js";
import { GRANT_TOKEN_EXCHANGE, handleAccessTokenRequest, TOKEN_TYPE_ID_TOKEN, TOKEN_TYPE_OFFLINE, TOKEN_TYPE_ONLINE } from "./oauth.js";
import { TokenRegistry } from "./tokens.js";

const apiKey = "key";
const apiSecret = "secret";
// Only domain and scopes are read by the token endpoint.
const shop = { domain: "demo.myshopify.com", scopes: new Set(["read_orders", "read_products"]) } as unknown as SimShop;

function setup() {
  let now = 1_800_000_000_000;
  const tokens = new TokenRegistry({ accessTokenTtlSeconds: 3600, now: () => now });
  const call = (params: Record<string, unknown>) => handleAccessTokenRequest(params, { shop, apiKey, apiSecret, tokens, nowSeconds: now / 1000 });
  const idToken = (o: Parameters<typeof mintSessionToken>[0] extends infer T ? Partial<T> : never = {}) =>
    mintSessionToken({ shop: shop.domain, apiKey, apiSecret, nowSeconds: Math.floor(now / 1000), ...o });
  const exchange = (extra: Record<string, unknown> = {}) =>
    call({
      client_id: apiKey,
      client_secret: apiSecret,
      grant_type: GRANT_TOKEN_EXCHANGE,
      subject_token: idToken(),
      subject_token_type: TOKEN_TYPE_ID_TOKEN,
      requested_token_type: TOKEN_TYPE_OFFLINE,
      expiring: "1",
      ...extra,
    });
  return { tokens, call, idToken, exchange, advance: (ms: number) => (now += ms) };
}

describe("session tokens", () => {
  it("are HS256 JWTs with Shopify's claims", () => {
    const t = mintSessionToken({ shop: "demo.myshopify.com", apiKey, apiSecret, userId: 7, nowSeconds: 1000 });
    const v = verifyJwt(t, apiSecret, { nowSeconds: 1000 });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.payload).toMatchObject({ iss: "https://demo.myshopify.com/admin", dest: "https://demo.myshopify.com", aud: apiKey, sub: "7", exp: 1060, nbf: 1000, iat: 1000 });
    expect(typeof v.payload.jti).toBe("string");
    expect(typeof v.payload.sid).toBe("string");
    expect(verifyJwt(t, "other", { nowSeconds: 1000 })).toEqual({ ok: false, reason: "signature" });
    expect(verifyJwt(t, apiSecret, { nowSeconds: 1100, leewaySeconds: 5 })).toEqual({ ok: false, reason: "expired" });
    expect(verifyJwt("a.b", apiSecret)).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("POST /admin/oauth/access_token", () => {
  it("exchanges a session token for an expiring offline token", () => {
    const { exchange, tokens } = setup();
    const r = exchange();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ scope: "read_orders,read_products", expires_in: 3600, refresh_token_expires_in: 90 * 24 * 3600 });
    expect(String(r.body.access_token)).toMatch(/^shpat_/);
    expect(String(r.body.refresh_token)).toMatch(/^shprt_/);
    expect(tokens.validate(shop.domain, r.body.access_token as string)).toBe("ok");
    expect(tokens.validate("other.myshopify.com", r.body.access_token as string)).toBe("invalid");
  });

  it("non-expiring offline tokens have no expiry nor refresh token; online tokens carry the user", () => {
    const { exchange } = setup();
    const offline = exchange({ expiring: "0" });
    expect(Object.keys(offline.body).sort()).toEqual(["access_token", "scope"]);
    const online = exchange({ requested_token_type: TOKEN_TYPE_ONLINE });
    expect(online.status).toBe(200);
    expect(online.body).toMatchObject({ expires_in: 86399, associated_user: { id: 1 } });
  });

  it("rejects bad subject tokens with 400 invalid_subject_token and bad clients with 401 invalid_client", () => {
    const { exchange, idToken, advance } = setup();
    expect(exchange({ subject_token: idToken({ apiSecret: "wrong" }) })).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    expect(exchange({ subject_token: idToken({ apiKey: "other-app" }) })).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    expect(exchange({ subject_token: idToken({ shop: "other.myshopify.com" }) })).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    const stale = idToken();
    advance(60_000 + 6_000); // past exp + leeway
    expect(exchange({ subject_token: stale })).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
    expect(exchange({ client_secret: "nope" })).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect(exchange({ grant_type: "password" })).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
    expect(exchange({ subject_token: undefined })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(exchange({ subject_token: signJwt({ alg: "none" }, apiSecret) })).toMatchObject({ status: 400, body: { error: "invalid_subject_token" } });
  });

  it("refresh rotates both tokens and revokes the old pair; access tokens expire", () => {
    const { exchange, call, tokens, advance } = setup();
    const first = exchange().body;
    advance(3600_000);
    expect(tokens.validate(shop.domain, first.access_token as string)).toBe("expired");
    const refreshed = call({ client_id: apiKey, client_secret: apiSecret, grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect(tokens.validate(shop.domain, refreshed.body.access_token as string)).toBe("ok");
    expect(tokens.validate(shop.domain, first.access_token as string)).toBe("invalid");
    const again = call({ client_id: apiKey, client_secret: apiSecret, grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(again).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("parallel exchanges each get a usable token; a refresh retires its pair; non-expiring tokens migrate to expiring", () => {
    const { exchange, tokens, call } = setup();
    const a = exchange().body;
    const b = exchange().body;
    // The official library exchanges once per parallel loader on first load: both must work.
    expect(tokens.validate(shop.domain, a.access_token as string)).toBe("ok");
    expect(tokens.validate(shop.domain, b.access_token as string)).toBe("ok");
    const refreshed = tokens.rotate(shop.domain, a.refresh_token as string);
    expect(typeof refreshed).toBe("object");
    expect(tokens.validate(shop.domain, a.access_token as string)).toBe("invalid");
    expect(tokens.rotate(shop.domain, a.refresh_token as string)).toBe("invalid");
    const legacy = exchange({ expiring: "0" }).body;
    const migrated = call({
      client_id: apiKey,
      client_secret: apiSecret,
      grant_type: GRANT_TOKEN_EXCHANGE,
      subject_token: legacy.access_token,
      subject_token_type: TOKEN_TYPE_OFFLINE,
      requested_token_type: TOKEN_TYPE_OFFLINE,
      expiring: "1",
    });
    expect(migrated.status).toBe(200);
    expect(migrated.body.refresh_token).toBeTruthy();
    expect(tokens.validate(shop.domain, legacy.access_token as string)).toBe("invalid");
  });
});
