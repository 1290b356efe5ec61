/**
 * Child process of the demo: runs the Remix app with Vite's dev server (node API) on a given port,
 * with its HMR WebSocket on its own port (vite.config.ts fixes 64999, which would keep several
 * demos/tests from running side by side; --hmr-port 0 disables HMR). The parent passes the app's
 * environment; this process reports `{ type: "ready", url }` over IPC and exits on SIGTERM/SIGINT or
 * when the parent goes away.
 *
 *   node --import tsx scripts/demo-app-server.ts --port 4011 --hmr-port 4012 [--host 127.0.0.1]
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createServer } from "vite";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    port: { type: "string" },
    "hmr-port": { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write("demo-app-server: --port is required\n");
  process.exit(2);
}

const hmrPort = Number(values["hmr-port"]);
const hmr =
  hmrPort > 0 ? { protocol: "ws", host: values.host, port: hmrPort, clientPort: hmrPort } : false;

const server = await createServer({
  root,
  configFile: path.join(root, "vite.config.ts"),
  clearScreen: false,
  logLevel: process.env.DEMO_VITE_LOG_LEVEL === "info" ? "info" : "warn",
  server: {
    host: values.host,
    port,
    strictPort: true,
    hmr,
    ...(hmr ? {} : { ws: false as const }),
  },
});
await server.listen();
const url = `http://${values.host}:${port}`;
process.send?.({ type: "ready", url });
if (!process.send) process.stdout.write(`ready ${url}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => process.exit(0), 3000);
  timer.unref();
  await server.close().catch(() => undefined);
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
