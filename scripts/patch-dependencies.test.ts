/**
 * The dependency patches (scripts/patch-dependencies.mjs): applied in this install, idempotent,
 * refused on a changed text, and behaviour-preserving — the patched functions give the bytes the
 * originals gave.
 */
import { webcrypto } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HashFormat, canonicalizeHeaderName, createSHA256HMAC, getHeader } from "@shopify/shopify-api/runtime";

import { PATCHES, applyDependencyPatches } from "./patch-dependencies.mjs";

const ROOT = path.resolve(__dirname, "..");

/** A copy of the patched packages with the original (unpatched) texts, under a temp project. */
function unpatchedCopy(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "storesync-patches-"));
  for (const patch of PATCHES) {
    const from = path.join(ROOT, "node_modules", patch.package);
    const to = path.join(root, "node_modules", patch.package);
    fs.mkdirSync(to, { recursive: true });
    fs.copyFileSync(path.join(from, "package.json"), path.join(to, "package.json"));
    for (const f of patch.files) {
      const text = fs.readFileSync(path.join(from, f.file), "utf8");
      fs.mkdirSync(path.dirname(path.join(to, f.file)), { recursive: true });
      fs.writeFileSync(path.join(to, f.file), text.replace(f.replace, f.find));
    }
  }
  return root;
}

describe("dependency patches", () => {
  it("are applied in this install, for the version they were written for", () => {
    for (const patch of PATCHES) {
      const dir = path.join(ROOT, "node_modules", patch.package);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version).toBe(patch.version);
      for (const f of patch.files) expect(fs.readFileSync(path.join(dir, f.file), "utf8"), `${f.file} ${f.id}`).toContain(f.replace);
    }
  });

  it("apply once to the original texts, then leave them alone", () => {
    const root = unpatchedCopy();
    try {
      const first = applyDependencyPatches(root);
      expect(first.every((line: string) => line.endsWith(" applied") && !line.includes("already"))).toBe(true);
      // The result is byte for byte what this install holds.
      const pairs = PATCHES.flatMap((p) => p.files.map((f) => [path.join(root, "node_modules", p.package, f.file), path.join(ROOT, "node_modules", p.package, f.file)]));
      for (const [copy, installed] of pairs) expect(fs.readFileSync(copy, "utf8")).toBe(fs.readFileSync(installed, "utf8"));
      expect(applyDependencyPatches(root).every((line: string) => line.endsWith("already applied"))).toBe(true);
      for (const [copy, installed] of pairs) expect(fs.readFileSync(copy, "utf8")).toBe(fs.readFileSync(installed, "utf8"));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("skip another version with a warning, and refuse a text that changed", () => {
    const root = unpatchedCopy();
    try {
      const patch = PATCHES[0];
      const manifest = path.join(root, "node_modules", patch.package, "package.json");
      fs.writeFileSync(manifest, JSON.stringify({ name: patch.package, version: "0.0.1" }));
      expect(applyDependencyPatches(root)).toEqual([expect.stringMatching(/^WARNING .*0\.0\.1.*not applied/)]);
      fs.writeFileSync(manifest, JSON.stringify({ name: patch.package, version: patch.version }));
      const file = path.join(root, "node_modules", patch.package, patch.files[0].file);
      fs.writeFileSync(file, "// rewritten upstream\n");
      expect(() => applyDependencyPatches(root)).toThrow(/not there exactly once/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("HMAC: node:crypto gives WebCrypto's bytes in both formats, for string and ArrayBuffer secrets", async () => {
    const cases: [string | ArrayBuffer, string][] = [
      ["shpss_secret", '{"id":1,"note":"Grüße — 注文 🎉"}'],
      ["s", ""],
      [new Uint8Array([0, 1, 2, 250, 255]).buffer, "code=abc&shop=x.myshopify.com&timestamp=1"],
      ["k".repeat(200), "x".repeat(100_000)],
    ];
    for (const [secret, payload] of cases) {
      const keyBytes = typeof secret === "string" ? new TextEncoder().encode(secret) : new Uint8Array(secret);
      const key = await webcrypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const expected = Buffer.from(await webcrypto.subtle.sign("HMAC", key, new TextEncoder().encode(payload)));
      expect(await createSHA256HMAC(secret, payload, HashFormat.Base64)).toBe(expected.toString("base64"));
      expect(await createSHA256HMAC(secret, payload, HashFormat.Hex)).toBe(expected.toString("hex"));
      expect(await createSHA256HMAC(secret, payload)).toBe(expected.toString("base64"));
    }
  });

  it("header names: the memo gives the regex's answer, also beyond its 1,000 entries", () => {
    expect(canonicalizeHeaderName("x-shopify-hmac-sha256")).toBe("X-Shopify-Hmac-Sha256");
    expect(canonicalizeHeaderName("x-shopify-hmac-sha256")).toBe("X-Shopify-Hmac-Sha256");
    expect(canonicalizeHeaderName("CONTENT-type")).toBe("Content-Type");
    for (let i = 0; i < 1500; i++) expect(canonicalizeHeaderName(`x-custom-${i}-NAME`)).toBe(`X-Custom-${i}-Name`);
    expect(canonicalizeHeaderName("x-custom-1499-NAME")).toBe("X-Custom-1499-Name");
    expect(getHeader({ "x-shopify-topic": "orders/create", "X-Other": "1" }, "X-Shopify-Topic")).toBe("orders/create");
  });
});
