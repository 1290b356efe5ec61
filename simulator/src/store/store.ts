/**
 * ShopStore: generated base data (lazy, deterministic) + an in-memory overlay of changes, with
 * change events. Implements the simulator's `Store` contract (../types.ts).
 */
import type {
  ChangeEvent,
  Collection,
  DeletionEventRecord,
  GqlRecord,
  ResourceName,
  ScanOptions,
  ScanPosition,
  SearchFilter,
  ShopConfig,
  SortKey,
  Store,
} from "../types";
import * as actions from "./actions";
import {
  cloneLevel,
  generatedLevels,
  inventoryItemFor,
  levelQuantities,
  type RawQuantity,
} from "./catalog";
import { BASE, Gen, numericId, parseGid } from "./gen";
import { createSources, shopRecord } from "./generator";
import type { Meta, ResourceSource } from "./internal";
import { asAutomaticDiscountNode, asCodeDiscountNode } from "./marketing";
import { parseCents } from "./money";
import { applyPatch, cloneRecord, type PatchContext } from "./patch";
import {
  cmp,
  compileFilter,
  type CompiledTerm,
  effectiveSortKey,
  indexRange,
  isMonotonic,
  keyField,
  matches,
  rangeOf,
  rangeOnly,
  searchIndex,
  SortedIndex,
  type SortValue,
  sortValue,
} from "./query";
import { iso } from "./rng";

export { asAutomaticDiscountNode, asCodeDiscountNode } from "./marketing";

type Obj = Record<string, unknown>;

interface Entry {
  /** null = deleted */
  record: GqlRecord | null;
  meta: Meta;
}

export const RESOURCES: readonly ResourceName[] = [
  "orders",
  "products",
  "customers",
  "locations",
  "inventoryItems",
  "abandonedCheckouts",
  "marketingEvents",
  "discounts",
  "payouts",
  "disputes",
  "balanceTransactions",
];

const ROOT_TYPES: Record<string, ResourceName> = {
  Order: "orders",
  Product: "products",
  Customer: "customers",
  Location: "locations",
  InventoryItem: "inventoryItems",
  AbandonedCheckout: "abandonedCheckouts",
  MarketingEvent: "marketingEvents",
  DiscountNode: "discounts",
  ShopifyPaymentsPayout: "payouts",
  ShopifyPaymentsDispute: "disputes",
  ShopifyPaymentsBalanceTransaction: "balanceTransactions",
};

type Listener = (e: ChangeEvent) => void;

class GeneratedCollection implements Collection {
  private sorted = new Map<SortKey, SortedIndex>();
  constructor(
    readonly resource: ResourceName,
    private readonly src: ResourceSource,
    private readonly overlay: Map<number, Entry>,
  ) {}

  get(idOrGid: string): GqlRecord | undefined {
    const id = numericId(idOrGid);
    if (!Number.isFinite(id)) return undefined;
    const e = this.overlay.get(id);
    if (e) return e.record ?? undefined;
    const i = this.src.indexOf(id);
    if (i < 0 || !this.src.exists(i)) return undefined;
    return this.src.derive(i);
  }

  /** Base (generated, not overlaid) record by id, ignoring the overlay. */
  baseMeta(id: number): Meta | undefined {
    const i = this.src.indexOf(id);
    return i >= 0 && this.src.exists(i) ? this.src.meta(i) : undefined;
  }

