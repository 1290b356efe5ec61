/**
 * Compliance log read model: the privacy requests Shopify sent (customers/data_request,
 * customers/redact, shop/redact deliveries) and what StoreSync did about them (activity events of
 * kind "compliance.*", written by app/sync/compliance). A data request's event names its export
 * ({exportId, redacted?}); the file is served by app/routes/app.compliance.$id.download.tsx.
 */
import type { Db } from "../db.server";
import { COMPLIANCE_TOPICS } from "../sync/resources/catalog";

import { parseJson } from "./serialize";

export interface ComplianceEntry {
  id: string;
  at: string;
  topic: string | null;
  /** What happened, in plain words. */
  sentence: string;
  status: string;
  /** Export download of a data request (until the customer is erased). */
  exportPath: string | null;
}

const TOPIC_WORDS: Record<string, string> = {
  "customers/data_request": "A customer asked for the data StoreSync holds about them.",
  "customers/redact": "Shopify asked StoreSync to erase a customer's data.",
  "shop/redact": "Shopify asked StoreSync to erase this store's data.",
};

const STATUS_WORDS: Record<string, string> = {
  received: "Received",
  processed: "Done",
  duplicate: "Duplicate",
  failed: "Failed",
  ignored: "Ignored",
};

/** Download path of a data request's export (app/sync/compliance keeps the file), if still there. */
export function exportPathOf(dataJson: string | null): string | null {
  const data = parseJson(dataJson) as { exportId?: unknown; redacted?: unknown } | null;
  if (!data || typeof data.exportId !== "string" || data.redacted) return null;
  return `/app/compliance/${encodeURIComponent(data.exportId)}/download`;
}

export async function listComplianceLog(
  db: Db,
  shop: string,
  limit = 50,
): Promise<ComplianceEntry[]> {
  const [deliveries, events] = await Promise.all([
    db.webhookDelivery.findMany({
      where: { shop, topic: { in: [...COMPLIANCE_TOPICS] } },
      orderBy: { receivedAt: "desc" },
      take: limit,
    }),
    db.activityEvent.findMany({
      where: { shop, kind: { startsWith: "compliance." } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
    }),
  ]);
  const entries: ComplianceEntry[] = [
    ...events.map((e) => {
      return {
        id: `event-${e.id}`,
        at: e.createdAt.toISOString(),
        topic: null,
        sentence: e.message,
        status: e.level === "error" ? "Failed" : "Done",
        exportPath: e.kind === "compliance.data_request" ? exportPathOf(e.dataJson) : null,
      };
    }),
    ...deliveries.map((d) => ({
      id: `delivery-${d.id}`,
      at: d.receivedAt.toISOString(),
      topic: d.topic,
      sentence: TOPIC_WORDS[d.topic] ?? d.topic,
      status: STATUS_WORDS[d.status] ?? d.status,
      exportPath: null,
    })),
  ];
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  return entries.slice(0, limit);
}
