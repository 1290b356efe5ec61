/**
 * The deterministic, lazy generator: one ResourceSource per root collection. Every record is a pure
 * function of (seed, resource, index); metadata for filtering/sorting is O(1) per index.
 */
import type { GqlRecord, ResourceName, ShopConfig, SortKey } from "../types";
import * as cat from "./catalog";
import { customer, customerMeta, customerMetaOf } from "./customers";
import { BASE, Gen, S } from "./gen";
import type { Meta, ResourceSource } from "./internal";
import * as mk from "./marketing";
import { money, PRESENTMENT_CURRENCIES } from "./money";
import { order, orderMeta, orderMetaOf } from "./orders";
import * as pay from "./payments";
import { DAY, iso } from "./rng";

export { Gen } from "./gen";

interface SourceSpec {
  resource: ResourceName;
  gidType: string;
  size: number;
  base: number;
  sparse?: boolean;
  createdMonotonic: boolean;
  sortKeys: SortKey[];
  exists?: (i: number) => boolean;
  meta: (i: number) => Meta;
  derive: (i: number) => GqlRecord;
  metaOf: (r: GqlRecord) => Meta;
  template: (i: number, now: number, input: Record<string, unknown>) => GqlRecord;
  idOf?: (i: number) => number;
  indexOf?: (id: number) => number;
}

function source(spec: SourceSpec): ResourceSource {
  const { base, size } = spec;
  return {
    resource: spec.resource,
    gidType: spec.gidType,
    size,
    sparse: !!spec.sparse,
    createdMonotonic: spec.createdMonotonic,
    sortKeys: spec.sortKeys,
    exists: spec.exists ?? (() => true),
    meta: spec.meta,
    derive: spec.derive,
    metaOf: spec.metaOf,
    template: spec.template,
    idOf: spec.idOf ?? ((i) => base + i),
    indexOf:
      spec.indexOf ??
      ((id) => (Number.isInteger(id) && id >= base && id < base + size ? id - base : -1)),
  };
}

function withTimes(m: Meta, id: number, now: number): Meta {
  return {
    ...m,
    id,
    createdAt: now,
    updatedAt: now,
    processedAt: m.processedAt === undefined ? undefined : now,
  };
}

