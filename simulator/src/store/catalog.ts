/** Locations, products (variants, media) and inventory items (levels with quantities). */
import type { GqlRecord } from "../types";
import { BASE, Gen, S, slug } from "./gen";
import type { Meta } from "./internal";
import { fmt, money, roundDiv } from "./money";
import { ANCHOR_SEC, DAY, HOUR, iso, Rng } from "./rng";
import {
  ADJECTIVES,
  COLORS,
  LOCATION_NAMES,
  MATERIALS,
  NOUNS,
  PLACES,
  PRODUCT_TAGS,
  PRODUCT_TYPES,
  SIZES,
  STREETS,
  VENDORS,
} from "./words";

// ---------------------------------------------------------------- locations

export function locationMeta(g: Gen, i: number): Meta {
  const createdAt = g.anchor - 1200 * DAY + i * 20 * DAY + (g.h(S.location, i, 1) % DAY);
  return {
    id: BASE.locations + i,
    createdAt,
    updatedAt: Math.min(g.anchor - 1, createdAt + (g.h(S.location, i, 2) % (300 * DAY))),
    name: locationName(i),
  };
}
function locationName(i: number): string {
  return i < LOCATION_NAMES.length
    ? LOCATION_NAMES[i]
    : `${LOCATION_NAMES[i % LOCATION_NAMES.length]} ${Math.floor(i / LOCATION_NAMES.length) + 1}`;
}

export function location(g: Gen, i: number, m: Meta = locationMeta(g, i)): GqlRecord {
  const pl = PLACES[i % 5];
  const hn = g.h(S.location, i, 3);
  const isActive = !(i === 4 && g.sizes.locations === 5) || false;
  const address1 = `${100 + (hn % 800)} ${STREETS[(hn >>> 8) % STREETS.length]}`;
  return {
    __typename: "Location",
    id: g.gid("Location", m.id),
    legacyResourceId: String(m.id),
    name: m.name,
    isActive,
    deactivatedAt: isActive ? null : iso(m.updatedAt),
    activatable: !isActive,
    deactivatable: isActive && i > 0,
    deletable: !isActive,
    addressVerified: true,
    fulfillsOnlineOrders: i < 3,
    shipsInventory: i < 3,
    hasActiveInventory: isActive,
    hasUnfulfilledOrders: i === 0,
    isFulfillmentService: false,
    address: {
      address1,
      address2: null,
      city: pl.city,
      province: pl.province,
      provinceCode: pl.provinceCode,
      country: pl.country,
      countryCode: pl.countryCode,
      zip: pl.zip,
      phone: `${pl.phonePrefix}555${String(1000 + i).slice(-4)}`,
      latitude: null,
      longitude: null,
      formatted: [address1, `${pl.city} ${pl.provinceCode} ${pl.zip}`, pl.country],
    },
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
  };
}

// ---------------------------------------------------------------- products

export interface ProductCore {
  title: string;
  noun: string;
  vendor: string;
  productType: string;
  status: "ACTIVE" | "DRAFT" | "ARCHIVED";
  basePrice: number; // cents, shop currency
  sizePremium: number;
  optionName: string;
  optionValues: string[];
}

export function productCore(g: Gen, i: number): ProductCore {
  const a = g.h(S.product, i, 1);
  const noun = NOUNS[(a >>> 8) % NOUNS.length];
  const title = `${ADJECTIVES[a % ADJECTIVES.length]} ${MATERIALS[(a >>> 16) % MATERIALS.length]} ${noun}`;
  const u = g.hu(S.product, i, 2);
  const n = g.variantCount(i);
  const apparel = PRODUCT_TYPES[noun] === "Apparel";
  const b = g.h(S.product, i, 3);
  return {
    title,
    noun,
    vendor: VENDORS[b % VENDORS.length],
    productType: PRODUCT_TYPES[noun] ?? "Other",
    status: u < 0.85 ? "ACTIVE" : u < 0.95 ? "DRAFT" : "ARCHIVED",
    basePrice: (4 + ((b >>> 4) % 36)) * 500 - 1,
    sizePremium: apparel && (b >>> 12) % 2 === 0 ? 200 : 0,
    optionName: n === 1 ? "Title" : apparel ? "Size" : "Color",
    optionValues: n === 1 ? ["Default Title"] : (apparel ? SIZES : COLORS).slice(0, n),
  };
}

