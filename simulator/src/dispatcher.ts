/**
 * Route the unmodified official Shopify clients to the simulator: an undici global dispatcher whose
 * `connect` opens a plain TCP socket to the simulator for every `*.myshopify.com` origin (the Host
 * header still names the shop) and refuses every host that is not loopback. Node's global fetch honours
 * undici's global dispatcher, so `@shopify/shopify-api` / `@shopify/admin-api-client` work unchanged.
 * Test/demo/bench only — never install it in production.
 */
import net from "node:net";
import { Agent, buildConnector, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK.has(h) || h.startsWith("127.") || h.endsWith(".localhost");
}

export function isShopHost(host: string): boolean {
  return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i.test(host);
}

export interface SimulatorDispatcherOptions {
  /** Extra hosts allowed to connect normally (strings match exactly, regexps test the hostname). */
  allowHosts?: (string | RegExp)[];
}

/** A dispatcher (not installed) that routes shops to `simUrl` and blocks the rest of the network. */
export function createSimulatorDispatcher(simUrl: string, options: SimulatorDispatcherOptions = {}): Agent {
  const target = new URL(simUrl);
  const simHost = target.hostname.replace(/^\[|\]$/g, "");
  const simPort = Number(target.port || (target.protocol === "https:" ? 443 : 80));
  const normal = buildConnector({});
  const allowed = (host: string) =>
    isLoopbackHost(host) || (options.allowHosts ?? []).some((a) => (typeof a === "string" ? a.toLowerCase() === host.toLowerCase() : a.test(host)));

  const connect: buildConnector.connector = (opts, callback) => {
    const host = opts.hostname;
    if (isShopHost(host)) {
      const socket = net.connect({ host: simHost, port: simPort });
      const onError = (err: Error) => callback(err, null);
      socket.once("error", onError);
      socket.once("connect", () => {
        socket.off("error", onError);
        callback(null, socket);
      });
      return;
    }
    if (allowed(host)) return normal(opts, callback);
    callback(new Error(`Network access to ${host} is blocked in tests (simulator dispatcher)`), null);
  };
  return new Agent({ connect });
}

/** Install the simulator dispatcher globally; returns a function that restores the previous one. */
export function installSimulatorDispatcher(simUrl: string, options: SimulatorDispatcherOptions = {}): () => Promise<void> {
  const previous: Dispatcher = getGlobalDispatcher();
  const agent = createSimulatorDispatcher(simUrl, options);
  setGlobalDispatcher(agent);
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    if (getGlobalDispatcher() === agent) setGlobalDispatcher(previous);
    await agent.close().catch(() => undefined);
  };
}
