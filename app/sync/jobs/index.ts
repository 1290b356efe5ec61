export * from "./types";
export { defineJob, createJobRegistry, backoffDelay, KeyedLimits, DEFAULT_BACKOFF, DEFAULT_MAX_ATTEMPTS, type JobRegistry } from "./define";
