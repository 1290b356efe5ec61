/**
 * Webhook answer time and refine lag: 2,000 signed deliveries (REST payloads for 2026-07 built by
 * the store simulator from its own records) POSTed at concurrency 20 to the app's real webhook
 * routes (authenticate.webhook, receiveWebhook) over HTTP, SQLite database. The shop is installed
 * with an encrypted offline session, which authenticate.webhook loads for every delivery.
 *
 * Processes, as deployed, sharing the machine's cores: the app server (bench/webhooks-server.ts:
 * node:http → Fetch Request → the route's action, as tests/webhooks/app-server.ts serves it); the
 * job runner in a worker process (default; bench/webhooks-worker.ts) or inline in the app server
 * (`--runner=inline`, woken on enqueue); the sender (Shopify's side) on a thread of this process.
 *
 *   npx tsx bench/webhooks.ts [deliveries=2000] [concurrency=20] [--runner=inline] [--warmup=200]
 *   BENCH_SERVER_NODE_FLAGS="…"  Node flags of the app server process (default --max-semi-space-size=32)
 *
 * A warm-up round of `--warmup` other deliveries (default 200, same mix) goes first, as a running
 * server has already answered webhooks: its figures are printed on their own line (the first
 * wave meets cold code: lazy module loads, statement preparation, JIT), and not counted.
 *
 * Prints p50/p95/p99 of the answer time (request sent → 200 received) and of the refine lag
 * (200 received → the refined row's synced_at), and the app server main thread's CPU and
 * event-loop busy time per delivery (CPU is the per-request cost; busy time also includes waiting
 * for a core). Targets: p99 answer < 100 ms, every delivery refined within 2 s of its answer.
 * Exit code 1 when a target is missed.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import os from "node:os";
import path from "node:path";

import { createStore } from "../simulator/src/store/store";
import { restPayload } from "../simulator/src/webhooks/payloads";
import type { GqlRecord, ResourceName } from "../simulator/src/types";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const N = Number(args[0] ?? 2000);
const CONCURRENCY = Number(args[1] ?? 20);
/** process (default): the job runner in a worker process, as a deployment would run it; inline: same event loop, woken on enqueue. */
const RUNNER = process.argv.includes("--runner=inline") ? "inline" : "process";
const WARMUP = Number(process.argv.find((a) => a.startsWith("--warmup="))?.slice("--warmup=".length) ?? 200);
const SHOP = "bench-webhooks.myshopify.com";
const SECRET = "bench-webhook-secret";
/** Node flags of the app server process (see where it is forked). */
const SERVER_NODE_FLAGS = (process.env.BENCH_SERVER_NODE_FLAGS ?? "--max-semi-space-size=32").split(" ").filter(Boolean);

