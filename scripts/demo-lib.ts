/**
 * Startup of the demo (also used by the browser test): the store simulator with the admin shell, a
 * fresh SQLite database, the Remix app (Vite dev server in a child process) wired to the simulator,
 * and the install through token exchange.
 *
 *   const demo = await startDemo({ port: 0 });
 *   await demo.install();          // opens the embedded app once: token exchange + afterAuth
 *   console.log(demo.adminUrl);    // the admin shell with the app embedded
 *   await demo.close();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

import { migrateDatabase } from "../prisma/scripts/migrate";
import { adminShellPath, appIdentity, embeddedAppUrl } from "../simulator/src/admin-shell/index";
import { startSimulator, type RunningSimulator } from "../simulator/src/server";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_DEMO_PORT = 4010;
export const DEMO_SHOP = "demo.myshopify.com";
/** shopify-app-remix answers 410 to anything `isbot` flags, so the install request looks like a browser. */
const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36";

export interface DemoOptions {
  /** Orders in the demo store (other resources scale with it); default: the simulator's small demo store. */
  orders?: number;
  /** Port of the simulator / admin shell (default 4010; 0 = any free port). */
  port?: number;
  /** Port of the app (default: a free port). */
  appPort?: number;
  /** Directory for the database and the app log (default <repo>/data). */
  dataDir?: string;
  /** Where the app's output goes: a file path (default <dataDir>/demo-app.log) or "inherit". */
  appLog?: string;
  /** Progress lines of the startup (default: none). */
  log?: (line: string) => void;
  /** Max time for the app to come up (default 90 s). */
  appStartTimeoutMs?: number;
}

export interface InstallResult {
  status: number;
  /** The app answered the embedded request with its Polaris page. */
  polarisPage: boolean;
  /** The Shop row exists (afterAuth ran). */
  shopRow: boolean;
  ms: number;
}

export interface SyncRunRow {
  resource: string;
  kind: string;
  status: string;
  /** Progress total: JSONL lines of the bulk file (children included) or nodes. */
  expectedCount: number | null;
  /** Top-level records in Shopify (orders, products…), when counted. */
  remoteCount?: number | null;
  downloadedCount: number;
  refinedCount: number;
  error: string | null;
  createdAt: string;
}

export interface Demo {
  sim: RunningSimulator;
  shop: string;
  appUrl: string;
  /** The URL to open: the admin shell with the app embedded. */
  adminUrl: string;
  databaseUrl: string;
  dbFile: string;
  appLogFile: string | null;
  simLogFile: string | null;
  /** Milliseconds from startDemo() to each step. */
  timings: Record<string, number>;
  install(): Promise<InstallResult>;
  /** Latest SyncRun row per (resource, kind) of the demo shop. */
  syncRuns(): SyncRunRow[];
  shopRowExists(): boolean;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether the backfill pipeline exists: an exported `startBackfill` in app/sync/backfill/*.server.ts. */
export function findBackfill(root = REPO_ROOT): { file: string } | null {
  const dir = path.join(root, "app", "sync", "backfill");
  if (!fs.existsSync(dir)) return null;
  const exported =
    /export\s+(async\s+)?function\s+startBackfill\b|export\s+const\s+startBackfill\b|export\s*\{[^}]*\bstartBackfill\b/;
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith(".server.ts") || name.endsWith(".test.ts")) continue;
    const file = path.join(dir, name);
    if (exported.test(fs.readFileSync(file, "utf8"))) return { file: path.relative(root, file) };
  }
  return null;
}

function removeDatabase(file: string) {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
}

function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...vars };
  // vite.config.ts moves HOST (set by the Shopify CLI) to SHOPIFY_APP_URL; none of these may leak in.
  for (const k of [
    "HOST",
    "SHOP_CUSTOM_DOMAIN",
    "SCOPES",
    "VITEST",
    "VITEST_POOL_ID",
    "VITEST_WORKER_ID",
    "TEST",
  ])
    delete env[k];
  return env;
}

