import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  adaptDocumentHeadersForSimulator,
  allowSimulatorFrameAncestor,
  createSimulatorAgent,
  isSimulatedShopHost,
  withSimulatorDocumentHeaders,
} from "./simulator-bridge.server";

describe("simulator bridge", () => {
  let server: http.Server;
  let url: string;
  const seen: { host?: string; path?: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ host: req.headers.host, path: req.url });
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ host: req.headers.host, path: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("routes https://<shop>.myshopify.com to the simulator's plain HTTP port, Host unchanged", async () => {
    const agent = createSimulatorAgent(url);
    try {
      const res = await fetch("https://demo.myshopify.com/admin/api/2026-07/graphql.json", {
        method: "POST",
        body: "{}",
        // @ts-expect-error undici's dispatcher option on Node's fetch
        dispatcher: agent,
      });
      expect(await res.json()).toEqual({
        host: "demo.myshopify.com",
        path: "/admin/api/2026-07/graphql.json",
      });
    } finally {
      await agent.close();
    }
  });

  it("connects every other host normally", async () => {
    const agent = createSimulatorAgent("http://127.0.0.1:1"); // nothing listens there
    try {
      const res = await fetch(`${url}/plain`, {
        // @ts-expect-error undici's dispatcher option on Node's fetch
        dispatcher: agent,
      });
      expect(await res.json()).toMatchObject({ path: "/plain" });
    } finally {
      await agent.close();
    }
  });

  it("recognises shop hosts only", () => {
    expect(isSimulatedShopHost("demo.myshopify.com")).toBe(true);
    expect(isSimulatedShopHost("my-shop-2.myshopify.com")).toBe(true);
    expect(isSimulatedShopHost("admin.shopify.com")).toBe(false);
    expect(isSimulatedShopHost("demo.myshopify.com.evil.example")).toBe(false);
  });

  it("adds the simulator's origin to frame-ancestors, once", () => {
    const headers = new Headers({
      "Content-Security-Policy":
        "frame-ancestors https://demo.myshopify.com https://admin.shopify.com;",
    });
    allowSimulatorFrameAncestor(headers, "http://127.0.0.1:4010/ignored/path");
    allowSimulatorFrameAncestor(headers, "http://127.0.0.1:4010");
    expect(headers.get("Content-Security-Policy")).toBe(
      "frame-ancestors https://demo.myshopify.com https://admin.shopify.com http://127.0.0.1:4010;",
    );

    const none = new Headers({ "Content-Security-Policy": "frame-ancestors 'none';" });
    allowSimulatorFrameAncestor(none, "http://127.0.0.1:4010");
    expect(none.get("Content-Security-Policy")).toBe("frame-ancestors 'none';");
  });

  it("points the App Bridge preload at the simulator's stand-in", () => {
    const headers = new Headers({
      Link: '<https://cdn.shopify.com/shopifycloud/app-bridge.js>; rel="preload"; as="script";',
      "Content-Security-Policy": "frame-ancestors https://demo.myshopify.com;",
    });
    adaptDocumentHeadersForSimulator(headers, "http://127.0.0.1:4010");
    expect(headers.get("Link")).toBe(
      '<http://127.0.0.1:4010/app-bridge.js>; rel="preload"; as="script";',
    );
    expect(headers.get("Content-Security-Policy")).toBe(
      "frame-ancestors https://demo.myshopify.com http://127.0.0.1:4010;",
    );
  });

  it("adapts the headers of pages authenticate.admin throws (bounce page), passes the rest through", async () => {
    const bounce = new Response("<script></script>", {
      headers: { "Content-Security-Policy": "frame-ancestors https://demo.myshopify.com;" },
    });
    const other = { webhook: () => "kept" };
    const auth = withSimulatorDocumentHeaders(
      {
        ...other,
        admin: async (request: Request) => {
          if (request.url.endsWith("/auth/session-token")) throw bounce;
          return { ok: true };
        },
      },
      "http://127.0.0.1:4010",
    );
    await expect(auth.admin(new Request("http://app/app"))).resolves.toEqual({ ok: true });
    const thrown = await auth
      .admin(new Request("http://app/auth/session-token"))
      .catch((e: unknown) => e);
    expect(thrown).toBe(bounce);
    expect(bounce.headers.get("Content-Security-Policy")).toBe(
      "frame-ancestors https://demo.myshopify.com http://127.0.0.1:4010;",
    );
    expect(auth.webhook()).toBe("kept");
  });
});
