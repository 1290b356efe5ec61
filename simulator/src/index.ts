/** Public entry of the store simulator (dev/test tool; never imported by app/). */
export { startSimulator, DEFAULT_SCOPES, type RunningSimulator } from "./server.js";
export { installSimulatorDispatcher, createSimulatorDispatcher, type SimulatorDispatcherOptions } from "./dispatcher.js";
export { loadAdminSchema, ADMIN_API_VERSION } from "./schema.js";
export { parseSearchQuery } from "./graphql/search.js";
export { mintSessionToken, verifyJwt } from "./auth/jwt.js";
export type * from "./types.js";
