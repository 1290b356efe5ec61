/**
 * Adapters from Shopify's official clients to a `GraphqlRequest`.
 *
 * What the official clients do with each kind of answer (read from @shopify/shopify-api 13 and
 * @shopify/shopify-app-remix 4):
 *   - `GraphqlClient#request` (shopify-api) resolves `{ data, extensions, headers }` on success.
 *     HTTP 200 with `errors` (THROTTLED, ACCESS_DENIED, ...) THROWS `GraphqlQueryError` whose
 *     `body` is `{ data?, extensions?, errors: { graphQLErrors, networkStatusCode, ... } }`.
 *     HTTP 429 throws `HttpThrottlingError`, >= 500 `HttpInternalError`, other 4xx
 *     `HttpResponseError` (all with `response.code`; `HttpThrottlingError` also
 *     `response.retryAfter` in seconds); with `retries > 0` exhausted it throws
 *     `HttpMaxRetriesError`; a network failure throws `HttpRequestError`.
 *   - shopify-app-remix's `admin.graphql(query, { variables })` calls the same client and wraps
 *     the result in `new Response(JSON.stringify({ data, extensions, headers }))`. Its error
 *     handler (used by `authenticate.admin`) turns every `HttpResponseError` into a THROWN
 *     `Response` carrying the status (401 additionally triggers re-auth upstream); other errors
 *     (GraphqlQueryError, HttpRequestError, ...) are rethrown unchanged.
 * Both are normalised here: GraphQL answers resolve (errors included) so the cost-aware client
 * sees `extensions.cost` and the error codes; HTTP failures become AdminHttpError; network
 * failures are rethrown as they are (the client retries them). Retries inside the official
 * clients are switched off (`retries: 0` / no `tries`): pacing and retrying happen in one place.
 */
import type { GraphqlClient } from "@shopify/shopify-api";
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { AdminHttpError, type GraphqlErrorEntry } from "./errors";
import type { GraphqlRequest, GraphqlResponse } from "./admin-graphql";

/** Structural view of shopify-app-remix's `admin.graphql`. */
export type RemixAdminGraphql = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;

export type ShopifyAdminLike = Pick<AdminApiContext, "graphql"> | { graphql: RemixAdminGraphql } | Pick<GraphqlClient, "request">;

export function fromShopifyAdmin(admin: ShopifyAdminLike): GraphqlRequest {
  if ("request" in admin && typeof admin.request === "function") {
    const client = admin as Pick<GraphqlClient, "request">;
    return async (query, variables) => {
      try {
        const res = await client.request(query, { variables, retries: 0 });
        return { data: res.data as unknown, extensions: res.extensions as GraphqlResponse["extensions"] };
      } catch (err) {
        return fromThrown(err);
      }
    };
  }
  const graphql = (admin as { graphql: RemixAdminGraphql }).graphql;
  return async (query, variables) => {
    let res: Response;
    try {
      res = await graphql(query, { variables });
    } catch (err) {
      return fromThrown(err);
    }
    return fromResponse(res);
  };
}

async function fromResponse(res: Response): Promise<GraphqlResponse> {
  if (!res.ok) throw new AdminHttpError(res.status, `Admin API answered HTTP ${res.status}`, retryAfterMs(res.headers.get("retry-after")));
  const body = (await res.json()) as GraphqlResponse & { errors?: unknown };
  return { data: body.data, errors: normaliseErrors(body.errors), extensions: body.extensions };
}

/** Map what the official clients throw: GraphQL answers resolve, HTTP failures -> AdminHttpError. */
async function fromThrown(err: unknown): Promise<GraphqlResponse> {
  if (err instanceof Response) {
    // shopify-app-remix's handleClientError: a Response with the upstream status.
    throw new AdminHttpError(err.status, `Admin API answered HTTP ${err.status}`, retryAfterMs(err.headers.get("retry-after")));
  }
  const e = err as {
    body?: { data?: unknown; extensions?: GraphqlResponse["extensions"]; errors?: { graphQLErrors?: unknown } };
    response?: { code?: unknown; retryAfter?: unknown };
    message?: string;
  };
  if (e && e.body && e.body.errors && Array.isArray(e.body.errors.graphQLErrors)) {
    // GraphqlQueryError: an HTTP 200 answer with GraphQL errors.
    return { data: e.body.data, errors: normaliseErrors(e.body.errors.graphQLErrors), extensions: e.body.extensions };
  }
  if (e && e.response && typeof e.response.code === "number") {
    // HttpResponseError / HttpInternalError / HttpThrottlingError.
    const retryAfter = typeof e.response.retryAfter === "number" ? e.response.retryAfter * 1000 : undefined;
    throw new AdminHttpError(e.response.code, e.message ?? `Admin API answered HTTP ${e.response.code}`, retryAfter);
  }
  throw err; // network failure (HttpRequestError, fetch TypeError, ...): retryable
}

function normaliseErrors(errors: unknown): GraphqlErrorEntry[] | undefined {
  if (errors == null) return undefined;
  if (Array.isArray(errors)) return errors as GraphqlErrorEntry[];
  if (typeof errors === "string") return [{ message: errors }];
  if (typeof errors === "object" && "message" in errors) return [errors as GraphqlErrorEntry];
  return [{ message: JSON.stringify(errors) }];
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
