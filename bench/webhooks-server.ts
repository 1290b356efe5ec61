/**
 * bench/webhooks.ts helper: the app's webhook routes served over HTTP in their own process, as
 * the app server runs in a deployment (own event loop and heap: the bench's payloads and the
 * simulator's store do not sit in the server's heap). Reports its main thread's CPU and event
 * loop use between the parent's "measure" and "report" messages.
 *   node --import tsx bench/webhooks-server.ts [--runner=inline]   (forked by bench/webhooks.ts)
 */
import fs from "node:fs";
import { performance, type EventLoopUtilization } from "node:perf_hooks";

/** CPU ms used so far by this process's main thread (Linux /proc; undefined elsewhere). */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100)
  } catch {
    return undefined;
  }
}

async function main() {
  const url = process.env.DATABASE_URL!;
  const { startWebhookAppServer } = await import("../tests/webhooks/app-server");
  const { db, createDb } = await import("../app/db.server");
  let stopRunner = async () => {};
  if (process.argv.includes("--runner=inline")) {
    // Inline: the job runner on this event loop, woken on enqueue, with its own connection (as a
    // worker would): refinement's write transactions never make the request path's reads wait.
    const { createInProcessRunner } = await import("../app/sync/jobs/in-process-runner.server");
    const { createWebhookJobs } = await import("../app/sync/webhooks/refine.server");
    const { setWebhookJobBackend } = await import("../app/sync/webhooks/runtime.server");
    const workerDb = createDb(url);
    const runner = createInProcessRunner({ db: workerDb, handlers: createWebhookJobs(), concurrency: 4 });
    setWebhookJobBackend(runner); // enqueue wakes it at once
    await runner.start();
    stopRunner = async () => {
      await runner.stop();
      setWebhookJobBackend(undefined);
      await workerDb.$disconnect();
    };
  }
  const server = await startWebhookAppServer();
  let cpu0: number | undefined;
  let elu0: EventLoopUtilization | undefined;
  process.on("message", (m) => {
    if (m === "measure") {
      cpu0 = mainThreadCpuMs();
      elu0 = performance.eventLoopUtilization();
      process.send?.({ measuring: true });
    } else if (m === "report") {
      const cpu1 = mainThreadCpuMs();
      const elu = performance.eventLoopUtilization(elu0);
      process.send?.({ cpuMs: cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : null, activeMs: elu.active, utilization: elu.utilization });
    } else if (m === "stop") {
      void (async () => {
        await server.close();
        await stopRunner();
        await db.$disconnect();
        process.exit(0);
      })();
    }
  });
  process.send?.({ url: server.url });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
