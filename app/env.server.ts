/**
 * The environment, read and validated once at boot.
 *
 * `env` is the validated environment of this process: when it is invalid the process prints one
 * line naming the variable (no stack trace) and exits with status 1. The pure validation,
 * `loadEnv(source)`, lives in ./load-env.server (importable without side effects) and is
 * re-exported here.
 */
import { EnvError, loadEnv, type Env } from "./load-env.server";

export * from "./load-env.server";

function loadEnvOrExit(): Env {
  try {
    return loadEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

export const env: Env = loadEnvOrExit();
