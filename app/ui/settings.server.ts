/**
 * Shop settings (shops.settings_json), validated with zod. Keys written by other parts of the app
 * (e.g. `pausedResources` from app/scopes_update) are kept untouched when settings are saved.
 *
 *   enabledResources     resource keys to sync (default: all)
 *   syncIntervalMinutes  incremental sync schedule (read by app/sync/backfill's schedule)
 *   reconcileSchedule    "off" | "daily" | "weekly" integrity verification
 *   reconcileHourUtc     hour of day (UTC) the scheduled verification starts
 */
import { z } from "zod";

import type { Db } from "../db.server";
import { pausedResources, type PausedResource } from "../sync/lifecycle.server";
import { RESOURCE_KEYS } from "../sync/resources/catalog";

import { RECONCILE_SCHEDULES } from "./options";

export { RECONCILE_SCHEDULES, SYNC_INTERVAL_CHOICES } from "./options";

export const shopSettingsSchema = z.object({
  enabledResources: z
    .array(z.enum(RESOURCE_KEYS))
    .transform((keys) => RESOURCE_KEYS.filter((k) => keys.includes(k)))
    .default([...RESOURCE_KEYS]),
  syncIntervalMinutes: z.coerce.number().int().min(5).max(1440).default(15),
  reconcileSchedule: z.enum(RECONCILE_SCHEDULES).default("daily"),
  reconcileHourUtc: z.coerce.number().int().min(0).max(23).default(3),
});

export type ShopSettings = z.infer<typeof shopSettingsSchema>;

export const DEFAULT_SETTINGS: ShopSettings = shopSettingsSchema.parse({});

export interface SettingsView {
  settings: ShopSettings;
  /** Resources paused because a permission is missing (key → reason). */
  paused: Record<string, PausedResource>;
}

function parseStored(json: string | null | undefined): Record<string, unknown> {
  try {
    const value = JSON.parse(json || "{}") as unknown;
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The stored settings; a field that is missing or invalid falls back to its default. */
export function readSettings(json: string | null | undefined): ShopSettings {
  const stored = parseStored(json);
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(shopSettingsSchema.shape) as (keyof ShopSettings)[]) {
    const one = shopSettingsSchema.shape[key].safeParse(stored[key]);
    if (one.success) out[key] = one.data;
  }
  return out as ShopSettings;
}

export async function getShopSettings(db: Db, shop: string): Promise<SettingsView> {
  const row = await db.shop.findUnique({ where: { shop }, select: { settingsJson: true } });
  return { settings: readSettings(row?.settingsJson), paused: pausedResources(row?.settingsJson) };
}

/** Parses a settings form (enabledResources repeated, the other fields once). */
export function settingsFromForm(
  form: FormData,
): { ok: true; settings: ShopSettings } | { ok: false; errors: Record<string, string> } {
  const parsed = shopSettingsSchema.safeParse({
    enabledResources: form.getAll("enabledResources").map(String),
    syncIntervalMinutes: form.get("syncIntervalMinutes") ?? undefined,
    reconcileSchedule: form.get("reconcileSchedule") ?? undefined,
    reconcileHourUtc: form.get("reconcileHourUtc") ?? undefined,
  });
  if (parsed.success) return { ok: true, settings: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues)
    errors[String(issue.path[0] ?? "form")] ??= issue.message;
  return { ok: false, errors };
}

/** Validates and stores `input`, keeping keys this module does not own. */
export async function saveShopSettings(
  db: Db,
  shop: string,
  input: unknown,
): Promise<ShopSettings> {
  const settings = shopSettingsSchema.parse(input);
  const row = await db.shop.findUnique({ where: { shop }, select: { settingsJson: true } });
  if (!row) throw new Error(`Unknown shop: ${shop}`);
  const merged = { ...parseStored(row.settingsJson), ...settings };
  await db.shop.update({ where: { shop }, data: { settingsJson: JSON.stringify(merged) } });
  return settings;
}
