/**
 * Products with their variants and images (`Product.media`, MediaImage nodes; other media types are
 * ignored). Bulk: variants and media are nested connections (own JSONL lines with `__parentId`).
 */
import { TABLES } from "../refine/tables";
import {
  buildRow,
  decimal,
  decimalCompare,
  gidType,
  isCompleteList,
  joinList,
  legacyId,
  makeGid,
  nodesOf,
  RefineError,
  stableJson,
  upper,
  type Json,
  type Mapping,
  type RefineContext,
} from "./normalize";
import { bulkDocument } from "./query";
import { addRows, emptyRowSet, type ResourceDefinition, type RowSet } from "./types";

const PRODUCT_FIELDS = `#graphql
  fragment SyncProductFields on Product {
    id
    title
    handle
    status
    productType
    vendor
    tags
    descriptionHtml
    category { fullName }
    templateSuffix
    onlineStoreUrl
    isGiftCard
    hasOnlyDefaultVariant
    tracksInventory
    totalInventory
    priceRangeV2 {
      minVariantPrice { amount currencyCode }
      maxVariantPrice { amount currencyCode }
    }
    options { name values }
    seo { title description }
    featuredMedia { id }
    createdAt
    updatedAt
    publishedAt
  }

  fragment SyncProductVariantFields on ProductVariant {
    id
    inventoryItem { id }
    title
    displayName
    sku
    barcode
    position
    price
    compareAtPrice
    inventoryQuantity
    inventoryPolicy
    availableForSale
    taxable
    selectedOptions { name value }
    createdAt
    updatedAt
  }

  fragment SyncProductMediaFields on Media {
    id
    ... on MediaImage {
      alt
      image { url width height }
      mimeType
      status
      createdAt
      updatedAt
    }
  }
`;

const PRODUCTS_BULK = `#graphql
  query SyncProductsBulk {
    products(query: "", sortKey: ID) {
      edges {
        node {
          ...SyncProductFields
          variants {
            edges {
              node { ...SyncProductVariantFields }
            }
          }
          media {
            edges {
              node {
                __typename
                ...SyncProductMediaFields
              }
            }
          }
        }
      }
    }
  }
  ${PRODUCT_FIELDS}
`;

const PRODUCTS_PAGE = `#graphql
  query SyncProductsPage($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ...SyncProductFields
        variants(first: 100) {
          pageInfo { hasNextPage endCursor }
          nodes { ...SyncProductVariantFields }
        }
        media(first: 50) {
          pageInfo { hasNextPage endCursor }
          nodes {
            __typename
            ...SyncProductMediaFields
          }
        }
      }
    }
  }
  ${PRODUCT_FIELDS}
`;

const PRODUCTS_COUNT = `#graphql
  query SyncProductsCount($query: String) {
    productsCount(query: $query, limit: null) { count precision }
  }
`;

const PRODUCTS_REMOTE_MAP = `#graphql
  query SyncProductsRemoteMap($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes { id updatedAt }
    }
  }
`;

const extreme = (prices: unknown[], sign: 1 | -1): string | null => {
  const vals = prices.map((p) => decimal(p)).filter((p): p is string => p !== null);
  if (!vals.length) return null;
  return vals.reduce((a, b) => (decimalCompare(b, a) * sign > 0 ? b : a));
};
const restVariants = (p: Json): Json[] => (p.variants as Json[] | undefined) ?? [];
const options = (list: unknown) => nodesOf(list).map((o) => ({ name: o.name ?? null, values: (o.values as unknown[] | undefined) ?? [] }));