  count(filter?: SearchFilter): number {
    const src = this.src;
    const terms = compileFilter(this.resource, filter);
    let n = 0;
    // overlay: live records that match; generated ids that are overlaid are excluded from the base count
    let overlaidInBase = 0;
    const { lo, hi } = indexRange(src, terms);
    for (const [id, e] of this.overlay) {
      if (e.record && matches(terms, e.meta)) n++;
      const i = src.indexOf(id);
      if (i >= lo && i < hi) overlaidInBase++;
    }
    if (!src.sparse && rangeOnly(src, terms)) return n + (hi - lo) - overlaidInBase;
    // A non-monotonic time range narrows through the sorted index of that key (built once).
    for (const key of ["UPDATED_AT", "PROCESSED_AT", "CREATED_AT"] as const) {
      const f = keyField(key)!;
      const r = rangeOf(terms, f);
      if (!r || isMonotonic(src, key) || !src.sortKeys.includes(key)) continue;
      const s = this.sortedIndex(key);
      const from = s.firstValueAtLeast(r.min);
      const to = r.max === Infinity ? s.length : s.firstValueAtLeast(r.max + 1);
      for (let p = from; p < to; p++) {
        const i = s.index(p);
        if (i < lo || i >= hi || this.overlay.has(src.idOf(i))) continue;
        if (matches(terms, src.meta(i))) n++;
      }
      return n;
    }
    for (let i = lo; i < hi; i++) {
      if (src.sparse && !src.exists(i)) continue;
      if (this.overlay.size && this.overlay.has(src.idOf(i))) continue;
      if (matches(terms, src.meta(i))) n++;
    }
    return n;
  }

  private sortedIndex(key: SortKey): SortedIndex {
    let s = this.sorted.get(key);
    if (!s) {
      s = new SortedIndex(this.src, key);
      this.sorted.set(key, s);
    }
    return s;
  }

  *scan(options: ScanOptions = {}): Iterable<{ record: GqlRecord; position: ScanPosition }> {
    const src = this.src;
    const key = effectiveSortKey(src, options.sortKey);
    const reverse = !!options.reverse;
    const terms = compileFilter(this.resource, options.filter);
    const after = options.after
      ? { v: normalizeSortValue(options.after.sortValue, key), id: Number(options.after.id) }
      : undefined;
    const dir = reverse ? -1 : 1;
    // overlay stream (small): live matching records after the position, sorted
    const extra: { v: SortValue; id: number; record: GqlRecord }[] = [];
    for (const [id, e] of this.overlay) {
      if (!e.record || !matches(terms, e.meta)) continue;
      const v = sortValue(src, e.meta, key);
      if (after && dir * cmp(v, id, after.v, after.id) <= 0) continue;
      extra.push({ v, id, record: e.record });
    }
    extra.sort((a, b) => dir * cmp(a.v, a.id, b.v, b.id));
    let x = 0;
    for (const b of this.baseStream(key, reverse, terms, after)) {
      while (x < extra.length && dir * cmp(extra[x].v, extra[x].id, b.v, b.id) < 0) {
        const e = extra[x++];
        yield { record: e.record, position: { sortValue: e.v, id: String(e.id) } };
      }
      yield { record: src.derive(b.i), position: { sortValue: b.v, id: String(b.id) } };
    }
    while (x < extra.length) {
      const e = extra[x++];
      yield { record: e.record, position: { sortValue: e.v, id: String(e.id) } };
    }
  }

  /** Generated, non-overlaid, matching indices in order (metadata only). */
  private *baseStream(
    key: SortKey,
    reverse: boolean,
    terms: CompiledTerm[],
    after?: { v: SortValue; id: number },
  ): Generator<{ i: number; v: SortValue; id: number }> {
    const src = this.src;
    const { lo, hi } = indexRange(src, terms);
    if (lo >= hi) return;
    const overlay = this.overlay;
    if (isMonotonic(src, key)) {
      const vAt = (i: number) => sortValue(src, src.meta(i), key);
      let start = lo;
      let end = hi;
      if (after) {
        if (!reverse)
          start = Math.max(
            lo,
            searchIndex(
              lo,
              hi,
              (i) => cmp(key === "ID" ? src.idOf(i) : vAt(i), src.idOf(i), after.v, after.id) > 0,
            ),
          );
        else
          end = Math.min(
            hi,
            searchIndex(
              lo,
              hi,
              (i) => cmp(key === "ID" ? src.idOf(i) : vAt(i), src.idOf(i), after.v, after.id) >= 0,
            ),
          );
      }
      for (let k = 0; k < end - start; k++) {
        const i = reverse ? end - 1 - k : start + k;
        if (src.sparse && !src.exists(i)) continue;
        const id = src.idOf(i);
        if (overlay.size && overlay.has(id)) continue;
        const m = src.meta(i);
        if (!matches(terms, m)) continue;
        yield { i, v: sortValue(src, m, key), id };
      }
      return;
    }
    const s = this.sortedIndex(key);
    let from = 0;
    let to = s.length;
    const f = keyField(key);
    const r = f ? rangeOf(terms, f) : undefined;
    if (r) {
      from = s.firstValueAtLeast(r.min);
      to = r.max === Infinity ? s.length : s.firstValueAtLeast(r.max + 1);
    }
    if (after) {
      if (!reverse) from = Math.max(from, s.lowerBound(after.v, after.id, true));
      else to = Math.min(to, s.lowerBound(after.v, after.id, false));
    }
    for (let k = 0; k < to - from; k++) {
      const p = reverse ? to - 1 - k : from + k;
      const i = s.index(p);
      if (i < lo || i >= hi) continue;
      const id = src.idOf(i);
      if (overlay.size && overlay.has(id)) continue;
      const m = src.meta(i);
      if (!matches(terms, m)) continue;
      yield { i, v: s.value(p), id };
    }
  }
}

