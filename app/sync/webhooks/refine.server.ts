/**
 * The durable half of webhook handling: the `webhook.refine` job refines a shop's pending webhook
 * raw records into rows, in small batches (each one short transaction, so receiving webhooks is
 * never blocked for long), then marks their deliveries processed or failed.
 *
 * Order safety (webhooks have no ordering guarantee):
 *  - records of a batch are applied in (payload updated_at, X-Shopify-Triggered-At) order, so the
 *    newest version of a record in the batch is the one that lands;
 *  - the refined tables' version guard (refine/upsert.server.ts) refuses a version older than the
 *    stored row, and tombstones are final, so a late update never overwrites a newer row nor
 *    resurrects a deleted one, and an update that arrives before its create wins over the create;
 *  - equal updated_at (REST payloads carry whole seconds): a record whose already-refined sibling
 *    (same GID, same updated_at) was triggered later is superseded and not applied.
 *
 * Never missing a delivery with a coalescing job: while the job runs it holds the shop's dedupe
 * key (deliveries then do not enqueue: the job loops until no record is pending); when the backlog
 * is empty it releases the key and looks once more before ending. The type's concurrency key keeps
 * refinement of one shop strictly sequential.
 *
 * A payload that cannot be refined (missing required field, unknown shape) keeps its raw record
 * with status `error` and its message; its delivery becomes `failed` (shown by health) and an
 * activity event tells the merchant.
 *
 * What was applied is told once per job run, not per delivery: one `webhook.applied` activity event
 * ("Updated 3 orders and 1 product from Shopify in real time."), linking to the record when there is
 * only one, so a burst of webhooks does not flood the feed (one insert per job run).
 */
import type { Db } from "~/db.server";
import { defineJob } from "../jobs/define";
import type { JobDefinition } from "../jobs/types";
import { refineRawRecords } from "../refine/refine-raw.server";
import { resourceLabel, SYNC_RESOURCES } from "../resources/catalog";
import { recordActivity } from "../sync-runs.server";
import { WEBHOOK_REFINE_JOB, refineDedupeKey } from "./names";
import { payloadUpdatedAt } from "./topics";
import type { EnqueueFn } from "./runtime.server";

export interface RefineBacklogOptions {
  /** Raw records per transaction (default 100). */
  batchSize?: number;
  /** Stop after this many batches (default 50); the caller reschedules. */
  maxBatches?: number;
  /** The job waits this long before its first batch so a burst is refined together (default 50 ms). */
  coalesceMs?: number;
  now?: () => Date;
}

export interface RefineBacklogResult {
  refined: number;
  superseded: number;
  errors: number;
  batches: number;
  /** True when pending records remain (maxBatches reached). */
  more: boolean;
  /** The records applied (refined, not superseded, not failed), one entry per GID, latest wins. */
  applied: Map<string, AppliedChange>;
}

/** One record changed by webhooks, for the activity feed. */
export interface AppliedChange {
  resource: string;
  gid: string;
  deleted: boolean;
  /** Merchant-facing name when the payload has a non-personal one (order name, product title). */
  name: string | null;
}

interface Item {
  id: number;
  gid: string;
  resource: string;
  topic: string | null;
  deliveryId: string | null;
  payload: unknown;
  updatedAt: number | null;
  triggeredAt: number | null;
}

const NEG = Number.NEGATIVE_INFINITY;

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // refinement reports it as an error
  }
}

