/**
 * The simulator's admin shell: a minimal Shopify Admin frame that embeds the app the way Shopify
 * Admin does, plus the local App Bridge stand-in the app loads in simulator mode.
 *
 *   GET /store/<handle>/apps/<app-handle>[/<app path>]  the shell (iframe → <appUrl><app path or /app>?embedded=1&host=…&shop=…&id_token=…&locale=en)
 *   GET /store/<handle>/session-token                   { idToken } fresh session token (CORS *, used by the shell and the stand-in)
 *   GET /app-bridge.js                                  the App Bridge stand-in (app-bridge.client.js)
 *   GET / and GET /admin                                redirect to the first shop's shell
 *
 * `<handle>` is the shop's myshopify subdomain (`demo` for demo.myshopify.com); `<app-handle>` is the
 * toml's `handle` (default "storesync"), any value is accepted.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseToml } from "smol-toml";

import type { SimShop, SimulatorInternals } from "../types.js";

export type AdminShellHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<boolean>;

const clientFile = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), "utf8");
let appBridgeSource: string | undefined;
let shellSource: string | undefined;

/** The App Bridge stand-in's source (browser JavaScript). */
export function appBridgeScript(): string {
  return (appBridgeSource ??= clientFile("app-bridge.client.js"));
}

export interface AppIdentity {
  name: string;
  handle: string;
}

/** App name and handle from shopify.app.toml (defaults: StoreSync / storesync). */
export function appIdentity(appToml: string | undefined): AppIdentity {
  const fallback = { name: "StoreSync", handle: "storesync" };
  if (!appToml) return fallback;
  try {
    const toml = parseToml(readFileSync(appToml, "utf8")) as { name?: unknown; handle?: unknown };
    return {
      name: typeof toml.name === "string" && toml.name ? toml.name : fallback.name,
      handle: typeof toml.handle === "string" && toml.handle ? toml.handle : fallback.handle,
    };
  } catch {
    return fallback;
  }
}

/** `demo.myshopify.com` → `demo`. */
export function shopHandle(domain: string): string {
  return domain.replace(/\.myshopify\.com$/i, "");
}

/** The `host` param Shopify Admin passes to embedded apps: base64 of `admin.shopify.com/store/<handle>`. */
export function hostParam(domain: string): string {
  return Buffer.from(`admin.shopify.com/store/${shopHandle(domain)}`, "utf8")
    .toString("base64")
    .replace(/=+$/, "");
}

/** Path of the shell embedding the app for `domain` (what to open in a browser, after the simulator's URL). */
export function adminShellPath(domain: string, appHandle = "storesync"): string {
  return `/store/${encodeURIComponent(shopHandle(domain))}/apps/${encodeURIComponent(appHandle)}`;
}

