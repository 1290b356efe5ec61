/**
 * bench/webhooks.ts helper: the job runner in its own process (own event loop, own database
 * connection), as a worker process would run it. Polls every 25 ms; refines webhook backlogs.
 *   node --import tsx bench/webhooks-worker.ts <DATABASE_URL>   (forked by bench/webhooks.ts)
 */
const url = process.argv[2];
process.env.DATABASE_URL = url;

async function main() {
  const { createDb } = await import("../app/db.server");
  const { createInProcessRunner } = await import("../app/sync/jobs/in-process-runner.server");
  const { createWebhookJobs } = await import("../app/sync/webhooks/refine.server");
  const db = createDb(url);
  const runner = createInProcessRunner({ db, handlers: createWebhookJobs({ batchSize: Number(process.env.BENCH_REFINE_BATCH ?? 100) }), pollMs: 25, concurrency: 4 });
  await runner.start();
  process.send?.("started");
  process.on("message", (m) => {
    if (m !== "stop") return;
    void (async () => {
      await runner.stop();
      await db.$disconnect();
      process.exit(0);
    })();
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