function normalizeSortValue(v: string | number, key: SortKey): SortValue {
  if (key === "NAME" || key === "TITLE") return typeof v === "string" ? v.toLowerCase() : v;
  if (typeof v === "number") return v;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.floor(t / 1000) : v;
}

export class ShopStore implements Store {
  readonly domain: string;
  readonly gen: Gen;
  private readonly sources: Record<ResourceName, ResourceSource>;
  private readonly overlays = new Map<ResourceName, Map<number, Entry>>();
  private readonly collections = new Map<ResourceName, GeneratedCollection>();
  private readonly nextIndex = new Map<ResourceName, number>();
  private readonly listeners = new Set<Listener>();
  private readonly deletions: DeletionEventRecord[] = [];
  private lastAt = 0;

  constructor(config: ShopConfig) {
    this.domain = config.domain;
    this.gen = new Gen(config);
    this.sources = createSources(this.gen);
    for (const r of RESOURCES) {
      const ov = new Map<number, Entry>();
      this.overlays.set(r, ov);
      this.collections.set(r, new GeneratedCollection(r, this.sources[r], ov));
      this.nextIndex.set(r, this.sources[r].size);
    }
  }

  shop(): GqlRecord {
    return shopRecord(this.gen);
  }

  collection(resource: ResourceName): Collection {
    const c = this.collections.get(resource);
    if (!c) throw new Error(`unknown resource: ${resource}`);
    return c;
  }

  deletionEvents(): DeletionEventRecord[] {
    return this.deletions.slice();
  }

  on(_event: "change", listener: Listener): void {
    this.listeners.add(listener);
  }
  off(_event: "change", listener: Listener): void {
    this.listeners.delete(listener);
  }

  /** Sizes of the generated data (after defaults). */
  sizes() {
    return { ...this.gen.sizes };
  }

  // ------------------------------------------------------------------ node lookup