async function waitForApp(
  child: ChildProcess,
  timeoutMs: number,
  logFile: string | null,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const hint = logFile ? ` (see ${logFile})` : "";
    const timer = setTimeout(
      () => done(new Error(`the app did not start within ${timeoutMs} ms${hint}`)),
      timeoutMs,
    );
    const onMessage = (m: unknown) => {
      const msg = m as { type?: string; url?: string };
      if (msg?.type === "ready" && msg.url) done(null, msg.url);
    };
    const onExit = (code: number | null) =>
      done(new Error(`the app exited with code ${code} while starting${hint}`));
    function done(error: Error | null, url?: string) {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(url!);
    }
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir ?? path.join(REPO_ROOT, "data"));
  fs.mkdirSync(dataDir, { recursive: true });
  const dbFile = path.join(dataDir, "demo.sqlite");
  const databaseUrl = `file:${dbFile}`;
  const appLogFile =
    options.appLog === "inherit"
      ? null
      : path.resolve(options.appLog ?? path.join(dataDir, "demo-app.log"));
  const simLogFile = appLogFile ? path.join(dataDir, "demo-simulator.log") : null;
  // The simulator's own log lines go to a file next to the app's (to `log` when the app's output is inherited).
  const simLogStream = simLogFile ? fs.createWriteStream(simLogFile, { flags: "w" }) : null;
  const simLog = (line: string) => (simLogStream ? simLogStream.write(line + "\n") : log(line));

  const appPort = options.appPort ?? (await freePort());
  const hmrPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const appToml = path.join(REPO_ROOT, "shopify.app.toml");
  const shopConfig = {
    domain: DEMO_SHOP,
    // The store's history ends now: the newest orders are recent, so "Last 30 days" has data.
    anchor: "now" as const,
    ...(options.orders !== undefined ? { size: { orders: options.orders } } : {}),
  };
  const simOptions = {
    host: "127.0.0.1",
    appUrl,
    appToml,
    shops: [shopConfig],
    log: (l: string) => simLog(l),
  };

  let sim: RunningSimulator;
  const wanted = options.port ?? DEFAULT_DEMO_PORT;
  try {
    sim = await startSimulator({ ...simOptions, port: wanted });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || wanted === 0) throw error;
    log(`port ${wanted} is busy: using a free port for the simulator`);
    sim = await startSimulator({ ...simOptions, port: 0 });
  }
  timings.simulator = Date.now() - t0;
  log(`simulator: ${sim.url} (${timings.simulator} ms)`);

  let child: ChildProcess | undefined;
  let sqlite: Database.Database | undefined;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      sqlite?.close();
      sqlite = undefined;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child!.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child?.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      await sim.close();
      simLogStream?.end();
    })());

  try {
    removeDatabase(dbFile);
    const migrated = await migrateDatabase(databaseUrl);
    timings.database = Date.now() - t0;
    log(`database: ${dbFile} (${migrated.applied.length} migration(s), ${timings.database} ms)`);

    const env = childEnv({
      NODE_ENV: "development",
      PORT: String(appPort),
      SHOPIFY_API_KEY: sim.apiKey,
      SHOPIFY_API_SECRET: sim.apiSecret,
      SHOPIFY_APP_URL: appUrl,
      DATABASE_URL: databaseUrl,
      TOKEN_ENCRYPTION_KEYS: `demo:${randomBytes(32).toString("base64")}`,
      STORESYNC_SIMULATOR_URL: sim.url,
      // shopify-app-remix's session-token bounce page loads App Bridge from this URL.
      APP_BRIDGE_URL: new URL("/app-bridge.js", sim.url).href,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    });
    let out: number | "inherit" = "inherit";
    if (appLogFile) out = fs.openSync(appLogFile, "w");
    child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(REPO_ROOT, "scripts", "demo-app-server.ts"),
        "--port",
        String(appPort),
        "--hmr-port",
        String(hmrPort),
        "--host",
        "127.0.0.1",
      ],
      { cwd: REPO_ROOT, env, stdio: ["ignore", out, out, "ipc"] },
    );
    if (typeof out === "number") fs.closeSync(out);
    await waitForApp(child, options.appStartTimeoutMs ?? 90_000, appLogFile);
    timings.app = Date.now() - t0;
    log(`app: ${appUrl} (${timings.app} ms)`);
  } catch (error) {
    await close();
    throw error;
  }

  const db = () => (sqlite ??= new Database(dbFile, { readonly: true, fileMustExist: true }));
  const shopRowExists = () =>
    Boolean(db().prepare("SELECT 1 FROM shops WHERE shop = ?").get(DEMO_SHOP));

  async function install(): Promise<InstallResult> {
    const start = Date.now();
    // 1. One authenticated request, as App Bridge's fetch sends it (session token in the header):
    //    exactly one token exchange + afterAuth. A first *document* request runs the loaders of
    //    app.tsx and app._index.tsx in parallel, each doing its own token exchange; the simulator
    //    (like Shopify) revokes the first expiring token when the second is issued, so the first
    //    afterAuth's Admin call gets a 401 and shopify-app-remix blanks the stored token.
    const data = await fetch(new URL("/app?_data=routes%2Fapp", appUrl), {
      headers: {
        "User-Agent": BROWSER_USER_AGENT,
        Authorization: `Bearer ${sim.sessionToken(DEMO_SHOP)}`,
      },
      redirect: "manual",
    });
    await data.arrayBuffer();
    if (data.status !== 200) log(`install: authenticated request answered HTTP ${data.status}`);
    // 2. The embedded app as the admin shell opens it.
    const url = embeddedAppUrl(appUrl, DEMO_SHOP, sim.sessionToken(DEMO_SHOP));
    const response = await fetch(url, {
      headers: { "User-Agent": BROWSER_USER_AGENT, Accept: "text/html" },
      redirect: "manual",
    });
    const html = await response.text();
    const result = {
      status: response.status,
      polarisPage: response.status === 200 && html.includes("Polaris-Page"),
      shopRow: shopRowExists(),
      ms: Date.now() - start,
    };
    timings.install = Date.now() - t0;
    return result;
  }

  function syncRuns(): SyncRunRow[] {
    const rows = db()
      .prepare(
        `SELECT resource, kind, status, expected_count AS expectedCount, remote_count AS remoteCount, downloaded_count AS downloadedCount,
                refined_count AS refinedCount, error, created_at AS createdAt
           FROM sync_runs WHERE shop = ? ORDER BY created_at ASC`,
      )
      .all(DEMO_SHOP) as SyncRunRow[];
    const latest = new Map<string, SyncRunRow>();
    for (const row of rows)
      latest.set(`${row.resource}:${row.kind}`, { ...row, createdAt: String(row.createdAt) });
    return [...latest.values()];
  }

  const { handle } = appIdentity(appToml);
  return {
    sim,
    shop: DEMO_SHOP,
    appUrl,
    adminUrl: sim.url + adminShellPath(DEMO_SHOP, handle),
    databaseUrl,
    dbFile,
    appLogFile,
    simLogFile,
    timings,
    install,
    syncRuns,
    shopRowExists,
    close,
  };
}

