/**
 * Receiving a webhook: the fast, durable part that runs before the route answers 200.
 *
 * One transaction records the delivery (unique on X-Shopify-Webhook-Id) and, for resource
 * topics, the raw payload (raw_records, source "webhook", keyed by the SHA-256 of its canonical
 * JSON: a payload already stored is not stored again). A coalescing per-shop refine job is
 * enqueued (dedupe key `webhook.refine:<shop>`: 2,000 deliveries make a handful of jobs, not
 * 2,000): after the commit through the registered runner, which wakes at once; or, on SQLite with
 * no runner in this process (a worker process polls for jobs), inside the delivery's own
 * transaction. Refinement itself happens in the job (refine.server.ts).
 *
 * Outcomes:
 *  - accepted   new delivery recorded (and its raw payload, when new);
 *  - duplicate  the webhook id was seen before: nothing is written except a `duplicate` marker row
 *               for the health counters (its webhook_id is `<id>#dup:<uuid>`);
 *  - ignored    the shop is not installed (or the topic is unknown): a delivery row with status
 *               `ignored` is kept and the event is logged; the route still answers 200 so Shopify
 *               does not retry for hours.
 * App and compliance topics store no raw payload (compliance payloads carry personal data); their
 * handler runs in the request. A retry of such a delivery whose handler failed (status `received`
 * or `failed`) is accepted again with `retry: true`, so the handler runs again.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { engineOf, type Db } from "~/db.server";
import { isUniqueViolation } from "../jobs/enqueue.server";
import { canonicalize } from "../ingest/canonical";
import { directSqlite } from "../ingest/raw-writer.server";
import { DEFAULT_MAX_ATTEMPTS } from "../jobs/define";
import { hasWebhookJobBackend, webhookEnqueuer, type EnqueueFn } from "./runtime.server";
import { parseTriggeredAt, topicKind, webhookSubject } from "./topics";
import { WEBHOOK_REFINE_JOB, refineDedupeKey } from "./names";

export interface ReceiveWebhookInput {
  shop: string;
  topic: string;
  webhookId: string;
  /** X-Shopify-Triggered-At (ISO) or a Date. */
  triggeredAt?: string | Date | null;
  apiVersion?: string | null;
  payload: unknown;
  /** The body as received (unused for storage: the canonical JSON of `payload` is stored). */
  rawBody?: string;
}

export type ReceiveStatus = "accepted" | "duplicate" | "ignored";

export interface ReceiveWebhookResult {
  status: ReceiveStatus;
  deliveryId: string;
  /** The raw record written (resource topics; null when the same payload was already stored). */
  rawRecordId?: number | null;
  /** App/compliance topics: an earlier delivery with this id did not finish; handle it again. */
  retry?: boolean;
  /** Why a delivery was ignored. */
  reason?: string;
}

export interface ReceiveWebhookOptions {
  /** Enqueue through this (default: the registered runner, else a plain insert). */
  enqueue?: EnqueueFn;
  now?: () => Date;
  log?: (line: string) => void;
}

/** Topics that are handled even when the shop is not (or no longer) installed. */
const ALWAYS_HANDLED = new Set(["app/uninstalled"]);