  node(gid: string): GqlRecord | undefined {
    const g = parseGid(gid);
    if (!g) return undefined;
    const { type, id, params } = g;
    if (type === "Shop") {
      const s = this.shop();
      return s.id === gid ? s : undefined;
    }
    const root = ROOT_TYPES[type];
    if (root) {
      return this.collection(root).get(String(id));
    }
    const find = (list: unknown, want = gid) =>
      ((list as GqlRecord[] | undefined) ?? []).find((x) => x.id === want);
    const parent = Math.floor(id / 1000);
    switch (type) {
      case "DiscountCodeNode": {
        const d = this.collection("discounts").get(String(id));
        return d ? asCodeDiscountNode(d) : undefined;
      }
      case "DiscountAutomaticNode": {
        const d = this.collection("discounts").get(String(id));
        return d ? asAutomaticDiscountNode(d) : undefined;
      }
      case "LineItem":
      case "OrderTransaction":
      case "Refund":
      case "Fulfillment": {
        const o = this.collection("orders").get(String(parent));
        if (!o) return undefined;
        const field = {
          LineItem: "lineItems",
          OrderTransaction: "transactions",
          Refund: "refunds",
          Fulfillment: "fulfillments",
        }[type];
        return find(o[field]);
      }
      case "RefundLineItem":
      case "FulfillmentLineItem": {
        const o = this.collection("orders").get(String(Math.floor(parent / 1000)));
        if (!o) return undefined;
        const [outer, inner] =
          type === "RefundLineItem"
            ? ["refunds", "refundLineItems"]
            : ["fulfillments", "fulfillmentLineItems"];
        const holder = find(
          o[outer],
          `gid://shopify/${type === "RefundLineItem" ? "Refund" : "Fulfillment"}/${parent}`,
        );
        return holder ? find(holder[inner]) : undefined;
      }
      case "ProductVariant":
      case "MediaImage": {
        const p = this.collection("products").get(String(parent));
        return p ? find(type === "ProductVariant" ? p.variants : p.media) : undefined;
      }
      case "MailingAddress": {
        if (params.get("model_name") === "CustomerAddress") {
          const c = this.collection("customers").get(String(parent));
          return c ? find(c.addressesV2) : undefined;
        }
        const o =
          this.collection("orders").get(String(parent)) ??
          this.collection("abandonedCheckouts").get(String(parent));
        if (!o) return undefined;
        return [o.billingAddress, o.shippingAddress].find(
          (a) => (a as GqlRecord | null)?.id === gid,
        ) as GqlRecord | undefined;
      }
      case "InventoryLevel": {
        const item = this.collection("inventoryItems").get(params.get("inventory_item_id") ?? "");
        return item ? find(item.inventoryLevels) : undefined;
      }
      case "DiscountRedeemCode": {
        const d = this.collection("discounts").get(String(parent));
        return d ? find((d.discount as Obj | undefined)?.codes) : undefined;
      }
      case "AbandonedCheckoutLineItem": {
        const c = this.collection("abandonedCheckouts").get(String(parent));
        return c ? find(c.lineItems) : undefined;
      }
      default:
        return undefined;
    }
  }

  // ------------------------------------------------------------------ changes

  /** The change clock (epoch seconds): real time, but always after every generated time and never backwards. */
  private tick(): number {
    const now = Math.max(Math.floor(Date.now() / 1000), this.gen.anchor + 1, this.lastAt);
    this.lastAt = now;
    return now;
  }

  private put(
    resource: ResourceName,
    record: GqlRecord | null,
    metaRecord: GqlRecord,
    at: number,
  ): void {
    const src = this.sources[resource];
    // every change moves the record in UPDATED_AT order (also for types without an updatedAt field)
    const meta = { ...src.metaOf(metaRecord), updatedAt: at };
    this.overlays.get(resource)!.set(meta.id, { record, meta });
  }

  private emit(e: Omit<ChangeEvent, "shop">): void {
    const ev: ChangeEvent = { shop: this.domain, ...e };
    let error: unknown;
    for (const l of [...this.listeners]) {
      try {
        l(ev);
      } catch (err) {
        error ??= err;
      }
    }
    if (error) throw error;
  }

  private mustGet(resource: ResourceName, idOrGid: string): GqlRecord {
    const r = this.collection(resource).get(idOrGid);
    if (!r) throw new Error(`${resource}: no record ${idOrGid}`);
    return r;
  }

  /** Moves the record's updatedAt (records without the field keep it in the overlay metadata only). */
  private bump(record: Obj, at: string): void {
    if (record.__typename === "DiscountNode" && record.discount)
      record.discount = { ...(record.discount as Obj), updatedAt: at };
    else if ("updatedAt" in record) record.updatedAt = at;
  }