export function productMeta(g: Gen, i: number): Meta {
  const createdAt = g.time(g.productTimes, i);
  const u = g.hu(S.product, i, 4);
  const r = g.h(S.product, i, 5);
  const delta = u < 0.5 ? r % (2 * HOUR) : u < 0.85 ? r % (60 * DAY) : r % (365 * DAY);
  const c = productCore(g, i);
  return {
    id: BASE.products + i,
    createdAt,
    updatedAt: Math.min(g.anchor - 1, createdAt + delta),
    title: c.title,
    status: c.status.toLowerCase(),
  };
}

/** Shop-currency price of variant k of generated product i (cents). */
export function variantPrice(g: Gen, i: number, k: number): number {
  const c = productCore(g, i);
  return c.basePrice + (c.sizePremium ? k * c.sizePremium : 0);
}
export function variantTitle(g: Gen, i: number, k: number): string {
  return productCore(g, i).optionValues[k] ?? "Default Title";
}
export function variantSku(g: Gen, i: number, k: number): string {
  const c = productCore(g, i);
  return `${c.noun
    .replace(/[^A-Za-z]/g, "")
    .slice(0, 3)
    .toUpperCase()}-${String(i + 1).padStart(5, "0")}-${(c.optionValues[k] ?? "DT").slice(0, 2).toUpperCase()}`;
}

/** Inventory quantities of item `itemId` at location index l (undefined when not stocked there). */
export const QUANTITY_NAMES = [
  "available",
  "committed",
  "damaged",
  "incoming",
  "on_hand",
  "quality_control",
  "reserved",
  "safety_stock",
] as const;
export function stockedAt(g: Gen, itemId: number, l: number): boolean {
  return l === 0 || g.hu(S.inventory, itemId, 100 + l) < 0.7;
}
export function quantities(
  g: Gen,
  itemId: number,
  l: number,
): Record<(typeof QUANTITY_NAMES)[number], number> {
  const x = g.h(S.inventory, itemId, 200 + l);
  const u = (x % 1000) / 1000;
  const available = u < 0.05 ? 0 : u < 0.07 ? -1 - ((x >>> 10) % 3) : 1 + ((x >>> 10) % 60);
  const committed = (x >>> 16) % 4;
  const damaged = (x >>> 18) % 33 === 0 ? 1 : 0;
  const incoming = (x >>> 20) % 10 === 0 ? 20 : 0;
  const reserved = 0;
  const safety_stock = 0;
  const quality_control = 0;
  return {
    available,
    committed,
    damaged,
    incoming,
    on_hand: available + committed + damaged + reserved + safety_stock + quality_control,
    quality_control,
    reserved,
    safety_stock,
  };
}

export function variantId(productId: number, k: number): number {
  return productId * 1000 + k + 1;
}