export async function receiveWebhook(
  db: Db,
  input: ReceiveWebhookInput,
  options: ReceiveWebhookOptions = {},
): Promise<ReceiveWebhookResult> {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => console.info(line));
  const store = await storeFor(db);
  const kind = topicKind(input.topic);
  const triggeredAt =
    input.triggeredAt instanceof Date ? input.triggeredAt : parseTriggeredAt(input.triggeredAt);
  const base = {
    shop: input.shop,
    topic: input.topic,
    webhookId: input.webhookId,
    triggeredAt,
    apiVersion: input.apiVersion ?? null,
  };

  // Not installed (or unknown topic): keep a trace, do nothing else.
  let ignoreReason: string | null = kind === null ? `unknown topic ${input.topic}` : null;
  if (!ignoreReason && kind !== "compliance" && !ALWAYS_HANDLED.has(input.topic)) {
    const state = await store.installState(input.shop);
    if (state !== "installed") ignoreReason = state ? "shop uninstalled the app" : "shop is not installed";
  }
  if (ignoreReason) {
    log(`webhook ${input.topic} for ${input.shop} ignored: ${ignoreReason}`);
    const at = now();
    const outcome = await store.record({ ...base, receivedAt: at, status: "ignored", error: ignoreReason, raw: null, refineJob: null });
    if (outcome.kind === "seen") {
      return { status: "duplicate", deliveryId: await store.duplicate({ ...base, receivedAt: at }), reason: ignoreReason };
    }
    return { status: "ignored", deliveryId: outcome.deliveryId, reason: ignoreReason };
  }

  const storesRaw = kind === "resource";
  let raw: RawInsert | null = null;
  if (storesRaw) {
    const canonical = canonicalize(input.payload);
    const subject = webhookSubject(input.topic, input.payload);
    raw = { ...subject, hash: canonical.hash, json: canonical.json };
  }
  const at = now();
  // The refine job goes into the delivery's transaction when the store can and nothing else has
  // to hear of it (no explicit enqueue, no registered runner to wake).
  const refineJob =
    raw && store.enqueuesInline && !options.enqueue && !hasWebhookJobBackend()
      ? { type: WEBHOOK_REFINE_JOB, dedupeKey: refineDedupeKey(input.shop), maxAttempts: DEFAULT_MAX_ATTEMPTS }
      : null;
  const outcome = await store.record({ ...base, receivedAt: at, status: "received", error: null, raw, refineJob });
  if (outcome.kind === "seen") {
    const { existing } = outcome;
    if (!storesRaw && (existing.status === "received" || existing.status === "failed"))
      return { status: "accepted", deliveryId: existing.id, retry: true };
    return { status: "duplicate", deliveryId: await store.duplicate({ ...base, receivedAt: at }) };
  }
  if (outcome.rawId !== null && !refineJob) {
    // One queued/running refine job per shop is enough: it re-checks for pending records before
    // it ends (refine.server.ts), so a delivery committed now is never left behind.
    const key = refineDedupeKey(input.shop);
    if (!(await store.jobHeld(key))) {
      await webhookEnqueuer(db, options.enqueue)({ type: WEBHOOK_REFINE_JOB, shop: input.shop, payload: {}, dedupeKey: key });
    }
  }
  return { status: "accepted", deliveryId: outcome.deliveryId, rawRecordId: outcome.rawId };
}

interface RawInsert {
  resource: string;
  gid: string;
  shopifyId: bigint | null;
  hash: string;
  json: string;
}

interface DeliveryInsert {
  shop: string;
  topic: string;
  webhookId: string;
  triggeredAt: Date | null;
  apiVersion: string | null;
  receivedAt: Date;
  status: "received" | "ignored";
  error: string | null;
  raw: RawInsert | null;
  /** Insert this queued job (unless one holds its dedupe key) when a raw record is inserted. */
  refineJob: { type: string; dedupeKey: string; maxAttempts: number } | null;
}

type RecordOutcome =
  | { kind: "seen"; existing: { id: string; status: string } }
  | { kind: "new"; deliveryId: string; rawId: number | null };

/** Where deliveries are written: one transaction per delivery. */
interface DeliveryStore {
  /** Whether `record` can insert `refineJob` in the delivery's transaction. */
  enqueuesInline: boolean;
  installState(shop: string): Promise<string | null>;
  /** Inserts the delivery (+ raw record when new) or reports the webhook id as seen. */
  record(d: DeliveryInsert): Promise<RecordOutcome>;
  /** A `duplicate` marker row; returns its id. */
  duplicate(d: Pick<DeliveryInsert, "shop" | "topic" | "webhookId" | "triggeredAt" | "apiVersion" | "receivedAt">): Promise<string>;
  /** Whether a queued/running job holds this dedupe key. */
  jobHeld(key: string): Promise<boolean>;
}

async function storeFor(db: Db): Promise<DeliveryStore> {
  if (engineOf(db) === "sqlite") {
    const conn = await directSqlite(db);
    if (conn) return sqliteStore(conn);
  }
  return prismaStore(db);
}

/**
 * PostgreSQL (and any engine): Prisma, read-then-insert in an interactive transaction; a unique
 * violation (a concurrent duplicate or identical payload) rolls back and is decided again.
 */
