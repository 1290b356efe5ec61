import type { ActionFunctionArgs } from "@remix-run/node";

import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { currentScopesFromPayload, handleScopesUpdate } from "../sync/lifecycle.server";

// app/scopes_update: store the scopes the merchant now grants.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, session, payload } = await authenticate.webhook(request);
  await handleScopesUpdate(db, {
    shop,
    sessionId: session?.id ?? null,
    current: currentScopesFromPayload(payload),
  });
  return new Response(null, { status: 200 });
};
