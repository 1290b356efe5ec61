/**
 * Dev/test/demo only: connects the app to the local store simulator when STORESYNC_SIMULATOR_URL is
 * set. Self-contained on purpose — the app never imports simulator/ code.
 *
 * - `installSimulatorBridge(url)`: an undici global dispatcher that opens a plain TCP connection to
 *   the simulator for every `https://<shop>.myshopify.com` request (the Host header still names the
 *   shop) and connects every other host normally. `@shopify/shopify-api`'s token exchange and Admin
 *   GraphQL calls (Node's global fetch honours undici's global dispatcher) then reach the simulator
 *   unchanged.
 * - `adaptDocumentHeadersForSimulator(headers, url)`: lets the simulator's admin shell frame the app
 *   (shopify-app-remix only allows https://<shop> and https://admin.shopify.com) and points the
 *   App Bridge preload at the simulator's stand-in instead of Shopify's CDN.
 * - `withSimulatorDocumentHeaders(authenticate, url)`: the same for the pages shopify-app-remix
 *   answers itself from `authenticate.admin` (session-token bounce page, exit-iframe page), which
 *   Remix returns as thrown Responses without going through entry.server.
 */
import net from "node:net";

import { Agent, buildConnector, setGlobalDispatcher } from "undici";

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

export function isSimulatedShopHost(host: string): boolean {
  return SHOP_HOST.test(host);
}

/** An undici Agent routing `*.myshopify.com` to the simulator's HTTP port; other hosts connect normally. */
export function createSimulatorAgent(simulatorUrl: string): Agent {
  const target = new URL(simulatorUrl);
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port || (target.protocol === "https:" ? 443 : 80));
  const normal = buildConnector({});
  const connect: buildConnector.connector = (opts, callback) => {
    if (!isSimulatedShopHost(opts.hostname)) return normal(opts, callback);
    const socket = net.connect({ host, port });
    const onError = (error: Error) => callback(error, null);
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      callback(null, socket);
    });
  };
  return new Agent({ connect });
}

const INSTALLED = Symbol.for("storesync.simulatorBridge");

/** Installs the simulator agent as undici's global dispatcher, once per process and URL. */
export function installSimulatorBridge(simulatorUrl: string): void {
  const state = globalThis as unknown as Record<symbol, string | undefined>;
  if (state[INSTALLED] === simulatorUrl) return;
  setGlobalDispatcher(createSimulatorAgent(simulatorUrl));
  state[INSTALLED] = simulatorUrl;
  console.warn(`[storesync] store simulator mode: *.myshopify.com → ${simulatorUrl}`);
}

/** Adds the simulator's origin to the document's `frame-ancestors` so its admin shell can embed the app. */
export function allowSimulatorFrameAncestor(headers: Headers, simulatorUrl: string): void {
  const origin = new URL(simulatorUrl).origin;
  const csp = headers.get("Content-Security-Policy");
  if (!csp || csp.includes("'none'")) return;
  const updated = csp.replace(/frame-ancestors([^;]*)/, (directive, sources: string) =>
    sources.split(/\s+/).includes(origin) ? directive : `frame-ancestors${sources} ${origin}`,
  );
  headers.set("Content-Security-Policy", updated);
}

/** Document headers in simulator mode: frame-ancestors + App Bridge preload of the local stand-in. */
export function adaptDocumentHeadersForSimulator(headers: Headers, simulatorUrl: string): void {
  allowSimulatorFrameAncestor(headers, simulatorUrl);
  const link = headers.get("Link");
  if (link?.includes("cdn.shopify.com/shopifycloud/app-bridge.js")) {
    const standIn = new URL("/app-bridge.js", simulatorUrl).href;
    headers.set(
      "Link",
      link.replace("https://cdn.shopify.com/shopifycloud/app-bridge.js", standIn),
    );
  }
}

/** `authenticate` whose `admin` adapts the headers of the Responses it throws (see above). */
export function withSimulatorDocumentHeaders<
  A extends { admin: (request: Request) => Promise<unknown> },
>(authenticate: A, simulatorUrl: string): A {
  const admin = authenticate.admin;
  const wrapped = async (request: Request) => {
    try {
      return await admin(request);
    } catch (error) {
      if (error instanceof Response) {
        try {
          adaptDocumentHeadersForSimulator(error.headers, simulatorUrl);
        } catch {
          // immutable headers (a fetched Response): leave them
        }
      }
      throw error;
    }
  };
  return { ...authenticate, admin: wrapped as A["admin"] };
}
