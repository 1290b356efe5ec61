import type { ActionFunctionArgs } from "@remix-run/node";

import { authenticate } from "../shopify.server";

// customers/data_request, customers/redact, shop/redact (mandatory compliance topics)
export const action = async ({ request }: ActionFunctionArgs) => {
  // Verifies the HMAC (401 when it is wrong) and parses the delivery.
  await authenticate.webhook(request);
  // TODO(webhooks issue): answer data requests and erase the customer's / shop's rows as the privacy rules require.
  return new Response(null, { status: 200 });
};
