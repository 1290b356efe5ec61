/**
 * Which database engines this test run exercises. `npm test` (scripts/test.mjs) sets
 * STORESYNC_TEST_ENGINES to "sqlite" or "sqlite,postgresql" after checking that PostgreSQL
 * answers; a bare `vitest` run defaults to SQLite only.
 */
export type TestEngine = "sqlite" | "postgresql";

export const testEngines: TestEngine[] = (process.env.STORESYNC_TEST_ENGINES ?? "sqlite")
  .split(",")
  .map((s) => s.trim())
  .filter((s): s is TestEngine => s === "sqlite" || s === "postgresql");