export function product(g: Gen, i: number, m: Meta = productMeta(g, i)): GqlRecord {
  const c = productCore(g, i);
  const rng = new Rng(g.h(S.product, i, 99));
  const id = m.id;
  const n = c.optionValues.length;
  const created = iso(m.createdAt);
  const updated = iso(m.updatedAt);
  const tracked = rng.chance(0.95);
  const compareAt = rng.chance(0.2) ? roundDiv(c.basePrice * 125, 100) : 0;
  const handle = `${slug(c.title)}-${i + 1}`;
  const options = [
    {
      __typename: "ProductOption",
      id: g.gid("ProductOption", id * 10 + 1),
      name: c.optionName,
      position: 1,
      values: c.optionValues,
      optionValues: c.optionValues.map((v, k) => ({
        __typename: "ProductOptionValue",
        id: g.gid("ProductOptionValue", id * 1000 + k + 1),
        name: v,
        hasVariants: true,
      })),
    },
  ];
  let totalInventory = 0;
  const variants: GqlRecord[] = [];
  for (let k = 0; k < n; k++) {
    const vid = variantId(id, k);
    const price = c.basePrice + k * c.sizePremium;
    let qty = 0;
    for (let l = 0; l < g.sizes.locations; l++)
      if (stockedAt(g, vid, l)) qty += quantities(g, vid, l).available;
    if (tracked) totalInventory += qty;
    variants.push({
      __typename: "ProductVariant",
      id: g.gid("ProductVariant", vid),
      legacyResourceId: String(vid),
      title: c.optionValues[k],
      displayName: `${c.title} - ${c.optionValues[k]}`,
      sku: variantSku(g, i, k),
      barcode: String(400_000_000_000 + (g.h(S.product, vid, 7) % 99_999_999_999)),
      price: fmt(price),
      compareAtPrice: compareAt ? fmt(compareAt + k * c.sizePremium) : null,
      position: k + 1,
      inventoryQuantity: tracked ? qty : 0,
      inventoryPolicy: rng.chance(0.1) ? "CONTINUE" : "DENY",
      availableForSale: c.status === "ACTIVE" && (qty > 0 || !tracked),
      taxable: true,
      requiresComponents: false,
      selectedOptions: [
        {
          name: c.optionName,
          value: c.optionValues[k],
          optionValue: {
            __typename: "ProductOptionValue",
            id: g.gid("ProductOptionValue", id * 1000 + k + 1),
            name: c.optionValues[k],
            hasVariants: true,
          },
        },
      ],
      inventoryItem: { __typename: "InventoryItem", id: g.gid("InventoryItem", vid) },
      product: { __typename: "Product", id: g.gid("Product", id) },
      createdAt: created,
      updatedAt: updated,
    });
  }
  const mediaCount = rng.chance(0.1) ? 0 : rng.range(1, 3);
  const media: GqlRecord[] = [];
  for (let k = 0; k < mediaCount; k++) {
    const w = rng.pick([800, 1024, 1200, 2048]);
    const alt = k === 0 ? c.title : `${c.title} view ${k + 1}`;
    const url = `https://cdn.shopify.com/s/files/1/${String(g.shopNumber).slice(0, 4)}/${String(g.shopNumber).slice(4)}/files/${handle}-${k + 1}.jpg?v=${m.createdAt}`;
    media.push({
      __typename: "MediaImage",
      id: g.gid("MediaImage", id * 1000 + k + 1),
      alt,
      mediaContentType: "IMAGE",
      status: "READY",
      fileStatus: "READY",
      mimeType: "image/jpeg",
      mediaErrors: [],
      mediaWarnings: [],
      image: { url, width: w, height: w, altText: alt },
      preview: { status: "READY", image: { url, width: w, height: w, altText: alt } },
      createdAt: created,
      updatedAt: created,
    });
  }
  const tags: string[] = [];
  const nt = rng.int(3);
  for (let t = 0; t < nt; t++) {
    const tag = rng.pick(PRODUCT_TAGS);
    if (!tags.includes(tag)) tags.push(tag);
  }
  tags.sort();
  const published =
    c.status === "ACTIVE" ? iso(Math.min(m.updatedAt, m.createdAt + rng.int(3) * DAY)) : null;
  return {
    __typename: "Product",
    id: g.gid("Product", id),
    legacyResourceId: String(id),
    title: c.title,
    handle,
    vendor: c.vendor,
    productType: c.productType,
    status: c.status,
    tags,
    descriptionHtml: `<p>${c.title} by ${c.vendor}. Made to last.</p>`,
    description: `${c.title} by ${c.vendor}. Made to last.`,
    createdAt: created,
    updatedAt: updated,
    publishedAt: published,
    onlineStoreUrl: published ? `https://${g.domain}/products/${handle}` : null,
    templateSuffix: null,
    isGiftCard: false,
    hasOnlyDefaultVariant: n === 1,
    hasOutOfStockVariants: variants.some((v) => (v.inventoryQuantity as number) <= 0),
    tracksInventory: tracked,
    totalInventory,
    requiresSellingPlan: false,
    options,
    seo: { title: null, description: null },
    variantsCount: { count: n, precision: "EXACT" },
    mediaCount: { count: mediaCount, precision: "EXACT" },
    priceRangeV2: {
      minVariantPrice: money(c.basePrice, g.currency),
      maxVariantPrice: money(c.basePrice + (n - 1) * c.sizePremium, g.currency),
    },
    variants,
    media,
  };
}

