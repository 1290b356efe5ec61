/**
 * JSONL result file writer: buffered, backpressure-aware (awaits 'drain'), counts lines/bytes.
 * In ungrouped mode (Shopify's default since 2026-01) some of a root's child lines are held back
 * and written after one of the next few roots — children still follow their parent, but not
 * always directly (deterministic with the seed). Grouped mode writes them right after the parent.
 */
import { createWriteStream, type WriteStream } from "node:fs";

/** Small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FLUSH_CHARS = 256 * 1024;

export class JsonlWriter {
  /** Lines handed to the file stream. */
  linesWritten = 0;
  /** Roots whose line was handed to the file stream. */
  rootsWritten = 0;
  bytesWritten = 0;
  private stream: WriteStream;
  private chunk = "";
  private chunkLines = 0;
  private rootIndex = 0;
  private deferred: { due: number; lines: string[] }[] = [];
  private readonly random: (() => number) | null;
  private failed: Error | null = null;

  constructor(
    readonly path: string,
    opts: { groupObjects: boolean; seed: number },
  ) {
    this.stream = createWriteStream(path, { flags: "w" });
    this.stream.on("error", (e) => {
      this.failed = e;
    });
    this.random = opts.groupObjects ? null : seededRandom(opts.seed);
  }

  /** Lines emitted so far (buffered or written), for the running objectCount. */
  get linesEmitted(): number {
    return this.linesWritten + this.chunkLines;
  }

  private push(line: string): void {
    this.chunk += line + "\n";
    this.chunkLines++;
  }

  /** Adds one root object: `lines[0]` is the root line, the rest its descendants in order. */
  addRoot(lines: readonly string[]): void {
    const k = this.rootIndex++;
    this.push(lines[0]!);
    this.rootsWritten++;
    if (this.deferred.length) {
      const keep: { due: number; lines: string[] }[] = [];
      for (const d of this.deferred) {
        if (d.due <= k) for (const l of d.lines) this.push(l);
        else keep.push(d);
      }
      this.deferred = keep;
    }
    const children = lines.length - 1;
    if (children === 0) return;
    if (this.random && this.random() < 0.4) {
      const split = Math.floor(this.random() * children); // 0..children-1 emitted now
      for (let i = 1; i <= split; i++) this.push(lines[i]!);
      this.deferred.push({
        due: k + 1 + Math.floor(this.random() * 3),
        lines: lines.slice(split + 1),
      });
    } else {
      for (let i = 1; i < lines.length; i++) this.push(lines[i]!);
    }
  }

  get buffered(): number {
    return this.chunk.length;
  }

  /** Writes the buffer if it is large (or `force`), waiting for 'drain' when the stream asks. */
  async flush(force = false): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.chunk || (!force && this.chunk.length < FLUSH_CHARS)) return;
    const data = this.chunk;
    this.chunk = "";
    this.bytesWritten += Buffer.byteLength(data, "utf8");
    this.linesWritten += this.chunkLines;
    this.chunkLines = 0;
    if (!this.stream.write(data)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.stream.off("error", onError);
          resolve();
        };
        const onError = (e: Error) => {
          this.stream.off("drain", onDrain);
          reject(e);
        };
        this.stream.once("drain", onDrain);
        this.stream.once("error", onError);
      });
    }
  }

  /**
   * Finishes the file. `complete`: also writes the held-back children; otherwise (a failure or a
   * cancel) only what was already emitted is kept — always whole lines.
   */
  async end(complete: boolean): Promise<void> {
    if (complete) {
      for (const d of this.deferred) for (const l of d.lines) this.push(l);
    }
    this.deferred = [];
    await this.flush(true);
    await new Promise<void>((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.stream.end(() => resolve());
    });
  }

  /** Closes without caring about the content (the file is deleted afterwards). */
  async abort(): Promise<void> {
    this.chunk = "";
    this.deferred = [];
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
  }
}