function prismaStore(db: Db): DeliveryStore {
  return {
    enqueuesInline: false,
    async installState(shop) {
      const row = await db.shop.findUnique({ where: { shop }, select: { installState: true } });
      return row?.installState ?? null;
    },
    async record(d) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await db.$transaction(async (tx): Promise<RecordOutcome> => {
            const existing = await tx.webhookDelivery.findUnique({ where: { webhookId: d.webhookId }, select: { id: true, status: true } });
            if (existing) return { kind: "seen", existing };
            const delivery = await tx.webhookDelivery.create({
              data: {
                webhookId: d.webhookId,
                shop: d.shop,
                topic: d.topic,
                triggeredAt: d.triggeredAt,
                apiVersion: d.apiVersion,
                receivedAt: d.receivedAt,
                status: d.status,
                error: d.error,
                payloadHash: d.raw?.hash ?? null,
                processedAt: d.status === "ignored" ? d.receivedAt : null,
              },
              select: { id: true },
            });
            if (!d.raw) return { kind: "new", deliveryId: delivery.id, rawId: null };
            const same = await tx.rawRecord.findUnique({ where: { shop_gid_hash: { shop: d.shop, gid: d.raw.gid, hash: d.raw.hash } }, select: { id: true } });
            if (same) {
              // The same record version is already stored (e.g. orders/paid + orders/updated of one change).
              await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { status: "processed", processedAt: d.receivedAt } });
              return { kind: "new", deliveryId: delivery.id, rawId: null };
            }
            const raw = await tx.rawRecord.create({
              data: {
                shop: d.shop,
                resource: d.raw.resource,
                gid: d.raw.gid,
                shopifyId: d.raw.shopifyId,
                hash: d.raw.hash,
                payload: d.raw.json,
                source: "webhook",
                status: "pending",
                webhookDeliveryId: delivery.id,
                receivedAt: d.receivedAt,
              },
              select: { id: true },
            });
            return { kind: "new", deliveryId: delivery.id, rawId: raw.id };
          });
        } catch (error) {
          if (!isUniqueViolation(error) || attempt >= 2) throw error;
        }
      }
    },
    async duplicate(d) {
      const row = await db.webhookDelivery.create({
        data: {
          shop: d.shop,
          topic: d.topic,
          triggeredAt: d.triggeredAt,
          apiVersion: d.apiVersion,
          receivedAt: d.receivedAt,
          webhookId: `${d.webhookId}#dup:${randomUUID()}`,
          status: "duplicate",
          processedAt: d.receivedAt,
        },
        select: { id: true },
      });
      return row.id;
    },
    async jobHeld(key) {
      return (await db.job.findUnique({ where: { dedupeKey: key }, select: { id: true } })) !== null;
    },
  };
}

/**
 * SQLite: the raw writer's dedicated better-sqlite3 connection (WAL) and prepared statements —
 * microseconds instead of Prisma's per-query overhead, which the answer-time budget cannot afford.
 *
 * Group commit: deliveries reaching the store in the same turn of the event loop are written in
 * one `BEGIN IMMEDIATE` transaction, each in its own savepoint (one failing delivery fails alone).
 * When another connection holds the write lock (SQLITE_BUSY: the refine job's transaction, usually
 * in another process), the queue waits and grows with every delivery arriving meanwhile, and ONE
 * poller retries; as soon as the lock is free, the whole queue is committed at once. Every
 * delivery's row, raw record and refine job are committed together, before its 200.
 */
type Sqlite = NonNullable<Awaited<ReturnType<typeof directSqlite>>>;
const sqliteStores = new WeakMap<Sqlite, DeliveryStore>();

interface Waiter {
  d: DeliveryInsert;
  since: number;
  resolve: (outcome: RecordOutcome) => void;
  reject: (error: unknown) => void;
}

const isBusy = (error: unknown) => ((error as { code?: string }).code ?? "").startsWith("SQLITE_BUSY");