export function createSources(g: Gen): Record<ResourceName, ResourceSource> {
  const sz = g.sizes;
  const N = sz.orders;
  return {
    orders: source({
      resource: "orders",
      gidType: "Order",
      size: N,
      base: BASE.orders,
      createdMonotonic: true,
      sortKeys: ["CREATED_AT", "UPDATED_AT", "PROCESSED_AT", "NAME"],
      meta: (i) => orderMeta(g, i),
      derive: (i) => order(g, i),
      metaOf: orderMetaOf,
      template: (i, now) => order(g, i, now),
    }),
    products: source({
      resource: "products",
      gidType: "Product",
      size: sz.products,
      base: BASE.products,
      createdMonotonic: true,
      sortKeys: ["CREATED_AT", "UPDATED_AT", "TITLE"],
      meta: (i) => cat.productMeta(g, i),
      derive: (i) => cat.product(g, i),
      metaOf: cat.productMetaOf,
      template: (i, now) => {
        const c = cat.productCore(g, i);
        return cat.product(g, i, {
          id: BASE.products + i,
          createdAt: now,
          updatedAt: now,
          title: c.title,
          status: c.status.toLowerCase(),
        });
      },
    }),
    customers: source({
      resource: "customers",
      gidType: "Customer",
      size: sz.customers,
      base: BASE.customers,
      createdMonotonic: false,
      sortKeys: ["CREATED_AT", "UPDATED_AT", "NAME"],
      meta: (i) => customerMeta(g, i),
      derive: (i) => customer(g, i),
      metaOf: customerMetaOf,
      template: (i, now) => customer(g, i, withTimes(customerMeta(g, i), BASE.customers + i, now)),
    }),
    locations: source({
      resource: "locations",
      gidType: "Location",
      size: sz.locations,
      base: BASE.locations,
      createdMonotonic: true,
      sortKeys: ["CREATED_AT", "UPDATED_AT", "NAME"],
      meta: (i) => cat.locationMeta(g, i),
      derive: (i) => cat.location(g, i),
      metaOf: (r) => ({
        id: cat.numericOf(r.id),
        createdAt: cat.t(r.createdAt),
        updatedAt: cat.t(r.updatedAt),
        name: r.name as string,
      }),
      template: (i, now) =>
        cat.location(g, i, withTimes(cat.locationMeta(g, i), BASE.locations + i, now)),
    }),
    inventoryItems: source({
      resource: "inventoryItems",
      gidType: "InventoryItem",
      size: cat.itemCount(g),
      base: 0,
      createdMonotonic: true,
      sortKeys: ["CREATED_AT", "UPDATED_AT"],
      meta: (i) => cat.itemMeta(g, i),
      derive: (i) => cat.inventoryItem(g, i),
      metaOf: cat.itemMetaOf,
      idOf: (i) => {
        const { p, k } = cat.itemPosition(g, i);
        return cat.variantId(BASE.products + p, k);
      },
      indexOf: (id) => cat.itemIndexOf(g, id),
      template: () => {
        throw new Error(
          "inventory items are created with product variants: create or update a product instead",
        );
      },
    }),
    abandonedCheckouts: source({
      resource: "abandonedCheckouts",
      gidType: "AbandonedCheckout",
      size: sz.abandonedCheckouts,
      base: BASE.abandonedCheckouts,
      createdMonotonic: true,
      sortKeys: ["CREATED_AT", "UPDATED_AT", "NAME"],
      meta: (i) => mk.checkoutMeta(g, i),
      derive: (i) => mk.checkout(g, i),
      metaOf: mk.checkoutMetaOf,
      template: (i, now) =>
        mk.checkout(g, i, withTimes(mk.checkoutMeta(g, i), BASE.abandonedCheckouts + i, now)),
    }),
    marketingEvents: source({
      resource: "marketingEvents",
      gidType: "MarketingEvent",
      size: sz.marketingEvents,
      base: BASE.marketingEvents,
      createdMonotonic: true,
      sortKeys: ["CREATED_AT", "UPDATED_AT"],
      meta: (i) => mk.marketingMeta(g, i),
      derive: (i) => mk.marketingEvent(g, i),
      metaOf: mk.marketingMetaOf,
      template: (i, now) =>
        mk.marketingEvent(g, i, withTimes(mk.marketingMeta(g, i), BASE.marketingEvents + i, now)),
    }),
    discounts: source({
      resource: "discounts",
      gidType: "DiscountNode",
      size: sz.discounts,
      base: BASE.discounts,
      createdMonotonic: true,
      sortKeys: ["CREATED_AT", "UPDATED_AT", "TITLE"],
      meta: (i) => mk.discountMeta(g, i),
      derive: (i) => mk.discount(g, i),
      metaOf: mk.discountMetaOf,
      template: (i, now) => {
        const r = mk.discount(g, i, withTimes(mk.discountMeta(g, i), BASE.discounts + i, now));
        const d = r.discount as Record<string, unknown>;
        d.startsAt = iso(now);
        d.endsAt = null;
        d.status = "ACTIVE";
        return r;
      },
    }),
    payouts: source({
      resource: "payouts",
      gidType: "ShopifyPaymentsPayout",
      size: sz.payouts,
      base: BASE.payouts,
      createdMonotonic: true,
      sortKeys: ["CREATED_AT", "UPDATED_AT"],
      meta: (j) => pay.payoutMeta(g, j),
      derive: (j) => pay.payout(g, j),
      metaOf: pay.payoutMetaOf,
      template: (j, now) => {
        const r = pay.payout(g, 0);
        const id = BASE.payouts + j;
        return {
          ...r,
          id: g.gid("ShopifyPaymentsPayout", id),
          legacyResourceId: String(id),
          issuedAt: iso(now),
          status: "SCHEDULED",
        };
      },
    }),
    disputes: source({
      resource: "disputes",
      gidType: "ShopifyPaymentsDispute",
      size: N,
      base: BASE.disputes,
      sparse: true,
      createdMonotonic: false,
      sortKeys: ["CREATED_AT", "UPDATED_AT"],
      exists: (i) => pay.disputeExists(g, i),
      meta: (i) => pay.disputeMeta(g, i),
      derive: (i) => pay.dispute(g, i)!,
      metaOf: pay.disputeMetaOf,
      template: (i, now, input) => {
        const id = BASE.disputes + i;
        const orderRef =
          (input.order as { id?: string } | undefined)?.id ??
          g.gid("Order", BASE.orders + Math.max(0, N - 1));
        return {
          __typename: "ShopifyPaymentsDispute",
          id: g.gid("ShopifyPaymentsDispute", id),
          legacyResourceId: String(id),
          amount: money(5000, g.currency),
          status: "NEEDS_RESPONSE",
          type: "CHARGEBACK",
          reasonDetails: { reason: "FRAUDULENT", networkReasonCode: "10.4" },
          initiatedAt: iso(now),
          evidenceDueBy: iso(now + 21 * DAY),
          evidenceSentOn: null,
          finalizedOn: null,
          order: { __typename: "Order", id: orderRef },
        };
      },
    }),
    balanceTransactions: source({
      resource: "balanceTransactions",
      gidType: "ShopifyPaymentsBalanceTransaction",
      size: N * 4,
      base: BASE.balanceTransactions,
      sparse: true,
      createdMonotonic: false,
      sortKeys: ["CREATED_AT", "UPDATED_AT"],
      exists: (i) => pay.balanceExists(g, i),
      meta: (i) => pay.balanceMeta(g, i),
      derive: (i) => pay.balanceTransaction(g, i)!,
      metaOf: pay.balanceMetaOf,
      template: (i, now) => {
        const id = BASE.balanceTransactions + i;
        return {
          __typename: "ShopifyPaymentsBalanceTransaction",
          id: g.gid("ShopifyPaymentsBalanceTransaction", id),
          type: "ADJUSTMENT",
          test: false,
          amount: money(0, g.currency),
          fee: money(0, g.currency),
          net: money(0, g.currency),
          transactionDate: iso(now),
          sourceType: "ADJUSTMENT",
          sourceId: null,
          sourceOrderTransactionId: null,
          associatedOrder: null,
          associatedPayout: { id: null, status: "PENDING" },
          adjustmentReason: "manual_adjustment",
          adjustmentsOrders: [],
        };
      },
    }),
  };
}