/** Refines pending webhook raw records of `shop` (see the file comment). */
export async function refineWebhookBacklog(
  db: Db,
  shop: string,
  options: RefineBacklogOptions = {},
): Promise<RefineBacklogResult> {
  const batchSize = options.batchSize ?? 100;
  const maxBatches = options.maxBatches ?? 50;
  const clock = options.now ?? (() => new Date());
  const total: RefineBacklogResult = { refined: 0, superseded: 0, errors: 0, batches: 0, more: false, applied: new Map() };

  for (;;) {
    if (total.batches >= maxBatches) {
      total.more = (await db.rawRecord.count({ where: { shop, source: "webhook", status: "pending" } })) > 0;
      return total;
    }
    const rows = await db.rawRecord.findMany({
      where: { shop, source: "webhook", status: "pending" },
      orderBy: { id: "asc" },
      take: batchSize,
      select: { id: true, resource: true, gid: true, payload: true, webhookDeliveryId: true },
    });
    if (rows.length === 0) return total;
    total.batches++;

    const deliveryIds = [...new Set(rows.map((r) => r.webhookDeliveryId).filter((x): x is string => !!x))];
    const deliveries = new Map(
      (
        await db.webhookDelivery.findMany({
          where: { id: { in: deliveryIds } },
          select: { id: true, topic: true, triggeredAt: true },
        })
      ).map((d) => [d.id, d]),
    );
    const items: Item[] = rows.map((r) => {
      const d = r.webhookDeliveryId ? deliveries.get(r.webhookDeliveryId) : undefined;
      const payload = parse(r.payload);
      return {
        id: r.id,
        gid: r.gid,
        resource: r.resource,
        topic: d?.topic ?? null,
        deliveryId: r.webhookDeliveryId,
        payload,
        updatedAt: payloadUpdatedAt(payload),
        triggeredAt: d?.triggeredAt?.getTime() ?? null,
      };
    });

    const superseded = await findSuperseded(db, shop, items);
    const live = items
      .filter((i) => !superseded.has(i.id))
      .sort(
        (a, b) =>
          (a.updatedAt ?? NEG) - (b.updatedAt ?? NEG) ||
          (a.triggeredAt ?? NEG) - (b.triggeredAt ?? NEG) ||
          a.id - b.id,
      );

    const now = clock();
    const result = await refineRawRecords(
      db,
      shop,
      live.map((i) => ({ id: i.id, resource: i.resource, source: "webhook", topic: i.topic, payload: i.payload })),
      { now },
    );
    const failed = new Map(result.errors.map((e) => [Number(e.id), e.message]));

    if (superseded.size) {
      await db.rawRecord.updateMany({
        where: { id: { in: [...superseded] } },
        data: { status: "refined", refinedAt: now },
      });
    }
    const okDeliveries = items
      .filter((i) => i.deliveryId && !failed.has(i.id))
      .map((i) => i.deliveryId as string);
    if (okDeliveries.length) {
      await db.webhookDelivery.updateMany({
        where: { id: { in: okDeliveries } },
        data: { status: "processed", processedAt: now, error: null },
      });
    }
    for (const item of items) {
      const message = failed.get(item.id);
      if (message === undefined || !item.deliveryId) continue;
      await db.webhookDelivery.update({
        where: { id: item.deliveryId },
        data: { status: "failed", error: message.slice(0, 2000), processedAt: null },
      });
    }
    if (failed.size) {
      const first = items.filter((i) => failed.has(i.id)).slice(0, 5);
      await recordActivity(db, {
        shop,
        kind: "webhook.failed",
        level: "error",
        message:
          failed.size === 1
            ? `A ${first[0].topic ?? "webhook"} update from Shopify could not be applied; it is kept for review.`
            : `${failed.size} updates from Shopify could not be applied; they are kept for review.`,
        data: { rawRecordIds: [...failed.keys()], errors: first.map((i) => ({ topic: i.topic, gid: i.gid, error: failed.get(i.id) })) },
      });
    }
    for (const item of live) if (!failed.has(item.id)) total.applied.set(item.gid, appliedChange(item));
    total.refined += result.refined;
    total.superseded += superseded.size;
    total.errors += failed.size;
  }
}

/**
 * Records whose already-refined sibling (same GID, same payload updated_at) was triggered later,
 * and records of the batch beaten the same way by another record of the batch are left to the
 * batch ordering (applied oldest first, so the later one lands last).
 */
async function findSuperseded(db: Db, shop: string, items: Item[]): Promise<Set<number>> {
  const out = new Set<number>();
  const candidates = items.filter((i) => i.updatedAt !== null && i.triggeredAt !== null);
  if (!candidates.length) return out;
  const gids = [...new Set(candidates.map((i) => i.gid))];
  const prior = await db.rawRecord.findMany({
    where: { shop, source: "webhook", status: "refined", gid: { in: gids } },
    select: { gid: true, payload: true, webhookDeliveryId: true },
  });
  if (!prior.length) return out;
  const deliveryIds = [...new Set(prior.map((p) => p.webhookDeliveryId).filter((x): x is string => !!x))];
  const triggered = new Map(
    (
      await db.webhookDelivery.findMany({
        where: { id: { in: deliveryIds } },
        select: { id: true, triggeredAt: true },
      })
    ).map((d) => [d.id, d.triggeredAt?.getTime() ?? null]),
  );
  // gid|updatedAt -> latest triggeredAt already applied
  const latest = new Map<string, number>();
  for (const p of prior) {
    const t = p.webhookDeliveryId ? triggered.get(p.webhookDeliveryId) : null;
    const u = payloadUpdatedAt(parse(p.payload));
    if (t == null || u === null) continue;
    const key = `${p.gid}|${u}`;
    if ((latest.get(key) ?? NEG) < t) latest.set(key, t);
  }
  for (const i of candidates) {
    const t = latest.get(`${i.gid}|${i.updatedAt}`);
    if (t !== undefined && t > (i.triggeredAt as number)) out.add(i.id);
  }
  return out;
}

function appliedChange(item: Item): AppliedChange {
  const p = item.payload && typeof item.payload === "object" ? (item.payload as Record<string, unknown>) : {};
  // Order names ("#1001") and product / discount titles; never a customer's name (personal data).
  const name = item.resource === "orders" ? p.name : item.resource === "customers" ? null : p.title;
  return {
    resource: item.resource,
    gid: item.gid,
    deleted: Boolean(item.topic?.endsWith("/delete")),
    name: typeof name === "string" && name.trim() ? name.trim().slice(0, 120) : null,
  };
}

/** Catalog order (orders, products, customers…), so the sentence does not depend on arrival order. */
const ORDER = new Map<string, number>(SYNC_RESOURCES.map((r, i) => [r.key, i]));

