/**
 * Canonical JSON and record hashes.
 *
 * The same Shopify record can arrive through a bulk file, a paginated query, a webhook or
 * reconciliation. Raw ingest stores each distinct record once per shop, keyed by the SHA-256 of
 * its canonical JSON, so two payloads that mean the same thing must serialise to the same bytes.
 *
 * Rules of `canonicalJson(value)` (a deterministic subset of JSON.stringify):
 *   - Object keys are sorted by UTF-16 code unit order (Array#sort default), at every depth.
 *   - No whitespace anywhere.
 *   - Object members whose value is `undefined`, a function or a symbol are dropped; in arrays
 *     those become `null` (exactly as JSON.stringify does).
 *   - Numbers use JavaScript's canonical form (`String(n)`: `1`, `1.5`, `1e+21`, `5e-7`),
 *     so 1.0 and 1 are the same number; `-0` becomes `0`; NaN and ±Infinity become `null`.
 *   - BigInts are written as integer literals in decimal (`12345678901234567890`): a bigint and
 *     a number of equal value serialise identically.
 *   - Strings are JSON string literals with JSON.stringify's escapes (well-formed: lone
 *     surrogates become `\udXXX` escapes), so a string and a number never collide ("1" vs 1).
 *   - Objects with `toJSON` (e.g. Date -> ISO string) are replaced by its result first.
 *   - Array order is significant and preserved.
 * The output is valid JSON and parses back to an equal value, so it is also what raw ingest
 * stores as the payload: the record is serialised once, and the hash is over those bytes.
 */
import { createHash } from "node:crypto";

/** Canonical JSON text of `value` (see the rules above). `undefined` at the top level gives "null". */
export function canonicalJson(value: unknown): string {
  const out = write(value);
  return out === undefined ? "null" : out;
}

/** SHA-256 hex of the canonical JSON of `value`. */
export function recordHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** SHA-256 hex of a string (UTF-8). */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Canonical JSON and its hash in one pass (what raw ingest needs). */
export function canonicalize(value: unknown): { json: string; hash: string } {
  const json = canonicalJson(value);
  return { json, hash: sha256Hex(json) };
}

// A string that needs no escaping can be quoted directly (most Shopify strings).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function writeString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function writeNumber(n: number): string {
  if (!Number.isFinite(n)) return "null";
  if (n === 0) return "0"; // also -0
  return String(n);
}

/** Returns undefined for values JSON omits (undefined, functions, symbols). */
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return writeString(value);
    case "number":
      return writeNumber(value);
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString(10);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    default:
      break;
  }
  if (value === null) return "null";
  const obj = value as { toJSON?: () => unknown };
  if (typeof obj.toJSON === "function") return write(obj.toJSON());
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ",";
      out += write(value[i]) ?? "null";
    }
    return out + "]";
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const v = write(record[key]);
    if (v === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += writeString(key) + ":" + v;
  }
  return out + "}";
}
