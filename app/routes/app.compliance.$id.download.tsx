import type { LoaderFunctionArgs } from "@remix-run/node";

import { db } from "../db.server";
import { authenticate } from "../shopify.server";
import { readCustomerExport } from "../sync/compliance/exports.server";

// Download of a customers/data_request export (JSON) for the store owner; only the shop's own exports.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const found = await readCustomerExport(db, session.shop, params.id ?? "");
  if (!found) throw new Response("Export not found", { status: 404 });
  return new Response(found.body, {
    status: 200,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${found.fileName}"`,
      "Cache-Control": "no-store",
    },
  });
};
