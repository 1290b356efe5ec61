/**
 * Integrity read model: report history (keyset on started_at, id), one report's findings, and the
 * "Verify integrity" request (a "reconcile.run" job; its handler lives in app/sync/reconcile).
 */
import type { Db } from "../db.server";
import { enqueue } from "../sync/jobs/enqueue.server";
import { resourceLabel } from "../sync/resources/catalog";

import { decodeCursor, encodeCursor, type OrderField, seekWhere } from "./keyset";
import { parseJson } from "./serialize";

export const RECONCILE_JOB_TYPE = "reconcile.run";

export interface IntegrityReportSummary {
  id: string;
  status: string;
  verdict: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  /** Resources with at least one difference found. */
  resourcesWithFindings: number;
}

export interface FindingMetric {
  label: string;
  value: string;
}

export interface Finding {
  resource: string;
  label: string;
  metrics: FindingMetric[];
  /** Any non-zero count other than local/remote totals. */
  hasDifferences: boolean;
}

export interface IntegrityReportDetail extends IntegrityReportSummary {
  findings: Finding[];
  aggregateChecks: FindingMetric[];
}

export interface VerificationState {
  /** A verification was requested and has not started a report yet. */
  queued: boolean;
  /** A report is being written right now. */
  running: boolean;
}

const ORDER: OrderField[] = [
  { field: "startedAt", type: "date" },
  { field: "id", type: "string" },
];
const TOTAL_KEYS =
  /^(local|remote|expected|checked|total|count|localCount|remoteCount|durationMs|duration|ms|live|skippedLive)$/i;

function words(key: string): string {
  const s = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]/g, " ")
    .toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function scalar(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value.toLocaleString("en-US");
  if (typeof value === "string" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length.toLocaleString("en-US");
  return null;
}

function metricsOf(value: unknown): FindingMetric[] {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    const s = scalar(value);
    return s === null ? [] : [{ label: "Value", value: s }];
  }
  const out: FindingMetric[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === "resource") continue;
    const s = scalar(v);
    if (s !== null) out.push({ label: words(key), value: s });
  }
  return out;
}

function differs(value: unknown): boolean {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  return Object.entries(value as Record<string, unknown>).some(
    ([key, v]) =>
      !TOTAL_KEYS.test(key) &&
      ((typeof v === "number" && v > 0) || (Array.isArray(v) && v.length > 0)),
  );
}

type Counts = Record<string, unknown>;
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const sum = (c: unknown) =>
  c && typeof c === "object"
    ? Object.values(c as Counts).reduce<number>((a, v) => a + num(v), 0)
    : 0;
const fmt = (n: number) => n.toLocaleString("en-US");

/** A reconciliation's per-resource report (app/sync/reconcile ResourceReport), recognised by shape. */
function isResourceReport(value: unknown): value is Counts & { found: Counts } {
  return (
    !!value &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !!(value as Counts).found &&
    typeof (value as Counts).found === "object"
  );
}

/** The report of one resource in words: counts on both sides, what differed, what was fixed. */
function resourceReportMetrics(r: Counts & { found: Counts }): {
  metrics: FindingMetric[];
  differences: number;
} {
  const out: FindingMetric[] = [];
  if (r.mode === "skipped") out.push({ label: "Checked", value: "No" });
  if (r.mode === "count-only") out.push({ label: "Checked", value: "Counts only" });
  if (typeof r.remoteCount === "number") out.push({ label: "In Shopify", value: fmt(r.remoteCount) });
  if (typeof r.localCount === "number") out.push({ label: "In StoreSync", value: fmt(r.localCount) });
  const found = r.found;
  const kinds: [string, string][] = [
    ["missing", "Missing"],
    ["stale", "Out of date"],
    ["zombie", "Deleted in Shopify"],
    ["countMismatch", "Counts differ"],
  ];
  for (const [key, label] of kinds)
    if (num(found[key]) > 0) out.push({ label, value: fmt(num(found[key])) });
  const differences = sum(found);
  const healed = sum(r.healed);
  const remaining = sum(r.remaining);
  if (healed > 0) out.push({ label: "Fixed", value: fmt(healed) });
  if (remaining > 0) out.push({ label: "Still different", value: fmt(remaining) });
  if (num(r.live) > 0) out.push({ label: "Changed during the check", value: fmt(num(r.live)) });
  if (differences === 0 && r.mode !== "skipped") out.push({ label: "Differences", value: "None" });
  const reasons = Array.isArray(r.reasons) ? r.reasons.filter((x) => typeof x === "string") : [];
  if (reasons.length) out.push({ label: "Note", value: reasons.join("; ") });
  return { metrics: out, differences };
}

