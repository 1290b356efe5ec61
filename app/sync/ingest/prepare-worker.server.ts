/**
 * The ingest preparation thread (a worker_threads entry, started by prepare-thread.server.ts):
 * runs prepare.ts over the JSONL bytes the job's thread sends it and posts back prepared batches.
 * Reused from one ingest to the next; no database, no network.
 *
 * Messages in:  start {options} · chunk {bytes} · end
 * Messages out: ready · need {bytes} (a chunk was taken: send more) · batch {batch} · done · failed {message}
 */
import { parentPort } from "node:worker_threads";

import { prepareJsonl, type PrepareOptions } from "./prepare";

type Incoming = { type: "start"; options: PrepareOptions } | { type: "chunk"; bytes: Uint8Array } | { type: "end" };

if (!parentPort) throw new Error("prepare-worker.server.ts runs as a worker thread");
const port = parentPort;

/** The chunks of the current ingest, as an async iterable fed by messages. */
function createFeed() {
  const chunks: Uint8Array[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  return {
    push(bytes: Uint8Array) {
      chunks.push(bytes);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *iterate(): AsyncGenerator<Uint8Array> {
      for (;;) {
        const next = chunks.shift();
        if (next) {
          port.postMessage({ type: "need", bytes: next.byteLength });
          yield next;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    },
  };
}

let feed: ReturnType<typeof createFeed> | null = null;

port.on("message", (m: Incoming) => {
  if (m.type === "start") {
    const current = createFeed();
    feed = current;
    void (async () => {
      try {
        for await (const batch of prepareJsonl(current.iterate(), m.options)) port.postMessage({ type: "batch", batch });
        port.postMessage({ type: "done" });
      } catch (error) {
        port.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) });
      }
    })();
  } else if (m.type === "chunk") feed?.push(m.bytes);
  else if (m.type === "end") feed?.end();
});

port.postMessage({ type: "ready" });
