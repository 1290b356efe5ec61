/* eslint-disable @typescript-eslint/no-explicit-any -- JSON responses are inspected freely */
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "../index.js";
import { startReceiver, type Receiver } from "../webhooks/test-receiver.js";
import { runCli } from "../../cli.js";

const APP_TOML = fileURLToPath(new URL("../../../shopify.app.toml", import.meta.url));
const SHOP = "control.myshopify.com";

let sim: RunningSimulator;
let app: Receiver;

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
const S = `/_sim/shops/${SHOP}`;
const topicsReceived = () => app.received.map((r) => r.headers["x-shopify-topic"]);

beforeAll(async () => {
  app = await startReceiver();
  sim = await startSimulator({
    shops: [{ domain: SHOP, seed: 3, size: { orders: 40 } }],
    appUrl: app.url,
    appToml: APP_TOML,
    timeScale: 100_000,
    log: () => {},
  });
});
afterAll(async () => {
  await sim?.close();
  await app?.close();
});
beforeEach(async () => {
  await sim.webhooks.idle();
  app.received.length = 0;
  app.respond = () => ({ status: 200 });
  await api("DELETE", `${S}/faults`);
});

describe("control API end to end (real simulator)", () => {
  it("health and shops", async () => {
    const h = await api("GET", "/_sim/health");
    expect(h).toMatchObject({ status: 200, body: { ok: true, shops: [SHOP] } });
    const s = await api("GET", "/_sim/shops");
    expect(s.status).toBe(200);
    expect(s.body.shops[0]).toMatchObject({ domain: SHOP, counts: { orders: 40 } });
    expect(s.body.shops[0].counts.products).toBeGreaterThan(0);
  });

  it("creating an order delivers orders/create to the app, signed with the app secret", async () => {
    const created = await api("POST", `${S}/orders`, {});
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    await sim.webhooks.idle();
    const hook = app.received.find((r) => r.headers["x-shopify-topic"] === "orders/create");
    expect(hook).toBeDefined();
    expect(hook!.path).toBe("/webhooks/orders");
    expect(hook!.headers["x-shopify-hmac-sha256"]).toBe(
      createHmac("sha256", sim.apiSecret).update(hook!.rawBody).digest("base64"),
    );
    expect(hook!.headers["x-shopify-shop-domain"]).toBe(SHOP);
    expect(hook!.body.admin_graphql_api_id).toBe(created.body.id);
    const total = created.body.totalPriceSet?.shopMoney?.amount;
    if (total !== undefined) expect(hook!.body.total_price).toBe(total);
    expect((await api("GET", "/_sim/shops")).body.shops[0].counts.orders).toBe(41);
  });

  it("?silent=1 changes data without any webhook (drift)", async () => {
    const created = await api("POST", `${S}/orders?silent=1`, {});
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const patched = await api("PATCH", `${S}/orders/${encodeURIComponent(id)}?silent=1`, {
      note: "quiet",
    });
    expect(patched.status).toBe(200);
    await sim.webhooks.idle();
    expect(app.received).toHaveLength(0);
    expect(sim.shop(SHOP).store.collection("orders").get(id)).toBeDefined();
  });

  it("update, order actions and delete emit their topics", async () => {
    const order = (await api("POST", `${S}/orders?silent=1`, {})).body;
    const num = order.id.split("/").pop();
    expect((await api("PATCH", `${S}/orders/${num}`, { note: "hello" })).status).toBe(200);
    const paidAgain = await api("POST", `${S}/orders/${num}/pay`, {}); // new orders are paid already
    expect(paidAgain.status).toBe(400);
    expect(paidAgain.body.error).toMatch(/cannot be marked as paid/);
    const pending = [
      ...sim
        .shop(SHOP)
        .store.collection("orders")
        .scan({ filter: [{ field: "financial_status", op: "=", value: "pending" }] }),
    ][0];
    if (pending)
      expect(
        (await api("POST", `${S}/orders/${pending.record.id.split("/").pop()}/pay`, {})).status,
      ).toBe(200);
    expect((await api("POST", `${S}/orders/${num}/fulfill`, {})).status).toBe(200);
    expect((await api("POST", `${S}/orders/${num}/refund`, {})).status).toBe(200);
    expect((await api("DELETE", `${S}/orders/${num}`)).status).toBe(200);
    await sim.webhooks.idle();
    const topics = topicsReceived();
    expect(topics).toContain("orders/updated");
    expect(topics).toContain("refunds/create");
    expect(topics).toContain("orders/delete");
    expect(topics).toContain("fulfillments/create");
    if (pending) expect(topics).toContain("orders/paid");
    const ful = app.received.find((r) => r.headers["x-shopify-topic"] === "fulfillments/create")!;
    expect(ful.body.order_id).toBe(Number(num));
    expect(ful.body.line_items.length).toBeGreaterThan(0);
    expect(ful.body.line_items[0].sku).toBeTruthy(); // resolved from the order's line items
    const del = app.received.find((r) => r.headers["x-shopify-topic"] === "orders/delete")!;
    expect(del.body).toEqual({ id: Number(num) });
    const refund = app.received.find((r) => r.headers["x-shopify-topic"] === "refunds/create")!;
    expect(refund.body.order_id).toBe(Number(num));
    expect(refund.path).toBe("/webhooks/money");
  });

  it("faults: set, read back, webhook drop applies, reset", async () => {
    const set = await api("POST", `${S}/faults`, {
      webhooks: { dropRate: 1 },
      graphql5xx: { remaining: 2, status: 502 },
    });
    expect(set.status).toBe(200);
    expect(set.body.webhooks.dropRate).toBe(1);
    expect(sim.shop(SHOP).faults.graphql5xx).toEqual({ remaining: 2, status: 502 });
    await api("POST", `${S}/orders`, {});
    await sim.webhooks.idle();
    expect(app.received).toHaveLength(0);
    expect(sim.webhooks.deliveries(SHOP).at(-1)?.status).toBe("dropped");
    const reset = await api("DELETE", `${S}/faults`);
    expect(reset.body).toEqual({
      graphql5xx: { remaining: 0, status: 503 },
      bulk: null,
      webhooks: { dropRate: 0, duplicateRate: 0, delayMs: 0, reorder: false },
    });
    expect((await api("POST", `${S}/faults`, { throttle: true })).status).toBe(200);
    expect(sim.shop(SHOP).bucket.available()).toBeLessThan(100);
  });

  it("scopes, uninstall and compliance send app webhooks", async () => {
    const sc = await api("POST", `${S}/scopes`, { scopes: ["read_products", "read_orders"] });
    expect(sc.status).toBe(200);
    expect([...sim.shop(SHOP).scopes]).toEqual(["read_products", "read_orders"]);
    const [first] = sim.shop(SHOP).store.collection("customers").scan();
    const cid = first!.record.id;
    expect(
      (await api("POST", `${S}/compliance/customers/redact`, { customerId: cid })).status,
    ).toBe(202);
    expect((await api("POST", `${S}/compliance/shop/redact`, {})).status).toBe(202);
    const token = sim.issueAccessToken(SHOP);
    expect(sim.validateAccessToken(SHOP, token.accessToken)).toBe("ok");
    const un = await api("POST", `${S}/uninstall`, {});
    expect(un.body).toMatchObject({ uninstalled: SHOP, tokensRevoked: true });
    expect(sim.validateAccessToken(SHOP, token.accessToken)).toBe("invalid");
    await sim.webhooks.idle();
    const by = Object.fromEntries(
      app.received.map((r) => [r.headers["x-shopify-topic"] as string, r]),
    );
    expect(by["app/scopes_update"].body).toMatchObject({
      current: ["read_products", "read_orders"],
    });
    expect(by["app/scopes_update"].body.previous).toContain("read_customers");
    expect(by["customers/redact"].body).toMatchObject({
      shop_domain: SHOP,
      customer: { id: Number(cid.split("/").pop()) },
    });
    expect(by["shop/redact"].body).toMatchObject({ shop_domain: SHOP });
    expect(by["app/uninstalled"].body).toMatchObject({ myshopify_domain: SHOP });
    expect(by["app/uninstalled"].path).toBe("/webhooks/app/uninstalled");
    const log = await api("GET", `${S}/webhooks`);
    expect(log.body.deliveries.length).toBeGreaterThan(0);
    expect(log.body.subscriptions.some((s: { topic: string }) => s.topic === "orders/create")).toBe(
      true,
    );
  });

  it("session tokens and new shops", async () => {
    const t = await api("POST", `${S}/session-token`, { userId: 7 });
    expect(t.status).toBe(200);
    const [, payload] = (t.body.idToken as string).split(".");
    expect(JSON.parse(Buffer.from(payload!, "base64url").toString())).toMatchObject({
      dest: `https://${SHOP}`,
      aud: sim.apiKey,
      sub: "7",
    });
    const added = await api("POST", "/_sim/shops", {
      domain: "second.myshopify.com",
      size: { orders: 5 },
    });
    expect(added.status).toBe(201);
    expect(added.body.counts.orders).toBe(5);
    expect((await api("POST", "/_sim/shops", { domain: "second.myshopify.com" })).status).toBe(409);
  });

  it("bad input is a 400 with a message, unknown things 404, never a crash", async () => {
    const cases: [string, string, unknown, number][] = [
      ["POST", `${S}/orders`, "{not json", 400],
      ["POST", `${S}/orders`, "[1,2]", 400],
      ["POST", `${S}/faults`, { webhooks: { dropRate: 3 } }, 400],
      ["POST", `${S}/faults`, { nonsense: true }, 400],
      ["POST", `${S}/faults`, { bulk: { errorCode: "NOPE" } }, 400],
      ["POST", `${S}/scopes`, { scopes: 5 }, 400],
      ["POST", `${S}/compliance/customers/redact`, {}, 400],
      ["POST", `${S}/compliance/shop/explode`, {}, 400],
      ["POST", `${S}/inventory/adjust`, { delta: "x" }, 400],
      ["POST", `${S}/orders/1/refund`, { amount: "abc" }, 404],
      ["POST", "/_sim/shops", { domain: "not a domain" }, 400],
      ["GET", "/_sim/shops/nope.myshopify.com", undefined, 404],
      ["POST", "/_sim/shops/nope.myshopify.com/orders", {}, 404],
      ["PATCH", `${S}/orders/999999999`, { note: "x" }, 404],
      ["DELETE", `${S}/products/999999999`, undefined, 404],
      ["POST", `${S}/widgets`, {}, 404],
      ["POST", `${S}/orders/1/explode`, {}, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const r = await api(method, path, body);
      expect({ method, path, status: r.status }).toEqual({ method, path, status });
      expect(typeof r.body.error).toBe("string");
    }
    expect((await api("GET", "/_sim/health")).status).toBe(200);
  });

  it("the sim CLI drives the same API", async () => {
    const out: string[] = [];
    const io = {
      out: (s: string) => out.push(s),
      err: (s: string) => out.push(`ERR ${s}`),
      env: { STORESYNC_SIMULATOR_URL: sim.url },
    };
    expect(await runCli(["create-order", "--shop", SHOP], io)).toBe(0);
    const created = JSON.parse(out.pop()!);
    expect(created.id).toMatch(/Order/);
    expect(await runCli(["update", "orders", created.id, '{"note":"cli"}', "--silent"], io)).toBe(
      0,
    );
    expect(await runCli(["refund", created.id.split("/").pop()], io)).toBe(0);
    expect(await runCli(["fault", '{"webhooks":{"delayMs":1}}'], io)).toBe(0);
    expect(sim.shop(SHOP).faults.webhooks.delayMs).toBe(1);
    expect(await runCli(["fault", "reset"], io)).toBe(0);
    await sim.webhooks.idle();
    out.length = 0;
    expect(await runCli(["webhooks"], io)).toBe(0);
    expect(out.join("\n")).toMatch(/orders\/create\s+delivered/);
    expect(await runCli(["delete", "orders", "999999999"], io)).toBe(2);
    expect(out.at(-1)).toMatch(/^ERR sim: DELETE .* 404/);
    expect(await runCli(["bogus"], io)).toBe(2);
    expect(
      await runCli(["health"], { ...io, env: { STORESYNC_SIMULATOR_URL: "http://127.0.0.1:1" } }),
    ).toBe(2);
  });
});

describe("tsx simulator/cli.ts serve", () => {
  it("starts, prints its URL, shops and keys, serves the control API, stops on SIGTERM", async () => {
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    const child = spawn(
      join(root, "node_modules/.bin/tsx"),
      [
        "simulator/cli.ts",
        "serve",
        "--port",
        "0",
        "--orders",
        "25",
        "--shop",
        "cli-a.myshopify.com",
        "--shop",
        "cli-b.myshopify.com",
        "--app-url",
        app.url,
      ],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL printed; got: ${out}`)), 30_000);
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m && out.includes("Control API")) {
            clearTimeout(t);
            resolve(m[1]!);
          }
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(out).toContain("cli-a.myshopify.com (25 orders)");
      expect(out).toContain("cli-b.myshopify.com");
      expect(out).toContain("api secret:");
      const lines: string[] = [];
      const code = await runCli(["shops"], {
        out: (s) => lines.push(s),
        err: (s) => lines.push(s),
        env: { STORESYNC_SIMULATOR_URL: url },
      });
      expect(code).toBe(0);
      expect(JSON.parse(lines.join("\n")).shops.map((s: { domain: string }) => s.domain)).toEqual([
        "cli-a.myshopify.com",
        "cli-b.myshopify.com",
      ]);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });
});
