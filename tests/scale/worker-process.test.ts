/**
 * `npm run worker` (scripts/worker.ts) as a real process on PostgreSQL: GIVEN a migrated database,
 * WHEN the worker starts, THEN it logs structured JSON, answers GET /healthz with the queue
 * backend running, and on SIGTERM drains and exits 0.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, postgresAvailability, type TestDatabase } from "../../prisma/testing";

const pg = await postgresAvailability();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe.skipIf(!pg.available)(`npm run worker ${pg.reason}`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("postgresql");
  }, 60_000);
  afterAll(async () => {
    await t?.drop();
  });

  it("serves /healthz and drains on SIGTERM", async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(root, "scripts/worker.ts")],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: "production",
          DATABASE_URL: t.url,
          WORKER_HEALTH_PORT: String(port),
          LOG_FORMAT: "json",
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const lines: string[] = [];
    child.stdout
      .setEncoding("utf8")
      .on("data", (d: string) => lines.push(...d.split("\n").filter(Boolean)));
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => resolve(code)),
    );
    try {
      const deadline = Date.now() + 30_000;
      while (!lines.some((l) => l.includes('"worker started"'))) {
        if (Date.now() > deadline) throw new Error(`worker did not start: ${lines.join("\n")}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const started = JSON.parse(lines.find((l) => l.includes('"worker started"'))!) as Record<
        string,
        unknown
      >;
      expect(started).toMatchObject({ level: "info", msg: "worker started", backend: "queue" });

      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        ok: true,
        db: "ok",
        runner: { backend: "queue", running: true },
      });

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(lines.some((l) => l.includes('"worker stopped"'))).toBe(true);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);
});
