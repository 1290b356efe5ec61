/** Discounts (DiscountNode), abandoned checkouts and marketing events. */
import type { GqlRecord } from "../types";
import {
  productCore,
  variantId,
  variantPrice,
  variantSku,
  variantTitle,
  numericOf,
  t,
} from "./catalog";
import { BASE, Gen, S } from "./gen";
import type { Meta } from "./internal";
import { bag, money, roundDiv } from "./money";
import { mailingAddress } from "./people";
import { DAY, HOUR, iso, Rng, weighted } from "./rng";
import { CAMPAIGNS } from "./words";

// ---------------------------------------------------------------- discounts

export type DiscountKind =
  | "DiscountCodeBasic"
  | "DiscountCodeFreeShipping"
  | "DiscountCodeBxgy"
  | "DiscountAutomaticBasic"
  | "DiscountAutomaticBxgy"
  | "DiscountAutomaticFreeShipping";

const CODE_WORDS = [
  "SAVE",
  "WELCOME",
  "SUMMER",
  "VIP",
  "FLASH",
  "HELLO",
  "THANKS",
  "SPRING",
] as const;

export interface DiscountCore {
  kind: DiscountKind;
  pct: number;
  codeCount: number;
  title: string;
  isCode: boolean;
}

export function discountCore(g: Gen, d: number): DiscountCore {
  const kind = weighted<DiscountKind>(g.hu(S.discount, d, 1), [
    ["DiscountCodeBasic", 45],
    ["DiscountCodeFreeShipping", 15],
    ["DiscountCodeBxgy", 10],
    ["DiscountAutomaticBasic", 20],
    ["DiscountAutomaticBxgy", 5],
    ["DiscountAutomaticFreeShipping", 5],
  ]);
  const x = g.h(S.discount, d, 2);
  const pct = [10, 15, 20, 25, 30][x % 5];
  const isCode = kind.startsWith("DiscountCode");
  const codeCount =
    kind === "DiscountCodeBasic" && (x >>> 8) % 5 === 0 ? 5 + ((x >>> 12) % 21) : isCode ? 1 : 0;
  const title = isCode
    ? codeCount > 1
      ? `Bulk ${CODE_WORDS[(x >>> 16) % CODE_WORDS.length]} codes ${d + 1}`
      : discountCode(g, d, 0)
    : kind === "DiscountAutomaticBasic"
      ? `${pct}% off everything (${d + 1})`
      : kind === "DiscountAutomaticBxgy"
        ? `Buy 2 get 1 free (${d + 1})`
        : `Free shipping over $50 (${d + 1})`;
  return { kind, pct, codeCount, title, isCode };
}

/** Code k of discount d (unique per shop). */
export function discountCode(g: Gen, d: number, k: number): string {
  const x = g.h(S.discount, d, 2);
  const word = CODE_WORDS[(x >>> 16) % CODE_WORDS.length];
  const pct = [10, 15, 20, 25, 30][x % 5];
  if (k === 0) return `${word}${pct}-${(d + 1).toString(36).toUpperCase()}`;
  return `${word}-${(d + 1).toString(36).toUpperCase()}-${(g.h(S.discount, d * 1000 + k, 3) % 1_679_616).toString(36).toUpperCase().padStart(4, "0")}`;
}

export function discountMeta(g: Gen, d: number): Meta {
  const createdAt = g.time(g.discountTimes, d);
  const c = discountCore(g, d);
  const { startsAt, endsAt } = discountWindow(g, d, createdAt);
  return {
    id: BASE.discounts + d,
    createdAt,
    updatedAt: Math.min(g.anchor - 1, createdAt + (g.h(S.discount, d, 4) % (30 * DAY))),
    title: c.title,
    status: discountStatus(g, startsAt, endsAt).toLowerCase(),
  };
}
function discountWindow(
  g: Gen,
  d: number,
  createdAt: number,
): { startsAt: number; endsAt: number | null } {
  const startsAt = createdAt + (g.h(S.discount, d, 5) % (2 * DAY));
  const e = g.h(S.discount, d, 6);
  return { startsAt, endsAt: e % 10 < 4 ? startsAt + 7 * DAY + (e % (113 * DAY)) : null };
}
function discountStatus(g: Gen, startsAt: number, endsAt: number | null): string {
  return startsAt > g.anchor
    ? "SCHEDULED"
    : endsAt !== null && endsAt <= g.anchor
      ? "EXPIRED"
      : "ACTIVE";
}

