/**
 * Streaming JSONL for bulk operation results.
 *
 * `readJsonl` turns a byte stream into one item per line, in constant memory: it splits on the
 * newline BYTE (0x0A never occurs inside a UTF-8 multi-byte sequence, so a character split across
 * chunks stays intact in the carried-over bytes) and decodes each complete line on its own. Only
 * the current partial line is held between chunks; `maxLineBytes` bounds even that.
 *
 * Children and parents (no adjacency assumed). A bulk query with nested connections writes each
 * child (line item, variant, address, ...) as its own line carrying `__parentId` = the parent's
 * GID. Shopify only promises that a child comes after its parent, not right after it, so we never
 * join in memory: every item is handed on with its `parentId`, the child's raw record is stored
 * on its own, and refinement writes child rows keyed by (shop, parent numeric id) — e.g.
 * line_items(shop, order_id) — which is all a later join needs. Nothing keeps a map of open
 * parents, so memory does not grow with the file. (A consumer that must see a parent's field
 * while handling a child should keep a small bounded LRU keyed by parent id, not the file.)
 */
import { setTimeout as delay } from "node:timers/promises";

export type JsonlItem = JsonlRecordItem | JsonlErrorItem;

export interface JsonlRecordItem {
  kind: "record";
  /** 1-based line number in the file (counting from `startLine`). */
  line: number;
  value: Record<string, unknown>;
  /** `__parentId` of a child line (also still present in `value`). */
  parentId?: string;
  /** Byte offset just after this line's newline: resume from here with a Range request. */
  offset: number;
}

export interface JsonlErrorItem {
  kind: "error";
  line: number;
  /** The raw line text (truncated to `maxLineBytes` if it was longer). */
  raw: string;
  error: string;
  offset: number;
}

export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface ReadJsonlOptions {
  /** Needed when `source` is a URL. Default: global fetch. */
  fetch?: FetchLike;
  /** Line number of the first line read (default 1); use when resuming mid-file. */
  startLine?: number;
  /** Byte offset of the first byte read (default 0); with a URL source, downloading starts here. */
  startOffset?: number;
  /** A line longer than this yields an error item and is skipped (default 64 MiB). */
  maxLineBytes?: number;
  /** Options for the download when `source` is a URL. */
  download?: Omit<DownloadJsonlOptions, "offset">;
}

/**
 * Parse a JSONL byte stream (or a URL, downloaded with `downloadJsonl`) line by line.
 * Blank lines are skipped (still counted); a line that is not a JSON object yields an error item
 * and reading goes on.
 */
export async function* readJsonl(source: ByteSource | string | URL, options: ReadJsonlOptions = {}): AsyncGenerator<JsonlItem> {
  const maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  let lineNo = (options.startLine ?? 1) - 1;
  let offset = options.startOffset ?? 0;
  const bytes: AsyncIterable<Uint8Array> =
    typeof source === "string" || source instanceof URL
      ? downloadJsonl(String(source), options.fetch ?? fetch, { ...options.download, offset })
      : toAsyncIterable(source);

  // The current partial line: pieces carried over from previous chunks.
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let skipping = false; // inside an over-long line: discard until the next newline

  const finishLine = (buf: Buffer, start: number, end: number): JsonlItem | undefined => {
    lineNo++;
    let text: string;
    if (skipping) {
      // An over-long line: report its head (kept in `carry`), drop the rest.
      text = Buffer.concat(carry, carryBytes).toString("utf8");
    } else if (carry.length > 0) {
      carry.push(buf.subarray(start, end));
      text = Buffer.concat(carry, carryBytes + (end - start)).toString("utf8");
    } else {
      text = buf.toString("utf8", start, end);
    }
    carry = [];
    carryBytes = 0;
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1); // \r\n
    if (skipping) {
      skipping = false;
      return { kind: "error", line: lineNo, raw: text, error: `line longer than ${maxLineBytes} bytes`, offset };
    }
    return parseLine(text, lineNo, offset);
  };

  for await (const chunk of bytes) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl === -1) break;
      offset += nl + 1 - start;
      const item = finishLine(buf, start, nl);
      start = nl + 1;
      if (item) yield item;
    }
    if (start < buf.length) {
      const rest = buf.length - start;
      offset += rest;
      if (skipping) continue;
      if (carryBytes + rest > maxLineBytes) {
        // Keep only the head of the over-long line (for the error item) and drop the rest.
        const keep = Math.max(0, maxLineBytes - carryBytes);
        if (keep > 0) carry.push(Buffer.from(buf.subarray(start, start + keep)));
        carryBytes += keep;
        skipping = true;
      } else {
        // Copy: the producer may reuse its chunk buffer.
        carry.push(Buffer.from(buf.subarray(start)));
        carryBytes += rest;
      }
    }
  }
  if (carryBytes > 0 || skipping) {
    const item = finishLine(Buffer.alloc(0), 0, 0);
    if (item) yield item;
  }
}

