/**
 * Test helper: a loopback HTTP server that records webhook deliveries (raw body + headers) and answers
 * with a programmable status / delay. Used by the webhook and control tests; not used at runtime.
 */
import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, inspected freely by tests
  body: Record<string, any>;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Decide the answer per request (default 200 at once). `delayMs` holds the response. */
  respond: (r: Received, index: number) => { status: number; delayMs?: number };
  /** Hook for tests that need the raw node objects (e.g. Shopify's validator). */
  onRequest?: (
    req: IncomingMessage,
    res: ServerResponse,
    rawBody: string,
  ) => Promise<boolean> | boolean;
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: (() => boolean)[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const receiver: Receiver = {
    url: "",
    received,
    respond: () => ({ status: 200 }),
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length >= count) {
            clearTimeout(t);
            resolve(received.slice());
            return true;
          }
          return false;
        };
        const t = setTimeout(
          () => reject(new Error(`received ${received.length}/${count} webhooks`)),
          timeoutMs,
        );
        if (!check()) waiters.push(check);
      });
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    if (receiver.onRequest && (await receiver.onRequest(req, res, rawBody))) return;
    let body: Received["body"] = {};
    try {
      body = JSON.parse(rawBody) as Received["body"];
    } catch {
      /* keep raw */
    }
    const r: Received = {
      path: req.url ?? "/",
      headers: req.headers,
      rawBody,
      body,
      at: Date.now(),
    };
    const index = received.length;
    received.push(r);
    for (const w of waiters.splice(0)) if (!w()) waiters.push(w);
    const { status, delayMs } = receiver.respond(r, index);
    const answer = () => {
      if (res.destroyed) return;
      res.writeHead(status, { "Content-Type": "text/plain" });
      res.end(String(status));
    };
    if (delayMs) setTimeout(answer, delayMs);
    else answer();
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
