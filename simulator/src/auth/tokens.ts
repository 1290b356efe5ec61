/**
 * Access tokens issued by the simulator (all shops): expiring / non-expiring offline tokens with
 * rotating refresh tokens, online tokens bound to a user.
 * A new token exchange does not revoke earlier access tokens: Shopify's official library runs
 * several exchanges in parallel on an app's first load (one per loader), and each caller must be
 * able to use the token it got until it expires. A refresh retires the refresh token it used
 * (and that pair's access token): the app must store the new pair.
 */
import { randomBytes } from "node:crypto";

export const REFRESH_TOKEN_TTL_SECONDS = 90 * 24 * 3600;
export const ONLINE_TOKEN_TTL_SECONDS = 86_399;

export interface IssuedToken {
  shop: string;
  accessToken: string;
  scope: string;
  kind: "offline" | "offline-expiring" | "online";
  /** ms epoch; undefined = never expires */
  expiresAt?: number;
  refreshToken?: string;
  refreshExpiresAt?: number;
  userId?: number;
}

const token = (prefix: string) => `${prefix}_${randomBytes(16).toString("hex")}`;

export class TokenRegistry {
  private readonly access = new Map<string, IssuedToken>();
  private readonly refresh = new Map<string, IssuedToken>();

  constructor(private readonly opts: { accessTokenTtlSeconds: number; now?: () => number }) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  issueOffline(shop: string, scope: string, expiring: boolean): IssuedToken {
    const now = this.now();
    const t: IssuedToken = expiring
      ? {
          shop,
          scope,
          kind: "offline-expiring",
          accessToken: token("shpat"),
          expiresAt: now + this.opts.accessTokenTtlSeconds * 1000,
          refreshToken: token("shprt"),
          refreshExpiresAt: now + REFRESH_TOKEN_TTL_SECONDS * 1000,
        }
      : { shop, scope, kind: "offline", accessToken: token("shpat") };
    this.access.set(t.accessToken, t);
    if (t.refreshToken) this.refresh.set(t.refreshToken, t);
    return t;
  }

  issueOnline(shop: string, scope: string, userId: number): IssuedToken {
    const t: IssuedToken = {
      shop,
      scope,
      kind: "online",
      accessToken: token("shpua"),
      expiresAt: this.now() + ONLINE_TOKEN_TTL_SECONDS * 1000,
      userId,
    };
    this.access.set(t.accessToken, t);
    return t;
  }

  /** Rotate: a valid refresh token yields new access + refresh tokens; the old pair dies. */
  rotate(shop: string, refreshToken: string): IssuedToken | "invalid" | "expired" {
    const t = this.refresh.get(refreshToken);
    if (!t || t.shop !== shop) return "invalid";
    if (t.refreshExpiresAt !== undefined && this.now() >= t.refreshExpiresAt) return "expired";
    this.revoke(t.accessToken);
    return this.issueOffline(shop, t.scope, true);
  }

  /** An existing offline token of the shop (migration to expiring tokens). */
  find(accessToken: string): IssuedToken | undefined {
    return this.access.get(accessToken);
  }

  revoke(accessToken: string): void {
    const t = this.access.get(accessToken);
    if (!t) return;
    this.access.delete(accessToken);
    if (t.refreshToken) this.refresh.delete(t.refreshToken);
  }

  revokeShop(shop: string): void {
    for (const t of [...this.access.values()]) if (t.shop === shop) this.revoke(t.accessToken);
  }

  validate(shop: string, accessToken: string): "ok" | "invalid" | "expired" {
    const t = this.access.get(accessToken);
    if (!t || t.shop !== shop) return "invalid";
    if (t.expiresAt !== undefined && this.now() >= t.expiresAt) return "expired";
    return "ok";
  }
}
