/**
 * REST-shaped webhook payloads (Admin API 2026-07), converted from the store's GraphQL-shaped records.
 *
 * Shapes follow Shopify's webhook reference for 2026-07 (one sample payload per topic): snake_case keys,
 * numeric `id` + `admin_graphql_api_id`, money as decimal strings plus `*_set` MoneyBags
 * (`{ shop_money: { amount, currency_code }, presentment_money: {...} }`), timestamps with the shop's
 * UTC offset (`2021-12-31T19:00:00-05:00`). Fields the simulator has no data for are null / empty,
 * never invented. Unknown topics throw.
 */
import type { GqlRecord } from "../types.js";

type Rec = Record<string, unknown>;
type Json = Record<string, unknown>;

/** Context a payload needs beyond the record: the shop's currency and timezone. */
export interface PayloadContext {
  shop?: GqlRecord; // Shop record (currencyCode, ianaTimezone, myshopifyDomain, id)
  domain?: string;
  /** Resolves a reference (`{ __typename, id }`) to the full record, e.g. `store.node(gid)`. */
  resolve?: (gid: string) => GqlRecord | undefined;
}

// ------------------------------------------------------------------------------------------------
// Small readers (records are GraphQL-shaped; fields may be functions `(args) => value`).

function get(rec: unknown, field: string, args: Rec = {}): unknown {
  if (!rec || typeof rec !== "object") return undefined;
  const v = (rec as Rec)[field];
  if (typeof v === "function") {
    try {
      return (v as (a: Rec, c?: unknown) => unknown).call(rec, args, undefined);
    } catch {
      return undefined;
    }
  }
  return v;
}
const str = (v: unknown): string | null => (v === undefined || v === null ? null : String(v));
const bool = (v: unknown, dflt = false): boolean => (typeof v === "boolean" ? v : dflt);
const lower = (v: unknown): string | null => (typeof v === "string" ? v.toLowerCase() : null);

/** Items of a connection field: the store keeps plain arrays; tolerate {nodes}/{edges} too. */
function list(v: unknown): Rec[] {
  if (Array.isArray(v)) return v as Rec[];
  if (v && typeof v === "object") {
    const o = v as Rec;
    if (Array.isArray(o.nodes)) return o.nodes as Rec[];
    if (Array.isArray(o.edges)) return (o.edges as Rec[]).map((e) => e.node as Rec);
  }
  return [];
}
const items = (rec: unknown, field: string): Rec[] => list(get(rec, field, { first: 250 }));

/** Numeric id of a GID (`gid://shopify/Order/123` → 123); null if absent. */
export function numericId(gidOrId: unknown): number | null {
  if (gidOrId === undefined || gidOrId === null) return null;
  if (typeof gidOrId === "number") return gidOrId;
  const s = String(gidOrId);
  const m = /\/(\d+)(?:\?.*)?$/.exec(s) ?? /^(\d+)$/.exec(s);
  return m ? Number(m[1]) : null;
}
const idOf = (rec: unknown): number | null => numericId(get(rec, "id"));

// ------------------------------------------------------------------------------------------------
// Money

function moneyV2(v: unknown): { amount: string; currencyCode: string } | null {
  if (!v || typeof v !== "object") return null;
  const o = v as Rec;
  if (o.amount === undefined || o.amount === null) return null;
  return { amount: String(o.amount), currencyCode: String(o.currencyCode ?? "") };
}
/** Shop-money amount of a MoneyBag (or MoneyV2) as a decimal string. */
function amount(bag: unknown): string | null {
  if (!bag || typeof bag !== "object") return null;
  const o = bag as Rec;
  return moneyV2(o.shopMoney ?? o)?.amount ?? null;
}
/** MoneyBag → REST `*_set`. */
function moneySet(bag: unknown): Json | null {
  if (!bag || typeof bag !== "object") return null;
  const o = bag as Rec;
  const shop = moneyV2(o.shopMoney ?? o);
  if (!shop) return null;
  const pres = moneyV2(o.presentmentMoney) ?? shop;
  return {
    shop_money: { amount: shop.amount, currency_code: shop.currencyCode },
    presentment_money: { amount: pres.amount, currency_code: pres.currencyCode },
  };
}
/** Exact decimal sum of amount strings (no floats). */
export function sumAmounts(amounts: (string | null | undefined)[]): string {
  const vals = amounts.filter((a): a is string => typeof a === "string" && a !== "");
  const scale = Math.max(2, ...vals.map((a) => (a.split(".")[1] ?? "").length));
  let total = 0n;
  for (const a of vals) {
    const neg = a.startsWith("-");
    const [i, f = ""] = a.replace("-", "").split(".");
    const n = BigInt((i || "0") + f.padEnd(scale, "0"));
    total += neg ? -n : n;
  }
  const neg = total < 0n;
  const digits = (neg ? -total : total).toString().padStart(scale + 1, "0");
  return `${neg ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
function sumSets(bags: unknown[], currency: string): Json {
  const shop = sumAmounts(bags.map((b) => amount(b)));
  const pres = sumAmounts(
    bags.map((b) => moneyV2((b as Rec | null)?.presentmentMoney)?.amount ?? amount(b)),
  );
  const pc = moneyV2((bags[0] as Rec | undefined)?.presentmentMoney)?.currencyCode ?? currency;
  return {
    shop_money: { amount: shop, currency_code: currency },
    presentment_money: { amount: pres, currency_code: pc },
  };
}
/** Transaction style set: `{ presentment_money: { amount, currency }, shop_money: {...} }`. */
function txnSet(bag: unknown): Json | null {
  const s = moneySet(bag) as { shop_money: Rec; presentment_money: Rec } | null;
  if (!s) return null;
  return {
    presentment_money: {
      amount: s.presentment_money.amount,
      currency: s.presentment_money.currency_code,
    },
    shop_money: { amount: s.shop_money.amount, currency: s.shop_money.currency_code },
  };
}

// ------------------------------------------------------------------------------------------------
// Time: ISO (UTC) → the shop's local time with offset, as Shopify's REST payloads show.

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}
/** `2025-03-01T15:00:00Z` in America/New_York → `2025-03-01T10:00:00-05:00`. */
export function localTimestamp(iso: unknown, tz = "UTC"): string | null {
  if (iso === undefined || iso === null || iso === "") return null;
  const ms = Date.parse(String(iso));
  if (Number.isNaN(ms)) return String(iso);
  const whole = Math.floor(ms / 1000) * 1000;
  let parts: Record<string, string>;
  try {
    parts = Object.fromEntries(
      formatter(tz)
        .formatToParts(new Date(whole))
        .map((p) => [p.type, p.value]),
    );
  } catch {
    parts = Object.fromEntries(
      formatter("UTC")
        .formatToParts(new Date(whole))
        .map((p) => [p.type, p.value]),
    );
  }
  const localMs = Date.UTC(
    +parts.year,
    +parts.month - 1,
    +parts.day,
    +parts.hour,
    +parts.minute,
    +parts.second,
  );
  const offMin = Math.round((localMs - whole) / 60000);
  const sign = offMin < 0 ? "-" : "+";
  const abs = Math.abs(offMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${off}`;
}
/** UTC with milliseconds (`2022-01-01T00:00:00.000Z`), as a few payloads use. */
const utcMs = (iso: unknown): string | null => (iso ? new Date(String(iso)).toISOString() : null);

