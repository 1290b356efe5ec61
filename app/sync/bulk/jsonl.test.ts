import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadJsonl, readJsonl, type JsonlItem } from "./jsonl";

const enc = new TextEncoder();

async function collect(it: AsyncIterable<JsonlItem>): Promise<JsonlItem[]> {
  const out: JsonlItem[] = [];
  for await (const item of it) out.push(item);
  return out;
}

async function* chunked(bytes: Uint8Array, sizes: () => number): AsyncGenerator<Uint8Array> {
  let i = 0;
  while (i < bytes.length) {
    const n = Math.max(1, sizes());
    yield bytes.slice(i, i + n);
    i += n;
  }
}

const SAMPLE =
  '{"id":"gid://shopify/Order/1","name":"#1001","note":"café – 😀 日本"}\r\n' +
  '{"id":"gid://shopify/Order/2","name":"#1002"}\n' +
  "\n" +
  '{"id":"gid://shopify/LineItem/10","title":"Ünïcödé ✓","__parentId":"gid://shopify/Order/1"}\n' +
  "{not json at all\n" +
  '{"id":"gid://shopify/LineItem/11","__parentId":"gid://shopify/Order/2"}\n' +
  "[1,2]\n" +
  '{"id":"gid://shopify/LineItem/12","__parentId":"gid://shopify/Order/1"}'; // no trailing newline

function summarize(items: JsonlItem[]) {
  return items.map((i) =>
    i.kind === "record" ? { line: i.line, id: i.value.id, parentId: i.parentId, offset: i.offset } : { line: i.line, raw: i.raw, offset: i.offset },
  );
}

describe("readJsonl", () => {
  const bytes = enc.encode(SAMPLE);
  const expected = (() => {
    const lines = SAMPLE.split("\n");
    let off = 0;
    const ends = lines.map((l, idx) => (off += enc.encode(l).length + (idx < lines.length - 1 ? 1 : 0)));
    return [
      { line: 1, id: "gid://shopify/Order/1", parentId: undefined, offset: ends[0] },
      { line: 2, id: "gid://shopify/Order/2", parentId: undefined, offset: ends[1] },
      { line: 4, id: "gid://shopify/LineItem/10", parentId: "gid://shopify/Order/1", offset: ends[3] },
      { line: 5, raw: "{not json at all", offset: ends[4] },
      { line: 6, id: "gid://shopify/LineItem/11", parentId: "gid://shopify/Order/2", offset: ends[5] },
      { line: 7, raw: "[1,2]", offset: ends[6] },
      { line: 8, id: "gid://shopify/LineItem/12", parentId: "gid://shopify/Order/1", offset: bytes.length },
    ];
  })();

  it("parses a whole buffer: CRLF, blank lines, malformed lines, trailing line without newline", async () => {
    const items = await collect(readJsonl(chunked(bytes, () => bytes.length)));
    expect(summarize(items)).toEqual(expected);
    const first = items[0];
    expect(first.kind === "record" && first.value.note).toBe("café – 😀 日本");
    const err = items[3];
    expect(err.kind).toBe("error");
  });

  it("gives the same items when fed byte by byte (multi-byte characters split across chunks)", async () => {
    const items = await collect(readJsonl(chunked(bytes, () => 1)));
    expect(summarize(items)).toEqual(expected);
    expect(items[2].kind === "record" && items[2].value.title).toBe("Ünïcödé ✓");
  });

  it("gives the same items for random chunk sizes and for a web ReadableStream", async () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 13;
    for (let round = 0; round < 20; round++) {
      expect(summarize(await collect(readJsonl(chunked(bytes, rnd))))).toEqual(expected);
    }
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 5) controller.enqueue(bytes.slice(i, i + 5));
        controller.close();
      },
    });
    expect(summarize(await collect(readJsonl(stream)))).toEqual(expected);
  });

  it("reports an over-long line as an error and carries on", async () => {
    const long = '{"a":"' + "x".repeat(5000) + '"}';
    const text = `{"id":1}\n${long}\n{"id":2}\n`;
    const items = await collect(readJsonl(chunked(enc.encode(text), () => 100), { maxLineBytes: 1000 }));
    expect(items.map((i) => i.kind)).toEqual(["record", "error", "record"]);
    const err = items[1];
    expect(err.kind === "error" && err.raw.length).toBe(1000);
    expect(items[2].line).toBe(3);
  });

  it("honours startLine and startOffset when resuming", async () => {
    const items = await collect(readJsonl(chunked(enc.encode('{"id":5}\n'), () => 3), { startLine: 10, startOffset: 500 }));
    expect(items).toEqual([{ kind: "record", line: 10, value: { id: 5 }, offset: 509 }]);
  });

  it("streams 200 MB in bounded memory", async () => {
    const TARGET = 200 * 1024 * 1024;
    // ~1 KB per line: a parent every 5 lines, children carry __parentId.
    const pad = "p".repeat(900);
    const lineFor = (n: number) =>
      n % 5 === 0
        ? `{"id":"gid://shopify/Order/${n}","name":"#${n}","pad":"${pad}"}\n`
        : `{"id":"gid://shopify/LineItem/${n}","__parentId":"gid://shopify/Order/${n - (n % 5)}","pad":"${pad}"}\n`;
    let produced = 0;
    let n = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      while (produced < TARGET) {
        let text = "";
        while (text.length < 64 * 1024) text += lineFor(n++);
        // Split chunks mid-line on purpose.
        const b = Buffer.from(text);
        const cut = 1 + (n % 1000);
        yield b.subarray(0, cut);
        yield b.subarray(cut);
        produced += b.length;
      }
    }
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let records = 0;
    let children = 0;
    let errors = 0;
    for await (const item of readJsonl(source())) {
      if (item.kind === "error") errors++;
      else {
        records++;
        if (item.parentId) children++;
      }
      if ((records & 4095) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(produced).toBeGreaterThanOrEqual(TARGET);
    expect(errors).toBe(0);
    expect(records).toBe(n);
    expect(children).toBe(n - Math.ceil(n / 5));
    // Holding the file would need > 200 MB; streaming needs a few chunks plus garbage.
    expect(peak - baseline).toBeLessThan(96 * 1024 * 1024);
  }, 120_000);
});

