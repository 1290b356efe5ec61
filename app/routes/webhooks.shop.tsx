import type { ActionFunctionArgs } from "@remix-run/node";

import { authenticate } from "../shopify.server";

// shop/update
export const action = async ({ request }: ActionFunctionArgs) => {
  // Verifies the HMAC (401 when it is wrong) and parses the delivery.
  await authenticate.webhook(request);
  // TODO(webhooks issue): refresh the Shop row (name, currency, time zone, plan) from the payload.
  return new Response(null, { status: 200 });
};