function sqliteStore(conn: Sqlite): DeliveryStore {
  const cached = sqliteStores.get(conn);
  if (cached) return cached;
  const ts = (d: Date | null) => (d ? d.toISOString().replace("Z", "+00:00") : null);
  const shopState = conn.prepare(`SELECT "install_state" AS s FROM "shops" WHERE "shop" = ?`);
  const findDelivery = conn.prepare(`SELECT "id", "status" FROM "webhook_deliveries" WHERE "webhook_id" = ?`);
  const insertDelivery = conn.prepare(
    `INSERT INTO "webhook_deliveries" ("id","webhook_id","shop","topic","triggered_at","received_at","api_version","status","error","payload_hash","processed_at") ` +
      `VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
  );
  const insertRaw = conn.prepare(
    `INSERT INTO "raw_records" ("shop","resource","gid","shopify_id","hash","payload","source","status","webhook_delivery_id","received_at") ` +
      `VALUES (?,?,?,?,?,?,'webhook','pending',?,?) ON CONFLICT ("shop","gid","hash") DO NOTHING RETURNING "id"`,
  );
  const markProcessed = conn.prepare(`UPDATE "webhook_deliveries" SET "status" = 'processed', "processed_at" = ? WHERE "id" = ?`);
  const jobByKey = conn.prepare(`SELECT 1 AS x FROM "jobs" WHERE "dedupe_key" = ?`);
  // What enqueue.server.ts's enqueue() writes; a queued/running job holding the key wins.
  const insertJob = conn.prepare(
    `INSERT INTO "jobs" ("id","shop","type","resource","payload_json","status","attempts","max_attempts","run_at","dedupe_key","created_at","updated_at") ` +
      `VALUES (?,?,?,NULL,'{}','queued',0,?,?,?,?,?) ON CONFLICT ("dedupe_key") DO NOTHING`,
  );
  const recordOne = (d: DeliveryInsert): RecordOutcome => {
    const existing = findDelivery.get(d.webhookId) as { id: string; status: string } | undefined;
    if (existing) return { kind: "seen", existing };
    const id = randomUUID();
    const at = ts(d.receivedAt);
    insertDelivery.run(id, d.webhookId, d.shop, d.topic, ts(d.triggeredAt), at, d.apiVersion, d.status, d.error, d.raw?.hash ?? null, d.status === "ignored" ? at : null);
    if (!d.raw) return { kind: "new", deliveryId: id, rawId: null };
    const row = insertRaw.get(d.shop, d.raw.resource, d.raw.gid, d.raw.shopifyId, d.raw.hash, d.raw.json, id, at) as { id: bigint | number } | undefined;
    if (!row) {
      markProcessed.run(at, id);
      return { kind: "new", deliveryId: id, rawId: null };
    }
    if (d.refineJob) insertJob.run(randomUUID(), d.shop, d.refineJob.type, d.refineJob.maxAttempts, at, d.refineJob.dedupeKey, at, at);
    return { kind: "new", deliveryId: id, rawId: Number(row.id) };
  };
  const recordTx = conn.transaction(recordOne);
  // Nested in groupTx, recordTx runs in a savepoint: a failing delivery rolls back alone.
  const groupTx = conn.transaction((waiters: readonly Waiter[]) =>
    waiters.map((w): { ok: RecordOutcome } | { error: unknown } => {
      try {
        return { ok: recordTx(w.d) };
      } catch (error) {
        if (isBusy(error)) throw error;
        return { error };
      }
    }),
  );

  const queue: Waiter[] = [];
  let flushing = false;
  const flush = async () => {
    let wait = 0;
    while (queue.length) {
      if (wait) await delay(wait);
      const now = Date.now();
      for (let i = queue.length - 1; i >= 0; i--) {
        const w = queue[i];
        if (now - w.since <= BUSY_LIMIT_MS) continue;
        queue.splice(i, 1);
        w.reject(new Error(`webhook ${w.d.webhookId}: the database stayed locked for ${BUSY_LIMIT_MS} ms`));
      }
      if (!queue.length) break;
      const group = queue.splice(0);
      let results: ReturnType<typeof groupTx>;
      try {
        results = groupTx.immediate(group);
      } catch (error) {
        if (isBusy(error)) {
          queue.unshift(...group);
          wait = Math.min(4, wait * 2 || 1);
          continue;
        }
        for (const w of group) w.reject(error);
        continue;
      }
      wait = 0;
      group.forEach((w, i) => {
        const r = results[i];
        if ("ok" in r) w.resolve(r.ok);
        else w.reject(r.error);
      });
    }
    flushing = false;
  };
  // Deliveries reaching this point in the same turn of the event loop share one transaction.
  const record = (d: DeliveryInsert): Promise<RecordOutcome> =>
    new Promise<RecordOutcome>((resolve, reject) => {
      queue.push({ d, since: Date.now(), resolve, reject });
      if (flushing) return;
      flushing = true;
      setImmediate(() => void flush());
    });
  const dupTx = conn.transaction((d: Parameters<DeliveryStore["duplicate"]>[0]): string => {
    const id = randomUUID();
    const at = ts(d.receivedAt);
    insertDelivery.run(id, `${d.webhookId}#dup:${randomUUID()}`, d.shop, d.topic, ts(d.triggeredAt), at, d.apiVersion, "duplicate", null, null, at);
    return id;
  });
  const store: DeliveryStore = {
    enqueuesInline: true,
    installState: async (shop) => (shopState.get(shop) as { s: string } | undefined)?.s ?? null,
    record,
    duplicate: (d) => busyRetry(() => dupTx.immediate(d)),
    jobHeld: async (key) => jobByKey.get(key) !== undefined,
  };
  sqliteStores.set(conn, store);
  return store;
}

const BUSY_LIMIT_MS = 10_000;

async function busyRetry<T>(fn: () => T): Promise<T> {
  const started = Date.now();
  let wait = 1;
  for (;;) {
    try {
      return fn();
    } catch (error) {
      if (!isBusy(error) || Date.now() - started > BUSY_LIMIT_MS) throw error;
      await delay(wait);
      wait = Math.min(8, wait * 2);
    }
  }
}

/** Marks an app/compliance delivery handled (or failed, with the error shown in health). */
export async function finishDelivery(
  db: Db,
  deliveryId: string,
  outcome: { error?: string | null; now?: Date } = {},
): Promise<void> {
  await db.webhookDelivery.updateMany({
    where: { id: deliveryId },
    data: outcome.error
      ? { status: "failed", error: outcome.error.slice(0, 2000), processedAt: null }
      : { status: "processed", error: null, processedAt: outcome.now ?? new Date() },
  });
}
