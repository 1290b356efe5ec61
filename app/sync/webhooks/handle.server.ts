/**
 * The one webhook request handler every `app/routes/webhooks.*.tsx` route calls:
 *
 *   export const action = ({ request }: ActionFunctionArgs) => handleWebhookRequest(request, { db, authenticate: authenticate.webhook });
 *
 *  1. wrong method → 405 (before anything is read);
 *  2. `authenticate.webhook` verifies the HMAC (bad or missing → 401; nothing written);
 *  3. receiveWebhook() records the delivery (+ raw payload for resource topics) and enqueues refinement;
 *  4. app and compliance topics run their domain function now; a failure answers 500 so Shopify
 *     retries (the delivery stays `failed`, and the retry runs the handler again);
 *  5. 200 — also for duplicates and for shops that are not installed.
 */
import type { Db } from "~/db.server";
import { onBulkOperationFinished } from "../backfill/start.server";
import { handleComplianceWebhook } from "../compliance";
import { currentScopesFromPayload, handleAppUninstalled, handleScopesUpdate, handleShopUpdate } from "../lifecycle.server";
import { finishDelivery, receiveWebhook, type ReceiveWebhookResult } from "./receive.server";
import { webhookEnqueuer, type EnqueueFn } from "./runtime.server";
import { allSubscribedTopics, parseTriggeredAt, topicKind } from "./topics";

/** What `authenticate.webhook` (@shopify/shopify-app-remix 4.2) resolves to, as far as used here. */
export interface AuthenticatedWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion: string;
  payload: unknown;
  triggeredAt?: string;
  session?: { id: string } | undefined;
}

export interface WebhookRequestDeps {
  db: Db;
  authenticate: (request: Request) => Promise<AuthenticatedWebhook>;
  enqueue?: EnqueueFn;
  /** Compliance exports folder (default STORESYNC_EXPORT_DIR or ./data/exports). */
  exportDir?: string;
  log?: (line: string) => void;
}

export async function handleWebhookRequest(request: Request, deps: WebhookRequestDeps): Promise<Response> {
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "POST" } });
  // No signature at all is as unauthenticated as a wrong one (the library would say 400).
  if (!request.headers.get("X-Shopify-Hmac-Sha256")) return new Response(null, { status: 401 });
  let context: AuthenticatedWebhook;
  try {
    context = await deps.authenticate(request);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown; // 401 bad HMAC, 400 missing headers
    throw thrown;
  }
  // The library reads the header too; fall back to it for versions that do not return it.
  const triggeredAt = context.triggeredAt ?? request.headers.get("X-Shopify-Triggered-At");
  // The library returns the topic as an enum (`ORDERS_CREATE`); the header has Shopify's spelling.
  const topic = normalizeTopic(request.headers.get("X-Shopify-Topic") ?? context.topic);
  const received = await receiveWebhook(
    deps.db,
    {
      shop: context.shop,
      topic,
      webhookId: context.webhookId,
      triggeredAt,
      apiVersion: context.apiVersion,
      payload: context.payload,
    },
    { enqueue: deps.enqueue, log: deps.log },
  );
  if (received.status !== "accepted") return ok();
  const kind = topicKind(topic);
  if (kind !== "app" && kind !== "compliance") return ok();
  try {
    await runDirectHandler(deps, topic, context, received, parseTriggeredAt(triggeredAt));
    await finishDelivery(deps.db, received.deliveryId);
    return ok();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    (deps.log ?? console.error)(`webhook ${topic} for ${context.shop} failed: ${message}`);
    await finishDelivery(deps.db, received.deliveryId, { error: message }).catch(() => undefined);
    return new Response(null, { status: 500 });
  }
}

async function runDirectHandler(
  deps: WebhookRequestDeps,
  topic: string,
  context: AuthenticatedWebhook,
  received: ReceiveWebhookResult,
  triggeredAt: Date | null,
): Promise<void> {
  const { db } = deps;
  switch (topic) {
    case "app/uninstalled":
      await handleAppUninstalled(db, context.shop, new Date(), { triggeredAt });
      return;
    case "app/scopes_update":
      await handleScopesUpdate(db, {
        shop: context.shop,
        sessionId: context.session?.id ?? null,
        current: currentScopesFromPayload(context.payload),
      });
      return;
    case "shop/update":
      await handleShopUpdate(db, context.shop, context.payload);
      return;
    case "bulk_operations/finish":
      await onBulkOperationFinished({ db, enqueue: webhookEnqueuer(db, deps.enqueue) }, context.shop, context.payload);
      return;
    case "customers/data_request":
    case "customers/redact":
    case "shop/redact":
      await handleComplianceWebhook(db, { shop: context.shop, topic, payload: context.payload }, { exportDir: deps.exportDir });
      if (topic === "shop/redact") {
        // Every row of the shop is gone, this delivery's too: keep the trace of the request itself.
        await db.webhookDelivery.upsert({
          where: { webhookId: context.webhookId },
          create: {
            id: received.deliveryId,
            webhookId: context.webhookId,
            shop: context.shop,
            topic,
            triggeredAt,
            apiVersion: context.apiVersion,
            status: "received",
          },
          update: {},
        });
      }
      return;
    default:
      throw new Error(`no handler for ${topic}`);
  }
}

/** `ORDERS_CREATE` (some library versions) → `orders/create`; `orders/create` passes. */
export function normalizeTopic(topic: string): string {
  if (topic.includes("/")) return topic.toLowerCase();
  const known = allSubscribedTopics().find((t) => t.toUpperCase().replace(/\//g, "_") === topic.toUpperCase());
  if (known) return known;
  const lower = topic.toLowerCase();
  const prefixes = ["bulk_operations", "inventory_items", "inventory_levels", "order_transactions", "app_subscriptions"];
  for (const prefix of prefixes) if (lower.startsWith(`${prefix}_`)) return `${prefix}/${lower.slice(prefix.length + 1)}`;
  if (lower === "app_scopes_update") return "app/scopes_update";
  const i = lower.indexOf("_");
  return i > 0 ? `${lower.slice(0, i)}/${lower.slice(i + 1)}` : lower;
}

function ok(): Response {
  return new Response(null, { status: 200 });
}
