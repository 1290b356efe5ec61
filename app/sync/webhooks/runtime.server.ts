/**
 * How webhook handling reaches the job runner of this process.
 *
 * Routes only know the database; the worker (app/sync/worker.server.ts) registers the running
 * backend once with `setWebhookJobBackend(runner)`, so enqueueing a refine job also WAKES the
 * in-process runner (its `enqueue` interrupts the idle poll): refinement starts within
 * milliseconds instead of after the next poll interval. Without a registered backend the job is
 * only inserted into the jobs table, where any runner finds it on its next poll.
 */
import type { Db } from "~/db.server";
import { enqueue as enqueueInDb } from "../jobs/enqueue.server";
import type { EnqueueInput, EnqueueResult } from "../jobs/types";

export type EnqueueFn = <P>(input: EnqueueInput<P>) => Promise<EnqueueResult>;

declare global {
  var __storesyncWebhookBackend: { enqueue: EnqueueFn } | undefined;
}

/** Registers (or clears) the backend webhook jobs go to. Kept on globalThis: Vite reloads modules. */
export function setWebhookJobBackend(backend: { enqueue: EnqueueFn } | undefined): void {
  globalThis.__storesyncWebhookBackend = backend;
}

/** Whether a backend is registered (enqueueing must then go through it, so that it wakes). */
export function hasWebhookJobBackend(): boolean {
  return globalThis.__storesyncWebhookBackend !== undefined;
}

/** The enqueue function to use for `db`: the registered backend's, else a plain insert. */
export function webhookEnqueuer(db: Db, explicit?: EnqueueFn): EnqueueFn {
  if (explicit) return explicit;
  const backend = globalThis.__storesyncWebhookBackend;
  if (backend) return (input) => backend.enqueue(input);
  return (input) => enqueueInDb(db, input);
}
