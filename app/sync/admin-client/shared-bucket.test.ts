/**
 * The shared cost bucket on a real PostgreSQL against the simulator's leaky bucket: GIVEN two
 * workers' clients for one shop (each with its own local model otherwise), WHEN both spend hard at
 * once, THEN with the shared bucket the shop's budget is never overspent (no THROTTLED answer),
 * while the same load without it is throttled.
 */
import "@shopify/shopify-api/adapters/node";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ApiVersion, Session, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../db.server";
import {
  createTestDatabase,
  postgresAvailability,
  type TestDatabase,
} from "../../../prisma/testing";
import {
  installSimulatorDispatcher,
  startSimulator,
  type RunningSimulator,
} from "../../../simulator/src/index";
import {
  createAdminGraphql,
  fromShopifyAdmin,
  type AdminGraphql,
  type SharedBucket,
} from "./index";
import { createSharedBucket, readSharedBucket } from "./shared-bucket.server";

const pg = await postgresAvailability();
const SHOP = "budget.myshopify.com";
const QUERY =
  "query($first: Int!) { orders(first: $first) { nodes { id name lineItems(first: 5) { nodes { id title } } } } }";

describe.skipIf(!pg.available)(`shared per-shop cost bucket (PostgreSQL) ${pg.reason}`, () => {
  let sim: RunningSimulator;
  let restore: () => Promise<void>;
  let t: TestDatabase;
  let dataDir: string;
  const extraDbs: Db[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-bucket-sim-"));
    sim = await startSimulator({
      shops: [{ domain: SHOP, seed: 3, size: { orders: 60 }, plan: "basic" }],
      dataDir,
      log: () => undefined,
    });
    restore = installSimulatorDispatcher(sim.url);
    t = await createTestDatabase("postgresql");
  }, 60_000);
  afterAll(async () => {
    for (const d of extraDbs) await d.$disconnect();
    await t?.drop();
    await restore?.();
    await sim?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function client(shared?: SharedBucket): AdminGraphql {
    const api = shopifyApi({
      apiKey: sim.apiKey,
      apiSecretKey: sim.apiSecret,
      apiVersion: ApiVersion.July26,
      hostName: "storesync.test",
      isEmbeddedApp: true,
      logger: { level: 0 },
    });
    const token = sim.issueAccessToken(SHOP, { expiring: false }).accessToken;
    const session = new Session({
      id: `offline_${SHOP}`,
      shop: SHOP,
      state: "",
      isOnline: false,
      accessToken: token,
    });
    return createAdminGraphql({
      request: fromShopifyAdmin(new api.clients.Graphql({ session })),
      sharedBucket: shared,
      backoffMs: 10,
    });
  }

  /** Two "workers": each learns the query's cost with one call, then both fire bursts at once. */
  async function load(a: AdminGraphql, b: AdminGraphql): Promise<number> {
    await a.graphql(QUERY, { first: 50 });
    await b.graphql(QUERY, { first: 50 });
    const burst = (c: AdminGraphql) =>
      Promise.all(Array.from({ length: 4 }, () => c.graphql(QUERY, { first: 50 })));
    await Promise.all([burst(a), burst(b)]);
    return a.stats().throttled + b.stats().throttled;
  }

  it("two workers on one shared bucket never overspend the shop; without it they are throttled", async () => {
    // Each worker process has its own database client, as in production.
    const dbA = createDb(t.url);
    const dbB = createDb(t.url);
    extraDbs.push(dbA, dbB);
    const shared = await load(
      client(createSharedBucket(dbA).forShop(SHOP)),
      client(createSharedBucket(dbB).forShop(SHOP)),
    );
    expect(shared).toBe(0);
    const row = await readSharedBucket(t.db, SHOP);
    expect(row!.restoreRate).toBeGreaterThan(0);
    expect(row!.maximumAvailable).toBeGreaterThan(0);

    const unshared = await load(client(), client());
    expect(unshared).toBeGreaterThan(0);
  }, 120_000);
});
