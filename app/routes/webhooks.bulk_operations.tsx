import type { ActionFunctionArgs } from "@remix-run/node";

import { authenticate } from "../shopify.server";

// bulk_operations/finish
export const action = async ({ request }: ActionFunctionArgs) => {
  // Verifies the HMAC (401 when it is wrong) and parses the delivery.
  await authenticate.webhook(request);
  // TODO(webhooks issue): look up the SyncRun by bulk operation id and start downloading its JSONL result.
  return new Response(null, { status: 200 });
};