export function productMetaOf(r: GqlRecord): Meta {
  return {
    id: numericOf(r.id),
    createdAt: t(r.createdAt),
    updatedAt: t(r.updatedAt),
    title: r.title as string,
    status: String(r.status).toLowerCase(),
  };
}

// ---------------------------------------------------------------- inventory items (one per variant)

/** Generated inventory item index → (product index, variant k). */
export function itemPosition(g: Gen, idx: number): { p: number; k: number } {
  const pre = g.variantPrefix;
  let lo = 0;
  let hi = g.sizes.products - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (pre[mid] <= idx) lo = mid;
    else hi = mid - 1;
  }
  return { p: lo, k: idx - pre[lo] };
}
export function itemCount(g: Gen): number {
  return g.variantPrefix[g.sizes.products];
}
export function itemIndexOf(g: Gen, id: number): number {
  const pid = Math.floor(id / 1000);
  const k = (id % 1000) - 1;
  const p = pid - BASE.products;
  if (p < 0 || p >= g.sizes.products || k < 0 || k >= g.variantCount(p) || id !== variantId(pid, k))
    return -1;
  return g.variantPrefix[p] + k;
}
export function itemMeta(g: Gen, idx: number): Meta {
  const { p, k } = itemPosition(g, idx);
  const pm = productMeta(g, p);
  return { id: variantId(pm.id, k), createdAt: pm.createdAt, updatedAt: pm.updatedAt };
}

