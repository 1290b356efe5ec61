/** Choices shown by the pages (client-safe: no database access here). */

export const METRIC_RANGES = [
  { value: "7", label: "Last 7 days" },
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "365", label: "Last 365 days" },
] as const;
export type MetricRange = (typeof METRIC_RANGES)[number]["value"];
export const DEFAULT_RANGE: MetricRange = "30";

export const SYNC_INTERVAL_CHOICES = [5, 15, 30, 60, 180, 360, 720, 1440] as const;
export const RECONCILE_SCHEDULES = ["off", "daily", "weekly"] as const;