describe("downloadJsonl", () => {
  const body = Buffer.from(Array.from({ length: 2000 }, (_, i) => `{"id":${i},"s":"${"é".repeat(i % 7)}"}\n`).join(""));
  let server: http.Server;
  let base = "";
  const requests: { path: string; range?: string }[] = [];
  // Per-path behaviour: how many responses still break mid-way, and whether Range is honoured.
  const plans = new Map<string, { breaks: number; ranges: boolean; status?: number[] }>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const path = req.url ?? "/";
      requests.push({ path, range: req.headers.range });
      const plan = plans.get(path) ?? { breaks: 0, ranges: true };
      const forced = plan.status?.shift();
      if (forced) {
        res.writeHead(forced).end("nope");
        return;
      }
      let start = 0;
      const m = /bytes=(\d+)-/.exec(req.headers.range ?? "");
      if (plan.ranges && m) {
        start = Number(m[1]);
        res.writeHead(206, { "Content-Range": `bytes ${start}-${body.length - 1}/${body.length}`, "Accept-Ranges": "bytes", "Content-Length": body.length - start });
      } else {
        res.writeHead(200, { "Content-Length": body.length });
      }
      if (plan.breaks > 0) {
        plan.breaks--;
        // Send part of the remaining bytes (cutting a multi-byte char when possible), then drop the socket.
        const part = body.subarray(start, start + Math.floor((body.length - start) / 3) + 1);
        res.write(part, () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      res.end(body.subarray(start));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const noSleep = async () => undefined;

  async function download(path: string, opts = {}): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of downloadJsonl(base + path, fetch, { sleep: noSleep, ...opts })) parts.push(Buffer.from(c));
    return Buffer.concat(parts);
  }

  it("resumes with a Range header after the connection drops", async () => {
    plans.set("/ranged", { breaks: 2, ranges: true });
    const got = await download("/ranged");
    expect(got.equals(body)).toBe(true);
    const mine = requests.filter((r) => r.path === "/ranged");
    expect(mine).toHaveLength(3);
    expect(mine[0].range).toBeUndefined();
    expect(mine[1].range).toMatch(/^bytes=\d+-$/);
  });

  it("re-downloads and skips delivered bytes when the server ignores Range", async () => {
    plans.set("/plain", { breaks: 2, ranges: false });
    const got = await download("/plain");
    expect(got.equals(body)).toBe(true);
  });

  it("retries 5xx, does not retry 4xx, and parses through readJsonl from a URL", async () => {
    plans.set("/flaky", { breaks: 1, ranges: true, status: [503] });
    const items = await collect(readJsonl(base + "/flaky", { download: { sleep: noSleep } }));
    expect(items).toHaveLength(2000);
    expect(items.every((i) => i.kind === "record")).toBe(true);
    expect(items[1999].kind === "record" && items[1999].value.id).toBe(1999);

    plans.set("/gone", { breaks: 0, ranges: true, status: [403] });
    await expect(download("/gone")).rejects.toMatchObject({ name: "JsonlDownloadError", status: 403 });
    expect(requests.filter((r) => r.path === "/gone")).toHaveLength(1);
  });

  it("gives up after maxAttempts consecutive failures", async () => {
    plans.set("/down", { breaks: 0, ranges: true, status: [500, 500, 500, 500] });
    await expect(download("/down", { maxAttempts: 3 })).rejects.toMatchObject({ status: 500 });
    expect(requests.filter((r) => r.path === "/down")).toHaveLength(3);
  });
});