const RAW = Symbol.for("storesync.sim.quantities");
export interface RawQuantity {
  name: string;
  quantity: number;
  updatedAt: string | null;
}
/** InventoryLevel.quantities(names:) resolver; reads the level's raw quantities (symbol-keyed, not a field). */
function quantitiesField(this: GqlRecord, args?: { names?: string[] }): GqlRecord[] {
  const raw = (this as unknown as Record<symbol, RawQuantity[]>)[RAW] ?? [];
  const names = args?.names ?? raw.map((q) => q.name);
  const out: GqlRecord[] = [];
  for (const n of names) {
    const q = raw.find((x) => x.name === n);
    if (!q) continue;
    out.push({
      __typename: "InventoryQuantity",
      id: `${this.id}&name=${n}`.replace("InventoryLevel", "InventoryQuantity"),
      name: q.name,
      quantity: q.quantity,
      updatedAt: q.updatedAt,
    });
  }
  return out;
}
/** Raw quantities of a level record (copy). */
export function levelQuantities(level: GqlRecord): RawQuantity[] {
  return ((level as unknown as Record<symbol, RawQuantity[]>)[RAW] ?? []).map((q) => ({ ...q }));
}
/** Builds an InventoryLevel record. */
export function inventoryLevel(
  g: Gen,
  itemId: number,
  locationId: number,
  raw: RawQuantity[],
  createdAt: string,
  updatedAt: string,
): GqlRecord {
  const level: GqlRecord = {
    __typename: "InventoryLevel",
    id: g.gid("InventoryLevel", `${locationId}?inventory_item_id=${itemId}`),
    location: { __typename: "Location", id: g.gid("Location", locationId) },
    item: { __typename: "InventoryItem", id: g.gid("InventoryItem", itemId) },
    isActive: true,
    canDeactivate: true,
    deactivationAlert: null,
    createdAt,
    updatedAt,
    quantities: quantitiesField,
  };
  Object.defineProperty(level, RAW, {
    value: raw,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return level;
}
/** Copies a level (keeps the hidden raw quantities, optionally replaced). */
export function cloneLevel(level: GqlRecord, raw?: RawQuantity[], updatedAt?: string): GqlRecord {
  const copy: GqlRecord = { ...level };
  if (updatedAt) copy.updatedAt = updatedAt;
  Object.defineProperty(copy, RAW, {
    value: raw ?? levelQuantities(level),
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return copy;
}

export function generatedLevels(
  g: Gen,
  itemId: number,
  createdAt: string,
  updatedAt: string,
): GqlRecord[] {
  const levels: GqlRecord[] = [];
  for (let l = 0; l < g.sizes.locations; l++) {
    if (!stockedAt(g, itemId, l)) continue;
    const q = quantities(g, itemId, l);
    const raw = QUANTITY_NAMES.map((name) => ({
      name,
      quantity: q[name],
      updatedAt: name === "on_hand" || name === "available" ? updatedAt : null,
    }));
    levels.push(inventoryLevel(g, itemId, BASE.locations + l, raw, createdAt, updatedAt));
  }
  return levels;
}

/** An InventoryItem for a variant record of a product record. */
export function inventoryItemFor(
  g: Gen,
  variant: GqlRecord,
  price: number,
  tracked: boolean,
  levels: GqlRecord[],
): GqlRecord {
  const vid = numericOf(variant.id);
  const x = g.h(S.inventory, vid, 1);
  const origins = ["US", "CN", "PT", "IN", "VN", "MX"];
  return {
    __typename: "InventoryItem",
    id: g.gid("InventoryItem", vid),
    legacyResourceId: String(vid),
    sku: variant.sku ?? null,
    tracked,
    requiresShipping: true,
    unitCost: money(roundDiv(price * (40 + (x % 21)), 100), g.currency),
    countryCodeOfOrigin: x % 7 === 0 ? null : origins[(x >>> 4) % origins.length],
    provinceCodeOfOrigin: null,
    harmonizedSystemCode: x % 3 === 0 ? "620520" : null,
    duplicateSkuCount: 0,
    inventoryHistoryUrl: `https://admin.shopify.com/store/${g.domain.replace(/\.myshopify\.com$/, "")}/products/inventory/${vid}/inventory_history`,
    measurement: {
      id: g.gid("InventoryItemMeasurement", vid),
      weight: { unit: "GRAMS", value: 100 + (x % 900) },
    },
    locationsCount: { count: levels.length, precision: "EXACT" },
    variant: { __typename: "ProductVariant", id: variant.id },
    variants: [{ __typename: "ProductVariant", id: variant.id }],
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
    inventoryLevels: levels,
  };
}

export function inventoryItem(g: Gen, idx: number): GqlRecord {
  const { p, k } = itemPosition(g, idx);
  const prod = product(g, p);
  const v = (prod.variants as GqlRecord[])[k];
  return inventoryItemFor(
    g,
    v,
    variantPrice(g, p, k),
    prod.tracksInventory as boolean,
    generatedLevels(g, numericOf(v.id), v.createdAt as string, v.updatedAt as string),
  );
}

export function itemMetaOf(r: GqlRecord): Meta {
  return { id: numericOf(r.id), createdAt: t(r.createdAt), updatedAt: t(r.updatedAt) };
}

// ---------------------------------------------------------------- helpers

export function numericOf(gid: unknown): number {
  const m = /(\d+)(?:\?.*)?$/.exec(String(gid));
  return m ? Number(m[1]) : NaN;
}
export function t(v: unknown): number {
  return Math.floor(Date.parse(String(v)) / 1000);
}
export const ANCHOR = ANCHOR_SEC;