/** The load generator: signed POSTs with a keep-alive pool of `concurrency` connections. */
const SENDER = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { url, shop, concurrency, deliveries } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const post = (d) => new Promise((resolve, reject) => {
  const req = http.request({ host: target.hostname, port: target.port, path: d.path, method: "POST", agent, headers: {
    "Content-Type": "application/json", "Content-Length": Buffer.byteLength(d.body), "X-Shopify-Topic": d.topic,
    "X-Shopify-Hmac-Sha256": d.hmac, "X-Shopify-Shop-Domain": shop, "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Webhook-Id": d.webhookId, "X-Shopify-Triggered-At": new Date().toISOString() } }, (res) => {
    res.resume(); res.on("end", () => resolve(res.statusCode || 0)); });
  req.on("error", reject); req.end(d.body);
});
(async () => {
  const answerMs = new Array(deliveries.length), answeredAt = new Array(deliveries.length);
  let next = 0, failures = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const i = next++; if (i >= deliveries.length) return;
      const t0 = performance.now();
      const status = await post(deliveries[i]);
      answerMs[i] = performance.now() - t0; answeredAt[i] = Date.now();
      if (status !== 200) failures++;
    }
  }));
  agent.destroy();
  parentPort.postMessage({ answerMs, answeredAt, failures });
})();
`;

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const f = (ms: number) => `${ms.toFixed(1)} ms`;

async function main() {
  // The environment must name the bench database BEFORE app/db.server.ts is first imported (it
  // opens the process-wide client at import): every app module is imported dynamically below.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-bench-webhooks-"));
  const url = `file:${path.join(dir, "bench.sqlite")}`;
  Object.assign(process.env, {
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: "https://bench.example.com",
    DATABASE_URL: url,
    TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64url")}`,
    LOG_LEVEL: "error",
  });
  const { migrateDatabase } = await import("../prisma/scripts/migrate");
  await migrateDatabase(url);
  const { db } = await import("../app/db.server");

  await db.shop.create({ data: { shop: SHOP, currencyCode: "USD", ianaTimezone: "America/New_York" } });
  // An installed shop has its offline session (tokens encrypted at rest): authenticate.webhook
  // loads and decrypts it for every delivery, so the bench pays for that as production does.
  const { Session } = await import("@shopify/shopify-api");
  const { createSessionStorage } = await import("../app/sessions/encrypted-session-storage.server");
  await createSessionStorage(db, process.env.TOKEN_ENCRYPTION_KEYS!).storeSession(
    new Session({
      id: `offline_${SHOP}`,
      shop: SHOP,
      state: "bench",
      isOnline: false,
      scope: "read_orders,read_customers,read_products",
      accessToken: `shpat_${randomBytes(16).toString("hex")}`,
      expires: new Date(Date.now() + 24 * 3600_000),
      refreshToken: `shprt_${randomBytes(16).toString("hex")}`,
      refreshTokenExpires: new Date(Date.now() + 30 * 24 * 3600_000),
    }),
  );

  // Payloads: distinct records so every delivery maps to one refined row; the warm-up round's
  // deliveries are other records of the same mix.
  const TOTAL = N + WARMUP;
  const store = createStore({ domain: SHOP, seed: 3, size: { orders: Math.ceil(TOTAL * 0.6), customers: Math.ceil(TOTAL * 0.25), products: Math.ceil(TOTAL * 0.15) } });
  const ctx = { shop: store.shop(), domain: SHOP, resolve: (gid: string) => store.node(gid) };
  const plan: { resource: ResourceName; topic: string; share: number }[] = [
    { resource: "orders", topic: "orders/updated", share: 0.6 },
    { resource: "customers", topic: "customers/update", share: 0.25 },
    { resource: "products", topic: "products/update", share: 0.15 },
  ];
  const all: { topic: string; gid: string; body: string; hmac: string; webhookId: string; path: string }[] = [];
  for (const { resource, topic, share } of plan) {
    const want = resource === "products" ? TOTAL - all.length : Math.round(TOTAL * share);
    let n = 0;
    for (const { record } of store.collection(resource).scan()) {
      if (n++ >= want) break;
      const body = JSON.stringify(restPayload(topic, record as GqlRecord, undefined, ctx));
      all.push({
        topic,
        gid: record.id,
        body,
        hmac: createHmac("sha256", SECRET).update(body).digest("base64"),
        webhookId: randomUUID(),
        path: `/webhooks/${topic.split("/")[0]}`,
      });
    }
  }
  if (all.length < TOTAL) throw new Error(`only ${all.length} records to send`);
  // Interleaved so both rounds carry the same mix of topics.
  const warmup = all.filter((_, i) => i % Math.round(TOTAL / Math.max(1, WARMUP)) === 0).slice(0, WARMUP);
  const chosen = new Set(warmup);
  const deliveries = all.filter((d) => !chosen.has(d)).slice(0, N);

  // The job runner in a worker process (default), as a deployment would run it.
  let stopRunner = async () => {};
  if (RUNNER === "process") {
    const child = fork(fileURLToPath(new URL("./webhooks-worker.ts", import.meta.url)), [url], {
      execArgv: ["--import", "tsx"],
      stdio: "inherit",
    });
    await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("error", reject);
    });
    stopRunner = async () => {
      const stopped = new Promise((resolve) => child.once("exit", resolve));
      child.send("stop");
      await stopped;
    };
  }
  // The app server in its own process (with the inline runner when asked), as deployed. A larger
  // young generation (semi-space) than V8's default: a webhook allocates ~100 KB (request, body,
  // parsed payload, canonical JSON) that dies young, and fewer scavenges mean fewer pauses.
  const serverProcess = fork(fileURLToPath(new URL("./webhooks-server.ts", import.meta.url)), RUNNER === "inline" ? ["--runner=inline"] : [], {
    execArgv: ["--import", "tsx", ...SERVER_NODE_FLAGS],
    stdio: "inherit",
  });
  const ask = <T>(message: string) =>
    new Promise<T>((resolve, reject) => {
      serverProcess.once("message", (m) => resolve(m as T));
      serverProcess.once("error", reject);
      if (message) serverProcess.send(message);
    });
  const server = await ask<{ url: string }>("");
  // The sender (Shopify's side) runs on its own thread, so its HTTP client work does not share
  // the app's event loop: answer times are what the app alone costs.
  const send = (batch: typeof deliveries) =>
    new Promise<{ answerMs: number[]; answeredAt: number[]; failures: number }>((resolve, reject) => {
      const worker = new Worker(SENDER, {
        eval: true,
        workerData: { url: server.url, shop: SHOP, concurrency: CONCURRENCY, deliveries: batch },
      });
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  const cold = warmup.length ? await send(warmup) : null;
  await waitForRefined(60_000);
  await ask("measure");
  const started = performance.now();
  const { answerMs, answeredAt, failures } = await send(deliveries);
  const sendMs = performance.now() - started;
  // The app server's main thread while sending: its CPU per delivery is the per-request cost;
  // event-loop busy time also counts waiting for a core when other processes compete.
  const use = await ask<{ cpuMs: number | null; activeMs: number; utilization: number }>("report");

  await waitForRefined(60_000);
  const totalMs = performance.now() - started;

  async function waitForRefined(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = await db.rawRecord.count({ where: { shop: SHOP, status: "pending" } });
      if (pending === 0) return;
      if (Date.now() > deadline) throw new Error(`${pending} raw records still pending after ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const syncedAt = new Map<string, number>();
  for (const r of await db.order.findMany({ where: { shop: SHOP }, select: { gid: true, syncedAt: true } })) syncedAt.set(r.gid, r.syncedAt.getTime());
  for (const r of await db.customer.findMany({ where: { shop: SHOP }, select: { gid: true, syncedAt: true } })) syncedAt.set(r.gid, r.syncedAt.getTime());
  for (const r of await db.product.findMany({ where: { shop: SHOP }, select: { gid: true, syncedAt: true } })) syncedAt.set(r.gid, r.syncedAt.getTime());
  const lags: number[] = [];
  let missing = 0;
  deliveries.forEach((d, i) => {
    const s = syncedAt.get(d.gid);
    if (s === undefined) missing++;
    else lags.push(Math.max(0, s - answeredAt[i]));
  });
  const errors = await db.rawRecord.count({ where: { shop: SHOP, status: "error" } });
  const jobs = await db.job.count({ where: { shop: SHOP, type: "webhook.refine" } });

  const answers = [...answerMs].sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const p99 = pct(answers, 99);
  const maxLag = lags[lags.length - 1] ?? NaN;
  console.log(`webhooks: ${deliveries.length} signed deliveries (orders/updated, customers/update, products/update), concurrency ${CONCURRENCY}, SQLite, job runner ${RUNNER === "process" ? "in a worker process (polls every 25 ms)" : "inline (woken on enqueue)"}`);
  if (cold) {
    const c = [...cold.answerMs].sort((a, b) => a - b);
    console.log(`  warm-up round (not counted): ${warmup.length} other deliveries, answer time p50 ${f(pct(c, 50))}   p99 ${f(pct(c, 99))}   max ${f(c[c.length - 1])}; non-200 ${cold.failures}`);
  }
  console.log(`  sent in ${(sendMs / 1000).toFixed(2)} s (${Math.round(deliveries.length / (sendMs / 1000))} deliveries/s); all refined after ${(totalMs / 1000).toFixed(2)} s; ${jobs} refine jobs`);
  console.log(
    `  app server main thread per delivery: ${use.cpuMs === null ? "" : `CPU ${(use.cpuMs / deliveries.length).toFixed(2)} ms, `}event loop busy ${(use.activeMs / deliveries.length).toFixed(2)} ms (${Math.round(use.utilization * 100)}% of the send time)`,
  );
  console.log(`  answer time   p50 ${f(pct(answers, 50))}   p95 ${f(pct(answers, 95))}   p99 ${f(p99)}   max ${f(answers[answers.length - 1])}`);
  console.log(`  refine lag    p50 ${f(pct(lags, 50))}   p95 ${f(pct(lags, 95))}   p99 ${f(pct(lags, 99))}   max ${f(maxLag)}  (200 answer → row synced_at)`);
  console.log(`  non-200 answers ${failures}, rows missing ${missing}, raw records in error ${errors}`);
  const ok = p99 < 100 && maxLag <= 2000 && failures === 0 && (cold?.failures ?? 0) === 0 && missing === 0 && errors === 0;
  console.log(`  targets: p99 answer < 100 ms ${p99 < 100 ? "OK" : "MISSED"}; every delivery refined within 2 s ${maxLag <= 2000 && missing === 0 ? "OK" : "MISSED"}`);

  const serverExited = new Promise((resolve) => serverProcess.once("exit", resolve));
  serverProcess.send("stop");
  await serverExited;
  await stopRunner();
  await db.$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
