/**
 * The store simulator in its own process, for benchmarks: its store, its bulk file generation and
 * its memory then stay out of the measured process (peak RSS is the app side only).
 *
 *   tsx bench/sim-child.ts <json options>
 *
 * Options: { domain, orders, seed?, bulkMinDurationMs? }. Prints ONE JSON line on stdout once
 * listening: { url, apiKey, apiSecret, domain, token, currencyCode, ianaTimezone, name }, then runs
 * until stdin closes (the parent ended) or SIGTERM.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startSimulator } from "../simulator/src/index";

interface ChildOptions {
  domain: string;
  orders: number;
  seed?: number;
  bulkMinDurationMs?: number;
}

async function main() {
  const opts = JSON.parse(process.argv[2] ?? "{}") as ChildOptions;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-bench-sim-"));
  const sim = await startSimulator({
    shops: [
      { domain: opts.domain, seed: opts.seed ?? 5, size: { orders: opts.orders }, plan: "plus" },
    ],
    bulkMinDurationMs: opts.bulkMinDurationMs ?? 0,
    dataDir,
    log: () => undefined,
  });
  const token = sim.issueAccessToken(opts.domain, { expiring: false }).accessToken;
  const shop = sim.shop(opts.domain).store.shop() as Record<string, unknown>;
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    await sim.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
  process.stdin.on("end", () => void stop());
  process.stdin.on("close", () => void stop());
  process.stdin.resume();
  process.stdout.write(
    JSON.stringify({
      url: sim.url,
      apiKey: sim.apiKey,
      apiSecret: sim.apiSecret,
      domain: opts.domain,
      token,
      currencyCode: String(shop.currencyCode ?? "USD"),
      ianaTimezone: String(shop.ianaTimezone ?? "UTC"),
      name: String(shop.name ?? ""),
    }) + "\n",
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
