#!/usr/bin/env node
// Small, documented performance patches to installed dependencies, applied by postinstall (so
// `npm ci` on a fresh clone, in CI and in the production image all run the same code). Each patch
// is a literal replacement in a named file of a named package version: applied once (a marker
// comment makes it idempotent), skipped with a warning when the installed version differs (the
// patch must then be reviewed), and checked by tests/webhooks/dependency-patches.test.ts.
// Why each one exists: docs/decisions/003-dependency-patches.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const MARKER = "/* storesync-patch:";

/** `@shopify/shopify-api` 13.1.0: the webhook answer path's two largest CPU costs. */
const headerMemo = (id) => ({
  id,
  find: "function canonicalizeHeaderName(hdr) {\n    return hdr.replace(",
  replace:
    `${MARKER}${id} */\n` +
    "// Memoised: getHeader() canonicalises every header name of the request on every lookup\n" +
    "// (about 15 lookups per webhook). Bounded: header names come from the network.\n" +
    "const storesyncCanonicalNames = new Map();\n" +
    "function canonicalizeHeaderName(hdr) {\n" +
    "    let name = storesyncCanonicalNames.get(hdr);\n" +
    "    if (name !== undefined)\n" +
    "        return name;\n" +
    "    name = canonicalizeHeaderNameUncached(hdr);\n" +
    "    if (storesyncCanonicalNames.size < 1000)\n" +
    "        storesyncCanonicalNames.set(hdr, name);\n" +
    "    return name;\n" +
    "}\n" +
    "function canonicalizeHeaderNameUncached(hdr) {\n    return hdr.replace(",
});

const nodeHmac = (id, hashFormat) => ({
  id,
  find: "    const cryptoLib = getCryptoLib();\n    const key = await cryptoLib.subtle.importKey('raw', hmacKeyData(secret), {",
  replace:
    `    ${MARKER}${id} */\n` +
    "    // On Node, node:crypto's synchronous HMAC: WebCrypto imports a key and hops to the thread\n" +
    "    // pool for every signature (about 0.4 ms per webhook). Same bytes, same encodings.\n" +
    "    const storesyncNodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto');\n" +
    "    if (storesyncNodeCrypto)\n" +
    "        return storesyncNodeCrypto.createHmac('sha256', secret).update(payload, 'utf8')\n" +
    `            .digest(returnFormat === ${hashFormat}.Base64 ? 'base64' : 'hex');\n` +
    "    const cryptoLib = getCryptoLib();\n    const key = await cryptoLib.subtle.importKey('raw', hmacKeyData(secret), {",
});

export const PATCHES = [
  {
    package: "@shopify/shopify-api",
    version: "13.1.0",
    files: [
      { file: "dist/esm/runtime/http/headers.mjs", ...headerMemo("header-name-memo") },
      { file: "dist/cjs/runtime/http/headers.js", ...headerMemo("header-name-memo") },
      { file: "dist/esm/runtime/crypto/utils.mjs", ...nodeHmac("node-hmac", "HashFormat") },
      { file: "dist/cjs/runtime/crypto/utils.js", ...nodeHmac("node-hmac", "types.HashFormat") },
    ],
  },
];

/** Applies every patch under `root` (a project folder); returns what happened, one line each. */
export function applyDependencyPatches(root = process.cwd()) {
  const report = [];
  for (const patch of PATCHES) {
    const dir = path.join(root, "node_modules", patch.package);
    const manifest = path.join(dir, "package.json");
    if (!existsSync(manifest)) {
      report.push(`${patch.package}: not installed, nothing to patch`);
      continue;
    }
    const { version } = JSON.parse(readFileSync(manifest, "utf8"));
    if (version !== patch.version) {
      report.push(`WARNING ${patch.package}@${version}: patches are for ${patch.version}; not applied (review scripts/patch-dependencies.mjs)`);
      continue;
    }
    for (const f of patch.files) {
      const file = path.join(dir, f.file);
      const text = readFileSync(file, "utf8");
      if (text.includes(`${MARKER}${f.id} */`)) {
        report.push(`${patch.package} ${f.file}: ${f.id} already applied`);
        continue;
      }
      const at = text.indexOf(f.find);
      if (at < 0 || text.indexOf(f.find, at + 1) >= 0)
        throw new Error(`${patch.package} ${f.file}: the text ${f.id} replaces is not there exactly once`);
      writeFileSync(file, text.slice(0, at) + f.replace + text.slice(at + f.find.length));
      report.push(`${patch.package} ${f.file}: ${f.id} applied`);
    }
  }
  return report;
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  for (const line of applyDependencyPatches(root)) console.log(`patch-dependencies: ${line}`);
}