function noun(resource: string, n: number): string {
  const plural = resourceLabel(resource)?.toLowerCase() ?? resource;
  return n === 1 ? plural.replace(/s$/, "") : plural;
}

function list(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/**
 * One sentence for the records a job run applied, e.g. "Updated 3 orders and 1 product from
 * Shopify in real time." or, for one record, "Updated order #1001 from Shopify in real time."
 */
export function describeAppliedChanges(changes: readonly AppliedChange[]): string {
  if (changes.length === 1) {
    const [c] = changes;
    const what = c.name ? `${noun(c.resource, 1)} ${c.resource === "orders" ? c.name : `"${c.name}"`}` : `${/^[aeiou]/.test(noun(c.resource, 1)) ? "an" : "a"} ${noun(c.resource, 1)}`;
    return `${c.deleted ? "Removed" : "Updated"} ${what} from Shopify in real time.`;
  }
  const phrase = (deleted: boolean) => {
    const counts = new Map<string, number>();
    for (const c of changes) if (c.deleted === deleted) counts.set(c.resource, (counts.get(c.resource) ?? 0) + 1);
    const rank = (r: string) => (ORDER.has(r) ? ORDER.get(r)! : ORDER.size);
    return list(
      [...counts]
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([resource, n]) => `${n.toLocaleString("en-US")} ${noun(resource, n)}`),
    );
  };
  const updated = phrase(false);
  const removed = phrase(true);
  const verbs = [updated && `updated ${updated}`, removed && `removed ${removed}`].filter(Boolean).join(" and ");
  return `${verbs.charAt(0).toUpperCase()}${verbs.slice(1)} from Shopify in real time.`;
}

/** The job run's one activity event for what it applied (nothing applied: no event). */
export async function recordAppliedActivity(db: Db, shop: string, applied: Map<string, AppliedChange>): Promise<void> {
  if (applied.size === 0) return;
  const changes = [...applied.values()];
  const resources = new Set(changes.map((c) => c.resource));
  const single = changes.length === 1 && changes[0].gid.startsWith("gid://") ? changes[0] : null;
  await recordActivity(db, {
    shop,
    kind: "webhook.applied",
    message: describeAppliedChanges(changes),
    resource: resources.size === 1 ? changes[0].resource : null,
    subjectGid: single?.gid ?? null,
    data: {
      count: changes.length,
      byResource: Object.fromEntries([...resources].map((r) => [r, changes.filter((c) => c.resource === r).length])),
      gids: changes.slice(0, 20).map((c) => c.gid),
    },
  });
}

export interface WebhookRefinePayload {
  /** Unused; kept for forward compatibility (the job refines the shop's whole backlog). */
  reason?: string;
}

/** The job definitions of the webhook domain (the worker registers them with its runner). */
export function createWebhookJobs(options: RefineBacklogOptions = {}): JobDefinition<never>[] {
  const refine = defineJob<WebhookRefinePayload>(
    WEBHOOK_REFINE_JOB,
    async (ctx) => {
      // Let the deliveries of a burst gather (they see this job holding the key and do not
      // enqueue): one refine transaction per batch instead of one per delivery.
      const wait = options.coalesceMs ?? 50;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const applied = new Map<string, AppliedChange>();
      for (let round = 0; ; round++) {
        const result = await refineWebhookBacklog(ctx.db, ctx.job.shop, options);
        for (const [gid, change] of result.applied) applied.set(gid, change);
        if (result.batches > 0)
          ctx.log("debug", "webhook refine", { refined: result.refined, superseded: result.superseded, errors: result.errors });
        if (result.more || round > 0) {
          await recordAppliedActivity(ctx.db, ctx.job.shop, applied);
          return result.more ? { reschedule: new Date() } : undefined;
        }
        // Nothing pending: release the dedupe key, THEN look once more. A delivery committed before
        // the release found this job holding the key (and did not enqueue): the second look sees
        // it. One committed after the release enqueues a new job.
        await ctx.db.job.updateMany({ where: { id: ctx.job.id }, data: { dedupeKey: null } });
      }
    },
    {
      concurrencyKey: WEBHOOK_REFINE_JOB,
      concurrencyLimit: 1,
      maxAttempts: 10,
      backoff: { type: "exponential", baseMs: 500, maxMs: 60_000, jitter: true },
    },
  );
  return [refine as JobDefinition<never>];
}

/**
 * Enqueues a refine job for every shop with pending webhook raw records (run once when the worker
 * starts: covers a process that died between committing a delivery and enqueueing its job).
 */
export async function enqueuePendingWebhookRefines(db: Db, enqueue: EnqueueFn): Promise<string[]> {
  const shops = await db.rawRecord.groupBy({
    by: ["shop"],
    where: { source: "webhook", status: "pending" },
  });
  for (const { shop } of shops)
    await enqueue({ type: WEBHOOK_REFINE_JOB, shop, payload: {}, dedupeKey: refineDedupeKey(shop) });
  return shops.map((s) => s.shop);
}
