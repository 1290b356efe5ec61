/**
 * customers/redact and shop/redact.
 *
 * redactCustomer erases one customer's personal data everywhere StoreSync keeps it:
 *  - refined rows: the customer row loses its personal columns and is tombstoned (so no late
 *    update can write them back), its addresses are deleted, the orders and abandoned checkouts
 *    linked to it (by customer id, by the orders Shopify lists, or by email) lose email, phone,
 *    note and addresses, transactions lose the account number; order facts (ids, amounts, dates,
 *    statuses, line items) stay;
 *  - raw payloads: every raw record about the customer, its addresses, those orders and checkouts,
 *    or containing its email/phone/name, is rewritten by scrubPersonal() with a `__redacted` marker
 *    (its hash becomes `redacted:<id>:…`, unique, so the (shop, gid, hash) index never collides);
 *  - free text: activity events, job payloads, run/report/integrity texts and delivery errors that
 *    mention the customer get each mention replaced;
 *  - data-request exports of that customer are deleted.
 * The log entry (activity event `compliance.customer_redact`) holds counts only.
 *
 * redactShop deletes every row of the shop in every table, and its exports, then logs counts.
 */
import fs from "node:fs";
import path from "node:path";
import type { Db } from "~/db.server";
import { Prisma } from "~/db.server";
import { sha256Hex, canonicalJson } from "../ingest/canonical";
import { addressStrings, containsNeedle, redactText, scrubPersonal, usableNeedles } from "./personal";
import { exportDirectory, shopExportDir } from "./exports.server";

export interface CustomerRef {
  customerId: bigint | null;
  email: string | null;
  phone: string | null;
  /** Orders Shopify names in the request (orders_to_redact / orders_requested). */
  orderIds: bigint[];
}

export interface CustomerRedactCounts {
  customers: number;
  addresses: number;
  orders: number;
  transactions: number;
  abandonedCheckouts: number;
  rawRecords: number;
  textRows: number;
  exportsDeleted: number;
}

export function customerRefFromPayload(payload: unknown): CustomerRef {
  const p = (payload ?? {}) as Record<string, unknown>;
  const c = (p.customer ?? {}) as Record<string, unknown>;
  const big = (v: unknown): bigint | null =>
    typeof v === "number" && Number.isSafeInteger(v)
      ? BigInt(v)
      : typeof v === "string" && /^\d{1,19}$/.test(v)
        ? BigInt(v)
        : null;
  const list = (Array.isArray(p.orders_to_redact) ? p.orders_to_redact : Array.isArray(p.orders_requested) ? p.orders_requested : []) as unknown[];
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
  return {
    customerId: big(c.id),
    email: text(c.email),
    phone: text(c.phone),
    orderIds: list.map(big).filter((x): x is bigint => x !== null),
  };
}

/** The rows that belong to a customer (shared by the export and the redaction). */
export async function findCustomerRows(db: Db, shop: string, ref: CustomerRef) {
  const customerOr: Prisma.CustomerWhereInput[] = [];
  if (ref.customerId !== null) customerOr.push({ id: ref.customerId });
  if (ref.email) customerOr.push({ email: ref.email });
  const customers = customerOr.length ? await db.customer.findMany({ where: { shop, OR: customerOr } }) : [];
  const customerIds = [...new Set([...(ref.customerId !== null ? [ref.customerId] : []), ...customers.map((c) => c.id)])];
  const addresses = customerIds.length ? await db.customerAddress.findMany({ where: { shop, customerId: { in: customerIds } } }) : [];
  const orderOr: Prisma.OrderWhereInput[] = [];
  if (customerIds.length) orderOr.push({ customerId: { in: customerIds } });
  if (ref.orderIds.length) orderOr.push({ id: { in: ref.orderIds } });
  if (ref.email) orderOr.push({ email: ref.email });
  const orders = orderOr.length ? await db.order.findMany({ where: { shop, OR: orderOr } }) : [];
  const checkoutOr: Prisma.AbandonedCheckoutWhereInput[] = [];
  if (customerIds.length) checkoutOr.push({ customerId: { in: customerIds } });
  if (ref.email) checkoutOr.push({ email: ref.email });
  const checkouts = checkoutOr.length ? await db.abandonedCheckout.findMany({ where: { shop, OR: checkoutOr } }) : [];
  return { customers, customerIds, addresses, orders, checkouts };
}

