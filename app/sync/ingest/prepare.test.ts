/**
 * Ingest preparation (prepare.ts) and its thread (prepare-thread.server.ts): bulk JSONL of real
 * simulator orders, fed in awkward chunk sizes, prepares to the same batches on the preparation
 * thread as on the caller's thread; batches end on line boundaries with the resume point after
 * them; bad lines are counted, not fatal; a consumer that stops early leaves nothing hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { definitionFor } from "../resources";
import { bulkLines, startSampleShop, type SampleShop } from "../refine/simulator-samples.test-support";
import { prepareJsonl, type PreparedBatch, type PrepareOptions } from "./prepare";
import { closePrepareThreads, prepareThreadStats, preparedBatches } from "./prepare-thread.server";
import { canonicalJson, sha256Hex } from "./canonical";

let sample: SampleShop;
let file: Buffer;
let lines: string[];

beforeAll(async () => {
  sample = await startSampleShop(40, 5);
  const records = await bulkLines(sample, definitionFor("orders").bulkQuery());
  lines = records.map((r) => JSON.stringify(r));
  // Two bad lines and a record without an id in the middle; a final line without a newline.
  lines.splice(7, 0, "{not json", '{"name":"no id"}', "[1,2]");
  file = Buffer.from(lines.join("\n"), "utf8");
}, 120_000);

afterAll(async () => {
  await closePrepareThreads();
  await sample?.close();
});

const OPTIONS: PrepareOptions = { resource: "orders", source: "backfill", context: { shopCurrency: "USD" }, trackMetrics: true, batchSize: 25 };

/** The file as chunks of `size` bytes (splitting lines and UTF-8 sequences anywhere). */
async function* chunks(bytes: Buffer, size: number, from = 0): AsyncGenerator<Uint8Array> {
  for (let i = from; i < bytes.length; i += size) yield new Uint8Array(bytes.subarray(i, Math.min(bytes.length, i + size)));
}

async function collect(source: AsyncIterable<PreparedBatch>): Promise<PreparedBatch[]> {
  const out: PreparedBatch[] = [];
  for await (const b of source) out.push(b);
  return out;
}

describe("ingest preparation", () => {
  it("prepares every line into batches that end on line boundaries", async () => {
    const batches = await collect(prepareJsonl(chunks(file, 997), OPTIONS));
    expect(batches.reduce((n, b) => n + b.downloaded, 0)).toBe(lines.length);
    expect(batches.reduce((n, b) => n + b.errors, 0)).toBe(3);
    const records = batches.flatMap((b) => b.records);
    expect(records).toHaveLength(lines.length - 3);
    for (const b of batches.slice(0, -1)) expect(b.downloaded).toBe(25);
    // Resume points: just past a newline (or the end), and the next line's number.
    for (const b of batches) {
      expect(b.offset === file.length || file[b.offset - 1] === 0x0a).toBe(true);
      expect(file.subarray(0, b.offset).toString("utf8").split("\n").length).toBe(b.offset === file.length ? b.line - 1 : b.line);
    }
    const first = records[0];
    const original = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(first.json).toBe(canonicalJson(original));
    expect(first.hash).toBe(sha256Hex(first.json));
    expect(first.prepared.set?.rows.orders?.length).toBe(1);
    expect(first.root).toMatchObject({ numericId: String(original.id).split("/").pop(), updatedAt: original.updatedAt });
    // Children (line items etc.) carry no root facts.
    expect(records.some((r) => r.root === undefined)).toBe(true);
  });

  it("gives the same batches on the preparation thread, which is really used", async () => {
    const local = await collect(prepareJsonl(chunks(file, 4096), OPTIONS));
    const before = prepareThreadStats();
    const threaded = await collect(preparedBatches(chunks(file, 333), OPTIONS, { maxThreads: 1 }));
    const after = prepareThreadStats();
    expect(after.unavailable).toBeNull();
    expect(after.onThread).toBe(before.onThread + 1);
    expect(threaded).toEqual(local);
    // The thread is kept for the next ingest.
    const again = await collect(preparedBatches(chunks(file, 65_536), OPTIONS, { maxThreads: 1 }));
    expect(again).toEqual(local);
    expect(prepareThreadStats().threadsStarted).toBe(after.threadsStarted);
  });

  it("resumes mid-file from a batch's offset and line", async () => {
    const all = await collect(prepareJsonl(chunks(file, 4096), OPTIONS));
    const resumeAt = all[1];
    const rest = await collect(preparedBatches(chunks(file, 512, resumeAt.offset), { ...OPTIONS, startOffset: resumeAt.offset, startLine: resumeAt.line }, { maxThreads: 1 }));
    expect(rest).toEqual(all.slice(2));
  });

  it("a consumer that stops early ends cleanly, and the next ingest still works", async () => {
    const source = preparedBatches(chunks(file, 200), OPTIONS, { maxThreads: 1 });
    const first = await source.next();
    expect(first.done).toBe(false);
    await source.return(undefined);
    const whole = await collect(preparedBatches(chunks(file, 4096), OPTIONS, { maxThreads: 1 }));
    expect(whole.reduce((n, b) => n + b.downloaded, 0)).toBe(lines.length);
  });

  it("a download that fails mid-file fails the ingest with its error", async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(file.subarray(0, 5000));
      throw new Error("connection reset");
    }
    await expect(collect(preparedBatches(broken(), OPTIONS, { maxThreads: 1 }))).rejects.toThrow("connection reset");
  });

  it("prepares on the caller's thread when no thread is allowed", async () => {
    const before = prepareThreadStats();
    const batches = await collect(preparedBatches(chunks(file, 4096), OPTIONS, { maxThreads: 0 }));
    expect(prepareThreadStats().onOwnThread).toBe(before.onOwnThread + 1);
    expect(batches).toEqual(await collect(prepareJsonl(chunks(file, 4096), OPTIONS)));
  });
});
