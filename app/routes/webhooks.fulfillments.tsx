import type { ActionFunctionArgs } from "@remix-run/node";

import { authenticate } from "../shopify.server";

// fulfillments/create, fulfillments/update
export const action = async ({ request }: ActionFunctionArgs) => {
  // Verifies the HMAC (401 when it is wrong) and parses the delivery.
  await authenticate.webhook(request);
  // TODO(webhooks issue): record the delivery (dedupe on X-Shopify-Webhook-Id), store the raw payload and hand it to the job runner for refinement.
  return new Response(null, { status: 200 });
};
