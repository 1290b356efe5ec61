import type { ActionFunctionArgs } from "@remix-run/node";

import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { handleAppUninstalled } from "../sync/lifecycle.server";

// app/uninstalled: forget the shop's sessions and mark it uninstalled (idempotent).
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticate.webhook(request);
  await handleAppUninstalled(db, shop);
  return new Response(null, { status: 200 });
};