export function discount(g: Gen, d: number, m: Meta = discountMeta(g, d)): GqlRecord {
  const c = discountCore(g, d);
  const rng = new Rng(g.h(S.discount, d, 99));
  const { startsAt, endsAt } = discountWindow(g, d, m.createdAt);
  const status = discountStatus(g, startsAt, endsAt);
  const codes: GqlRecord[] = [];
  let usage = 0;
  for (let k = 0; k < c.codeCount; k++) {
    const u = rng.int(c.codeCount > 1 ? 3 : 120);
    usage += u;
    codes.push({
      __typename: "DiscountRedeemCode",
      id: g.gid("DiscountRedeemCode", m.id * 1000 + k + 1),
      code: discountCode(g, d, k),
      asyncUsageCount: u,
    });
  }
  if (!c.isCode) usage = rng.int(300);
  const minimum = rng.chance(0.4)
    ? {
        __typename: "DiscountMinimumSubtotal",
        greaterThanOrEqualToSubtotal: money(5000, g.currency),
      }
    : null;
  const allItems = { __typename: "AllDiscountItems", allItems: true };
  const someProducts = {
    __typename: "DiscountProducts",
    products: [
      { __typename: "Product", id: g.gid("Product", BASE.products + (d % g.sizes.products)) },
    ],
    productVariants: [],
  };
  const pctValue = { __typename: "DiscountPercentage", percentage: c.pct / 100 };
  const common: Record<string, unknown> = {
    __typename: c.kind,
    title: c.title,
    status,
    startsAt: iso(startsAt),
    endsAt: endsAt === null ? null : iso(endsAt),
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
    asyncUsageCount: usage,
    combinesWith: {
      orderDiscounts: false,
      productDiscounts: false,
      shippingDiscounts: true,
      productDiscountsWithTagsOnSameCartLine: null,
    },
    context: { __typename: "DiscountBuyerSelectionAll", all: "ALL" },
    tags: [],
  };
  const sales = money(usage * (2000 + (d % 7) * 500), g.currency);
  const minText = minimum ? " • Minimum purchase of $50.00" : "";
  let body: Record<string, unknown>;
  switch (c.kind) {
    case "DiscountCodeBasic":
    case "DiscountAutomaticBasic":
      body = {
        summary: `${c.pct}% off entire order${minText}`,
        shortSummary: `${c.pct}% off entire order`,
        customerGets: {
          value: pctValue,
          items: allItems,
          appliesOnOneTimePurchase: true,
          appliesOnSubscription: false,
        },
        minimumRequirement: minimum,
        discountClasses: ["ORDER"],
        recurringCycleLimit: c.kind === "DiscountAutomaticBasic" ? 1 : null,
      };
      break;
    case "DiscountCodeBxgy":
    case "DiscountAutomaticBxgy":
      body = {
        summary: "Buy 2 items, get 1 item free",
        customerBuys: {
          value: { __typename: "DiscountQuantity", quantity: "2" },
          items: someProducts,
          isOneTimePurchase: true,
          isSubscription: false,
        },
        customerGets: {
          value: {
            __typename: "DiscountOnQuantity",
            quantity: { quantity: "1" },
            effect: { __typename: "DiscountPercentage", percentage: 1 },
          },
          items: someProducts,
          appliesOnOneTimePurchase: true,
          appliesOnSubscription: false,
        },
        usesPerOrderLimit: 1,
        discountClasses: ["PRODUCT"],
      };
      break;
    default:
      body = {
        summary: `Free shipping on all products${minText}`,
        shortSummary: "Free shipping",
        destinationSelection: { __typename: "DiscountCountryAll", allCountries: true },
        maximumShippingPrice: null,
        minimumRequirement: minimum,
        appliesOnOneTimePurchase: true,
        appliesOnSubscription: false,
        discountClasses: ["SHIPPING"],
        recurringCycleLimit: c.kind === "DiscountAutomaticFreeShipping" ? 1 : null,
      };
  }
  if (c.isCode) {
    Object.assign(body, {
      codes,
      codesCount: { count: codes.length, precision: "EXACT" },
      appliesOncePerCustomer: rng.chance(0.3),
      usageLimit: rng.chance(0.3) ? 100 : null,
      hasTimelineComment: false,
      shareableUrls: [],
      totalSales: sales,
    });
  } else if (c.kind !== "DiscountAutomaticBxgy") {
    Object.assign(
      body,
      c.kind === "DiscountAutomaticFreeShipping"
        ? { hasTimelineComment: false, totalSales: sales }
        : {},
    );
  }
  return {
    __typename: "DiscountNode",
    id: g.gid("DiscountNode", m.id),
    discount: { ...common, ...body },
  };
}

