/**
 * The mandatory privacy webhooks (customers/data_request, customers/redact, shop/redact).
 * Each runs in the request that delivers it (the work is a handful of indexed queries per
 * customer; shop/redact is one DELETE per table) and is logged as an activity event with counts.
 */
import type { Db } from "~/db.server";
import { buildCustomerExport, type DataExportSummary } from "./exports.server";
import { customerRefFromPayload, redactCustomer, redactShop, type CustomerRedactCounts, type ShopRedactCounts } from "./redact.server";

export { buildCustomerExport, readCustomerExport, listCustomerExports, exportDirectory, shopExportDir } from "./exports.server";
export { redactCustomer, redactShop, customerRefFromPayload, findCustomerRows } from "./redact.server";
export { scrubPersonal, redactText, REDACTED } from "./personal";

export type ComplianceResult =
  | { topic: "customers/data_request"; export: DataExportSummary }
  | { topic: "customers/redact"; counts: CustomerRedactCounts }
  | { topic: "shop/redact"; counts: ShopRedactCounts };

export async function handleComplianceWebhook(
  db: Db,
  input: { shop: string; topic: string; payload: unknown },
  options: { now?: Date; exportDir?: string } = {},
): Promise<ComplianceResult> {
  const log = (what: string) => console.info(`compliance ${input.topic} for ${input.shop}: ${what}`);
  switch (input.topic) {
    case "customers/data_request": {
      const ref = customerRefFromPayload(input.payload);
      const request = (input.payload as { data_request?: { id?: unknown } } | null)?.data_request?.id;
      const summary = await buildCustomerExport(db, input.shop, { ...ref, dataRequestId: request == null ? null : String(request) }, options);
      log(`export ${summary.exportId} ${JSON.stringify(summary.counts)}`);
      return { topic: "customers/data_request", export: summary };
    }
    case "customers/redact": {
      const counts = await redactCustomer(db, input.shop, customerRefFromPayload(input.payload), options);
      log(JSON.stringify(counts));
      return { topic: "customers/redact", counts };
    }
    case "shop/redact": {
      const counts = await redactShop(db, input.shop, options);
      log(JSON.stringify(counts));
      return { topic: "shop/redact", counts };
    }
    default:
      throw new Error(`not a compliance topic: ${input.topic}`);
  }
}