// ------------------------------------------------------------------------------------------------
// Shared pieces

let regionNames: Intl.DisplayNames | undefined;
function countryName(code: unknown): string | null {
  if (typeof code !== "string" || !code) return null;
  try {
    regionNames ??= new Intl.DisplayNames(["en"], { type: "region" });
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

class Conv {
  readonly tz: string;
  readonly currency: string;
  constructor(readonly ctx: PayloadContext) {
    this.tz = str(get(ctx.shop, "ianaTimezone")) ?? "UTC";
    this.currency = str(get(ctx.shop, "currencyCode")) ?? "USD";
  }
  t = (rec: unknown, field: string): string | null => localTimestamp(get(rec, field), this.tz);
  /** Line items of the order being converted, by GID (refund/fulfillment line items reference them). */
  readonly lines = new Map<string, Rec>();

  /** A bare reference `{ __typename, id }` → the full record when the context can resolve it. */
  deref(v: unknown): Rec | undefined {
    if (!v || typeof v !== "object") return undefined;
    const o = v as Rec;
    const id = typeof o.id === "string" ? o.id : undefined;
    if (!id || Object.keys(o).some((k) => k !== "__typename" && k !== "id")) return o;
    const local = this.lines.get(id);
    if (local) return local;
    try {
      return (this.ctx.resolve?.(id) as Rec | undefined) ?? o;
    } catch {
      return o;
    }
  }
  withOrder(order: Rec | undefined): this {
    for (const li of items(order, "lineItems"))
      if (typeof li.id === "string") this.lines.set(li.id, li);
    return this;
  }

  orderAddress(a: unknown): Json | null {
    if (!a || typeof a !== "object") return null;
    const first = str(get(a, "firstName"));
    const last = str(get(a, "lastName"));
    return {
      first_name: first,
      address1: str(get(a, "address1")),
      phone: str(get(a, "phone")),
      city: str(get(a, "city")),
      zip: str(get(a, "zip")),
      province: str(get(a, "province")),
      country: str(get(a, "country")),
      last_name: last,
      address2: str(get(a, "address2")),
      company: str(get(a, "company")),
      latitude: (get(a, "latitude") as number | undefined) ?? null,
      longitude: (get(a, "longitude") as number | undefined) ?? null,
      name: str(get(a, "name")) ?? ([first, last].filter(Boolean).join(" ") || null),
      country_code: str(get(a, "countryCodeV2") ?? get(a, "countryCode")),
      province_code: str(get(a, "provinceCode")),
    };
  }

  customerAddress(a: unknown, customerId: number | null, isDefault: boolean): Json | null {
    if (!a || typeof a !== "object") return null;
    const o = this.orderAddress(a)!;
    const code = o.country_code as string | null;
    return {
      id: idOf(a),
      customer_id: customerId,
      first_name: o.first_name,
      last_name: o.last_name,
      company: o.company,
      address1: o.address1,
      address2: o.address2,
      city: o.city,
      province: o.province,
      country: o.country,
      zip: o.zip,
      phone: o.phone,
      name: o.name,
      province_code: o.province_code,
      country_code: code,
      country_name: str(get(a, "country")) ?? countryName(code),
      default: isDefault,
    };
  }

  /** Customer as nested in orders/checkouts (no `addresses`), or top-level with `addresses`. */
  customer(ref: unknown, withAddresses: boolean): Json | null {
    const c = this.deref(ref);
    if (!c) return null;
    const id = idOf(c);
    const def = get(c, "defaultAddress");
    const defId = idOf(def);
    const email = get(c, "email") ?? get(get(c, "defaultEmailAddress"), "emailAddress");
    const phone = get(c, "phone") ?? get(get(c, "defaultPhoneNumber"), "phoneNumber");
    const out: Json = {
      id,
      created_at: this.t(c, "createdAt"),
      updated_at: this.t(c, "updatedAt"),
      first_name: str(get(c, "firstName")),
      last_name: str(get(c, "lastName")),
      state: lower(get(c, "state")) ?? "disabled",
      note: str(get(c, "note")),
      verified_email: bool(get(c, "verifiedEmail"), true),
      multipass_identifier: str(get(c, "multipassIdentifier")),
      tax_exempt: bool(get(c, "taxExempt")),
      email: str(email),
      phone: str(phone),
      currency: this.currency,
    };
    if (withAddresses) {
      out.addresses = items(c, "addressesV2")
        .concat(items(c, "addresses"))
        .map((a) => this.customerAddress(a, id, idOf(a) !== null && idOf(a) === defId));
    }
    out.tax_exemptions = (get(c, "taxExemptions") as unknown[] | undefined) ?? [];
    out.admin_graphql_api_id = str(get(c, "id"));
    out.default_address = this.customerAddress(def, id, true);
    return out;
  }

  taxLines(lines: unknown): Json[] {
    return list(lines).map((t) => ({
      price: amount(get(t, "priceSet")),
      rate: (get(t, "rate") as number | undefined) ?? null,
      title: str(get(t, "title")),
      price_set: moneySet(get(t, "priceSet")),
      channel_liable: (get(t, "channelLiable") as boolean | undefined) ?? false,
    }));
  }

  discountAllocations(allocs: unknown): Json[] {
    return list(allocs).map((d, i) => ({
      amount: amount(get(d, "allocatedAmountSet")),
      amount_set: moneySet(get(d, "allocatedAmountSet")),
      discount_application_index: (get(d, "discountApplicationIndex") as number | undefined) ?? i,
    }));
  }

  private grams(li: unknown): number {
    const w = get(li, "weight") as Rec | undefined;
    if (!w || typeof w.value !== "number") return 0;
    const f: Record<string, number> = {
      GRAMS: 1,
      KILOGRAMS: 1000,
      POUNDS: 453.59237,
      OUNCES: 28.349523125,
    };
    return Math.round(w.value * (f[String(w.unit)] ?? 1));
  }

  /** Line item as in orders/* (current shape). */
  lineItem(li: Rec): Json {
    const unfulfilled = get(li, "unfulfilledQuantity") as number | undefined;
    const quantity = (get(li, "quantity") as number | undefined) ?? 0;
    const variant = get(li, "variant");
    const product = get(li, "product");
    return {
      id: idOf(li),
      admin_graphql_api_id: str(get(li, "id")),
      attributed_staffs: [],
      current_quantity: (get(li, "currentQuantity") as number | undefined) ?? quantity,
      fulfillable_quantity: unfulfilled ?? quantity,
      fulfillment_service: "manual",
      fulfillment_status:
        unfulfilled === 0 && quantity > 0
          ? "fulfilled"
          : unfulfilled !== undefined && unfulfilled < quantity
            ? "partial"
            : null,
      gift_card: bool(get(li, "isGiftCard")),
      grams: this.grams(li),
      name: str(get(li, "name")) ?? str(get(li, "title")),
      price: amount(get(li, "originalUnitPriceSet")),
      price_set: moneySet(get(li, "originalUnitPriceSet")),
      product_exists: !!product,
      product_id: idOf(product),
      properties: this.attributes(get(li, "customAttributes")),
      quantity,
      requires_shipping: bool(get(li, "requiresShipping"), true),
      sales_line_item_group_id: null,
      sku: str(get(li, "sku")),
      taxable: bool(get(li, "taxable"), true),
      title: str(get(li, "title")),
      total_discount: amount(get(li, "totalDiscountSet")) ?? "0.00",
      total_discount_set: moneySet(get(li, "totalDiscountSet")),
      variant_id: idOf(variant),
      variant_inventory_management: variant ? "shopify" : null,
      variant_title: str(get(li, "variantTitle")),
      vendor: str(get(li, "vendor")),
      tax_lines: this.taxLines(get(li, "taxLines")),
      duties: [],
      discount_allocations: this.discountAllocations(get(li, "discountAllocations")),
    };
  }

  /** Line item as embedded in fulfillments/refunds (the older flat shape). */
  flatLineItem(li: Rec, quantity?: number): Json {
    const x = this.lineItem(li);
    return {
      id: x.id,
      variant_id: x.variant_id,
      title: x.title,
      quantity: quantity ?? x.quantity,
      sku: x.sku,
      variant_title: x.variant_title,
      vendor: x.vendor,
      fulfillment_service: x.fulfillment_service,
      product_id: x.product_id,
      requires_shipping: x.requires_shipping,
      taxable: x.taxable,
      gift_card: x.gift_card,
      name: x.name,
      variant_inventory_management: x.variant_inventory_management,
      properties: x.properties,
      product_exists: x.product_exists,
      fulfillable_quantity: x.fulfillable_quantity,
      grams: x.grams,
      price: x.price,
      total_discount: x.total_discount,
      fulfillment_status: x.fulfillment_status,
      price_set: x.price_set,
      total_discount_set: x.total_discount_set,
      discount_allocations: x.discount_allocations,
      duties: [],
      admin_graphql_api_id: x.admin_graphql_api_id,
      tax_lines: x.tax_lines,
    };
  }

  attributes(attrs: unknown): Json[] {
    return list(attrs).map((a) => ({ name: str(get(a, "key")), value: str(get(a, "value")) }));
  }

  transaction(t: Rec, orderId: number | null): Json {
    const pd = get(t, "paymentDetails");
    return {
      id: idOf(t),
      order_id: orderId ?? idOf(get(t, "order")),
      kind: lower(get(t, "kind")),
      gateway: str(get(t, "gateway")),
      status: lower(get(t, "status")),
      message: null,
      created_at: this.t(t, "createdAt"),
      test: bool(get(t, "test")),
      authorization: str(get(t, "authorizationCode")),
      location_id: idOf(get(t, "location")),
      user_id: idOf(get(t, "user")),
      parent_id: idOf(get(t, "parentTransaction")),
      processed_at: this.t(t, "processedAt"),
      device_id: idOf(get(t, "device")),
      error_code: lower(get(t, "errorCode")),
      source_name: "web",
      payment_details: pd
        ? {
            credit_card_bin: str(get(pd, "bin")),
            avs_result_code: str(get(pd, "avsResultCode")),
            cvv_result_code: str(get(pd, "cvvResultCode")),
            credit_card_number: str(get(pd, "number")),
            credit_card_company: str(get(pd, "company")),
            buyer_action_info: null,
            credit_card_name: str(get(pd, "name")),
            credit_card_wallet: lower(get(pd, "wallet")),
            credit_card_expiration_month:
              (get(pd, "expirationMonth") as number | undefined) ?? null,
            credit_card_expiration_year: (get(pd, "expirationYear") as number | undefined) ?? null,
            payment_method_name: str(get(pd, "paymentMethodName")),
          }
        : null,
      receipt: {},
      amount: amount(get(t, "amountSet")),
      currency:
        moneyV2((get(t, "amountSet") as Rec | undefined)?.shopMoney)?.currencyCode ?? this.currency,
      payment_id: str(get(t, "paymentId")),
      total_unsettled_set: txnSet(get(t, "totalUnsettledSet")),
      manual_payment_gateway: bool(get(t, "manualPaymentGateway")),
      amount_rounding: amount(get(t, "amountRoundingSet")),
      admin_graphql_api_id: str(get(t, "id")),
    };
  }

  refund(r: Rec, orderId: number | null): Json {
    return {
      id: idOf(r),
      order_id: orderId ?? idOf(get(r, "order")),
      created_at: this.t(r, "createdAt"),
      note: str(get(r, "note")),
      user_id: idOf(get(r, "staffMember")),
      processed_at: this.t(r, "processedAt"),
      duties: [],
      total_duties_set: moneySet({
        shopMoney: { amount: "0.00", currencyCode: this.currency },
        presentmentMoney: { amount: "0.00", currencyCode: this.currency },
      }),
      return: null,
      refund_shipping_lines: [],
      restock: items(r, "refundLineItems").some((x) => bool(get(x, "restocked"))),
      admin_graphql_api_id: str(get(r, "id")),
      order_adjustments: [],
      refund_line_items: items(r, "refundLineItems").map((x) => {
        const li = this.deref(get(x, "lineItem")) ?? {};
        return {
          id: idOf(x),
          quantity: (get(x, "quantity") as number | undefined) ?? 0,
          line_item_id: idOf(li),
          location_id: idOf(get(x, "location")),
          restock_type: lower(get(x, "restockType")) ?? "no_restock",
          subtotal: Number(amount(get(x, "subtotalSet")) ?? 0),
          total_tax: Number(amount(get(x, "totalTaxSet")) ?? 0),
          subtotal_set: moneySet(get(x, "subtotalSet")),
          total_tax_set: moneySet(get(x, "totalTaxSet")),
          line_item: this.flatLineItem(li),
        };
      }),
      transactions: items(r, "transactions").map((t) => this.transaction(t, orderId)),
    };
  }

  fulfillment(f: Rec, order: Rec | undefined): Json {
    const tracking = list(get(f, "trackingInfo"));
    return {
      id: idOf(f),
      order_id: idOf(order) ?? idOf(get(f, "order")),
      status: lower(get(f, "status")),
      created_at: this.t(f, "createdAt"),
      service: "manual",
      updated_at: this.t(f, "updatedAt"),
      tracking_company: str(get(tracking[0], "company")),
      shipment_status: lower(get(f, "displayStatus")),
      location_id: idOf(get(f, "location")),
      origin_address: null,
      email: str(get(order, "email")),
      destination: this.orderAddress(get(order, "shippingAddress")),
      line_items: items(f, "fulfillmentLineItems").map((fli) =>
        this.flatLineItem(
          this.deref(get(fli, "lineItem")) ?? {},
          get(fli, "quantity") as number | undefined,
        ),
      ),
      tracking_number: str(get(tracking[0], "number")),
      tracking_numbers: tracking.map((t) => str(get(t, "number"))).filter(Boolean),
      tracking_url: str(get(tracking[0], "url")),
      tracking_urls: tracking.map((t) => str(get(t, "url"))).filter(Boolean),
      receipt: {},
      name: str(get(f, "name")),
      admin_graphql_api_id: str(get(f, "id")),
    };
  }
}

// ------------------------------------------------------------------------------------------------
// One builder per topic family

function order(c: Conv, o: Rec): Json {
  c.withOrder(o);
  const id = idOf(o);
  const lineItems = items(o, "lineItems");
  const currency = str(get(o, "currencyCode")) ?? c.currency;
  const set = (f: string) => moneySet(get(o, f));
  const amt = (f: string) => amount(get(o, f));
  const zero = moneySet({ shopMoney: { amount: "0.00", currencyCode: currency } });
  const number =
    (get(o, "number") as number | undefined) ??
    numericId(String(get(o, "name") ?? "").replace("#", ""));
  const fin = get(o, "displayFinancialStatus");
  const ful = get(o, "displayFulfillmentStatus");
  const fulMap: Record<string, string | null> = {
    FULFILLED: "fulfilled",
    PARTIALLY_FULFILLED: "partial",
    RESTOCKED: "restocked",
  };
  const lineTotal = sumSets(
    lineItems.map((li) => get(li, "originalTotalSet")),
    currency,
  );
  return {
    id,
    admin_graphql_api_id: str(get(o, "id")),
    app_id: null,
    browser_ip: str(get(o, "clientIp")),
    buyer_accepts_marketing: bool(get(o, "customerAcceptsMarketing")),
    cancel_reason: lower(get(o, "cancelReason")),
    cancelled_at: c.t(o, "cancelledAt"),
    cart_token: str(get(o, "cartToken")),
    checkout_token: str(get(o, "checkoutToken")),
    client_details: null,
    closed_at: c.t(o, "closedAt"),
    confirmation_number: str(get(o, "confirmationNumber")),
    confirmed: bool(get(o, "confirmed"), true),
    contact_email: str(get(o, "email")),
    created_at: c.t(o, "createdAt"),
    currency,
    current_shipping_price_set: set("currentShippingPriceSet") ?? zero,
    current_subtotal_price: amt("currentSubtotalPriceSet") ?? amt("subtotalPriceSet"),
    current_subtotal_price_set: set("currentSubtotalPriceSet") ?? set("subtotalPriceSet"),
    current_total_additional_fees_set: set("currentTotalAdditionalFeesSet"),
    current_total_discounts: amt("currentTotalDiscountsSet") ?? amt("totalDiscountsSet") ?? "0.00",
    current_total_discounts_set:
      set("currentTotalDiscountsSet") ?? set("totalDiscountsSet") ?? zero,
    current_total_duties_set: set("currentTotalDutiesSet"),
    current_total_price: amt("currentTotalPriceSet") ?? amt("totalPriceSet"),
    current_total_price_set: set("currentTotalPriceSet") ?? set("totalPriceSet"),
    current_total_tax: amt("currentTotalTaxSet") ?? amt("totalTaxSet") ?? "0.00",
    current_total_tax_set: set("currentTotalTaxSet") ?? set("totalTaxSet") ?? zero,
    customer_locale: str(get(o, "customerLocale")),
    device_id: null,
    discount_codes: ((get(o, "discountCodes") as string[] | undefined) ?? []).map((code) => ({
      code,
      amount: amt("totalDiscountsSet") ?? "0.00",
      type: "fixed_amount",
    })),
    duties_included: bool(get(o, "dutiesIncluded")),
    email: str(get(o, "email")),
    estimated_taxes: bool(get(o, "estimatedTaxes")),
    financial_status: lower(fin),
    fulfillment_status: typeof ful === "string" ? (fulMap[ful] ?? null) : null,
    landing_site: null,
    landing_site_ref: null,
    location_id: idOf(get(o, "retailLocation")),
    merchant_business_entity_id: str(get(get(o, "merchantBusinessEntity"), "id")),
    merchant_of_record_app_id: null,
    name: str(get(o, "name")),
    note: str(get(o, "note")),
    note_attributes: c.attributes(get(o, "customAttributes")),
    number: typeof number === "number" ? number - 1000 : null,
    order_number: number ?? null,
    order_status_url: str(get(o, "statusPageUrl")),
    original_total_additional_fees_set: set("originalTotalAdditionalFeesSet"),
    original_total_duties_set: set("originalTotalDutiesSet"),
    payment_gateway_names: (get(o, "paymentGatewayNames") as string[] | undefined) ?? [],
    phone: str(get(o, "phone")),
    po_number: str(get(o, "poNumber")),
    presentment_currency: str(get(o, "presentmentCurrencyCode")) ?? currency,
    processed_at: c.t(o, "processedAt"),
    reference: null,
    referring_site: null,
    source_identifier: str(get(o, "sourceIdentifier")),
    source_name: str(get(o, "sourceName")) ?? "web",
    source_url: null,
    subtotal_price: amt("subtotalPriceSet"),
    subtotal_price_set: set("subtotalPriceSet"),
    tags: ((get(o, "tags") as string[] | undefined) ?? []).join(", "),
    tax_exempt: bool(get(o, "taxExempt")),
    tax_lines: c.taxLines(get(o, "taxLines")),
    taxes_included: bool(get(o, "taxesIncluded")),
    test: bool(get(o, "test")),
    token: id !== null ? id.toString(16).padStart(32, "0") : null,
    total_cash_rounding_payment_adjustment_set: zero,
    total_cash_rounding_refund_adjustment_set: zero,
    total_discounts: amt("totalDiscountsSet") ?? "0.00",
    total_discounts_set: set("totalDiscountsSet") ?? zero,
    total_line_items_price: (lineTotal.shop_money as Rec).amount,
    total_line_items_price_set: lineTotal,
    total_outstanding: amt("totalOutstandingSet") ?? "0.00",
    total_price: amt("totalPriceSet"),
    total_price_set: set("totalPriceSet"),
    total_shipping_price_set: set("totalShippingPriceSet") ?? zero,
    total_tax: amt("totalTaxSet") ?? "0.00",
    total_tax_set: set("totalTaxSet") ?? zero,
    total_tip_received: amt("totalTipReceivedSet") ?? "0.00",
    total_weight: Number(get(o, "totalWeight") ?? 0),
    updated_at: c.t(o, "updatedAt"),
    user_id: null,
    billing_address: c.orderAddress(get(o, "billingAddress")),
    customer: c.customer(get(o, "customer"), false),
    discount_applications: [],
    fulfillments: list(get(o, "fulfillments")).map((f) => c.fulfillment(f, o)),
    line_items: lineItems.map((li) => c.lineItem(li)),
    payment_terms: null,
    refunds: list(get(o, "refunds")).map((r) => c.refund(r, id)),
    shipping_address: c.orderAddress(get(o, "shippingAddress")),
    shipping_lines: items(o, "shippingLines").map((s) => ({
      id: idOf(s),
      carrier_identifier: str(get(s, "carrierIdentifier")),
      code: str(get(s, "code")),
      current_discounted_price_set: moneySet(get(s, "currentDiscountedPriceSet")),
      discounted_price: amount(get(s, "discountedPriceSet")),
      discounted_price_set: moneySet(get(s, "discountedPriceSet")),
      is_removed: bool(get(s, "isRemoved")),
      phone: str(get(s, "phone")),
      price: amount(get(s, "originalPriceSet")),
      price_set: moneySet(get(s, "originalPriceSet")),
      requested_fulfillment_service_id: null,
      source: str(get(s, "source")) ?? "shopify",
      title: str(get(s, "title")),
      tax_lines: c.taxLines(get(s, "taxLines")),
      discount_allocations: c.discountAllocations(get(s, "discountAllocations")),
    })),
    returns: [],
    line_item_groups: [],
  };
}

function product(c: Conv, p: Rec): Json {
  const id = idOf(p);
  const media = items(p, "media");
  const images = media
    .filter((m) => get(m, "__typename") === "MediaImage" || get(m, "image"))
    .map((m, i) => {
      const img = get(m, "image") as Rec | undefined;
      return {
        id: idOf(m),
        alt: str(get(m, "alt")),
        position: i + 1,
        product_id: id,
        created_at: c.t(m, "createdAt"),
        updated_at: c.t(m, "updatedAt"),
        admin_graphql_api_id: str(get(m, "id")),
        width: (get(img, "width") as number | undefined) ?? null,
        height: (get(img, "height") as number | undefined) ?? null,
        src: str(get(img, "url")),
        variant_ids: [],
      };
    });
  const options = list(get(p, "options"));
  const variants = items(p, "variants");
  const category = get(p, "category");
  return {
    admin_graphql_api_id: str(get(p, "id")),
    body_html: str(get(p, "descriptionHtml")),
    created_at: c.t(p, "createdAt"),
    handle: str(get(p, "handle")),
    id,
    product_type: str(get(p, "productType")) ?? "",
    published_at: c.t(p, "publishedAt"),
    template_suffix: str(get(p, "templateSuffix")),
    title: str(get(p, "title")),
    updated_at: c.t(p, "updatedAt"),
    vendor: str(get(p, "vendor")),
    status: lower(get(p, "status")) ?? "active",
    published_scope: "web",
    tags: ((get(p, "tags") as string[] | undefined) ?? []).join(", "),
    variants: variants.map((v, i) => {
      const sel = list(get(v, "selectedOptions"));
      const qty = (get(v, "inventoryQuantity") as number | undefined) ?? null;
      return {
        admin_graphql_api_id: str(get(v, "id")),
        barcode: str(get(v, "barcode")),
        compare_at_price: str(get(v, "compareAtPrice")),
        created_at: c.t(v, "createdAt"),
        id: idOf(v),
        inventory_policy: lower(get(v, "inventoryPolicy")) ?? "deny",
        position: (get(v, "position") as number | undefined) ?? i + 1,
        price: str(get(v, "price")),
        product_id: id,
        sku: str(get(v, "sku")),
        taxable: bool(get(v, "taxable"), true),
        title: str(get(v, "title")),
        updated_at: c.t(v, "updatedAt"),
        option1: str(get(sel[0], "value")),
        option2: str(get(sel[1], "value")),
        option3: str(get(sel[2], "value")),
        image_id: null,
        inventory_item_id: idOf(get(v, "inventoryItem")),
        inventory_quantity: qty,
        old_inventory_quantity: qty,
      };
    }),
    options: options.map((o, i) => ({
      id: idOf(o),
      product_id: id,
      name: str(get(o, "name")),
      position: (get(o, "position") as number | undefined) ?? i + 1,
      values: (get(o, "values") as string[] | undefined) ?? [],
    })),
    images,
    image: images[0] ?? null,
    media: media.map((m, i) => {
      const img = get(m, "image") as Rec | undefined;
      return {
        id: idOf(m),
        product_id: id,
        position: i + 1,
        created_at: c.t(m, "createdAt"),
        updated_at: c.t(m, "updatedAt"),
        alt: str(get(m, "alt")),
        status: str(get(m, "status")) ?? "READY",
        media_content_type: str(get(m, "mediaContentType")) ?? "IMAGE",
        preview_image: img
          ? {
              width: get(img, "width") ?? null,
              height: get(img, "height") ?? null,
              src: str(get(img, "url")),
              status: "READY",
            }
          : null,
        variant_ids: [],
        admin_graphql_api_id: str(get(m, "id")),
      };
    }),
    variant_gids: variants.map((v) => ({
      admin_graphql_api_id: str(get(v, "id")),
      updated_at: utcMs(get(v, "updatedAt")),
    })),
    has_variants_that_requires_components: bool(get(p, "hasVariantsThatRequiresComponents")),
    category: category
      ? {
          admin_graphql_api_id: str(get(category, "id")),
          name: str(get(category, "name")),
          full_name: str(get(category, "fullName")),
        }
      : null,
  };
}

const WEIGHT_UNITS: Record<string, string> = {
  POUNDS: "lb",
  KILOGRAMS: "kg",
  GRAMS: "g",
  OUNCES: "oz",
};
function inventoryItem(c: Conv, it: Rec): Json {
  const w = get(get(it, "measurement"), "weight") as Rec | undefined;
  return {
    id: idOf(it),
    sku: str(get(it, "sku")),
    created_at: c.t(it, "createdAt"),
    updated_at: c.t(it, "updatedAt"),
    requires_shipping: bool(get(it, "requiresShipping"), true),
    cost: moneyV2(get(it, "unitCost"))?.amount ?? null,
    country_code_of_origin: str(get(it, "countryCodeOfOrigin")),
    province_code_of_origin: str(get(it, "provinceCodeOfOrigin")),
    harmonized_system_code: str(get(it, "harmonizedSystemCode")),
    tracked: bool(get(it, "tracked"), true),
    country_harmonized_system_codes: [],
    weight_value: typeof w?.value === "number" ? w.value : 0,
    weight_unit: WEIGHT_UNITS[String(w?.unit)] ?? "lb",
    admin_graphql_api_id: str(get(it, "id")),
  };
}

function inventoryLevel(c: Conv, lvl: Rec, item?: Rec): Json {
  const qs = list(get(lvl, "quantities", { names: ["available"] }));
  const available = qs.find((q) => get(q, "name") === "available");
  const gid = str(get(lvl, "id"));
  const itemId =
    idOf(get(lvl, "item")) ??
    idOf(item) ??
    numericId(/inventory_item_id=(\d+)/.exec(gid ?? "")?.[1]);
  return {
    inventory_item_id: itemId,
    location_id: idOf(get(lvl, "location")) ?? numericId(gid),
    available: (get(available, "quantity") as number | undefined) ?? null,
    updated_at: c.t(lvl, "updatedAt"),
    admin_graphql_api_id: gid,
  };
}

function location(c: Conv, l: Rec): Json {
  const a = get(l, "address") as Rec | undefined;
  const code = str(get(a, "countryCode"));
  return {
    id: idOf(l),
    name: str(get(l, "name")),
    address1: str(get(a, "address1")),
    address2: str(get(a, "address2")),
    city: str(get(a, "city")),
    zip: str(get(a, "zip")),
    province: str(get(a, "province")),
    country: code,
    phone: str(get(a, "phone")),
    created_at: c.t(l, "createdAt"),
    updated_at: c.t(l, "updatedAt"),
    country_code: code,
    country_name: str(get(a, "country")) ?? countryName(code),
    province_code: str(get(a, "provinceCode")),
    legacy: bool(get(l, "isFulfillmentService")),
    active: bool(get(l, "isActive"), true),
    admin_graphql_api_id: str(get(l, "id")),
  };
}

function checkout(c: Conv, k: Rec): Json {
  const id = idOf(k);
  const currency =
    moneyV2((get(k, "totalPriceSet") as Rec | undefined)?.shopMoney)?.currencyCode ?? c.currency;
  const customer = c.deref(get(k, "customer"));
  const amt = (f: string) => amount(get(k, f));
  return {
    id, // not in the 2026-07 sample's top level, but real deliveries carry it (and checkouts/delete does)
    token: id !== null ? id.toString(16).padStart(32, "0") : null,
    cart_token: null,
    email: str(get(customer, "email") ?? get(get(customer, "defaultEmailAddress"), "emailAddress")),
    gateway: null,
    buyer_accepts_marketing: false,
    created_at: c.t(k, "createdAt"),
    updated_at: c.t(k, "updatedAt"),
    landing_site: null,
    note: str(get(k, "note")),
    note_attributes: c.attributes(get(k, "customAttributes")),
    referring_site: null,
    shipping_lines: [],
    taxes_included: bool(get(k, "taxesIncluded")),
    total_weight: 0,
    currency,
    completed_at: c.t(k, "completedAt"),
    closed_at: null,
    user_id: null,
    location_id: null,
    source_identifier: null,
    source_url: null,
    device_id: null,
    phone: null,
    customer_locale: null,
    line_items: items(k, "lineItems").map((li) => {
      const unit = amount(get(li, "originalUnitPriceSet"));
      return {
        applied_discounts: [],
        discount_allocations: [],
        key: str(get(li, "id")),
        destination_location_id: null,
        fulfillment_service: "manual",
        gift_card: false,
        grams: 0,
        origin_location_id: null,
        presentment_title: str(get(li, "title")),
        presentment_variant_title: str(get(li, "variantTitle")),
        product_id: idOf(get(li, "product")),
        properties: null,
        quantity: (get(li, "quantity") as number | undefined) ?? 0,
        requires_shipping: true,
        sku: str(get(li, "sku")),
        tax_lines: [],
        taxable: true,
        title: str(get(li, "title")),
        variant_id: idOf(get(li, "variant")),
        variant_title: str(get(li, "variantTitle")),
        variant_price: unit,
        vendor: null,
        user_id: null,
        unit_price_measurement: {
          measured_type: null,
          quantity_value: null,
          quantity_unit: null,
          reference_value: null,
          reference_unit: null,
        },
        rank: null,
        compare_at_price: null,
        line_price: amount(get(li, "originalTotalPriceSet")),
        price: unit,
      };
    }),
    name: str(get(k, "name")) ?? (id !== null ? `#${id}` : null),
    source: null,
    abandoned_checkout_url: str(get(k, "abandonedCheckoutUrl")),
    discount_codes: ((get(k, "discountCodes") as string[] | undefined) ?? []).map((code) => ({
      code,
      amount: amt("totalDiscountSet") ?? "0.00",
      type: "fixed_amount",
    })),
    tax_lines: c
      .taxLines(get(k, "taxLines"))
      .map(({ price, rate, title, channel_liable }) => ({ price, rate, title, channel_liable })),
    source_name: "web",
    presentment_currency:
      moneyV2((get(k, "totalPriceSet") as Rec | undefined)?.presentmentMoney)?.currencyCode ??
      currency,
    buyer_accepts_sms_marketing: false,
    sms_marketing_phone: null,
    total_discounts: amt("totalDiscountSet") ?? "0.00",
    total_line_items_price: amt("totalLineItemsPriceSet"),
    total_price: amt("totalPriceSet"),
    total_tax: amt("totalTaxSet") ?? "0.00",
    subtotal_price: amt("subtotalPriceSet"),
    total_duties: amt("totalDutiesSet"),
    reservation_token: null,
    billing_address: c.orderAddress(get(k, "billingAddress")),
    shipping_address: c.orderAddress(get(k, "shippingAddress")),
    customer: c.customer(customer, false),
  };
}

function discount(c: Conv, node: Rec): Json {
  const d = (get(node, "discount") as Rec | undefined) ?? node;
  return {
    admin_graphql_api_id: str(get(node, "id")),
    title: str(get(d, "title")),
    status: str(get(d, "status")),
    created_at: c.t(d, "createdAt"),
    updated_at: c.t(d, "updatedAt") ?? c.t(node, "updatedAt"),
  };
}

function dispute(c: Conv, d: Rec): Json {
  const amt = moneyV2(get(d, "amount"));
  const reason = get(d, "reasonDetails");
  return {
    id: idOf(d),
    order_id: idOf(get(d, "order")),
    type: lower(get(d, "type")),
    amount: amt?.amount ?? null,
    currency: amt?.currencyCode ?? c.currency,
    reason: lower(get(reason, "reason")),
    network_reason_code: str(get(reason, "networkReasonCode")),
    status: lower(get(d, "status")),
    evidence_due_by: c.t(d, "evidenceDueBy"),
    evidence_sent_on: c.t(d, "evidenceSentOn"),
    finalized_on: c.t(d, "finalizedOn"),
    initiated_at: c.t(d, "initiatedAt"),
  };
}

function shop(c: Conv, s: Rec): Json {
  const a = get(s, "shopAddress") as Rec | undefined;
  const fmt = get(s, "currencyFormats") as Rec | undefined;
  const plan = get(s, "plan") as Rec | undefined;
  const tz = str(get(s, "ianaTimezone")) ?? c.tz;
  const offset = (localTimestamp(new Date().toISOString(), tz) ?? "+00:00").slice(-6);
  const weight = str(get(s, "weightUnit"));
  const domain = str(get(s, "myshopifyDomain")) ?? c.ctx.domain ?? null;
  const code = str(get(a, "countryCodeV2"));
  const currency = str(get(s, "currencyCode")) ?? c.currency;
  return {
    id: idOf(s),
    name: str(get(s, "name")),
    email: str(get(s, "email")),
    domain: str(get(get(s, "primaryDomain"), "host")) ?? domain,
    province: str(get(a, "province")),
    country: code,
    address1: str(get(a, "address1")),
    zip: str(get(a, "zip")),
    city: str(get(a, "city")),
    source: null,
    phone: str(get(a, "phone")),
    latitude: (get(a, "latitude") as number | undefined) ?? null,
    longitude: (get(a, "longitude") as number | undefined) ?? null,
    primary_locale: "en",
    address2: str(get(a, "address2")),
    created_at: c.t(s, "createdAt"),
    updated_at: c.t(s, "updatedAt"),
    country_code: code,
    country_name: str(get(a, "country")) ?? countryName(code),
    currency,
    customer_email: str(get(s, "contactEmail")) ?? str(get(s, "email")),
    timezone: `(GMT${offset}) ${tz}`,
    iana_timezone: tz,
    shop_owner: str(get(s, "shopOwnerName")),
    money_format: str(get(fmt, "moneyFormat")) ?? "${{amount}}",
    money_with_currency_format:
      str(get(fmt, "moneyWithCurrencyFormat")) ?? `\${{amount}} ${currency}`,
    weight_unit: WEIGHT_UNITS[weight ?? ""] ?? "kg",
    province_code: str(get(a, "provinceCode")),
    taxes_included: (get(s, "taxesIncluded") as boolean | undefined) ?? null,
    auto_configure_tax_inclusivity: null,
    tax_shipping: (get(s, "taxShipping") as boolean | undefined) ?? null,
    county_taxes: null,
    plan_display_name: str(get(plan, "publicDisplayName")),
    plan_name: str(get(plan, "publicDisplayName"))?.toLowerCase().replace(/\s+/g, "_") ?? null,
    has_discounts: false,
    has_gift_cards: bool(get(get(s, "features"), "giftCards")),
    myshopify_domain: domain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: str(get(fmt, "moneyInEmailsFormat")) ?? "${{amount}}",
    money_with_currency_in_emails_format:
      str(get(fmt, "moneyWithCurrencyInEmailsFormat")) ?? `\${{amount}} ${currency}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: null,
    has_storefront: bool(get(get(s, "features"), "storefront"), true),
    finances: true,
    primary_location_id: null,
    checkout_api_supported: bool(get(s, "checkoutApiSupported"), true),
    multi_location_enabled: true,
    setup_required: bool(get(s, "setupRequired")),
    pre_launch_enabled: false,
    enabled_presentment_currencies: (get(s, "enabledPresentmentCurrencies") as
      string[] | undefined) ?? [currency],
    marketing_sms_consent_enabled_at_checkout: bool(get(s, "marketingSmsConsentEnabledAtCheckout")),
    transactional_sms_disabled: bool(get(s, "transactionalSmsDisabled")),
  };
}

function bulkOperation(c: Conv, b: Rec): Json {
  return {
    admin_graphql_api_id: str(get(b, "id")),
    completed_at: c.t(b, "completedAt"),
    created_at: c.t(b, "createdAt"),
    error_code: lower(get(b, "errorCode")),
    status: lower(get(b, "status")),
    type: lower(get(b, "type")),
  };
}

function orderEdit(c: Conv, o: Rec, edit?: Rec): Json {
  return {
    order_edit: {
      id: idOf(edit) ?? null,
      app_id: null,
      created_at: c.t(edit ?? o, edit ? "createdAt" : "updatedAt"),
      committed_at: c.t(edit ?? o, edit ? "committedAt" : "updatedAt"),
      notify_customer: false,
      order_id: idOf(o),
      staff_note: "",
      user_id: null,
      line_items: { additions: [], removals: [] },
      discounts: { line_item: { additions: [], removals: [] } },
      shipping_lines: { additions: [], removals: [] },
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Topic table

type Builder = (c: Conv, record: Rec, subject?: Rec) => Json;
const need = (subject: Rec | undefined, topic: string): Rec => {
  if (!subject) throw new Error(`webhook topic ${topic} needs a subject record`);
  return subject;
};
const ORDER_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/paid",
  "orders/partially_fulfilled",
];
const BUILDERS: Record<string, Builder> = {
  ...Object.fromEntries(ORDER_TOPICS.map((t) => [t, (c: Conv, r: Rec) => order(c, r)])),
  "orders/delete": (_c, r) => ({ id: idOf(r) }),
  "orders/edited": (c, r, s) => orderEdit(c, r, s),
  "products/create": (c, r) => product(c, r),
  "products/update": (c, r) => product(c, r),
  "products/delete": (_c, r) => ({ id: idOf(r) }),
  "customers/create": (c, r) => c.customer(r, true)!,
  "customers/update": (c, r) => c.customer(r, true)!,
  "customers/enable": (c, r) => c.customer(r, true)!,
  "customers/disable": (c, r) => c.customer(r, true)!,
  "customers/delete": (_c, r) => ({
    id: idOf(r),
    tax_exemptions: (get(r, "taxExemptions") as unknown[] | undefined) ?? [],
    admin_graphql_api_id: str(get(r, "id")),
  }),
  "inventory_items/create": (c, r) => inventoryItem(c, r),
  "inventory_items/update": (c, r) => inventoryItem(c, r),
  "inventory_items/delete": (_c, r) => ({
    id: idOf(r),
    country_code_of_origin: str(get(r, "countryCodeOfOrigin")),
    province_code_of_origin: str(get(r, "provinceCodeOfOrigin")),
    harmonized_system_code: str(get(r, "harmonizedSystemCode")),
    country_harmonized_system_codes: [],
    admin_graphql_api_id: str(get(r, "id")),
  }),
  "inventory_levels/update": (c, r, s) => inventoryLevel(c, s ?? r, s ? r : undefined),
  "inventory_levels/connect": (c, r, s) => inventoryLevel(c, s ?? r, s ? r : undefined),
  "inventory_levels/disconnect": (c, r, s) => {
    const x = inventoryLevel(c, s ?? r, s ? r : undefined);
    return { inventory_item_id: x.inventory_item_id, location_id: x.location_id };
  },
  "locations/create": (c, r) => location(c, r),
  "locations/update": (c, r) => location(c, r),
  "locations/activate": (c, r) => location(c, r),
  "locations/deactivate": (c, r) => location(c, r),
  "locations/delete": (_c, r) => ({ id: idOf(r) }),
  "order_transactions/create": (c, r, s) =>
    c.transaction(need(s, "order_transactions/create"), idOf(r)),
  "refunds/create": (c, r, s) => c.withOrder(r).refund(need(s, "refunds/create"), idOf(r)),
  "fulfillments/create": (c, r, s) => c.withOrder(r).fulfillment(need(s, "fulfillments/create"), r),
  "fulfillments/update": (c, r, s) => c.withOrder(r).fulfillment(need(s, "fulfillments/update"), r),
  "disputes/create": (c, r, s) => dispute(c, s ?? r),
  "disputes/update": (c, r, s) => dispute(c, s ?? r),
  "checkouts/create": (c, r) => checkout(c, r),
  "checkouts/update": (c, r) => checkout(c, r),
  "checkouts/delete": (c, r) => {
    const k = checkout(c, r);
    const keys = [
      "id",
      "presentment_currency",
      "buyer_accepts_sms_marketing",
      "sms_marketing_phone",
      "total_discounts",
      "total_line_items_price",
      "total_price",
      "total_tax",
      "subtotal_price",
      "cart_token",
      "total_duties",
      "reservation_token",
    ];
    return Object.fromEntries(keys.map((key) => [key, k[key]]));
  },
  "discounts/create": (c, r) => discount(c, r),
  "discounts/update": (c, r) => discount(c, r),
  "discounts/delete": (c, r) => ({
    admin_graphql_api_id: str(get(r, "id")),
    deleted_at: localTimestamp(new Date().toISOString(), c.tz),
  }),
  "discounts/redeemcode_added": (c, r, s) =>
    redeemCode(c, r, need(s, "discounts/redeemcode_added")),
  "discounts/redeemcode_removed": (c, r, s) =>
    redeemCode(c, r, need(s, "discounts/redeemcode_removed")),
  "shop/update": (c, r) => shop(c, r),
  "app/uninstalled": (c, r) => shop(c, r),
  "app/scopes_update": (_c, r) => ({
    id: numericId(get(r, "id")) ?? 1,
    shop_id: str(get(r, "shopId")),
    previous: (get(r, "previous") as string[] | undefined) ?? [],
    current: (get(r, "current") as string[] | undefined) ?? [],
    updated_at: utcMs(get(r, "updatedAt") ?? new Date().toISOString()),
  }),
  "bulk_operations/finish": (c, r) => bulkOperation(c, r),
};
function redeemCode(c: Conv, node: Rec, code: Rec): Json {
  return {
    admin_graphql_api_id: str(get(node, "id")),
    redeem_code: { id: str(get(code, "id")), code: str(get(code, "code")) },
    updated_at: utcMs(
      get(code, "updatedAt") ?? get(get(node, "discount"), "updatedAt") ?? new Date().toISOString(),
    ),
  };
}

/** Topics about a child object, the child's GraphQL type, and where the parent record keeps such children. */
const SUBJECT_TYPES: Record<string, { type: string; field?: string }> = {
  "order_transactions/create": { type: "OrderTransaction", field: "transactions" },
  "refunds/create": { type: "Refund", field: "refunds" },
  "fulfillments/create": { type: "Fulfillment", field: "fulfillments" },
  "fulfillments/update": { type: "Fulfillment", field: "fulfillments" },
  "inventory_levels/update": { type: "InventoryLevel" },
  "inventory_levels/connect": { type: "InventoryLevel" },
  "inventory_levels/disconnect": { type: "InventoryLevel" },
  "discounts/redeemcode_added": { type: "DiscountRedeemCode" },
  "discounts/redeemcode_removed": { type: "DiscountRedeemCode" },
};

/**
 * The subject(s) a topic's payload is about. One change may name several extra topics with a single
 * subject (a refund for `refunds/create` + `order_transactions/create`): each topic gets the objects of
 * its own type — the subject itself, those nested in it (the refund's transactions), or else the newest
 * such child of the record. Topics without a child type get `[subject]` (possibly undefined).
 */
export function subjectsFor(
  topic: string,
  record: GqlRecord,
  subject?: GqlRecord,
): (GqlRecord | undefined)[] {
  const want = SUBJECT_TYPES[topic];
  if (!want) return [subject];
  if (subject && (subject.__typename === want.type || !subject.__typename)) return [subject];
  if (subject && want.field) {
    const nested = list(get(subject, want.field)).filter(
      (x) => get(x, "__typename") === want.type || !get(x, "__typename"),
    );
    if (nested.length) return nested as GqlRecord[];
  }
  if (want.field) {
    const own = list(get(record, want.field));
    if (own.length) return [own[own.length - 1] as GqlRecord];
  }
  return [];
}

/** Topics restPayload() can build (compliance topics are built by compliancePayload()). */
export const PAYLOAD_TOPICS: readonly string[] = Object.keys(BUILDERS);
export const COMPLIANCE_TOPICS = [
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];

/**
 * REST payload of `topic` for a GraphQL-shaped `record` (and the sub-object `subject` for topics about
 * a child: refunds/create, fulfillments/*, order_transactions/create, inventory_levels/*, redeem codes).
 * Throws for unknown topics.
 */
export function restPayload(
  topic: string,
  record: GqlRecord,
  subject?: GqlRecord,
  ctx: PayloadContext = {},
): Record<string, unknown> {
  const build = BUILDERS[topic];
  if (!build) throw new Error(`Unknown webhook topic: ${topic}`);
  return build(new Conv(ctx), record as Rec, subject as Rec | undefined);
}

/** Compliance payloads (customers/data_request, customers/redact, shop/redact) as Shopify sends them. */
export function compliancePayload(
  topic: ComplianceTopic,
  shopRecord: GqlRecord | undefined,
  domain: string,
  customer?: GqlRecord,
  orderIds: (string | number)[] = [],
  dataRequestId = 1,
): Record<string, unknown> {
  const base = { shop_id: numericId(get(shopRecord, "id")), shop_domain: domain };
  if (topic === "shop/redact") return base;
  const cust = {
    id: idOf(customer),
    email: str(get(customer, "email") ?? get(get(customer, "defaultEmailAddress"), "emailAddress")),
    phone: str(get(customer, "phone") ?? get(get(customer, "defaultPhoneNumber"), "phoneNumber")),
  };
  const orders = orderIds.map((o) => numericId(o)).filter((o): o is number => o !== null);
  if (topic === "customers/redact") return { ...base, customer: cust, orders_to_redact: orders };
  if (topic === "customers/data_request")
    return {
      ...base,
      customer: cust,
      orders_requested: orders,
      data_request: { id: dataRequestId },
    };
  throw new Error(`Unknown compliance topic: ${String(topic)}`);
}
