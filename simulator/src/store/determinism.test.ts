import { describe, expect, it } from "vitest";
import { Gen } from "./gen";
import { createSources } from "./generator";
import { ANCHOR_SEC, DAY, iso } from "./rng";
import { createStore, RESOURCES } from "./store";

function sample(seed: number): string {
  const s = createStore({ domain: "det.myshopify.com", seed, size: { orders: 500 } });
  const out: unknown[] = [s.shop()];
  for (const r of RESOURCES) {
    let k = 0;
    for (const { record, position } of s.collection(r).scan({ sortKey: "UPDATED_AT" })) {
      if (k++ % 7 === 0) out.push(record, position);
    }
  }
  return JSON.stringify(out);
}

describe("determinism", () => {
  it("same seed ⇒ byte-identical JSON; a different seed ⇒ different data", () => {
    const a = sample(42);
    const b = sample(42);
    expect(a.length).toBeGreaterThan(100_000);
    expect(a === b).toBe(true);
    const c = sample(43);
    expect(c === a).toBe(false);
  });

  it("records do not depend on access order or on what else was derived", () => {
    const s1 = createStore({ domain: "det.myshopify.com", seed: 5 });
    const s2 = createStore({ domain: "det.myshopify.com", seed: 5 });
    const ids = ["4100000123", "4100000007", "4100000299"];
    const forward = ids.map((id) => JSON.stringify(s1.collection("orders").get(id)));
    expect([...s2.collection("customers").scan()].length).toBeGreaterThan(0);
    const backward = ids
      .reverse()
      .map((id) => JSON.stringify(s2.collection("orders").get(id)))
      .reverse();
    expect(backward).toEqual(forward);
  });

  it("cheap metadata equals the metadata of the full record, for every resource", () => {
    const g = new Gen({ domain: "meta.myshopify.com", seed: 9, size: { orders: 800 } });
    const src = createSources(g);
    for (const r of RESOURCES) {
      const s = src[r];
      let checked = 0;
      for (let i = 0; i < s.size; i++) {
        if (!s.exists(i)) continue;
        const rec = s.derive(i);
        expect(s.metaOf(rec), `${r} #${i}`).toEqual(s.meta(i));
        expect(s.idOf(i)).toBe(s.meta(i).id);
        expect(s.indexOf(s.idOf(i))).toBe(i);
        checked++;
      }
      expect(checked, r).toBeGreaterThan(0);
    }
  });

  it("ids ascend with index and created times are non-decreasing where declared monotonic", () => {
    const g = new Gen({ domain: "mono.myshopify.com", seed: 2, size: { orders: 3000 } });
    const src = createSources(g);
    for (const r of RESOURCES) {
      const s = src[r];
      for (let i = 1; i < s.size; i++) {
        expect(s.idOf(i)).toBeGreaterThan(s.idOf(i - 1));
        if (s.createdMonotonic)
          expect(s.meta(i).createdAt).toBeGreaterThanOrEqual(s.meta(i - 1).createdAt);
      }
    }
  });
});

describe("anchor (where the generated history ends)", () => {
  const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g;

  it('"now": the newest orders are recent, so a merchant sees the last 30 days filled', () => {
    const before = Math.floor(Date.now() / 1000);
    const s = createStore({ domain: "now.myshopify.com", seed: 1, anchor: "now" });
    const times = [...s.collection("orders").scan()].map(({ record }) =>
      Date.parse(String(record.createdAt)),
    );
    const newest = Math.max(...times);
    expect(newest).toBeLessThanOrEqual(Date.now());
    expect(newest).toBeGreaterThan((before - 7 * DAY) * 1000);
    const last30 = times.filter((t) => t > (before - 30 * DAY) * 1000).length;
    expect(last30).toBeGreaterThanOrEqual(5);
    // A change made right after creation is newer than every generated time.
    const created = s.create("orders", {});
    expect(Date.parse(String(created.updatedAt))).toBeGreaterThan(newest);
  });

  it("another anchor shifts every time by the same amount and changes nothing else", () => {
    const delta = 26 * DAY + 12_345;
    const a = createStore({ domain: "shift.myshopify.com", seed: 7, size: { orders: 400 } });
    const b = createStore({
      domain: "shift.myshopify.com",
      seed: 7,
      size: { orders: 400 },
      anchor: ANCHOR_SEC + delta,
    });
    const shifted = (record: unknown) =>
      JSON.stringify(record)
        .replace(ISO_TIME, (t) => iso(Date.parse(t) / 1000 + delta))
        .replace(/\?v=(\d{10})\b/g, (_, v: string) => `?v=${Number(v) + delta}`); // image URL versions
    let compared = 0;
    for (const r of RESOURCES) {
      const left = [...a.collection(r).scan()];
      const right = [...b.collection(r).scan()];
      expect(right.length, r).toBe(left.length);
      for (let i = 0; i < left.length; i += 11) {
        expect(JSON.stringify(right[i]!.record), `${r} #${i}`).toBe(shifted(left[i]!.record));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});
