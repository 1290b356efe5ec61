import type { ActionFunctionArgs } from "@remix-run/node";

import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { handleWebhookRequest } from "../sync/webhooks/handle.server";

// checkouts/create, checkouts/update, checkouts/delete
// HMAC check (401), delivery record + dedupe, then the topic's domain work: see handle.server.ts.
export const action = ({ request }: ActionFunctionArgs) =>
  handleWebhookRequest(request, { db, authenticate: authenticate.webhook });

// Shopify only POSTs; anything else is answered 405 without reading the request.
export const loader = () => new Response(null, { status: 405, headers: { Allow: "POST" } });
