/**
 * POST /admin/oauth/access_token — token exchange (id_token → offline/online access token), migration of a
 * non-expiring offline token to an expiring one, and the refresh grant. Errors follow OAuth 2.0's shape
 * (`{ error, error_description }`): 400 invalid_request / invalid_subject_token / invalid_grant /
 * unsupported_grant_type, 401 invalid_client.
 */
import type { SimShop } from "../types.js";
import { verifyJwt } from "./jwt.js";
import { ONLINE_TOKEN_TTL_SECONDS, type IssuedToken, type TokenRegistry } from "./tokens.js";

export const GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const TOKEN_TYPE_ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
export const TOKEN_TYPE_OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const TOKEN_TYPE_ONLINE = "urn:shopify:params:oauth:token-type:online-access-token";
/** Leeway for exp/nbf of session tokens. */
export const JWT_LEEWAY_SECONDS = 5;

export interface OAuthResult {
  status: number;
  body: Record<string, unknown>;
}

export interface OAuthDeps {
  shop: SimShop;
  apiKey: string;
  apiSecret: string;
  tokens: TokenRegistry;
  nowSeconds?: number;
}

const err = (status: number, error: string, error_description: string): OAuthResult => ({ status, body: { error, error_description } });

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === "1" || v === "true";
}

function scopeString(shop: SimShop): string {
  return [...shop.scopes].join(",");
}

function tokenResponse(t: IssuedToken, nowMs: number): Record<string, unknown> {
  const body: Record<string, unknown> = { access_token: t.accessToken, scope: t.scope };
  if (t.kind === "offline-expiring") {
    body.expires_in = Math.max(0, Math.round((t.expiresAt! - nowMs) / 1000));
    body.refresh_token = t.refreshToken;
    body.refresh_token_expires_in = Math.max(0, Math.round((t.refreshExpiresAt! - nowMs) / 1000));
  }
  return body;
}

/** Handle the parsed body (JSON or form) of a token request for `deps.shop`. */
export function handleAccessTokenRequest(params: Record<string, unknown>, deps: OAuthDeps): OAuthResult {
  const str = (k: string) => (typeof params[k] === "string" ? (params[k] as string) : undefined);
  const grantType = str("grant_type");
  const clientId = str("client_id");
  const clientSecret = str("client_secret");
  const nowMs = (deps.nowSeconds ?? Date.now() / 1000) * 1000;

  if (!grantType) {
    if (str("code")) return err(400, "invalid_request", "The authorization code grant is not supported by the simulator; use token exchange.");
    return err(400, "invalid_request", "Missing required parameter: grant_type.");
  }
  if (grantType !== GRANT_TOKEN_EXCHANGE && grantType !== "refresh_token") {
    return err(400, "unsupported_grant_type", `The grant type '${grantType}' is not supported.`);
  }
  if (!clientId || !clientSecret) return err(401, "invalid_client", "Client authentication failed: client_id and client_secret are required.");
  if (clientId !== deps.apiKey || clientSecret !== deps.apiSecret) {
    return err(401, "invalid_client", "Client authentication failed due to unknown client or wrong client secret.");
  }

  if (grantType === "refresh_token") {
    const refreshToken = str("refresh_token");
    if (!refreshToken) return err(400, "invalid_request", "Missing required parameter: refresh_token.");
    const r = deps.tokens.rotate(deps.shop.domain, refreshToken);
    if (r === "invalid") return err(400, "invalid_grant", "The refresh token is invalid, revoked or was issued to another shop.");
    if (r === "expired") return err(400, "invalid_grant", "The refresh token has expired.");
    return { status: 200, body: tokenResponse(r, nowMs) };
  }

  // token exchange
  const subjectToken = str("subject_token");
  const subjectTokenType = str("subject_token_type");
  const requested = str("requested_token_type") ?? TOKEN_TYPE_OFFLINE;
  if (!subjectToken) return err(400, "invalid_request", "Missing required parameter: subject_token.");
  if (!subjectTokenType) return err(400, "invalid_request", "Missing required parameter: subject_token_type.");
  if (requested !== TOKEN_TYPE_OFFLINE && requested !== TOKEN_TYPE_ONLINE) {
    return err(400, "invalid_request", `Unsupported requested_token_type '${requested}'.`);
  }

  if (subjectTokenType === TOKEN_TYPE_OFFLINE) {
    // Migration of a non-expiring offline token to an expiring one.
    const old = deps.tokens.find(subjectToken);
    if (!old || old.shop !== deps.shop.domain || old.kind !== "offline") {
      return err(400, "invalid_subject_token", "The subject token is not a valid non-expiring offline access token for this shop.");
    }
    if (requested !== TOKEN_TYPE_OFFLINE || !truthy(params.expiring)) {
      return err(400, "invalid_request", "Only migration to an expiring offline token (expiring=1) is supported.");
    }
    const t = deps.tokens.issueOffline(deps.shop.domain, old.scope, true);
    deps.tokens.revoke(old.accessToken);
    return { status: 200, body: tokenResponse(t, nowMs) };
  }
  if (subjectTokenType !== TOKEN_TYPE_ID_TOKEN) {
    return err(400, "invalid_request", `Unsupported subject_token_type '${subjectTokenType}'.`);
  }

  const verified = verifyJwt(subjectToken, deps.apiSecret, {
    nowSeconds: Math.floor(nowMs / 1000),
    leewaySeconds: JWT_LEEWAY_SECONDS,
  });
  if (!verified.ok) return err(400, "invalid_subject_token", `The session token is invalid (${verified.reason}).`);
  const claims = verified.payload;
  if (claims.aud !== clientId) return err(400, "invalid_subject_token", "The session token was issued for another app (aud).");
  if (claims.dest !== `https://${deps.shop.domain}`) {
    return err(400, "invalid_subject_token", "The session token was issued for another shop (dest).");
  }

  if (requested === TOKEN_TYPE_ONLINE) {
    const userId = Number(claims.sub ?? 1) || 1;
    const t = deps.tokens.issueOnline(deps.shop.domain, scopeString(deps.shop), userId);
    return {
      status: 200,
      body: {
        access_token: t.accessToken,
        scope: t.scope,
        expires_in: ONLINE_TOKEN_TTL_SECONDS,
        associated_user_scope: t.scope,
        session: claims.sid,
        account_number: 0,
        associated_user: {
          id: userId,
          first_name: "Sim",
          last_name: `User ${userId}`,
          email: `user${userId}@${deps.shop.domain}`,
          account_owner: userId === 1,
          locale: "en",
          collaborator: false,
          email_verified: true,
        },
      },
    };
  }
  const t = deps.tokens.issueOffline(deps.shop.domain, scopeString(deps.shop), truthy(params.expiring));
  return { status: 200, body: tokenResponse(t, nowMs) };
}