const PLAN_NAMES: Record<string, [string, boolean]> = {
  basic: ["Basic", false],
  standard: ["Grow", false],
  advanced: ["Advanced", false],
  plus: ["Plus", true],
};

/** The Shop object. */
export function shopRecord(g: Gen): GqlRecord {
  const handle = g.domain.replace(/\.myshopify\.com$/, "");
  const name = handle
    .split(/[-_.]/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(" ");
  const [planName, plus] = PLAN_NAMES[g.plan] ?? PLAN_NAMES.standard;
  const created = g.anchor - 1130 * DAY;
  const x = g.h(S.shop, g.shopNumber, 1);
  return {
    __typename: "Shop",
    id: g.gid("Shop", g.shopNumber),
    name: name || handle,
    email: `owner@${handle}.example.com`,
    contactEmail: `support@${handle}.example.com`,
    shopOwnerName: "Alex Owner",
    myshopifyDomain: g.domain,
    url: `https://${handle}.example.com`,
    primaryDomain: {
      id: g.gid("Domain", g.shopNumber),
      host: `${handle}.example.com`,
      url: `https://${handle}.example.com`,
      sslEnabled: true,
    },
    currencyCode: g.currency,
    enabledPresentmentCurrencies: [
      g.currency,
      ...PRESENTMENT_CURRENCIES.filter((c) => c !== g.currency),
    ],
    ianaTimezone: g.timezone,
    timezoneAbbreviation: g.timezone === "America/New_York" ? "EST" : "UTC",
    weightUnit: "GRAMS",
    unitSystem: "METRIC_SYSTEM",
    taxesIncluded: false,
    taxShipping: false,
    setupRequired: false,
    checkoutApiSupported: true,
    transactionalSmsDisabled: false,
    marketingSmsConsentEnabledAtCheckout: false,
    orderNumberFormatPrefix: "#",
    orderNumberFormatSuffix: "",
    description: `${name} — a simulated store`,
    plan: { publicDisplayName: planName, partnerDevelopment: false, shopifyPlus: plus },
    shopAddress: {
      id: g.gid("ShopAddress", g.shopNumber),
      address1: `${100 + (x % 800)} Main St`,
      address2: null,
      city: "New York",
      province: "New York",
      provinceCode: "NY",
      country: "United States",
      countryCodeV2: "US",
      zip: "10001",
      company: name,
      phone: "+12125550100",
      latitude: 40.7128,
      longitude: -74.006,
      coordinatesValidated: true,
      formatted: [`${100 + (x % 800)} Main St`, "New York NY 10001", "United States"],
      formattedArea: "New York NY, United States",
    },
    shipsToCountries: ["US", "CA", "GB", "DE", "FR", "AU"],
    createdAt: iso(created),
    updatedAt: iso(g.anchor - 10 * DAY),
  };
}

export function createGen(config: ShopConfig): Gen {
  return new Gen(config);
}