function parseJson(text: string | null | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Free-text columns of operational tables that may quote a customer. */
const TEXT_COLUMNS: { model: string; id: string; columns: string[] }[] = [
  { model: "activityEvent", id: "id", columns: ["message", "dataJson"] },
  { model: "job", id: "id", columns: ["payloadJson", "lastError"] },
  { model: "syncRun", id: "id", columns: ["error", "cursor"] },
  { model: "rawRecord", id: "id", columns: ["error"] },
  { model: "webhookDelivery", id: "id", columns: ["error"] },
  { model: "reportRow", id: "id", columns: ["dataJson"] },
  { model: "analyticsSnapshot", id: "id", columns: ["dataJson"] },
  { model: "integrityReport", id: "id", columns: ["summaryJson", "aggregateCheckJson"] },
];

type AnyDelegate = {
  findMany(args: unknown): Promise<Record<string, unknown>[]>;
  update(args: unknown): Promise<unknown>;
  deleteMany(args: unknown): Promise<{ count: number }>;
};
const delegate = (db: Db, model: string) => (db as unknown as Record<string, AnyDelegate>)[model];

export async function redactCustomer(
  db: Db,
  shop: string,
  ref: CustomerRef,
  options: { now?: Date; exportDir?: string } = {},
): Promise<CustomerRedactCounts> {
  const now = options.now ?? new Date();
  const found = await findCustomerRows(db, shop, ref);
  const { customers, customerIds, addresses, orders, checkouts } = found;

  // Everything that identifies the person, as stored.
  const strong = usableNeedles([
    ref.email,
    ref.phone,
    ...customers.flatMap((c) => [c.email, c.phone, c.displayName, [c.firstName, c.lastName].filter(Boolean).join(" ")]),
    ...addresses.flatMap((a) => [a.name, a.address1, a.phone]),
    ...orders.flatMap((o) => [o.email, o.phone]),
    ...checkouts.map((c) => c.email),
  ]);
  const weak = usableNeedles([
    ...strong,
    ...customers.flatMap((c) => [c.firstName, c.lastName]),
    ...addresses.flatMap((a) => [a.firstName, a.lastName, a.company, a.address2, a.zip]),
    ...orders.flatMap((o) => [...addressStrings(parseJson(o.billingAddressJson)), ...addressStrings(parseJson(o.shippingAddressJson))]),
  ]);

  const counts: CustomerRedactCounts = {
    customers: 0,
    addresses: 0,
    orders: 0,
    transactions: 0,
    abandonedCheckouts: 0,
    rawRecords: 0,
    textRows: 0,
    exportsDeleted: 0,
  };
  const orderIds = orders.map((o) => o.id);

  // Refined rows.
  if (customerIds.length) {
    counts.customers = (
      await db.customer.updateMany({
        where: { shop, id: { in: customerIds } },
        data: { firstName: null, lastName: null, displayName: null, email: null, phone: null, note: null, tags: null, syncedAt: now },
      })
    ).count;
    await db.customer.updateMany({ where: { shop, id: { in: customerIds }, deletedAt: null }, data: { deletedAt: now } });
    counts.addresses = (await db.customerAddress.deleteMany({ where: { shop, customerId: { in: customerIds } } })).count;
  }
  if (orderIds.length) {
    counts.orders = (
      await db.order.updateMany({
        where: { shop, id: { in: orderIds } },
        data: { email: null, phone: null, note: null, billingAddressJson: null, shippingAddressJson: null, syncedAt: now },
      })
    ).count;
    counts.transactions = (
      await db.orderTransaction.updateMany({ where: { shop, orderId: { in: orderIds }, accountNumber: { not: null } }, data: { accountNumber: null } })
    ).count;
  }
  if (checkouts.length) {
    counts.abandonedCheckouts = (
      await db.abandonedCheckout.updateMany({
        where: { shop, id: { in: checkouts.map((c) => c.id) } },
        data: { email: null, note: null, abandonedCheckoutUrl: null, syncedAt: now },
      })
    ).count;
  }

  // Raw payloads: by GID of everything found, plus any payload quoting a strong needle.
  const gids = [
    ...customers.map((c) => c.gid),
    ...customerIds.map((id) => `gid://shopify/Customer/${id}`),
    ...addresses.map((a) => a.gid),
    ...orders.map((o) => o.gid),
    ...orderIds.map((id) => `gid://shopify/Order/${id}`),
    ...checkouts.map((c) => c.gid),
  ];
  const rawOr: Prisma.RawRecordWhereInput[] = [];
  if (gids.length) rawOr.push({ gid: { in: [...new Set(gids)] } });
  for (const n of strong) rawOr.push({ payload: { contains: n } });
  if (customerIds.length) {
    // Child lines of a bulk file and REST payloads name the customer by id.
    for (const id of customerIds) {
      rawOr.push({ payload: { contains: `"gid://shopify/Customer/${id}"` } });
      rawOr.push({ payload: { contains: `"customer_id":${id}` } });
    }
  }
  if (rawOr.length) {
    const raws = await db.rawRecord.findMany({ where: { shop, OR: rawOr }, select: { id: true, payload: true, hash: true } });
    for (const raw of raws) {
      if (raw.hash.startsWith("redacted:") && !containsNeedle(raw.payload, weak)) continue;
      const scrubbed = scrubPersonal(parseJson(raw.payload) ?? raw.payload, weak);
      const marked =
        scrubbed && typeof scrubbed === "object" && !Array.isArray(scrubbed)
          ? { ...(scrubbed as Record<string, unknown>), __redacted: { at: now.toISOString(), reason: "customers/redact" } }
          : { __redacted: { at: now.toISOString(), reason: "customers/redact" } };
      const json = canonicalJson(marked);
      await db.rawRecord.update({
        where: { id: raw.id },
        data: { payload: json, hash: `redacted:${raw.id}:${sha256Hex(json)}` },
      });
      counts.rawRecords++;
    }
  }

  // Free text in operational tables.
  if (strong.length) counts.textRows = await redactTextColumns(db, shop, strong, weak);

  counts.exportsDeleted = await deleteCustomerExports(db, shop, customerIds, options.exportDir);

  await db.activityEvent.create({
    data: {
      shop,
      kind: "compliance.customer_redact",
      message: `Shopify asked to erase a customer's personal data: done (${counts.orders} order(s), ${counts.rawRecords} stored payload(s) cleaned).`,
      dataJson: JSON.stringify({ ...counts, customerId: customerIds[0]?.toString() ?? null, at: now.toISOString() }),
    },
  });
  return counts;
}

async function redactTextColumns(db: Db, shop: string, strong: string[], weak: string[]): Promise<number> {
  let rows = 0;
  for (const { model, id, columns } of TEXT_COLUMNS) {
    const or = columns.flatMap((c) => strong.map((n) => ({ [c]: { contains: n } })));
    const found = await delegate(db, model).findMany({ where: { shop, OR: or } });
    for (const row of found) {
      const data: Record<string, unknown> = {};
      for (const c of columns) {
        const v = row[c];
        if (typeof v === "string" && containsNeedle(v, weak)) data[c] = redactText(v, weak);
      }
      if (Object.keys(data).length) {
        await delegate(db, model).update({ where: { [id]: row[id] }, data });
        rows++;
      }
    }
  }
  return rows;
}

async function deleteCustomerExports(db: Db, shop: string, customerIds: bigint[], exportDir?: string): Promise<number> {
  if (!customerIds.length) return 0;
  const events = await db.activityEvent.findMany({ where: { shop, kind: "compliance.data_request" } });
  let deleted = 0;
  for (const e of events) {
    const data = (parseJson(e.dataJson) ?? {}) as { customerId?: string; exportId?: string; redacted?: boolean };
    if (!data.exportId || data.redacted || !customerIds.some((id) => id.toString() === data.customerId)) continue;
    const file = path.join(shopExportDir(shop, exportDir), `${data.exportId}.json`);
    fs.rmSync(file, { force: true });
    await db.activityEvent.update({
      where: { id: e.id },
      data: { dataJson: JSON.stringify({ ...data, redacted: true }), message: "A customer data export was deleted when the customer's data was erased." },
    });
    deleted++;
  }
  return deleted;
}

export type ShopRedactCounts = Record<string, number>;

/** shop/redact: deletes every row of `shop` in every table, and its exports; logs the counts. */
export async function redactShop(
  db: Db,
  shop: string,
  options: { now?: Date; exportDir?: string } = {},
): Promise<ShopRedactCounts> {
  const now = options.now ?? new Date();
  const counts: ShopRedactCounts = {};
  for (const name of Object.values(Prisma.ModelName)) {
    const model = name.charAt(0).toLowerCase() + name.slice(1);
    const { count } = await delegate(db, model).deleteMany({ where: { shop } });
    if (count) counts[model] = count;
  }
  const dir = shopExportDir(shop, options.exportDir);
  if (dir.startsWith(exportDirectory(options.exportDir))) fs.rmSync(dir, { recursive: true, force: true });
  await db.activityEvent.create({
    data: {
      shop,
      kind: "compliance.shop_redact",
      message: "Shopify asked to erase this store's data (48 hours after uninstall): every stored row was deleted.",
      dataJson: JSON.stringify({ deleted: counts, at: now.toISOString() }),
    },
  });
  return counts;
}
