/**
 * Runs the local Prisma CLI offline (no telemetry / update check, no engine
 * download: prisma.config.ts uses the JS schema engine and the generators use
 * engineType "client").
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PRISMA_BIN = path.join(REPO_ROOT, "node_modules", "prisma", "build", "index.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment that keeps the Prisma CLI off the network. */
export const OFFLINE_PRISMA_ENV = {
  CHECKPOINT_DISABLE: "1", // no telemetry/version check request
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  PRISMA_DISABLE_WARNINGS: "1",
} as const;

export function runPrisma(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PRISMA_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...OFFLINE_PRISMA_ENV, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Default PostgreSQL server for tooling that needs one (shadow databases, tests). */
export function postgresToolingUrl(): string {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv && /^postgres(ql)?:\/\//.test(fromEnv)) return fromEnv;
  return process.env.TEST_POSTGRES_URL ?? "postgresql://root@127.0.0.1:5432/test";
}
