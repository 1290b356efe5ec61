/**
 * Serves the app's webhook routes (app/routes/webhooks.*.tsx, as declared in shopify.app.toml) over
 * a real HTTP server: each request becomes a Fetch `Request` handed to the route's action, exactly
 * what Remix does. Used by the webhook tests and bench/webhooks.ts (the simulator POSTs here).
 *
 * Faults for tests: `failNext(n, status)` answers the next n requests with a 5xx before the route
 * runs (Shopify then retries the same webhook id).
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { parse as parseToml } from "smol-toml";

type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response> | Response;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** uri -> route module file, from shopify.app.toml. */
export function webhookRouteFiles(): Map<string, string> {
  const doc = parseToml(fs.readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8")) as {
    webhooks?: { subscriptions?: { uri?: string }[] };
  };
  const out = new Map<string, string>();
  for (const s of doc.webhooks?.subscriptions ?? []) {
    if (!s.uri) continue;
    const file = path.join(ROOT, "app/routes", `${s.uri.replace(/^\//, "").replace(/\//g, ".")}.tsx`);
    out.set(s.uri, file);
  }
  return out;
}

export interface WebhookAppServer {
  url: string;
  /** Every answer: path, status, ms from first byte received to answer sent. */
  answers: { path: string; status: number; ms: number; webhookId: string | null; at: number }[];
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startWebhookAppServer(options: { appUrl?: string } = {}): Promise<WebhookAppServer> {
  const actions = new Map<string, Action>();
  for (const [uri, file] of webhookRouteFiles()) {
    const mod = (await import(file)) as { action: Action };
    actions.set(uri, mod.action);
  }
  let failing = 0;
  let failStatus = 503;
  const answers: WebhookAppServer["answers"] = [];
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const pathname = new URL(req.url ?? "/", "http://x").pathname;
        const webhookId = (req.headers["x-shopify-webhook-id"] as string | undefined) ?? null;
        const send = (status: number, body = "") => {
          res.writeHead(status, { "Content-Type": "text/plain" });
          res.end(body);
          answers.push({ path: pathname, status, ms: performance.now() - started, webhookId, at: Date.now() });
        };
        if (failing > 0) {
          failing--;
          return send(failStatus);
        }
        const action = actions.get(pathname);
        if (!action) return send(404);
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        const base = options.appUrl ?? `http://${req.headers.host}`;
        const request = new Request(new URL(req.url ?? "/", base), {
          method: req.method,
          headers,
          body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
        });
        let response: Response;
        try {
          response = await action({ request, params: {}, context: {} });
        } catch (thrown) {
          if (thrown instanceof Response) response = thrown;
          else {
            console.error(thrown);
            return send(500);
          }
        }
        send(response.status, await response.text());
      })();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    answers,
    failNext(n, status = 503) {
      failing = n;
      failStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