/** The comparison of daily totals with Shopify's analytics, in words. */
function aggregateMetrics(value: unknown): FindingMetric[] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return metricsOf(value);
  const a = value as Counts;
  if (typeof a.status !== "string" || typeof a.comparedDays !== "number") return metricsOf(value);
  const result =
    a.status === "match"
      ? "The totals match"
      : a.status === "differs"
        ? "Some days differ"
        : "Not available";
  const out: FindingMetric[] = [{ label: "Result", value: result }];
  const range =
    typeof a.from === "string" && typeof a.to === "string" ? ` (${a.from} to ${a.to})` : "";
  out.push({ label: "Days compared", value: `${fmt(a.comparedDays)}${range}` });
  const differing = Array.isArray(a.differences) ? a.differences.length : 0;
  const healed = Array.isArray(a.healedDays) ? a.healedDays.length : 0;
  if (differing > 0) out.push({ label: "Days that differ", value: fmt(differing) });
  if (healed > 0) out.push({ label: "Days fixed", value: fmt(healed) });
  if (typeof a.reason === "string" && a.reason) out.push({ label: "Note", value: a.reason });
  return out;
}

/**
 * Findings from summary_json, whatever its exact shape: an array of `{resource, ...counts}`,
 * `{resources: [...] | {key: counts}}`, or `{key: counts}`. A reconciliation's own reports
 * (`{found, healed, remaining, ...}` per resource) are told in words.
 */
export function parseFindings(summaryJson: string | null): Finding[] {
  const summary = parseJson(summaryJson);
  if (!summary || typeof summary !== "object") return [];
  let entries: [string, unknown][];
  if (Array.isArray(summary)) {
    entries = summary.map((item, i) => [
      String((item as { resource?: unknown })?.resource ?? i),
      item,
    ]);
  } else {
    const resources = (summary as { resources?: unknown }).resources;
    if (resources !== undefined && resources !== null && typeof resources === "object")
      return parseFindings(JSON.stringify(resources));
    entries = Object.entries(summary as Record<string, unknown>);
  }
  return entries.map(([resource, value]) => {
    const label = resourceLabel(resource) ?? words(resource);
    if (isResourceReport(value)) {
      const { metrics, differences } = resourceReportMetrics(value);
      return { resource, label, metrics, hasDifferences: differences > 0 };
    }
    return { resource, label, metrics: metricsOf(value), hasDifferences: differs(value) };
  });
}

function summarize(report: {
  id: string;
  status: string;
  verdict: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  summaryJson: string | null;
}): IntegrityReportSummary {
  return {
    id: report.id,
    status: report.status,
    verdict: report.verdict,
    startedAt: report.startedAt.toISOString(),
    finishedAt: report.finishedAt?.toISOString() ?? null,
    durationMs: report.durationMs,
    resourcesWithFindings: parseFindings(report.summaryJson).filter((f) => f.hasDifferences).length,
  };
}

export async function listIntegrityReports(
  db: Db,
  shop: string,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<{ reports: IntegrityReportSummary[]; nextCursor: string | null }> {
  const limit = Math.min(100, Math.max(1, options.limit ?? 20));
  const cursor = decodeCursor(options.cursor, ORDER);
  const found = await db.integrityReport.findMany({
    where: { AND: [{ shop }, ...(cursor ? [seekWhere(ORDER, cursor, "desc")] : [])] },
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = found.slice(0, limit);
  const last = page[page.length - 1];
  return {
    reports: page.map(summarize),
    nextCursor: found.length > limit && last ? encodeCursor([last.startedAt, last.id]) : null,
  };
}

export async function getIntegrityReport(
  db: Db,
  shop: string,
  id: string,
): Promise<IntegrityReportDetail | null> {
  const report = await db.integrityReport.findFirst({ where: { id, shop } });
  if (!report) return null;
  return {
    ...summarize(report),
    findings: parseFindings(report.summaryJson),
    aggregateChecks: aggregateMetrics(parseJson(report.aggregateCheckJson)),
  };
}

export async function getVerificationState(db: Db, shop: string): Promise<VerificationState> {
  const [jobs, running] = await Promise.all([
    db.job.count({
      where: { shop, type: RECONCILE_JOB_TYPE, status: { in: ["queued", "running"] } },
    }),
    db.integrityReport.count({ where: { shop, status: "running" } }),
  ]);
  return { queued: jobs > 0 && running === 0, running: running > 0 };
}

/** Queues a verification of every resource (at most one waits at a time per shop). */
export async function requestVerification(
  db: Db,
  shop: string,
): Promise<{ jobId: string; alreadyQueued: boolean }> {
  const result = await enqueue(db, {
    type: RECONCILE_JOB_TYPE,
    shop,
    payload: { requestedBy: "merchant" },
    dedupeKey: `${RECONCILE_JOB_TYPE}:${shop}`,
  });
  return { jobId: result.id, alreadyQueued: result.deduped };
}
