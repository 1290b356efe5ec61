#!/usr/bin/env node
// `npm test`: typecheck, lint, then the whole Vitest suite against SQLite and — when it answers on
// 127.0.0.1:5432 — PostgreSQL. In CI (CI=true) PostgreSQL is required: its absence fails the run.
// Ends with one plain line "tests: N passed, N failed, N skipped" that CI reads.
import { spawnSync } from "node:child_process";
import { readFileSync, mkdirSync, existsSync } from "node:fs";
import net from "node:net";

const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith("--"));
const skipStatic = args.includes("--no-static");

function run(label, cmd, cmdArgs, env = {}) {
  const started = Date.now();
  console.log(`\n▶ ${label}: ${cmd} ${cmdArgs.join(" ")}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: "inherit", env: { ...process.env, ...env } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`✖ ${label} failed (exit ${r.status ?? r.signal}) after ${secs}s`);
    return false;
  }
  console.log(`✔ ${label} (${secs}s)`);
  return true;
}

function portOpen(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

const pgUp = await portOpen("127.0.0.1", 5432);
if (!pgUp && process.env.CI) {
  console.error("✖ PostgreSQL does not answer on 127.0.0.1:5432 and CI requires it (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)");
  process.exit(1);
}
const engines = pgUp ? ["sqlite", "postgresql"] : ["sqlite"];
console.log(`Database engines under test: ${engines.join(" + ")}${pgUp ? "" : " (PostgreSQL not reachable on 127.0.0.1:5432: skipped)"}`);

let ok = run("prepare (Prisma clients, GraphQL schema)", "npm", ["run", "-s", "prepare:dev"]);
if (ok && !skipStatic) {
  ok = run("typecheck", "npx", ["tsc", "--noEmit"]) && ok;
  ok = run("lint", "npx", ["eslint", "--max-warnings", "0", "."]) && ok;
}

mkdirSync("test-results", { recursive: true });
const report = "test-results/vitest.json";
const vitestOk = run(
  `tests (${engines.join(" + ")})`,
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...only],
  { STORESYNC_TEST_ENGINES: engines.join(",") },
);
ok = vitestOk && ok;

let passed = 0, failed = 0, skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed = r.numPassedTests ?? 0;
  // A suite that fails to load has no failed test of its own: count it as one failure.
  failed = (r.numFailedTests ?? 0) || (r.numFailedTestSuites ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (!vitestOk && failed === 0) failed = 1;
} else if (!vitestOk) failed = 1;
console.log(`\nEngines exercised: ${engines.join(", ")}`);
if (!ok) console.log("Some steps failed: see ✖ above.");
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok && failed === 0 ? 0 : 1);
