/**
 * Webhook health per topic, for the UI: when the last delivery arrived, how many were received,
 * processed, failed (kept for review), ignored, duplicated, and how many still wait for refinement.
 */
import type { Db } from "~/db.server";
import { allSubscribedTopics } from "./topics";

export interface TopicHealth {
  topic: string;
  /** Newest delivery of the topic (duplicates excluded), ISO; null if none yet. */
  lastReceivedAt: string | null;
  /** Distinct deliveries (duplicates excluded). */
  received: number;
  processed: number;
  /** Waiting for refinement (or being handled). */
  pending: number;
  failed: number;
  ignored: number;
  /** Repeated deliveries of a webhook id already recorded. */
  duplicates: number;
}

export interface WebhookFailure {
  deliveryId: string;
  topic: string;
  webhookId: string;
  receivedAt: string;
  error: string | null;
}

export interface WebhookHealth {
  shop: string;
  topics: TopicHealth[];
  totals: Omit<TopicHealth, "topic" | "lastReceivedAt"> & { lastReceivedAt: string | null };
  /** Latest failed deliveries, newest first (up to 20). */
  recentFailures: WebhookFailure[];
}

export async function getWebhookHealth(db: Db, shop: string): Promise<WebhookHealth> {
  const [groups, last, failures] = await Promise.all([
    db.webhookDelivery.groupBy({ by: ["topic", "status"], where: { shop }, _count: { _all: true } }),
    db.webhookDelivery.groupBy({
      by: ["topic"],
      where: { shop, status: { not: "duplicate" } },
      _max: { receivedAt: true },
    }),
    db.webhookDelivery.findMany({
      where: { shop, status: "failed" },
      orderBy: { receivedAt: "desc" },
      take: 20,
      select: { id: true, topic: true, webhookId: true, receivedAt: true, error: true },
    }),
  ]);
  const byTopic = new Map<string, TopicHealth>();
  const entry = (topic: string) => {
    let h = byTopic.get(topic);
    if (!h) {
      h = { topic, lastReceivedAt: null, received: 0, processed: 0, pending: 0, failed: 0, ignored: 0, duplicates: 0 };
      byTopic.set(topic, h);
    }
    return h;
  };
  for (const topic of allSubscribedTopics()) entry(topic);
  for (const g of groups) {
    const h = entry(g.topic);
    const n = g._count._all;
    if (g.status === "duplicate") {
      h.duplicates += n;
      continue;
    }
    h.received += n;
    if (g.status === "processed") h.processed += n;
    else if (g.status === "failed") h.failed += n;
    else if (g.status === "ignored") h.ignored += n;
    else h.pending += n;
  }
  for (const l of last) entry(l.topic).lastReceivedAt = l._max.receivedAt?.toISOString() ?? null;
  const topics = [...byTopic.values()];
  const sum = (k: keyof Omit<TopicHealth, "topic" | "lastReceivedAt">) => topics.reduce((a, t) => a + t[k], 0);
  const lastAll = topics.map((t) => t.lastReceivedAt).filter((x): x is string => !!x).sort().at(-1) ?? null;
  return {
    shop,
    topics,
    totals: {
      lastReceivedAt: lastAll,
      received: sum("received"),
      processed: sum("processed"),
      pending: sum("pending"),
      failed: sum("failed"),
      ignored: sum("ignored"),
      duplicates: sum("duplicates"),
    },
    recentFailures: failures.map((f) => ({
      deliveryId: f.id,
      topic: f.topic,
      webhookId: f.webhookId,
      receivedAt: f.receivedAt.toISOString(),
      error: f.error,
    })),
  };
}