  create(
    resource: ResourceName,
    input: Record<string, unknown> = {},
    opts: { silent?: boolean } = {},
  ): GqlRecord {
    const src = this.sources[resource];
    const now = this.tick();
    const idx = this.nextIndex.get(resource)!;
    const template = src.template(idx, now, input);
    this.nextIndex.set(resource, idx + 1);
    const id = numericId(template.id);
    const ctx: PatchContext = { ownerId: id, added: new Map(), removed: new Map() };
    const clean = { ...input };
    delete clean.id;
    delete clean.legacyResourceId;
    delete clean.__typename;
    const record = applyPatch(template, clean, ctx) as GqlRecord;
    if (resource === "customers") fixDisplayName(record, clean);
    const at = iso(now);
    this.bump(record, at);
    if (resource === "products") this.syncInventoryItems(record, undefined, now);
    this.put(resource, record, record, now);
    const topics: string[] = [];
    if (resource === "orders" && record.displayFinancialStatus === "PAID")
      topics.push("orders/paid");
    this.emit({
      resource,
      action: "create",
      record,
      topics: topics.length ? topics : undefined,
      silent: !!opts.silent,
      at,
    });
    return record;
  }

  update(
    resource: ResourceName,
    idOrGid: string,
    patch: Record<string, unknown>,
    opts: { silent?: boolean } = {},
  ): GqlRecord {
    const cur = this.mustGet(resource, idOrGid);
    const now = this.tick();
    const at = iso(now);
    const id = numericId(cur.id);
    const ctx: PatchContext = { ownerId: id, added: new Map(), removed: new Map() };
    let record: GqlRecord;
    if (
      resource === "discounts" &&
      patch.discount === undefined &&
      Object.keys(patch).some((k) => k !== "id")
    ) {
      // convenience: fields of the inner discount may be given at the top level ({ title: "x" })
      record = applyPatch(cur, { discount: patch }, ctx) as GqlRecord;
    } else record = applyPatch(cur, patch, ctx) as GqlRecord;
    if (resource === "customers") fixDisplayName(record, patch);
    this.bump(record, at);
    for (const list of ctx.added.values())
      for (const el of list) if ("updatedAt" in el) el.updatedAt = at;
    const changedVariants =
      (patch.variants as Obj[] | undefined)?.map((v) => v.id).filter(Boolean) ?? [];
    for (const v of (record.variants as Obj[] | undefined) ?? [])
      if (changedVariants.some((x) => numericId(String(x)) === numericId(String(v.id))))
        v.updatedAt = at;
    if (resource === "products") this.syncInventoryItems(record, cur, now);
    if (resource === "discounts") {
      const d = record.discount as Obj;
      if (Array.isArray(d.codes))
        d.codesCount = { count: (d.codes as unknown[]).length, precision: "EXACT" };
    }
    this.put(resource, record, record, now);
    const topics: string[] = [];
    let subject: GqlRecord | undefined;
    const addedCodes = [...(ctx.added.get("codes") ?? [])];
    const removedCodes = [...(ctx.removed.get("codes") ?? [])];
    if (addedCodes.length) {
      topics.push("discounts/redeemcode_added");
      subject = addedCodes[0] as GqlRecord;
    }
    if (removedCodes.length) {
      topics.push("discounts/redeemcode_removed");
      subject ??= removedCodes[0] as GqlRecord;
    }
    this.emit({
      resource,
      action: "update",
      record,
      topics: topics.length ? topics : undefined,
      subject,
      silent: !!opts.silent,
      at,
    });
    return record;
  }

  delete(resource: ResourceName, idOrGid: string, opts: { silent?: boolean } = {}): GqlRecord {
    const cur = this.mustGet(resource, idOrGid);
    const now = this.tick();
    const at = iso(now);
    this.put(resource, null, cur, now);
    if (resource === "products") {
      this.deletions.push({
        __typename: "DeletionEvent",
        occurredAt: at,
        subjectId: cur.id,
        subjectType: "PRODUCT",
      });
      for (const v of (cur.variants as Obj[]) ?? []) {
        const item = this.collection("inventoryItems").get(String(numericId(String(v.id))));
        if (item) this.put("inventoryItems", null, item, now);
      }
    }
    this.emit({ resource, action: "delete", record: cur, silent: !!opts.silent, at });
    return cur;
  }

