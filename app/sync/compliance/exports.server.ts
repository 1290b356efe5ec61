/**
 * customers/data_request: everything StoreSync stores about a customer, assembled into a JSON
 * export file the store owner downloads from the app (app/routes/app.compliance.$id.download.tsx).
 *
 * Files live under STORESYNC_EXPORT_DIR (default ./data/exports)/<shop>/<exportId>.json; the log
 * entry is an activity event `compliance.data_request` whose data names the export id, the file,
 * the customer id and counts (never the personal data itself).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "~/db.server";
import { findCustomerRows, type CustomerRef } from "./redact.server";

export function exportDirectory(explicit?: string): string {
  return path.resolve(explicit ?? process.env.STORESYNC_EXPORT_DIR ?? "data/exports");
}

export function shopExportDir(shop: string, explicit?: string): string {
  const safe = shop.replace(/[^a-zA-Z0-9.-]/g, "_");
  return path.join(exportDirectory(explicit), safe);
}

export interface DataExportSummary {
  exportId: string;
  activityId: number;
  file: string;
  counts: Record<string, number>;
}

/** JSON.stringify replacer: bigint and Decimal as strings, Dates as ISO. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value && typeof value === "object" && "toFixed" in value && "d" in (value as object)) return String(value);
  return value;
}

export async function buildCustomerExport(
  db: Db,
  shop: string,
  ref: CustomerRef & { dataRequestId?: string | null },
  options: { now?: Date; exportDir?: string } = {},
): Promise<DataExportSummary> {
  const now = options.now ?? new Date();
  const { customers, customerIds, addresses, orders, checkouts } = await findCustomerRows(db, shop, ref);
  const orderIds = orders.map((o) => o.id);
  const byOrder = { shop, orderId: { in: orderIds } };
  const [lineItems, transactions, refunds, fulfillments] = orderIds.length
    ? await Promise.all([
        db.lineItem.findMany({ where: byOrder }),
        db.orderTransaction.findMany({ where: byOrder }),
        db.refund.findMany({ where: byOrder }),
        db.fulfillment.findMany({ where: byOrder }),
      ])
    : [[], [], [], []];
  const gids = [...customers.map((c) => c.gid), ...addresses.map((a) => a.gid), ...orders.map((o) => o.gid), ...checkouts.map((c) => c.gid)];
  const raw = gids.length
    ? await db.rawRecord.findMany({
        where: { shop, gid: { in: gids } },
        select: { id: true, resource: true, gid: true, source: true, receivedAt: true, payload: true },
        orderBy: { id: "asc" },
      })
    : [];
  const counts = {
    customers: customers.length,
    addresses: addresses.length,
    orders: orders.length,
    lineItems: lineItems.length,
    transactions: transactions.length,
    refunds: refunds.length,
    fulfillments: fulfillments.length,
    abandonedCheckouts: checkouts.length,
    rawRecords: raw.length,
  };
  const document = {
    kind: "storesync.customer_data_export",
    shop,
    generatedAt: now.toISOString(),
    dataRequestId: ref.dataRequestId ?? null,
    request: { customerId: ref.customerId?.toString() ?? null, email: ref.email, phone: ref.phone, orderIds: ref.orderIds.map(String) },
    counts,
    customers,
    addresses,
    orders: orders.map((o) => ({
      ...o,
      lineItems: lineItems.filter((l) => l.orderId === o.id),
      transactions: transactions.filter((t) => t.orderId === o.id),
      refunds: refunds.filter((r) => r.orderId === o.id),
      fulfillments: fulfillments.filter((f) => f.orderId === o.id),
    })),
    abandonedCheckouts: checkouts,
    rawRecords: raw.map((r) => ({ ...r, payload: safeParse(r.payload) })),
  };
  const exportId = randomUUID();
  const dir = shopExportDir(shop, options.exportDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${exportId}.json`);
  fs.writeFileSync(file, JSON.stringify(document, replacer, 2), { mode: 0o600 });
  const event = await db.activityEvent.create({
    data: {
      shop,
      kind: "compliance.data_request",
      message: `Shopify forwarded a customer's request for their data: the export (${counts.orders} order(s)) is ready to download.`,
      dataJson: JSON.stringify({
        exportId,
        file: path.relative(exportDirectory(options.exportDir), file),
        customerId: customerIds[0]?.toString() ?? ref.customerId?.toString() ?? null,
        dataRequestId: ref.dataRequestId ?? null,
        counts,
        at: now.toISOString(),
      }),
    },
  });
  return { exportId, activityId: event.id, file, counts };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface StoredExport {
  exportId: string;
  fileName: string;
  body: string;
}

/** The export `exportId` of `shop` (null when unknown, of another shop, or erased since). */
export async function readCustomerExport(
  db: Db,
  shop: string,
  exportId: string,
  options: { exportDir?: string } = {},
): Promise<StoredExport | null> {
  if (!/^[0-9a-f-]{36}$/i.test(exportId)) return null;
  const event = await db.activityEvent.findFirst({
    where: { shop, kind: "compliance.data_request", dataJson: { contains: exportId } },
  });
  if (!event) return null;
  const data = JSON.parse(event.dataJson ?? "{}") as { exportId?: string; redacted?: boolean };
  if (data.exportId !== exportId || data.redacted) return null;
  const file = path.join(shopExportDir(shop, options.exportDir), `${exportId}.json`);
  if (!fs.existsSync(file)) return null;
  return { exportId, fileName: `customer-data-${exportId}.json`, body: fs.readFileSync(file, "utf8") };
}

/** Exports of a shop, newest first, for a list in the UI. */
export async function listCustomerExports(db: Db, shop: string) {
  const events = await db.activityEvent.findMany({
    where: { shop, kind: "compliance.data_request" },
    orderBy: { createdAt: "desc" },
    take: 50,
  });
  return events
    .map((e) => ({ createdAt: e.createdAt, ...(JSON.parse(e.dataJson ?? "{}") as { exportId?: string; redacted?: boolean; counts?: Record<string, number> }) }))
    .filter((e) => e.exportId && !e.redacted);
}
