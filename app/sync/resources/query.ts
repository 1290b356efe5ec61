/**
 * Bulk query filters. Bulk documents are static #graphql template literals (validated against the Admin
 * schema by app/graphql/documents.test.ts) whose root connection has `query: ""` (no filter). The
 * filtered variant replaces exactly that argument with a GraphQL string literal built here, so the
 * filtered document has the same shape as the validated one.
 */
import type { BulkQueryOptions } from "./types";

const PLACEHOLDER = 'query: ""';

/** Shopify search syntax for the options (`updated_at:>='…' AND id:>123`); "" when none apply. */
export function searchFilter(opts: BulkQueryOptions | undefined, updatedSinceField: string | null): string {
  const terms: string[] = [];
  if (opts?.updatedSince && updatedSinceField) {
    const ms = Date.parse(opts.updatedSince);
    if (Number.isNaN(ms)) throw new Error(`updatedSince is not a timestamp: ${opts.updatedSince}`);
    terms.push(`${updatedSinceField}:>='${new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z")}'`);
  }
  if (opts?.idsAfter) {
    if (!/^\d+$/.test(opts.idsAfter)) throw new Error(`idsAfter must be a numeric id: ${opts.idsAfter}`);
    terms.push(`id:>${opts.idsAfter}`);
  }
  return terms.join(" AND ");
}

/** A GraphQL string literal for any text (JSON's escapes are a subset of GraphQL's). */
export function graphqlString(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** `document` with its single `query: ""` argument set to `filter` (unchanged when filter is ""). */
export function withSearchQuery(document: string, filter: string): string {
  const first = document.indexOf(PLACEHOLDER);
  if (first < 0 || document.indexOf(PLACEHOLDER, first + 1) >= 0)
    throw new Error('bulk document must contain exactly one `query: ""` argument');
  if (!filter) return document;
  return document.slice(0, first) + `query: ${graphqlString(filter)}` + document.slice(first + PLACEHOLDER.length);
}

/** The bulk document of a resource with the filter of `opts` applied. */
export function bulkDocument(document: string, opts: BulkQueryOptions | undefined, updatedSinceField: string | null): string {
  return withSearchQuery(document, searchFilter(opts, updatedSinceField));
}