export const productMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("Product", p.id)],
  title: [(n) => n.title, (p) => p.title],
  handle: [(n) => n.handle, (p) => p.handle],
  status: [(n) => upper(n.status), (p) => upper(p.status)],
  productType: [(n) => n.productType, (p) => p.product_type],
  vendor: [(n) => n.vendor, (p) => p.vendor],
  tags: [(n) => joinList(n.tags), (p) => joinList(p.tags)],
  descriptionHtml: [(n) => n.descriptionHtml, (p) => p.body_html],
  category: [(n) => n.category?.fullName ?? null, (p) => p.category?.full_name ?? null],
  templateSuffix: [(n) => n.templateSuffix, (p) => p.template_suffix],
  onlineStoreUrl: [(n) => n.onlineStoreUrl, null],
  isGiftCard: [(n) => n.isGiftCard, null],
  hasOnlyDefaultVariant: [(n) => n.hasOnlyDefaultVariant, null],
  tracksInventory: [(n) => n.tracksInventory, null],
  totalInventory: [
    (n) => n.totalInventory,
    (p) => restVariants(p).reduce((s, v) => s + Number(v.inventory_quantity ?? 0), 0),
  ],
  // Variant prices are in the shop currency; REST payloads do not repeat it.
  currencyCode: [(n) => n.priceRangeV2?.minVariantPrice?.currencyCode ?? null, (_p, ctx) => ctx.shopCurrency ?? undefined],
  minVariantPrice: [(n) => n.priceRangeV2?.minVariantPrice?.amount ?? null, (p) => extreme(restVariants(p).map((v) => v.price), -1)],
  maxVariantPrice: [(n) => n.priceRangeV2?.maxVariantPrice?.amount ?? null, (p) => extreme(restVariants(p).map((v) => v.price), 1)],
  optionsJson: [(n) => stableJson(options(n.options)), (p) => stableJson(options(p.options))],
  seoTitle: [(n) => n.seo?.title ?? null, null],
  seoDescription: [(n) => n.seo?.description ?? null, null],
  featuredMediaId: [(n) => n.featuredMedia?.id ?? null, null],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
  updatedAt: [(n) => n.updatedAt, (p) => p.updated_at],
  publishedAt: [(n) => n.publishedAt, (p) => p.published_at],
};

const shopCurrency = (ctx: RefineContext): string => {
  if (!ctx.shopCurrency) throw new RefineError("product variant: the shop's currency is unknown (shops.currency_code)");
  return ctx.shopCurrency;
};

export const variantMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("ProductVariant", p.id)],
  inventoryItemId: [(n) => n.inventoryItem?.id ?? null, (p) => p.inventory_item_id],
  title: [(n) => n.title, (p) => p.title],
  displayName: [(n) => n.displayName, null],
  sku: [(n) => n.sku, (p) => p.sku],
  barcode: [(n) => n.barcode, (p) => p.barcode],
  position: [(n) => n.position, (p) => p.position],
  currencyCode: [(_n, ctx) => shopCurrency(ctx), (_p, ctx) => shopCurrency(ctx)],
  price: [(n) => n.price, (p) => p.price],
  compareAtPrice: [(n) => n.compareAtPrice, (p) => p.compare_at_price],
  inventoryQuantity: [(n) => n.inventoryQuantity, (p) => p.inventory_quantity],
  inventoryPolicy: [(n) => upper(n.inventoryPolicy), (p) => upper(p.inventory_policy)],
  availableForSale: [(n) => n.availableForSale, null],
  taxable: [(n) => n.taxable, (p) => p.taxable],
  selectedOptionsJson: [
    (n) => stableJson(nodesOf(n.selectedOptions).map((o) => ({ name: o.name ?? null, value: o.value ?? null }))),
    (p) => stableJson(p.__selectedOptions),
  ],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
  updatedAt: [(n) => n.updatedAt, (p) => p.updated_at],
};

export const imageMapping: Mapping = {
  id: [(n) => n.id, (p) => p.id],
  gid: [(n) => n.id, (p) => p.admin_graphql_api_id ?? makeGid("MediaImage", p.id)],
  // A bulk media line does not know its position; inline lists and REST payloads do.
  position: [(n) => n.__position, (p) => p.position],
  alt: [(n) => n.alt, (p) => p.alt],
  url: [(n) => n.image?.url ?? null, (p) => p.src],
  width: [(n) => n.image?.width ?? null, (p) => p.width],
  height: [(n) => n.image?.height ?? null, (p) => p.height],
  mimeType: [(n) => n.mimeType, null],
  status: [(n) => upper(n.status), (p) => upper(p.__status) ?? undefined],
  createdAt: [(n) => n.createdAt, (p) => p.created_at],
  updatedAt: [(n) => n.updatedAt, (p) => p.updated_at],
};

const T = TABLES;
const isImage = (m: Json) => (m.__typename ? m.__typename === "MediaImage" : gidType(m.id) === "MediaImage");

