/**
 * Shopify's search syntax (`query:` argument) → SearchFilter (types.ts).
 *
 * Supported: `field:value`, comparators `field:>v` `field:>=v` `field:<v` `field:<=v` (`field:=v` too),
 * single/double quoted values (`created_at:>'2025-01-01T00:00:00Z'`), implicit AND, explicit `AND`,
 * negation with `-field:value` or `NOT field:value`. `OR` and parentheses are tolerated but treated as AND
 * (the app never uses OR). Bare words (no field) become `{ field: "default" }` like Shopify's default
 * search field. Fields are lower-cased. When `knownFields` is given, terms on other fields are dropped
 * (Shopify ignores unknown fields).
 */
import type { SearchFilter, SearchTerm } from "../types.js";

interface Token {
  text: string;
  /** The token began with a quote: a bare phrase, never a `field:value` term nor a keyword. */
  quoted: boolean;
}

/** Split into whitespace-separated tokens; quotes group (a quote may start mid-token: `a:'b c'`). */
function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    while (i < q.length && /\s/.test(q[i]!)) i++;
    if (i >= q.length) break;
    let text = "";
    const quoted = q[i] === '"' || q[i] === "'";
    while (i < q.length && !/\s/.test(q[i]!)) {
      const c = q[i]!;
      if (c === '"' || c === "'") {
        const end = q.indexOf(c, i + 1);
        if (end === -1) {
          text += q.slice(i + 1);
          i = q.length;
        } else {
          text += q.slice(i + 1, end);
          i = end + 1;
        }
        continue;
      }
      if (c === "\\" && i + 1 < q.length) {
        text += q[i + 1];
        i += 2;
        continue;
      }
      text += c;
      i++;
    }
    tokens.push({ text, quoted });
  }
  return tokens;
}

const OPS: SearchTerm["op"][] = [">=", "<=", ">", "<", "="];

export function parseSearchQuery(q: string | null | undefined, options?: { knownFields?: Iterable<string> }): SearchFilter {
  if (!q || !q.trim()) return [];
  const known = options?.knownFields ? new Set([...options.knownFields].map((f) => f.toLowerCase())) : undefined;
  const out: SearchFilter = [];
  let negateNext = false;
  for (const raw of tokenize(q)) {
    let text = raw.text;
    if (!raw.quoted) {
      const upper = text.toUpperCase();
      if (upper === "AND" || upper === "OR") continue;
      if (upper === "NOT") {
        negateNext = true;
        continue;
      }
      // Parentheses are grouping only; AND semantics for the whole query.
      text = text.replace(/^\(+/, "").replace(/\)+$/, "");
      if (!text) continue;
    }
    let negate = negateNext;
    negateNext = false;
    if (!raw.quoted && text.startsWith("-") && text.length > 1) {
      negate = !negate;
      text = text.slice(1);
    }
    const fieldMatch = raw.quoted ? null : /^[A-Za-z0-9_.]+:/.exec(text);
    const colonIdx = fieldMatch ? fieldMatch[0].length - 1 : -1;
    let term: SearchTerm;
    if (colonIdx > 0) {
      const field = text.slice(0, colonIdx).toLowerCase();
      let rest = text.slice(colonIdx + 1);
      let op: SearchTerm["op"] = "=";
      for (const candidate of OPS) {
        if (rest.startsWith(candidate)) {
          op = candidate;
          rest = rest.slice(candidate.length);
          break;
        }
      }
      term = { field, op, value: rest };
    } else {
      term = { field: "default", op: "=", value: text };
    }
    if (negate) term.negate = true;
    if (known && !known.has(term.field)) continue;
    out.push(term);
  }
  return out;
}
