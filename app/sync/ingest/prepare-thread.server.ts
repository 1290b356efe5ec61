/**
 * Bulk ingest on two cores: `preparedBatches()` runs prepare.ts (JSONL parsing, canonical JSON,
 * SHA-256, refinement into RowSets: about half of an ingest's CPU) on a preparation thread while
 * the job's thread writes the batch before, and yields the same batches prepareJsonl() would.
 *
 *  - The job's thread keeps the download (its fetch, retries, Range resume and abort signal) and
 *    hands the bytes over chunk by chunk; at most 4 MB wait in the thread and two prepared
 *    batches wait for the writer, so memory stays flat whichever side is slower.
 *  - The thread's young generation is capped at 4 MB: a batch's short-lived objects then cost
 *    the process less resident memory (bench:backfill, 100k orders: peak RSS ~10 MB lower) at no
 *    measurable cost in speed. Its old generation is NOT capped: on Node 20 a worker that reaches
 *    `maxOldGenerationSizeMb` during one large allocation (JSON.parse of a 40 MB line) aborts the
 *    whole process with a fatal OOM instead of ending the worker, so a very large record would
 *    take the app down. Uncapped, such a record costs memory as it would on the job's thread.
 *  - Threads are pooled per process (STORESYNC_INGEST_THREADS, default 1; 0 turns them off) and
 *    kept 30 s after use. When none is free, or the thread cannot start (its entry,
 *    prepare-worker.mjs, loads the TypeScript with tsx), the ingest prepares on its own thread:
 *    same results, one core.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

import { prepareJsonl, type PreparedBatch, type PrepareOptions } from "./prepare";

const ENTRY = "./prepare-worker.mjs";
const IDLE_MS = 30_000;
const START_TIMEOUT_MS = 30_000;
/**
 * Bytes sent ahead to the thread, and prepared batches held for the writer. The writer's
 * transactions are synchronous, so the thread must already hold the input of a whole next batch
 * (~1 MB for 500 orders) when one starts, or it starves until the transaction ends.
 */
const BYTES_AHEAD = 4 * 1024 * 1024;
const BATCHES_AHEAD = 2;

type Outgoing =
  | { type: "ready" }
  | { type: "need"; bytes: number }
  | { type: "batch"; batch: PreparedBatch }
  | { type: "done" }
  | { type: "failed"; message: string };

export interface PrepareThreadOptions {
  /** Threads allowed in this process (default STORESYNC_INGEST_THREADS, else 1). */
  maxThreads?: number;
  log?: (line: string) => void;
}

function configuredThreads(): number {
  const raw = process.env.STORESYNC_INGEST_THREADS;
  const n = raw === undefined || raw === "" ? 1 : Number(raw);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : 1;
}

/** JSONL bytes → prepared batches, on a preparation thread when one is available. */
export async function* preparedBatches(
  bytes: AsyncIterable<Uint8Array>,
  options: PrepareOptions,
  threadOptions: PrepareThreadOptions = {},
): AsyncGenerator<PreparedBatch> {
  const worker = await acquire(threadOptions);
  if (!worker) {
    stats.onOwnThread++;
    yield* prepareJsonl(bytes, options);
    return;
  }
  stats.onThread++;
  const source = bytes[Symbol.asyncIterator]();
  const batches: PreparedBatch[] = [];
  let bytesAhead = 0;
  let sourceDone = false;
  let pumping = false;
  let stopped = false;
  let finished = false;
  let failure: unknown = null;
  let notify: (() => void) | null = null;
  const wake = () => {
    const n = notify;
    notify = null;
    n?.();
  };
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (!stopped && !sourceDone && bytesAhead < BYTES_AHEAD && batches.length < BATCHES_AHEAD) {
        const next = await source.next();
        if (stopped) break;
        if (next.done) {
          sourceDone = true;
          worker.postMessage({ type: "end" });
          break;
        }
        bytesAhead += next.value.byteLength;
        worker.postMessage({ type: "chunk", bytes: next.value });
      }
    } catch (error) {
      failure ??= error;
      wake();
    } finally {
      pumping = false;
    }
  };
  const onMessage = (m: Outgoing) => {
    if (m.type === "need") {
      bytesAhead -= m.bytes;
      void pump();
    } else if (m.type === "batch") {
      batches.push(m.batch);
      wake();
    } else if (m.type === "done") {
      finished = true;
      wake();
    } else if (m.type === "failed") {
      failure ??= new Error(`ingest preparation failed: ${m.message}`);
      wake();
    }
  };
  const onError = (error: unknown) => {
    failure ??= error;
    wake();
  };
  const onExit = (code: number) => {
    failure ??= new Error(`the ingest preparation thread stopped (exit code ${code})`);
    wake();
  };
  worker.on("message", onMessage);
  worker.on("error", onError);
  worker.on("exit", onExit);
  worker.postMessage({ type: "start", options });
  void pump();
  let clean = false;
  try {
    for (;;) {
      const batch = batches.shift();
      if (batch) {
        void pump();
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (finished) break;
      await new Promise<void>((resolve) => (notify = resolve));
    }
    clean = true;
  } finally {
    stopped = true;
    worker.off("message", onMessage);
    worker.off("error", onError);
    worker.off("exit", onExit);
    if (!sourceDone) await source.return?.(undefined).catch(() => undefined);
    // A thread that finished its ingest serves the next one; any other (failed, or abandoned
    // mid-file by the caller) may still hold state: it goes.
    if (clean) release(worker);
    else discard(worker);
  }
}

