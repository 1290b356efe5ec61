/**
 * Reconciliation benchmark: `npm run bench:reconcile` (tsx bench/reconcile.ts).
 *
 * An in-process simulator store with 100,000 orders (other resources proportional), backfilled by
 * the real sync jobs into a fresh database, then 0.1% drift injected across resources — silent
 * edits, creates and deletes in the simulator (no webhook) and rows altered, deleted or invented
 * in our own database — then ONE reconciliation: it must find all of it and heal it. Prints the
 * time, the API cost spent (sum of actualQueryCost, calls, bulk operations), findings per kind,
 * healed, the verdict; then a second run, which must be verified.
 *
 *   BENCH_ORDERS=100000  store size        BENCH_ENGINE=sqlite|postgresql
 */
import { Prisma } from "../app/db.server";
import { startBackfill } from "../app/sync/backfill/start.server";
import { runReconciliation, type ReconcileResult } from "../app/sync/reconcile/engine.server";
import { createSyncHarness, startSimStore } from "../tests/sync/support";

type Json = Record<string, unknown>;

const ORDERS = Number(process.env.BENCH_ORDERS ?? 100_000);
const ENGINE = (process.env.BENCH_ENGINE ?? "sqlite") as "sqlite" | "postgresql";
const DRIFT = 0.001;

const fmt = (n: number) => n.toLocaleString("en-US");
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const idOf = (gid: string) => BigInt(gid.split("/").pop()!);

function pick<T>(list: T[], n: number, offset: number): T[] {
  const step = Math.max(1, Math.floor(list.length / (n + 1)));
  return Array.from(
    { length: Math.min(n, list.length) },
    (_, i) => list[(offset + (i + 1) * step) % list.length]!,
  );
}

function printRun(label: string, r: ReconcileResult, ms: number) {
  const s = r.summary;
  console.log(`\n${label}: verdict ${r.verdict.toUpperCase()} in ${secs(ms)}`);
  console.log(
    `  API cost: ${fmt(Math.round(s.cost.actualCost))} points actual (${fmt(Math.round(s.cost.requestedCost))} requested), ${fmt(s.cost.calls)} calls, ${s.cost.bulkOperations} bulk operations`,
  );
  console.log(
    "  resource             mode        remote    local   missing  stale  zombie   healed  live  ms",
  );
  for (const rep of Object.values(s.resources)) {
    const healed = rep.healed.missing + rep.healed.stale + rep.healed.zombie;
    console.log(
      `  ${rep.resource.padEnd(20)} ${rep.mode.padEnd(10)} ${String(rep.remoteCount ?? "-").padStart(7)} ${String(rep.localCount ?? "-").padStart(8)} ${String(rep.found.missing).padStart(9)} ${String(rep.found.stale).padStart(6)} ${String(rep.found.zombie).padStart(7)} ${String(healed).padStart(8)} ${String(rep.live).padStart(5)} ${String(rep.durationMs).padStart(6)}`,
    );
  }
  const a = r.aggregate;
  if (a)
    console.log(
      `  aggregate check: ${a.status}, ${a.comparedDays} days compared (${a.from} … ${a.to}), ${a.differences.length} differing, ${a.healedDays.length} healed`,
    );
  console.log(
    `  totals: found ${fmt(s.totals.found)}, healed ${fmt(s.totals.healed)}, remaining ${fmt(s.totals.remaining)}`,
  );
  if (s.reasons.length) console.log(`  reasons: ${s.reasons.join(" | ")}`);
}

