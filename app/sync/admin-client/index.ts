export * from "./admin-graphql";
export * from "./errors";
export * from "./shopify-adapter";