// ---------------------------------------------------------------------------------------------
// The pool

const stats = { onThread: 0, onOwnThread: 0, threadsStarted: 0 };

/** How ingests were prepared in this process so far (tests, diagnostics). */
export function prepareThreadStats(): { onThread: number; onOwnThread: number; threadsStarted: number; live: number; unavailable: string | null } {
  return { ...stats, live, unavailable };
}

const idle: Worker[] = [];
const idleTimers = new Map<Worker, NodeJS.Timeout>();
let live = 0;
let unavailable: string | null = null;

function entryFile(): string | null {
  const candidates = [fileURLToPath(new URL(ENTRY, import.meta.url)), path.resolve("app/sync/ingest", ENTRY)];
  return candidates.find((file) => fs.existsSync(file)) ?? null;
}

async function acquire(options: PrepareThreadOptions): Promise<Worker | null> {
  const max = options.maxThreads ?? configuredThreads();
  if (max === 0) return null;
  const reused = idle.at(-1);
  if (reused) {
    forget(reused);
    reused.ref();
    return reused;
  }
  if (unavailable !== null || live >= max) return null;
  const file = entryFile();
  if (!file) return disable("its entry file is not there", options);
  live++;
  let worker: Worker;
  try {
    worker = new Worker(file, {
      execArgv: [],
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
  } catch (error) {
    live--;
    return disable((error as Error).message, options);
  }
  worker.once("exit", () => {
    live--;
    forget(worker);
  });
  const ready = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(`no answer in ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const done = (why: string | null) => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      resolve(why);
    };
    const onMessage = (m: Outgoing) => m.type === "ready" && done(null);
    const onError = (error: Error) => done(error.message);
    worker.on("message", onMessage);
    worker.on("error", onError);
  });
  if (ready !== null) {
    void worker.terminate();
    return disable(ready, options);
  }
  stats.threadsStarted++;
  return worker;
}

function disable(why: string, options: PrepareThreadOptions): null {
  unavailable = why;
  (options.log ?? console.warn)(`ingest: no preparation thread (${why}); ingests prepare on their job's thread`);
  return null;
}

function release(worker: Worker): void {
  worker.unref();
  idle.push(worker);
  const timer = setTimeout(() => discard(worker), IDLE_MS);
  timer.unref();
  idleTimers.set(worker, timer);
}

/** Out of the idle list, its idle timer cleared. */
function forget(worker: Worker): void {
  const i = idle.indexOf(worker);
  if (i >= 0) idle.splice(i, 1);
  clearTimeout(idleTimers.get(worker));
  idleTimers.delete(worker);
}

function discard(worker: Worker): void {
  forget(worker);
  void worker.terminate();
}

/** Ends every idle preparation thread (tests, shutdown). */
export async function closePrepareThreads(): Promise<void> {
  await Promise.all(idle.splice(0).map((w) => w.terminate()));
}