function parseLine(text: string, line: number, offset: number): JsonlItem | undefined {
  if (text.length === 0 || text.trim().length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: "error", line, raw: text, error: (err as Error).message, offset };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { kind: "error", line, raw: text, error: "line is not a JSON object", offset };
  }
  const record = value as Record<string, unknown>;
  const parentId = record.__parentId;
  return typeof parentId === "string"
    ? { kind: "record", line, value: record, parentId, offset }
    : { kind: "record", line, value: record, offset };
}

async function* toAsyncIterable(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (Symbol.asyncIterator in source) {
    yield* source as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

// ---------------------------------------------------------------------------------------------
// Download with resume
// ---------------------------------------------------------------------------------------------

export interface DownloadJsonlOptions {
  /** Start at this byte offset (Range request; skipped locally if the server ignores Range). */
  offset?: number;
  /** Attempts in total for one download, including resumes (default 5). */
  maxAttempts?: number;
  /** Base backoff (ms) between attempts, doubled each time (default 500). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
  signal?: AbortSignal;
}

export class JsonlDownloadError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "JsonlDownloadError";
  }
}

/**
 * Stream the bytes of a result file. On a network error (or 5xx) mid-download it retries with
 * backoff and resumes: with `Range: bytes=<received>-` when the server honours it (206), otherwise
 * by re-downloading and discarding the bytes already delivered. A 4xx (e.g. an expired URL) is
 * not retried. The bytes delivered to the consumer are exactly the file, once.
 */
export async function* downloadJsonl(url: string, fetchFn: FetchLike, options: DownloadJsonlOptions = {}): AsyncGenerator<Uint8Array> {
  const maxAttempts = options.maxAttempts ?? 5;
  const backoffMs = options.backoffMs ?? 500;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  let delivered = options.offset ?? 0; // absolute offset of the next byte to hand out
  let failures = 0;
  for (;;) {
    let res: Response;
    try {
      const headers: Record<string, string> = {};
      if (delivered > 0) headers.Range = `bytes=${delivered}-`;
      res = await fetchFn(url, { headers, signal: options.signal });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      failures = await retryOrThrow(err, failures);
      continue;
    }
    if (res.status === 416 && delivered > 0) {
      // Range not satisfiable: we already have every byte.
      await res.body?.cancel();
      return;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      const error = new JsonlDownloadError(`GET bulk result: HTTP ${res.status}`, res.status);
      if (res.status >= 500 || res.status === 429) {
        failures = await retryOrThrow(error, failures);
        continue;
      }
      throw error;
    }
    // Where does this response start? 206 with Content-Range -> its start; 200 -> 0.
    let position = 0;
    if (res.status === 206) {
      const m = /bytes\s+(\d+)-/.exec(res.headers.get("content-range") ?? "");
      position = m ? Number(m[1]) : delivered;
    }
    if (!res.body) return;
    try {
      for await (const chunk of toAsyncIterable(res.body)) {
        const end = position + chunk.byteLength;
        if (end > delivered) {
          yield position >= delivered ? chunk : chunk.subarray(delivered - position);
          delivered = end;
          failures = 0; // progress resets the budget
        }
        position = end;
      }
      return;
    } catch (err) {
      if (options.signal?.aborted) throw err;
      options.log?.(`bulk download interrupted at byte ${delivered}: ${(err as Error).message}; resuming`);
      failures = await retryOrThrow(err, failures);
    }
  }

  async function retryOrThrow(err: unknown, failuresSoFar: number): Promise<number> {
    const n = failuresSoFar + 1;
    if (n >= maxAttempts) throw err;
    const wait = backoffMs * 2 ** (n - 1) * (0.5 + Math.random() * 0.5);
    options.log?.(`bulk download attempt ${n} failed (${(err as Error).message}); retrying in ${Math.round(wait)} ms`);
    await sleep(wait);
    return n;
  }
}