export function discountMetaOf(r: GqlRecord): Meta {
  const dsc = r.discount as Record<string, unknown>;
  return {
    id: numericOf(r.id),
    createdAt: t(dsc.createdAt),
    updatedAt: t(dsc.updatedAt),
    title: dsc.title as string,
    status: String(dsc.status).toLowerCase(),
  };
}

/** The `codeDiscountNodes` shape of a DiscountNode record (undefined for automatic discounts). */
export function asCodeDiscountNode(r: GqlRecord): GqlRecord | undefined {
  const dsc = r.discount as { __typename?: string } | undefined;
  if (!dsc?.__typename?.startsWith("DiscountCode")) return undefined;
  return {
    __typename: "DiscountCodeNode",
    id: String(r.id).replace("/DiscountNode/", "/DiscountCodeNode/"),
    codeDiscount: dsc,
  };
}
/** The `automaticDiscountNodes` shape of a DiscountNode record (undefined for code discounts). */
export function asAutomaticDiscountNode(r: GqlRecord): GqlRecord | undefined {
  const dsc = r.discount as { __typename?: string } | undefined;
  if (!dsc?.__typename?.startsWith("DiscountAutomatic")) return undefined;
  return {
    __typename: "DiscountAutomaticNode",
    id: String(r.id).replace("/DiscountNode/", "/DiscountAutomaticNode/"),
    automaticDiscount: dsc,
  };
}

// ---------------------------------------------------------------- abandoned checkouts

export function checkoutMeta(g: Gen, i: number): Meta {
  const createdAt = g.time(g.checkoutTimes, i);
  const x = g.h(S.checkout, i, 1);
  const recovery = x % 5 === 0 ? DAY + (x % (2 * DAY)) : 0;
  return {
    id: BASE.abandonedCheckouts + i,
    createdAt,
    updatedAt: Math.min(g.anchor - 1, createdAt + 60 + ((x >>> 3) % (3 * HOUR)) + recovery),
    name: `#${20001 + i}`,
  };
}

export function checkout(g: Gen, i: number, m: Meta = checkoutMeta(g, i)): GqlRecord {
  const rng = new Rng(g.h(S.checkout, i, 99));
  const cur = g.currency;
  const hasCustomer = rng.chance(0.75);
  const c = rng.int(g.sizes.customers);
  const maxP = Math.max(0, g.lastIndexAtOrBefore(g.productTimes, m.createdAt));
  const lines: GqlRecord[] = [];
  let subtotal = 0;
  let tax = 0;
  const n = rng.range(1, 3);
  for (let k = 0; k < n; k++) {
    const p = rng.int(maxP + 1);
    const vk = rng.int(g.variantCount(p));
    const qty = rng.chance(0.8) ? 1 : 2;
    const unit = variantPrice(g, p, vk);
    const total = unit * qty;
    subtotal += total;
    tax += roundDiv(total * 800, 10000);
    const pid = BASE.products + p;
    const vt = variantTitle(g, p, vk);
    lines.push({
      __typename: "AbandonedCheckoutLineItem",
      id: g.gid("AbandonedCheckoutLineItem", m.id * 1000 + k + 1),
      title: productCore(g, p).title,
      variantTitle: vt === "Default Title" ? null : vt,
      sku: variantSku(g, p, vk),
      quantity: qty,
      product: { __typename: "Product", id: g.gid("Product", pid) },
      variant: { __typename: "ProductVariant", id: g.gid("ProductVariant", variantId(pid, vk)) },
      originalUnitPriceSet: bag(unit, unit, cur, cur),
      originalTotalPriceSet: bag(total, total, cur, cur),
      discountedUnitPriceSet: bag(unit, unit, cur, cur),
      discountedTotalPriceSet: bag(total, total, cur, cur),
      discountedUnitPriceWithCodeDiscount: bag(unit, unit, cur, cur),
      discountedTotalPriceWithCodeDiscount: bag(total, total, cur, cur),
      customAttributes: [],
      discountAllocations: [],
    });
  }
  const completed = rng.chance(0.08)
    ? Math.min(m.updatedAt, m.createdAt + 3600 + rng.int(2 * DAY))
    : null;
  const token = rng.token(32);
  const addr = hasCustomer ? mailingAddress(g, c, 0, m.id * 1000 + 901, "Address") : null;
  return {
    __typename: "AbandonedCheckout",
    id: g.gid("AbandonedCheckout", m.id),
    name: m.name,
    abandonedCheckoutUrl: `https://${g.domain}/${g.shopNumber}/checkouts/ac/${token}/recover?key=${rng.token(16)}`,
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
    completedAt: completed === null ? null : iso(completed),
    customer: hasCustomer
      ? { __typename: "Customer", id: g.gid("Customer", BASE.customers + c) }
      : null,
    billingAddress: addr,
    shippingAddress: addr,
    discountCodes: [],
    note: "",
    customAttributes: [],
    taxesIncluded: false,
    taxLines: tax
      ? [
          {
            title: "Sales Tax",
            rate: 0.08,
            ratePercentage: 8,
            priceSet: bag(tax, tax, cur, cur),
            channelLiable: false,
          },
        ]
      : [],
    subtotalPriceSet: bag(subtotal, subtotal, cur, cur),
    totalLineItemsPriceSet: bag(subtotal, subtotal, cur, cur),
    totalDiscountSet: bag(0, 0, cur, cur),
    totalTaxSet: bag(tax, tax, cur, cur),
    totalDutiesSet: null,
    totalPriceSet: bag(subtotal + tax, subtotal + tax, cur, cur),
    lineItems: lines,
  };
}