  /** Keeps inventory items in step with a product's variants (created / removed / sku changed). Silent. */
  private syncInventoryItems(product: GqlRecord, before: GqlRecord | undefined, now: number): void {
    const items = this.collection("inventoryItems");
    const prevIds = new Set(
      ((before?.variants as Obj[]) ?? []).map((v) => numericId(String(v.id))),
    );
    const nextVariants = (product.variants as Obj[]) ?? [];
    const nextIds = new Set(nextVariants.map((v) => numericId(String(v.id))));
    for (const v of nextVariants) {
      const vid = numericId(String(v.id));
      v.inventoryItem = { __typename: "InventoryItem", id: `gid://shopify/InventoryItem/${vid}` };
      const existing = items.get(String(vid));
      if (!existing) {
        const levels = before
          ? generatedLevels(this.gen, vid, iso(now), iso(now)).map((l) =>
              cloneLevel(
                l,
                levelQuantities(l).map((q) => ({ ...q, quantity: 0 })),
              ),
            )
          : generatedLevels(
              this.gen,
              vid,
              String(v.createdAt ?? iso(now)),
              String(v.updatedAt ?? iso(now)),
            );
        if (before) v.inventoryQuantity = 0;
        const item = inventoryItemFor(
          this.gen,
          v as GqlRecord,
          safeCents(v.price),
          product.tracksInventory !== false,
          levels,
        );
        item.createdAt = iso(now);
        item.updatedAt = iso(now);
        this.put("inventoryItems", item, item, now);
      } else if (existing.sku !== (v.sku ?? null)) {
        const item = { ...existing, sku: v.sku ?? null, updatedAt: iso(now) };
        this.put("inventoryItems", item, item, now);
      }
    }
    for (const vid of prevIds) {
      if (nextIds.has(vid)) continue;
      const item = items.get(String(vid));
      if (item) this.put("inventoryItems", null, item, now);
    }
    let total = 0;
    for (const v of nextVariants) total += Number(v.inventoryQuantity ?? 0);
    if (product.tracksInventory !== false) product.totalInventory = total;
    product.variantsCount = { count: nextVariants.length, precision: "EXACT" };
  }

  // ------------------------------------------------------------------ domain actions

  refundOrder(orderIdOrGid: string, opts: { amount?: string; silent?: boolean } = {}): GqlRecord {
    const cur = this.mustGet("orders", orderIdOrGid);
    if (cur.cancelledAt) throw new Error("order is cancelled");
    if (actions.pairOf(cur.netPaymentSet).s <= 0)
      throw new Error("nothing to refund: the order has no net payment");
    const now = this.tick();
    const r = actions.refund(cur, now, opts.amount);
    return this.commitOrder(
      r.order,
      now,
      r.tx ? ["refunds/create", "order_transactions/create"] : ["refunds/create"],
      r.refund,
      opts.silent,
    );
  }

  fulfillOrder(orderIdOrGid: string, opts: { silent?: boolean } = {}): GqlRecord {
    const cur = this.mustGet("orders", orderIdOrGid);
    const now = this.tick();
    const r = actions.fulfill(cur, now);
    return this.commitOrder(
      r.order,
      now,
      ["fulfillments/create", "orders/fulfilled"],
      r.fulfillment,
      opts.silent,
    );
  }

  cancelOrder(orderIdOrGid: string, opts: { silent?: boolean } = {}): GqlRecord {
    const cur = this.mustGet("orders", orderIdOrGid);
    const now = this.tick();
    const r = actions.cancel(cur, now);
    const topics = ["orders/cancelled"];
    if (r.moneyRefunded) topics.push("refunds/create", "order_transactions/create");
    return this.commitOrder(
      r.order,
      now,
      topics,
      r.moneyRefunded ? r.refund : undefined,
      opts.silent,
    );
  }

  markOrderPaid(orderIdOrGid: string, opts: { silent?: boolean } = {}): GqlRecord {
    const cur = this.mustGet("orders", orderIdOrGid);
    const now = this.tick();
    const r = actions.markPaid(cur, now);
    return this.commitOrder(
      r.order,
      now,
      ["orders/paid", "order_transactions/create"],
      r.tx,
      opts.silent,
    );
  }

