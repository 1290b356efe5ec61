/**
 * `npm run demo`: the app embedded in the simulator's admin shell, on a fresh demo store.
 *
 *   npm run demo [-- --orders N] [--port P] [--app-port P] [--data-dir DIR] [--no-open] [--smoke] [--verbose]
 *
 * Starts the store simulator (admin shell on --port, default 4010), migrates ./data/demo.sqlite,
 * starts the app (Vite dev server, output in ./data/demo-app.log), installs it on
 * demo.myshopify.com through token exchange, shows the backfill's progress when the pipeline
 * exists, and prints the one URL to open. Ctrl-C stops everything.
 * --smoke: exit 0 once the app answered the embedded request with its Polaris page and the Shop
 * row exists (non-zero otherwise).
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";

const fmt = new Intl.NumberFormat("en-US");

import { findBackfill, progressLines, startDemo, type Demo, type SyncRunRow } from "./demo-lib";

const USAGE =
  "usage: npm run demo -- [--orders N] [--port P] [--app-port P] [--data-dir DIR] [--no-open] [--smoke] [--verbose]";

function parseFlags() {
  const { values } = parseArgs({
    options: {
      orders: { type: "string" },
      port: { type: "string" },
      "app-port": { type: "string" },
      "data-dir": { type: "string" },
      "no-open": { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const int = (name: string, v: string | undefined, min: number) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  return {
    help: values.help,
    orders: int("orders", values.orders, 0),
    port: int("port", values.port, 0),
    appPort: int("app-port", values["app-port"], 1),
    dataDir: values["data-dir"],
    open: !values["no-open"],
    smoke: values.smoke,
    verbose: values.verbose,
  };
}

function openBrowser(url: string) {
  const cmd =
    process.platform === "darwin" ? "open" : process.platform === "win32" ? "cmd" : "xdg-open";
  const args = process.platform === "win32" ? ["/c", "start", "", url] : [url];
  try {
    const p = spawn(cmd, args, { stdio: "ignore", detached: true });
    p.on("error", () => undefined);
    p.unref();
  } catch {
    /* no browser opener: the URL is printed anyway */
  }
}

async function main(): Promise<number> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }

  const started = Date.now();
  console.log("StoreSync demo: starting the store simulator and the app…");
  let demo: Demo;
  try {
    demo = await startDemo({
      orders: flags.orders,
      port: flags.port,
      appPort: flags.appPort,
      dataDir: flags.dataDir,
      appLog: flags.verbose ? "inherit" : undefined,
      log: (line) => console.log(`  ${line}`),
    });
  } catch (error) {
    console.error(`demo: could not start: ${(error as Error).message}`);
    return 1;
  }

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    await demo.close();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  const install = await demo.install().catch((error: Error) => {
    console.error(`demo: install failed: ${error.message}`);
    return null;
  });
  if (!install || !install.polarisPage || !install.shopRow) {
    if (install) {
      console.error(
        `demo: install incomplete (HTTP ${install.status}, Polaris page: ${install.polarisPage}, Shop row: ${install.shopRow})` +
          (demo.appLogFile ? ` — see ${demo.appLogFile}` : ""),
      );
    }
    await demo.close();
    return 1;
  }
  console.log(`  installed on ${demo.shop} through token exchange (${install.ms} ms)`);
  console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`);

  if (flags.smoke) {
    console.log(`smoke: OK — ${demo.adminUrl}`);
    await demo.close();
    return 0;
  }

  const backfill = findBackfill();
  if (!backfill) console.log("backfill: not yet implemented");
  else console.log(`backfill: ${backfill.file} — progress below (SyncRun rows)`);

  console.log(`\n  Open: ${demo.adminUrl}\n`);
  if (demo.appLogFile)
    console.log(
      `  (app output: ${demo.appLogFile}, simulator: ${demo.simLogFile}; Ctrl-C to stop)\n`,
    );
  if (flags.open) openBrowser(demo.adminUrl);

  if (backfill) {
    const previous = new Map<string, { count: number; at: number }>();
    const shown = new Map<string, string>();
    const tty = process.stdout.isTTY;
    let printed = 0;
    let finished = false;
    const backfillStarted = Date.now();
    const timer = setInterval(() => {
      let rows: SyncRunRow[];
      try {
        rows = demo.syncRuns();
      } catch {
        return;
      }
      if (!rows.length) return;
      const lines = progressLines(rows, previous, Date.now());
      if (tty) {
        if (printed) process.stdout.write(`\x1b[${printed}A\x1b[0J`);
        process.stdout.write(lines.join("\n") + "\n");
        printed = lines.length;
      } else {
        // Logs: only the lines that changed.
        rows.forEach((row, i) => {
          const key = `${row.resource}:${row.kind}`;
          if (shown.get(key) !== lines[i]) console.log(lines[i]);
          shown.set(key, lines[i]!);
        });
      }
      const done = rows.every((r) => !["queued", "running"].includes(r.status));
      if (done && !finished) {
        finished = true;
        const failed = rows.filter((r) => r.status === "failed").length;
        const total = rows.reduce((n, r) => n + Math.max(r.refinedCount, r.downloadedCount), 0);
        const secs = ((Date.now() - backfillStarted) / 1000).toFixed(1);
        const summary = `backfill: finished in about ${secs} s — ${fmt.format(total)} rows${failed ? `, ${failed} resource(s) failed` : ""}`;
        console.log(summary);
        printed = 0;
      } else if (!done) finished = false;
    }, 1000);
    timer.unref();
  }
  await new Promise(() => undefined); // until Ctrl-C
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
