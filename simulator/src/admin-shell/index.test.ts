import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { verifyJwt } from "../auth/jwt.js";
import { startSimulator, type RunningSimulator } from "../server.js";
import {
  adminShellPath,
  appBridgeScript,
  createAdminShellHandler,
  embeddedAppUrl,
  hostParam,
} from "./index.js";

const APP_TOML = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../shopify.app.toml",
);
const APP_URL = "http://127.0.0.1:3999";

describe("admin shell", () => {
  let sim: RunningSimulator;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    sim = await startSimulator({ appUrl: APP_URL, appToml: APP_TOML, log: () => undefined });
    const handler = createAdminShellHandler(sim);
    // Served on its own port so the test does not depend on how server.ts mounts it.
    server = http.createServer((req, res) => {
      void handler(req, res, new URL(req.url ?? "/", "http://x")).then((handled) => {
        if (!handled) {
          res.writeHead(404);
          res.end("not mine");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sim.close();
  });

  function iframeSrc(html: string): URL {
    const m = /<iframe[^>]*\ssrc="([^"]+)"/.exec(html);
    if (!m) throw new Error("no iframe");
    return new URL(m[1]!.replace(/&amp;/g, "&"));
  }

  it("host param is base64 of admin.shopify.com/store/<handle>", () => {
    expect(Buffer.from(hostParam("demo.myshopify.com"), "base64").toString()).toBe(
      "admin.shopify.com/store/demo",
    );
    expect(adminShellPath("demo.myshopify.com")).toBe("/store/demo/apps/storesync");
  });

  it("embeds the app like Shopify Admin: /app?embedded=1&host&shop&id_token&locale", async () => {
    const res = await fetch(`${base}/store/demo/apps/storesync`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain("Demo"); // shop name in the top bar
    expect(html).toContain('id="app-nav"');
    const src = iframeSrc(html);
    expect(src.origin + src.pathname).toBe(`${APP_URL}/app`);
    expect(src.searchParams.get("embedded")).toBe("1");
    expect(src.searchParams.get("shop")).toBe("demo.myshopify.com");
    expect(src.searchParams.get("host")).toBe(hostParam("demo.myshopify.com"));
    expect(src.searchParams.get("locale")).toBe("en");
    const verified = verifyJwt(src.searchParams.get("id_token")!, sim.apiSecret);
    expect(verified.ok).toBe(true);
    if (verified.ok) {
      expect(verified.payload.dest).toBe("https://demo.myshopify.com");
      expect(verified.payload.aud).toBe(sim.apiKey);
    }
  });

  it("maps the shell's sub-path to the app's path", async () => {
    const html = await (
      await fetch(`${base}/store/demo/apps/storesync/app/data?tab=orders`)
    ).text();
    const src = iframeSrc(html);
    expect(src.pathname).toBe("/app/data");
    expect(src.searchParams.get("tab")).toBe("orders");
    expect(src.searchParams.get("shop")).toBe("demo.myshopify.com");
  });

  it("serves fresh session tokens with CORS", async () => {
    const res = await fetch(`${base}/store/demo/session-token`);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const { idToken } = (await res.json()) as { idToken: string };
    expect(verifyJwt(idToken, sim.apiSecret).ok).toBe(true);
    expect((await fetch(`${base}/store/nope/session-token`)).status).toBe(404);
  });

  it("serves the App Bridge stand-in", async () => {
    const res = await fetch(`${base}/app-bridge.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("javascript");
    const js = await res.text();
    expect(js).toBe(appBridgeScript());
    for (const part of [
      "ui-nav-menu",
      "ui-title-bar",
      "ui-modal",
      "shopify-reload",
      "idToken",
      "Authorization",
    ])
      expect(js).toContain(part);
  });

  it("redirects / and /admin to the first shop's shell; 404 for unknown shops; ignores other paths", async () => {
    for (const p of ["/", "/admin"]) {
      const res = await fetch(`${base}${p}`, { redirect: "manual" });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/store/demo/apps/storesync");
    }
    expect((await fetch(`${base}/store/unknown/apps/storesync`)).status).toBe(404);
    expect(await (await fetch(`${base}/admin/api/2026-07/graphql.json`)).text()).toBe("not mine");
  });

  it("embeddedAppUrl keeps the app's own query", () => {
    const u = new URL(embeddedAppUrl(APP_URL, "demo.myshopify.com", "t", "/app/data?x=1"));
    expect(u.pathname).toBe("/app/data");
    expect(u.searchParams.get("x")).toBe("1");
    expect(u.searchParams.get("id_token")).toBe("t");
  });
});
