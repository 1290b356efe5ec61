import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalize, recordHash } from "./canonical";

describe("canonicalJson", () => {
  it("sorts keys recursively and drops whitespace", () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it("is independent of key insertion order at every depth", () => {
    const a = { id: "gid://shopify/Order/1", totals: { amount: "1.00", currencyCode: "USD" }, tags: ["a", "b"] };
    const b = { tags: ["a", "b"], totals: { currencyCode: "USD", amount: "1.00" }, id: "gid://shopify/Order/1" };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(recordHash(a)).toBe(recordHash(b));
  });

  it("keeps array order significant", () => {
    expect(recordHash({ a: [1, 2] })).not.toBe(recordHash({ a: [2, 1] }));
  });

  it("uses canonical number forms", () => {
    expect(canonicalJson({ a: 1.0, b: -0, c: 1e21, d: 0.0000005, e: 1.5, f: NaN, g: Infinity })).toBe(
      '{"a":1,"b":0,"c":1e+21,"d":5e-7,"e":1.5,"f":null,"g":null}',
    );
    expect(canonicalJson(JSON.parse('{"x": 1.00, "y": 100e-2}'))).toBe('{"x":1,"y":1}');
    expect(canonicalJson({ n: 12345678901234567890n })).toBe('{"n":12345678901234567890}');
    expect(canonicalJson({ n: 5n })).toBe(canonicalJson({ n: 5 }));
  });

  it("distinguishes strings from numbers and escapes like JSON", () => {
    expect(recordHash({ a: "1" })).not.toBe(recordHash({ a: 1 }));
    const s = 'quote " backslash \\ newline \n tab \t ctrl \u0001 emoji 😀 lone \ud800 é';
    const out = canonicalJson({ s });
    expect(out).toBe(`{"s":${JSON.stringify(s)}}`);
    expect(JSON.parse(out)).toEqual({ s: s.replace("\ud800", "\ud800") });
  });

  it("drops undefined, functions and symbols in objects; nulls them in arrays", () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: Symbol("x"), d: null })).toBe('{"d":null}');
    expect(canonicalJson([undefined, () => 1, null])).toBe("[null,null,null]");
    expect(canonicalJson(undefined)).toBe("null");
    expect(recordHash({ a: 1, b: undefined })).toBe(recordHash({ a: 1 }));
  });

  it("applies toJSON (dates)", () => {
    expect(canonicalJson({ at: new Date("2025-03-01T10:00:00Z") })).toBe('{"at":"2025-03-01T10:00:00.000Z"}');
  });

  it("round-trips: the output parses back to an equal value and re-canonicalises identically", () => {
    const shapes: unknown[] = [
      {},
      [],
      "",
      0,
      true,
      null,
      { nested: { deeper: { deepest: [{ b: 2, a: 1 }, [], {}] } } },
      { __typename: "Order", id: "gid://shopify/Order/5001234", lineItems: [{ id: "gid://shopify/LineItem/1", quantity: 2 }] },
      { "": 1, "ä": 2, "a": 3, "B": 4, "10": 5, "9": 6 },
    ];
    for (const value of shapes) {
      const text = canonicalJson(value);
      expect(JSON.parse(text)).toEqual(value);
      expect(canonicalJson(JSON.parse(text))).toBe(text);
    }
  });

  it("sorts keys the same way whatever their spelling (index-like keys, __proto__, unicode)", () => {
    expect(canonicalJson(JSON.parse('{"b":1,"10":2,"9":3,"a":{"2":1,"10":2}}'))).toBe('{"10":2,"9":3,"a":{"10":2,"2":1},"b":1}');
    expect(canonicalJson(JSON.parse('{"x":1,"__proto__":{"b":1,"a":2}}'))).toBe('{"__proto__":{"a":2,"b":1},"x":1}');
    expect(canonicalJson({ é: 1, z: 2, Z: 3, _: 4 })).toBe('{"Z":3,"_":4,"z":2,"é":1}');
    expect(canonicalJson({ list: [{ b: 1n, a: 1 }], d: new Date(0) })).toBe('{"d":"1970-01-01T00:00:00.000Z","list":[{"a":1,"b":1}]}');
  });

  it("hash is SHA-256 hex of the canonical text", () => {
    const { json, hash } = canonicalize({ b: 2, a: 1 });
    expect(json).toBe('{"a":1,"b":2}');
    expect(hash).toBe(createHash("sha256").update('{"a":1,"b":2}').digest("hex"));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(recordHash({ a: 1, b: 2 })).toBe(hash);
  });
});