  private commitOrder(
    order: GqlRecord,
    now: number,
    topics: string[],
    subject: GqlRecord | undefined,
    silent?: boolean,
  ): GqlRecord {
    const at = iso(now);
    order.updatedAt = at;
    this.put("orders", order, order, now);
    this.emit({
      resource: "orders",
      action: "update",
      record: order,
      topics,
      subject,
      silent: !!silent,
      at,
    });
    return order;
  }

  adjustInventory(
    inventoryItemIdOrGid: string,
    locationIdOrGid: string,
    delta: number,
    opts: { silent?: boolean } = {},
  ): GqlRecord {
    if (!Number.isInteger(delta)) throw new Error("delta must be an integer");
    const item = this.mustGet("inventoryItems", inventoryItemIdOrGid);
    const loc = this.mustGet("locations", locationIdOrGid);
    const now = this.tick();
    const at = iso(now);
    const itemId = numericId(item.id);
    const locId = numericId(loc.id);
    const levels = ((item.inventoryLevels as GqlRecord[]) ?? []).slice();
    let pos = levels.findIndex((l) => numericId(String((l.location as Obj).id)) === locId);
    if (pos < 0) {
      const fresh = generatedLevels(this.gen, itemId, at, at)[0];
      const zero = levelQuantities(fresh).map((q) => ({ ...q, quantity: 0 }));
      const lvl = cloneLevel(
        {
          ...fresh,
          id: `gid://shopify/InventoryLevel/${locId}?inventory_item_id=${itemId}`,
          location: { __typename: "Location", id: loc.id },
        },
        zero,
        at,
      );
      lvl.createdAt = at;
      levels.push(lvl);
      pos = levels.length - 1;
    }
    const raw: RawQuantity[] = levelQuantities(levels[pos]).map((q) =>
      q.name === "available" || q.name === "on_hand"
        ? { ...q, quantity: q.quantity + delta, updatedAt: at }
        : q,
    );
    const level = cloneLevel(levels[pos], raw, at);
    levels[pos] = level;
    const nextItem: GqlRecord = {
      ...item,
      inventoryLevels: levels,
      updatedAt: at,
      locationsCount: { count: levels.length, precision: "EXACT" },
    };
    this.put("inventoryItems", nextItem, nextItem, now);
    // keep the product's variant quantity and total in step (the product's updatedAt moves, no separate event)
    const variantGid =
      ((item.variant as Obj | undefined)?.id as string | undefined) ??
      `gid://shopify/ProductVariant/${itemId}`;
    const product = this.collection("products").get(
      String(Math.floor(numericId(variantGid) / 1000)),
    );
    if (product) {
      const next = cloneRecord(product) as Obj;
      const vs = next.variants as Obj[];
      const v = vs.find((x) => x.id === variantGid);
      if (v) {
        v.inventoryQuantity = Number(v.inventoryQuantity ?? 0) + delta;
        v.updatedAt = at;
        if (next.tracksInventory !== false)
          next.totalInventory = vs.reduce((s, x) => s + Number(x.inventoryQuantity ?? 0), 0);
        next.updatedAt = at;
        this.put("products", next as GqlRecord, next as GqlRecord, now);
      }
    }
    this.emit({
      resource: "inventoryItems",
      action: "update",
      record: nextItem,
      topics: ["inventory_levels/update"],
      subject: level,
      silent: !!opts.silent,
      at,
    });
    return nextItem;
  }
}

function fixDisplayName(record: Obj, patch: Obj): void {
  if (("firstName" in patch || "lastName" in patch) && !("displayName" in patch))
    record.displayName =
      `${record.firstName ?? ""} ${record.lastName ?? ""}`.trim() ||
      String((record.defaultEmailAddress as Obj | null)?.emailAddress ?? "");
}

function safeCents(v: unknown): number {
  try {
    return parseCents(String(v ?? "0"));
  } catch {
    return 0;
  }
}

/** The store of one shop: generated base data + overlay of changes. */
export function createStore(config: ShopConfig): Store & ShopStore {
  return new ShopStore(config);
}

/** Every live record of a resource, streaming, in ID order (for tests and deep compares). */
export function* expectedRecords(store: Store, resource: ResourceName): Generator<GqlRecord> {
  for (const { record } of store.collection(resource).scan()) yield record;
}

export { BASE };
