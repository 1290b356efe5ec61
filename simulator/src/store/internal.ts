/** Internal types shared by the generator and the store (not part of the simulator contract). */
import type { GqlRecord, ResourceName, SortKey } from "../types";

/** Cheap per-record metadata used for filtering, counting and sorting (times in epoch seconds). */
export interface Meta {
  id: number;
  createdAt: number;
  updatedAt: number;
  processedAt?: number;
  name?: string;
  /** Order number (NAME sort of orders is numeric). */
  number?: number;
  title?: string;
  /** Lower-case status (orders: open/closed/cancelled; products: active/draft/archived; ...). */
  status?: string;
  financialStatus?: string; // lower-case OrderDisplayFinancialStatus
  fulfillmentStatus?: string; // lower-case OrderDisplayFulfillmentStatus
  test?: boolean;
}

/** One root collection's generated base data: an index space [0, size) of pure functions. */
export interface ResourceSource {
  readonly resource: ResourceName;
  /** GID type of the root record (`Order`, `DiscountNode`, ...). */
  readonly gidType: string;
  readonly size: number;
  /** When true, some indices have no record (exists(i) false); filtering must check exists. */
  readonly sparse: boolean;
  /** createdAt is non-decreasing with index (so CREATED_AT order = index order and binary search works). */
  readonly createdMonotonic: boolean;
  /** Sort keys this resource honours besides ID (others fall back to ID). */
  readonly sortKeys: readonly SortKey[];
  exists(i: number): boolean;
  meta(i: number): Meta;
  derive(i: number): GqlRecord;
  idOf(i: number): number;
  /** Generated index of a numeric id, or -1 when the id is not in the generated range. */
  indexOf(id: number): number;
  /** Metadata of a full record (overlay records); must equal meta(i) for derive(i). */
  metaOf(record: GqlRecord): Meta;
  /** A new record for `create`: derived from the generator at index `i` (beyond size) with times `nowSec`. */
  template(i: number, nowSec: number, input: Record<string, unknown>): GqlRecord;
}