export function checkoutMetaOf(r: GqlRecord): Meta {
  return {
    id: numericOf(r.id),
    createdAt: t(r.createdAt),
    updatedAt: t(r.updatedAt),
    name: r.name as string,
  };
}

// ---------------------------------------------------------------- marketing events

const TACTICS: readonly (readonly [string, string, string, string, string])[] = [
  // tactic, channel, utmSource, utmMedium, sourceAndMedium
  ["NEWSLETTER", "EMAIL", "shopify_email", "email", "Shopify Email newsletter"],
  ["AD", "SOCIAL", "facebook", "cpc", "Facebook ad"],
  ["AD", "SEARCH", "google", "cpc", "Google search ad"],
  ["POST", "SOCIAL", "instagram", "social", "Instagram post"],
  ["ABANDONED_CART", "EMAIL", "shopify_email", "email", "Abandoned cart email"],
  ["RETARGETING", "DISPLAY", "google", "display", "Google display retargeting"],
  ["AFFILIATE", "REFERRAL", "partner", "referral", "Affiliate referral"],
];

export function marketingMeta(g: Gen, i: number): Meta {
  const startedAt = g.time(g.marketingTimes, i);
  return { id: BASE.marketingEvents + i, createdAt: startedAt, updatedAt: startedAt };
}

export function marketingEvent(g: Gen, i: number, m: Meta = marketingMeta(g, i)): GqlRecord {
  const rng = new Rng(g.h(S.marketing, i, 99));
  const [tactic, channel, source, medium, sam] = rng.pick(TACTICS);
  const campaign = `${rng.pick(CAMPAIGNS)}-${i + 1}`;
  const scheduledEnd = m.createdAt + rng.range(7, 30) * DAY;
  const ended = scheduledEnd < g.anchor ? scheduledEnd : null;
  const email = channel === "EMAIL";
  return {
    __typename: "MarketingEvent",
    id: g.gid("MarketingEvent", m.id),
    legacyResourceId: String(m.id),
    type: tactic,
    marketingChannelType: channel,
    remoteId: `${campaign}-${rng.token(6)}`,
    startedAt: iso(m.createdAt),
    scheduledToEndAt: iso(scheduledEnd),
    endedAt: ended === null ? null : iso(ended),
    utmCampaign: campaign,
    utmSource: source,
    utmMedium: medium,
    sourceAndMedium: sam,
    description: `${sam} for ${campaign}`,
    manageUrl: `https://admin.shopify.com/store/${g.domain.replace(/\.myshopify\.com$/, "")}/marketing/${m.id}`,
    previewUrl: email ? `https://${g.domain}/marketing/preview/${m.id}` : null,
    channelHandle: null,
    app: {
      __typename: "App",
      id: g.gid("App", email ? 1_780_000 : 1_790_000 + rng.int(3)),
      title: email
        ? "Shopify Email"
        : source === "facebook" || source === "instagram"
          ? "Facebook & Instagram"
          : "Google & YouTube",
      handle: email ? "shopify-email" : source === "google" ? "google" : "facebook",
      apiKey: email
        ? "shopifyemail00000000000000000000"
        : "channelapp000000000000000000000" + (source.length % 10),
    },
  };
}

export function marketingMetaOf(r: GqlRecord): Meta {
  const s = t(r.startedAt);
  return { id: numericOf(r.id), createdAt: s, updatedAt: s };
}