const fmt = new Intl.NumberFormat("en-US");

/** One line per resource: status, counts, rate (rows/s since the previous poll). */
/** Terminal lines of the backfill's progress: one per resource with status, counts and rate (rows/s since the previous poll). */
export function progressLines(
  rows: SyncRunRow[],
  previous: Map<string, { count: number; at: number }>,
  now: number,
): string[] {
  return rows.map((row) => {
    const key = `${row.resource}:${row.kind}`;
    const count = Math.max(row.refinedCount, row.downloadedCount);
    const before = previous.get(key);
    const rate =
      before && now > before.at ? ((count - before.count) * 1000) / (now - before.at) : 0;
    previous.set(key, { count, at: now });
    const total = row.expectedCount != null ? ` / ${fmt.format(row.expectedCount)}` : "";
    const pct = row.expectedCount
      ? ` (${Math.min(100, Math.floor((count * 100) / row.expectedCount))}%)`
      : "";
    const speed = row.status === "running" && rate > 0 ? `  ${fmt.format(Math.round(rate))}/s` : "";
    const error =
      row.status === "failed" && row.error ? `  ${row.error.split("\n")[0]!.slice(0, 80)}` : "";
    const remote = row.remoteCount != null ? `  [${fmt.format(row.remoteCount)} in Shopify]` : "";
    return `  ${row.resource.padEnd(20)} ${row.status.padEnd(10)} ${fmt.format(count)}${total}${pct}${remote}${speed}${error}`;
  });
}
