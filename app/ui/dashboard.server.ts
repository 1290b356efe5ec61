/**
 * Dashboard read model: the shop's overall state in plain words, per-resource progress of the
 * latest run, local vs remote counts, records in error, and webhook health.
 */
import type { Db } from "../db.server";
import { getSyncProgress, type RunProgress } from "../sync/sync-runs.server";
import { getSyncOverview, type SyncOverview } from "../sync/status.server";

export type OverallState = "installing" | "backfilling" | "live" | "paused" | "needs_attention";

export interface ResourceProgress {
  kind: string;
  status: string;
  /** Progress total in JSONL lines / nodes (a bulk file counts children too). */
  expected: number | null;
  /** Top-level records in Shopify ("In Shopify"), comparable with the local row count. */
  remote: number | null;
  downloaded: number;
  refined: number;
  /** 0..100 when the expected count is known. */
  percent: number | null;
  errors: number;
  error: string | null;
}

export interface WebhookHealth {
  lastReceivedAt: string | null;
  lastTopic: string | null;
  /** Counts over the last 24 hours. */
  received24h: number;
  failed24h: number;
  duplicates24h: number;
}

export interface DashboardData extends SyncOverview {
  state: OverallState;
  stateTitle: string;
  stateDescription: string;
  /** Latest run per resource key (absent: never ran). */
  progress: Record<string, ResourceProgress>;
  /** Raw records that failed refinement, per resource key. */
  recordErrors: Record<string, number>;
  recordErrorsTotal: number;
  webhooks: WebhookHealth;
  /** Something is running: the page polls while this is true. */
  working: boolean;
  generatedAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function getWebhookHealthSummary(
  db: Db,
  shop: string,
  now: Date = new Date(),
): Promise<WebhookHealth> {
  const since = new Date(now.getTime() - DAY_MS);
  const recent = { shop, receivedAt: { gte: since } };
  const [last, received, failed, duplicates] = await Promise.all([
    db.webhookDelivery.findFirst({
      where: { shop },
      orderBy: { receivedAt: "desc" },
      select: { receivedAt: true, topic: true },
    }),
    db.webhookDelivery.count({ where: recent }),
    db.webhookDelivery.count({ where: { ...recent, status: "failed" } }),
    db.webhookDelivery.count({ where: { ...recent, status: "duplicate" } }),
  ]);
  return {
    lastReceivedAt: last?.receivedAt.toISOString() ?? null,
    lastTopic: last?.topic ?? null,
    received24h: received,
    failed24h: failed,
    duplicates24h: duplicates,
  };
}

export async function countRecordErrors(db: Db, shop: string): Promise<Record<string, number>> {
  const groups = await db.rawRecord.groupBy({
    by: ["resource"],
    where: { shop, status: "error" },
    _count: { _all: true },
  });
  return Object.fromEntries(groups.map((g) => [g.resource, g._count._all]));
}

function toProgress(run: RunProgress, errors: number): ResourceProgress {
  const percent =
    run.expected && run.expected > 0
      ? Math.min(100, Math.round((Math.max(run.downloaded, run.refined) / run.expected) * 100))
      : run.status === "succeeded"
        ? 100
        : null;
  return {
    kind: run.kind,
    status: run.status,
    expected: run.expected,
    remote: run.remote,
    downloaded: run.downloaded,
    refined: run.refined,
    percent,
    errors: run.errors + errors,
    error: run.error,
  };
}

export function overallState(input: {
  installState: SyncOverview["installState"];
  hasShop: boolean;
  runs: readonly { kind: string; status: string }[];
  recordErrors: number;
  webhookFailures: number;
}): { state: OverallState; title: string; description: string } {
  const { runs } = input;
  if (input.installState === "uninstalled")
    return {
      state: "paused",
      title: "Paused",
      description: "StoreSync was uninstalled from this store, so nothing is syncing.",
    };
  if (runs.some((r) => r.status === "failed"))
    return {
      state: "needs_attention",
      title: "Needs attention",
      description:
        "A sync did not finish. StoreSync retries it on its own; you can also start it again with Sync now.",
    };
  const active = runs.filter((r) => r.status === "running" || r.status === "queued");
  if (active.some((r) => r.kind === "backfill"))
    return {
      state: "backfilling",
      title: "Copying your store",
      description:
        "StoreSync is making its first full copy of your store. New changes are kept while it works.",
    };
  if (runs.some((r) => r.status === "paused"))
    return {
      state: "paused",
      title: "Paused",
      description: "Syncing is paused. It picks up where it stopped when it resumes.",
    };
  if (!input.hasShop || runs.length === 0)
    return {
      state: "installing",
      title: "Setting up",
      description: "StoreSync is getting ready. The first full copy of your store starts shortly.",
    };
  if (input.recordErrors > 0 || input.webhookFailures > 0)
    return {
      state: "needs_attention",
      title: "Needs attention",
      description:
        input.recordErrors > 0
          ? `${input.recordErrors.toLocaleString("en-US")} records could not be processed. Review them under Records in error.`
          : "Some live updates from Shopify failed in the last 24 hours. StoreSync retries them.",
    };
  return {
    state: "live",
    title: "Live",
    description:
      "Your store is fully copied and every change in Shopify is applied within moments.",
  };
}

export async function getDashboard(
  db: Db,
  shop: string,
  now: Date = new Date(),
): Promise<DashboardData> {
  const [overview, runs, errors, webhooks, hasShop, integrityRunning, verifyQueued] =
    await Promise.all([
      getSyncOverview(db, shop),
      getSyncProgress(db, shop, now),
      countRecordErrors(db, shop),
      getWebhookHealthSummary(db, shop, now),
      db.shop.count({ where: { shop } }).then((n) => n > 0),
      db.integrityReport.count({ where: { shop, status: "running" } }),
      db.job.count({
        where: { shop, type: "reconcile.run", status: { in: ["queued", "running"] } },
      }),
    ]);
  const recordErrorsTotal = Object.values(errors).reduce((a, b) => a + b, 0);
  const progress: Record<string, ResourceProgress> = {};
  for (const run of runs) progress[run.resource] = toProgress(run, errors[run.resource] ?? 0);
  for (const [resource, count] of Object.entries(errors))
    if (!progress[resource])
      progress[resource] = {
        kind: "",
        status: "never",
        expected: null,
        remote: null,
        downloaded: 0,
        refined: 0,
        percent: null,
        errors: count,
        error: null,
      };
  const state = overallState({
    installState: overview.installState,
    hasShop,
    runs,
    recordErrors: recordErrorsTotal,
    webhookFailures: webhooks.failed24h,
  });
  return {
    ...overview,
    state: state.state,
    stateTitle: state.title,
    stateDescription: state.description,
    progress,
    recordErrors: errors,
    recordErrorsTotal,
    webhooks,
    working:
      runs.some((r) => r.status === "running" || r.status === "queued") ||
      integrityRunning > 0 ||
      verifyQueued > 0,
    generatedAt: now.toISOString(),
  };
}