function gqlProduct(set: RowSet, n: Json, ctx: RefineContext): void {
  const row = buildRow(T.products, productMapping, "graphql", n, ctx);
  const productId = row.id as bigint;
  addRows(set, "products", row);
  if ("variants" in n) {
    const rows = nodesOf(n.variants).map((v) => buildRow(T.product_variants, variantMapping, "graphql", v, ctx, { productId }));
    addRows(set, "product_variants", ...rows);
    if (isCompleteList(n.variants)) set.complete.push({ table: "product_variants", ownerId: productId, ids: rows.map((r) => r.id as bigint) });
  }
  if ("media" in n) {
    const rows = nodesOf(n.media)
      .filter(isImage)
      .map((m, i) => buildRow(T.product_images, imageMapping, "graphql", { ...m, __position: i + 1 }, ctx, { productId }));
    addRows(set, "product_images", ...rows);
    if (isCompleteList(n.media)) set.complete.push({ table: "product_images", ownerId: productId, ids: rows.map((r) => r.id as bigint) });
  }
}

function refineGraphql(node: Json, parentGid?: string | null, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  const parent = legacyId(parentGid ?? node.__parentId ?? null);
  const type = gidType(node.id);
  if (type === "Product") gqlProduct(set, node, ctx);
  else if (type === "ProductVariant") {
    if (parent === null) throw new RefineError("ProductVariant without a parent product id");
    addRows(set, "product_variants", buildRow(T.product_variants, variantMapping, "graphql", node, ctx, { productId: parent }));
  } else if (node.__parentId !== undefined || parentGid) {
    // A media line: images are kept, other media types (video, 3D models) are not mirrored.
    if (parent === null) throw new RefineError("media without a parent product id");
    if (isImage(node)) addRows(set, "product_images", buildRow(T.product_images, imageMapping, "graphql", node, ctx, { productId: parent }));
  } else throw new RefineError(`products: unexpected node ${String(node.id ?? "(no id)")}`);
  return set;
}

function restProduct(set: RowSet, p: Json, ctx: RefineContext): void {
  const row = buildRow(T.products, productMapping, "rest", p, ctx);
  const productId = row.id as bigint;
  addRows(set, "products", row);
  const optionNames = options(p.options).map((o) => o.name);
  const variants = restVariants(p).map((v) => {
    const selected = [v.option1, v.option2, v.option3]
      .map((value, i) => ({ name: optionNames[i] ?? null, value: value ?? null }))
      .filter((o) => o.value !== null);
    return buildRow(T.product_variants, variantMapping, "rest", { ...v, __selectedOptions: selected }, ctx, { productId });
  });
  addRows(set, "product_variants", ...variants);
  set.complete.push({ table: "product_variants", ownerId: productId, ids: variants.map((r) => r.id as bigint) });
  if (Array.isArray(p.images)) {
    const media = new Map(((p.media as Json[] | undefined) ?? []).map((m) => [String(m.id), m]));
    const images = (p.images as Json[]).map((img) =>
      buildRow(T.product_images, imageMapping, "rest", { ...img, __status: media.get(String(img.id))?.status }, ctx, { productId }),
    );
    addRows(set, "product_images", ...images);
    set.complete.push({ table: "product_images", ownerId: productId, ids: images.map((r) => r.id as bigint) });
  }
}

function refineRest(topic: string, p: Json, ctx: RefineContext = {}): RowSet {
  const set = emptyRowSet();
  if (topic === "products/create" || topic === "products/update") restProduct(set, p, ctx);
  else if (topic === "products/delete") set.tombstones.push({ table: "products", key: { id: legacyId(p.id) }, cascade: true });
  else throw new RefineError(`products: unsupported webhook topic ${topic}`);
  return set;
}

export const productsResource: ResourceDefinition = {
  key: "products",
  fetchMode: "bulk",
  rootGidType: "Product",
  gidTypes: ["Product", "ProductVariant", "MediaImage"],
  tables: ["products", "product_variants", "product_images"],
  webhookTopics: ["products/create", "products/update", "products/delete"],
  updatedSinceField: "updated_at",
  bulkQuery: (opts) => bulkDocument(PRODUCTS_BULK, opts, "updated_at"),
  pageQuery: PRODUCTS_PAGE,
  connectionPath: ["products"],
  countQuery: PRODUCTS_COUNT,
  remoteMapQuery: PRODUCTS_REMOTE_MAP,
  refineGraphql,
  refineRest,
};
