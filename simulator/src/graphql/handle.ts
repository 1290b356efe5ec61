/**
 * One Admin GraphQL request, after authentication: parse → validate → cost → bucket → execute → refund.
 * Returns the HTTP status and JSON body in Shopify's shape (errors without data for syntax/validation,
 * THROTTLED and MAX_COST_EXCEEDED as HTTP 200, `extensions.cost` on every response).
 */
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLFormattedError } from "graphql";
import type { SimShop, SimulatorInternals } from "../types.js";
import { calculateActualCost, calculateRequestedCost, costExtension, MAX_QUERY_COST, maxCostExceededError, throttledError } from "./cost.js";

export interface GraphqlPayload {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlHttpResult {
  status: number;
  body: Record<string, unknown>;
}

/** graphql-js validation messages re-worded the way Shopify (graphql-ruby) words the common ones. */
export function shopifyValidationError(e: GraphQLError): GraphQLFormattedError {
  const f = e.toJSON();
  let m: RegExpExecArray | null;
  if ((m = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(e.message))) {
    return { message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`, locations: f.locations, extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] } };
  }
  if ((m = /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./.exec(e.message))) {
    return {
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
      locations: f.locations,
      extensions: { code: "argumentNotAccepted", name: m[3], typeName: "Field", argumentName: m[1] },
    };
  }
  if ((m = /^Field "([^"]+)" argument "([^"]+)" of type "([^"]+)" is required, but it was not provided\./.exec(e.message))) {
    return {
      message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
      locations: f.locations,
      extensions: { code: "missingRequiredArguments", className: "Field", name: m[1], arguments: m[2] },
    };
  }
  if ((m = /^Unknown type "([^"]+)"\./.exec(e.message))) {
    return { message: `No such type ${m[1]}, so it can't be a fragment condition`, locations: f.locations, extensions: { code: "undefinedType", typeName: m[1] } };
  }
  return { message: e.message, locations: f.locations, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } };
}

function syntaxError(e: GraphQLError): GraphQLFormattedError {
  const loc = e.locations?.[0];
  const found = /found (.+)\.$/.exec(e.message)?.[1] ?? "input";
  return {
    message: loc ? `Parse error on ${found} at [${loc.line}, ${loc.column}]` : e.message,
    locations: e.locations ? [...e.locations] : undefined,
  };
}

function requestError(message: string) {
  return { status: 400, body: { errors: { query: message } } };
}

export async function handleGraphqlRequest(
  sim: SimulatorInternals,
  shop: SimShop,
  payload: GraphqlPayload,
  opts: { nowMs?: number } = {},
): Promise<GraphqlHttpResult> {
  const bucket = shop.bucket;
  const cost0 = () => costExtension(bucket, 0, 0, opts.nowMs);
  if (typeof payload.query !== "string" || !payload.query.trim()) return requestError("Required parameter missing or invalid");
  const variables = payload.variables ?? {};
  if (typeof variables !== "object" || variables === null || Array.isArray(variables)) {
    return requestError("Required parameter missing or invalid");
  }
  const operationName = typeof payload.operationName === "string" && payload.operationName ? payload.operationName : undefined;

  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (e) {
    if (e instanceof GraphQLError) return { status: 200, body: { errors: [syntaxError(e)], extensions: { cost: cost0() } } };
    throw e;
  }
  const validationErrors = validate(sim.schema, document);
  if (validationErrors.length) {
    return { status: 200, body: { errors: validationErrors.map(shopifyValidationError), extensions: { cost: cost0() } } };
  }

  const vars = variables as Record<string, unknown>;
  const { requested } = calculateRequestedCost(sim.schema, document, vars, operationName);
  if (requested > MAX_QUERY_COST) {
    return { status: 200, body: { errors: [maxCostExceededError(requested)], extensions: { cost: costExtension(bucket, requested, null, opts.nowMs) } } };
  }
  if (!bucket.take(requested, opts.nowMs)) {
    return { status: 200, body: { errors: [throttledError()], extensions: { cost: costExtension(bucket, requested, null, opts.nowMs) } } };
  }

  const result = await sim.executor.execute(shop, document, vars, { operationName });
  const actual = Math.min(requested, calculateActualCost(sim.schema, document, result.data as Record<string, unknown> | null, vars, operationName));
  bucket.refund(requested - actual);
  const body: Record<string, unknown> = {};
  if (result.errors?.length) body.errors = result.errors.map((e) => e.toJSON());
  if (result.data !== undefined) body.data = result.data;
  body.extensions = { cost: costExtension(bucket, requested, actual, opts.nowMs) };
  return { status: 200, body };
}
