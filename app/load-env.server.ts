/**
 * Environment validation, pure: `loadEnv(source)` throws an `EnvError` whose message is one line
 * naming the first bad variable. app/env.server.ts applies it to the process at boot.
 */
import { z } from "zod";

import { parseTokenEncryptionKeys } from "./sessions/encrypted-session-storage.server";
import { catalogScopes } from "./sync/resources/catalog";

export const DEFAULT_DATABASE_URL = "file:./data/storesync.sqlite";

export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const emptyToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const required = (name: string) =>
  z
    .string({ required_error: `${name} is required` })
    .trim()
    .min(1, `${name} is required`);

const httpUrl = (name: string) =>
  required(name).refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  }, `${name} must be a URL`);

const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess(emptyToUndefined, schema.optional());

const EnvSchema = z.object({
  SHOPIFY_API_KEY: required("SHOPIFY_API_KEY"),
  SHOPIFY_API_SECRET: required("SHOPIFY_API_SECRET"),
  SHOPIFY_APP_URL: httpUrl("SHOPIFY_APP_URL"),
  SCOPES: optional(
    z
      .string()
      .transform((value) =>
        value
          .split(",")
          .map((scope) => scope.trim())
          .filter(Boolean),
      )
      .refine(
        (scopes) =>
          scopes.length > 0 &&
          scopes.every((s) => /^(read|write|unauthenticated_[a-z]+)_[a-z_]+$/.test(s)),
        "SCOPES must be a comma-separated list of access scopes",
      ),
  ),
  DATABASE_URL: optional(
    z
      .string()
      .trim()
      .refine(
        (value) => /^(file:|postgres(ql)?:\/\/)/.test(value),
        "DATABASE_URL must start with file: or postgresql://",
      ),
  ),
  TOKEN_ENCRYPTION_KEYS: required("TOKEN_ENCRYPTION_KEYS").superRefine((value, ctx) => {
    try {
      parseTokenEncryptionKeys(value);
    } catch (error) {
      // The parser's message names the variable and never echoes key material.
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
    }
  }),
  SHOP_CUSTOM_DOMAIN: optional(
    z
      .string()
      .trim()
      .refine(
        (value) => /^[a-z0-9.-]+(:\d+)?$/i.test(value),
        "SHOP_CUSTOM_DOMAIN must be a host name",
      ),
  ),
  STORESYNC_SIMULATOR_URL: optional(httpUrl("STORESYNC_SIMULATOR_URL")),
  LOG_LEVEL: optional(
    z.enum(LOG_LEVELS, {
      errorMap: () => ({ message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}` }),
    }),
  ),
});

export interface Env {
  SHOPIFY_API_KEY: string;
  SHOPIFY_API_SECRET: string;
  /** Origin-normalised app URL (no trailing slash). */
  SHOPIFY_APP_URL: string;
  /** Access scopes the app requests; defaults to the sync catalog's scopes. */
  SCOPES: string[];
  DATABASE_URL: string;
  /** Raw value, already checked by the session storage's key parser. */
  TOKEN_ENCRYPTION_KEYS: string;
  SHOP_CUSTOM_DOMAIN?: string;
  /** Set only in dev/test/demo: the store simulator's base URL. */
  STORESYNC_SIMULATOR_URL?: string;
  LOG_LEVEL: LogLevel;
}

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

type Source = Record<string, string | undefined>;

/** Validates `source` (default: process.env). Throws EnvError with one line naming the variable. */
export function loadEnv(source: Source = process.env): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    const message = issue.message.includes(name)
      ? issue.message
      : issue.code === "invalid_type" && issue.received === "undefined"
        ? `${name} is required`
        : `${name} ${issue.message}`;
    throw new EnvError(`Invalid environment: ${message.replace(/\s+/g, " ")}`);
  }
  const data = result.data;
  return {
    SHOPIFY_API_KEY: data.SHOPIFY_API_KEY,
    SHOPIFY_API_SECRET: data.SHOPIFY_API_SECRET,
    SHOPIFY_APP_URL: new URL(data.SHOPIFY_APP_URL).origin,
    SCOPES: data.SCOPES ?? catalogScopes(),
    DATABASE_URL: data.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    TOKEN_ENCRYPTION_KEYS: data.TOKEN_ENCRYPTION_KEYS,
    SHOP_CUSTOM_DOMAIN: data.SHOP_CUSTOM_DOMAIN,
    STORESYNC_SIMULATOR_URL: data.STORESYNC_SIMULATOR_URL,
    LOG_LEVEL: data.LOG_LEVEL ?? "info",
  };
}