/** The iframe URL, as Shopify Admin builds it for an embedded app. */
export function embeddedAppUrl(
  appUrl: string,
  domain: string,
  idToken: string,
  appPath = "/app",
): string {
  const url = new URL(appPath, appUrl);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("host", hostParam(domain));
  url.searchParams.set("id_token", idToken);
  url.searchParams.set("locale", "en");
  url.searchParams.set("shop", domain);
  return url.href;
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>) {
  res.writeHead(status, { "Content-Length": String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function shellHtml(opts: {
  shopName: string;
  domain: string;
  app: AppIdentity;
  appUrl: string;
  iframeSrc: string;
  shellBase: string;
  initialPath: string;
}): string {
  const config = JSON.stringify({
    appUrl: opts.appUrl,
    appName: opts.app.name,
    shop: opts.domain,
    shellBase: opts.shellBase,
    initialPath: opts.initialPath,
    sessionTokenUrl: `/store/${encodeURIComponent(shopHandle(opts.domain))}/session-token`,
  }).replace(/</g, "\\u003c");
  const initial = opts.shopName.trim().charAt(0).toUpperCase() || "S";
  const staticNav = [
    "Home",
    "Orders",
    "Products",
    "Customers",
    "Marketing",
    "Discounts",
    "Content",
    "Markets",
    "Analytics",
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(opts.app.name)} · ${esc(opts.shopName)} · Shopify (simulator)</title>
<style>
*{box-sizing:border-box}
html,body{margin:0;height:100%;font-family:-apple-system,BlinkMacSystemFont,"San Francisco","Segoe UI",Roboto,"Helvetica Neue",sans-serif;font-size:13px;color:#303030;background:#f1f1f1}
#top{height:56px;background:#1a1a1a;color:#e3e3e3;display:flex;align-items:center;gap:16px;padding:0 16px;position:relative}
#top .logo{font-weight:700;font-size:15px;color:#fff;display:flex;align-items:center;gap:8px;min-width:224px}
#top .logo i{display:inline-block;width:22px;height:22px;border-radius:6px;background:#95bf47}
#top .search{flex:1;max-width:600px;margin:0 auto;height:34px;border-radius:10px;background:#303030;border:1px solid #4a4a4a;color:#b5b5b5;display:flex;align-items:center;padding:0 12px}
#top .shop{display:flex;align-items:center;gap:8px;font-weight:600}
#top .shop b{width:28px;height:28px;border-radius:8px;background:#36a3a0;color:#fff;display:flex;align-items:center;justify-content:center}
#top .sim{font-size:11px;color:#ffb800;border:1px solid #ffb800;border-radius:6px;padding:2px 6px}
#loading-bar{position:absolute;left:0;bottom:0;height:3px;width:0;background:#36a3a0;transition:width 2s ease-out}
#loading-bar.on{width:80%}
#layout{display:flex;height:calc(100% - 56px)}
nav#side{width:240px;flex:none;background:#ebebeb;padding:12px 8px;overflow:auto}
nav#side ul{list-style:none;margin:0;padding:0}
nav#side a{display:block;padding:6px 10px;border-radius:8px;color:#303030;text-decoration:none;font-weight:550}
nav#side a.muted{color:#8a8a8a;font-weight:500;cursor:default}
nav#side a:hover:not(.muted){background:#fafafa}
nav#side a.active{background:#fff;font-weight:650}
nav#side a.sub{padding-left:30px;font-weight:500}
nav#side .section{margin:14px 10px 6px;color:#616161;font-size:12px;font-weight:650}
nav#side #app-home{display:flex;align-items:center;gap:8px}
nav#side #app-home i{width:18px;height:18px;border-radius:5px;background:#5c6ac4;display:inline-block}
main{flex:1;display:flex;flex-direction:column;min-width:0;position:relative}
#title-bar{height:52px;flex:none;display:flex;align-items:center;justify-content:space-between;padding:0 20px;border-bottom:1px solid #e3e3e3;background:#fff}
#title-bar-title{font-weight:650;font-size:15px}
#title-bar-actions{display:flex;gap:8px}
#title-bar-actions button{border:1px solid #c9c9c9;background:#fff;border-radius:8px;padding:6px 12px;font:inherit;font-weight:550;cursor:pointer}
#title-bar-actions button.primary{background:#303030;color:#fff;border-color:#303030}
#app-frame{flex:1;width:100%;border:0;background:#f1f1f1}
#toasts{position:fixed;bottom:28px;left:50%;transform:translateX(-50%);display:flex;flex-direction:column;gap:8px;align-items:center;z-index:20}
.toast{background:#303030;color:#fff;padding:10px 16px;border-radius:10px;font-size:13px;box-shadow:0 6px 18px rgba(0,0,0,.25)}
.toast.error{background:#8e1f0b}
#modal-backdrop{display:none}
nav#side,#title-bar{position:relative}
body.modal-open #top::after,body.modal-open nav#side::after,body.modal-open #title-bar::after{content:"";position:absolute;inset:0;background:rgba(0,0,0,.5);z-index:5}
</style>
</head>
<body>
<header id="top">
  <div class="logo"><i></i>shopify <span class="sim">simulator</span></div>
  <div class="search">Search</div>
  <div class="shop" id="shop-name"><b>${esc(initial)}</b>${esc(opts.shopName)}</div>
  <div id="loading-bar"></div>
</header>
<div id="layout">
  <nav id="side" aria-label="Shopify admin">
    <ul>${staticNav.map((n) => `<li><a class="muted" aria-disabled="true">${esc(n)}</a></li>`).join("")}</ul>
    <div class="section">Apps</div>
    <a id="app-home" href="${esc(opts.shellBase)}/app"><i></i>${esc(opts.app.name)}</a>
    <ul id="app-nav" aria-label="${esc(opts.app.name)} navigation"></ul>
  </nav>
  <main>
    <div id="title-bar"><span id="title-bar-title">${esc(opts.app.name)}</span><div id="title-bar-actions"></div></div>
    <iframe id="app-frame" name="app-iframe" title="${esc(opts.app.name)}" src="${esc(opts.iframeSrc)}"></iframe>
  </main>
</div>
<div id="modal-backdrop"></div>
<div id="toasts" aria-live="polite"></div>
<script type="application/json" id="sim-shell-config">${config}</script>
<script>${(shellSource ??= clientFile("shell.client.js"))}</script>
</body>
</html>`;
}

export function createAdminShellHandler(sim: SimulatorInternals): AdminShellHandler {
  const app = appIdentity(sim.options.appToml);

  function findShop(handle: string): SimShop | undefined {
    const h = decodeURIComponent(handle).toLowerCase();
    const domain = h.includes(".") ? h : `${h}.myshopify.com`;
    return sim.shops().find((s) => s.domain === domain);
  }

  return async (req, res, url) => {
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname;

    if (path === "/app-bridge.js") {
      if (method !== "GET" && method !== "HEAD") return false;
      send(res, 200, appBridgeScript(), {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "no-cache",
        "Access-Control-Allow-Origin": "*",
      });
      return true;
    }

    if ((path === "/" || path === "/admin") && method === "GET") {
      const first = sim.shops()[0];
      if (!first) return false;
      res.writeHead(302, { Location: adminShellPath(first.domain, app.handle) });
      res.end();
      return true;
    }

    const token = /^\/store\/([^/]+)\/session-token$/.exec(path);
    if (token) {
      const shop = findShop(token[1]!);
      const cors = {
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "no-store",
        "Content-Type": "application/json; charset=utf-8",
      };
      if (!shop) send(res, 404, JSON.stringify({ error: "unknown shop" }), cors);
      else send(res, 200, JSON.stringify({ idToken: sim.sessionToken(shop.domain) }), cors);
      return true;
    }

    const shell = /^\/store\/([^/]+)\/apps\/([^/]+)(\/.*)?$/.exec(path);
    if (!shell || method !== "GET") return false;
    const shop = findShop(shell[1]!);
    const html = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" };
    if (!shop) {
      send(
        res,
        404,
        `<!doctype html><p>Unknown shop ${esc(shell[1]!)}. Shops: ${sim
          .shops()
          .map((s) => esc(s.domain))
          .join(", ")}</p>`,
        html,
      );
      return true;
    }
    const appUrl = sim.options.appUrl;
    if (!appUrl) {
      send(
        res,
        503,
        "<!doctype html><p>The simulator was started without an appUrl: there is no app to embed.</p>",
        html,
      );
      return true;
    }
    const shellBase = adminShellPath(shop.domain, decodeURIComponent(shell[2]!));
    const sub = shell[3] && shell[3] !== "/" ? shell[3] : "/app";
    const appPath = sub + url.search;
    const shopRecord = shop.store.shop();
    const shopName = typeof shopRecord.name === "string" ? shopRecord.name : shop.domain;
    send(
      res,
      200,
      shellHtml({
        shopName,
        domain: shop.domain,
        app,
        appUrl,
        iframeSrc: embeddedAppUrl(appUrl, shop.domain, sim.sessionToken(shop.domain), appPath),
        shellBase,
        initialPath: appPath,
      }),
      html,
    );
    return true;
  };
}