async function main() {
  console.log(`Reconciliation benchmark: ${fmt(ORDERS)} orders, ${ENGINE}, ${DRIFT * 100}% drift`);
  const store = await startSimStore({
    domain: "bench-reconcile.myshopify.com",
    size: { orders: ORDERS },
    seed: 42,
    plan: "plus",
    bulkMinDurationMs: 50,
  });
  const h = await createSyncHarness(ENGINE, store, {
    ingestBatch: 2000,
    pollBaseMs: 50,
    pollMaxMs: 250,
    // No scheduled incremental sync in the middle of a long backfill.
    scheduleMinutes: 24 * 60,
  });
  try {
    let t = Date.now();
    await startBackfill(h.deps, store.domain);
    await h.runner.runUntilIdle({ horizonMs: 5_000, timeoutMs: 3_600_000 });
    const counts = {
      orders: await h.db.order.count({ where: { shop: store.domain } }),
      lineItems: await h.db.lineItem.count({ where: { shop: store.domain } }),
    };
    console.log(
      `backfill: ${secs(Date.now() - t)} (${fmt(counts.orders)} orders, ${fmt(counts.lineItems)} line items)`,
    );
    if (process.env.BENCH_VERBOSE) {
      const runs = await h.db.syncRun.findMany({
        where: { shop: store.domain },
        orderBy: { createdAt: "asc" },
      });
      for (const r of runs)
        console.log(
          `  ${r.resource.padEnd(20)} ${r.kind.padEnd(11)} ${r.status.padEnd(9)} ${fmt(r.downloadedCount).padStart(8)} read  ${r.startedAt && r.finishedAt ? secs(r.finishedAt.getTime() - r.startedAt.getTime()) : "-"}`,
        );
    }

    // ---- inject 0.1% drift --------------------------------------------------------------------
    const s = store.shop.store;
    const db = h.db;
    const shop = store.domain;
    const injected: Record<string, { missing: number; stale: number; zombie: number }> = {};
    const note = (k: string, kind: "missing" | "stale" | "zombie", n = 1) =>
      ((injected[k] ??= { missing: 0, stale: 0, zombie: 0 })[kind] += n);
    const orders = [...s.collection("orders").scan({ sortKey: "ID" })].map((x) => x.record);
    const n = Math.max(10, Math.round(orders.length * DRIFT));
    const chosen = pick(orders, n * 2, 7); // spares for the refund loop
    const share = (f: number) => Math.max(1, Math.round(n * f));
    let i = 0;
    const next = () => chosen[i++]!;
    for (let k = 0; k < share(0.3); k++, note("orders", "stale"))
      s.update("orders", next().id, { note: `silent edit ${k}` }, { silent: true });
    for (let k = 0; k < share(0.1); k++, note("orders", "stale")) {
      let o = next();
      while (o.cancelledAt || o.displayFinancialStatus !== "PAID") o = next(); // refundable only
      s.refundOrder(o.id, { silent: true });
    }
    for (let k = 0; k < share(0.1); k++, note("orders", "zombie"))
      s.delete("orders", next().id, { silent: true });
    for (let k = 0; k < share(0.15); k++, note("orders", "missing"))
      s.create("orders", {}, { silent: true });
    const key = (gid: string) => ({ shop_id: { shop, id: idOf(gid) } });
    for (let k = 0; k < share(0.15); k++, note("orders", "stale")) {
      const o = next();
      await db.order.update({
        where: key(o.id),
        data: {
          updatedAt: new Date(Date.parse(String(o.updatedAt)) - 86_400_000),
          totalPrice: new Prisma.Decimal("0.01"),
        },
      });
    }
    for (let k = 0; k < share(0.1); k++, note("orders", "missing"))
      await db.order.delete({ where: key(next().id) });
    for (let k = 0; k < share(0.1); k++, note("orders", "zombie")) {
      const id = 990_000_000_000n + BigInt(k);
      await db.order.create({
        data: {
          shop,
          id,
          gid: `gid://shopify/Order/${id}`,
          name: `#GHOST${k}`,
          createdAt: new Date(),
          updatedAt: new Date(),
          currencyCode: "USD",
          totalPrice: new Prisma.Decimal("1"),
        },
      });
    }
    const customers = [...s.collection("customers").scan({ sortKey: "ID" })].map((x) => x.record);
    const cs = pick(customers, Math.max(4, Math.round(customers.length * DRIFT)), 3);
    cs.slice(0, -2).forEach(
      (c, k) => (
        s.update("customers", c.id, { note: `silent ${k}` }, { silent: true }),
        note("customers", "stale")
      ),
    );
    s.delete("customers", cs.at(-2)!.id, { silent: true });
    note("customers", "zombie");
    s.create("customers", { firstName: "New", lastName: "Customer" }, { silent: true });
    note("customers", "missing");
    await db.customer.delete({ where: key(cs.at(-1)!.id) });
    note("customers", "missing");
    const products = [...s.collection("products").scan({ sortKey: "ID" })].map((x) => x.record);
    const ps = pick(products, 3, 1);
    s.update("products", ps[0]!.id, { title: "Silently renamed" }, { silent: true });
    note("products", "stale");
    const gone = s.delete("products", ps[1]!.id, { silent: true });
    note("products", "zombie");
    note("inventoryItems", "zombie", ((gone.variants as Json[]) ?? []).length);
    await db.product.update({ where: key(ps[2]!.id), data: { deletedAt: new Date() } });
    note("products", "missing");
    const total = Object.values(injected).reduce((a, x) => a + x.missing + x.stale + x.zombie, 0);
    console.log(`injected: ${fmt(total)} differences — ${JSON.stringify(injected)}`);
    await new Promise((r) => setTimeout(r, 1100)); // Shopify's clock has whole seconds

    // ---- reconcile ------------------------------------------------------------------------------
    t = Date.now();
    const first = await runReconciliation(h.deps, shop, { trigger: "manual", liveSkewMs: 0 });
    printRun("reconciliation #1", first, Date.now() - t);
    let ok = first.verdict === "healed";
    for (const [k, want] of Object.entries(injected)) {
      const rep = first.summary.resources[k]!;
      const got = { missing: rep.found.missing, stale: rep.found.stale, zombie: rep.found.zombie };
      const healed = {
        missing: rep.healed.missing,
        stale: rep.healed.stale,
        zombie: rep.healed.zombie,
      };
      if (
        JSON.stringify(got) !== JSON.stringify(want) ||
        JSON.stringify(healed) !== JSON.stringify(want)
      ) {
        ok = false;
        console.log(
          `  MISMATCH ${k}: injected ${JSON.stringify(want)}, found ${JSON.stringify(got)}, healed ${JSON.stringify(healed)}`,
        );
      }
    }
    console.log(`  found ${ok ? "100%" : "NOT all"} of the injected drift and healed it`);

    await new Promise((r) => setTimeout(r, 1100));
    t = Date.now();
    const second = await runReconciliation(h.deps, shop, { trigger: "manual", liveSkewMs: 0 });
    printRun("reconciliation #2", second, Date.now() - t);
    if (second.verdict !== "verified") ok = false;
    console.log(ok ? "\nOK: drift found and healed; the second run is verified." : "\nFAILED");
    process.exitCode = ok ? 0 : 1;
  } finally {
    await h.close();
    await store.close();
  }
}

await main();
