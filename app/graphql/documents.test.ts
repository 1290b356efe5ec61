import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import {
  collectGraphqlDocuments,
  extractGraphqlDocuments,
  formatGraphqlProblems,
  listSourceFiles,
  validateGraphqlDocuments,
} from "./documents";
import { getAdminSchema } from "./schema.server";

// Backticks are written as \u0060 so that this file's fixtures are not themselves scanned.
const BT = "\u0060";
const TAG = "#graphql";

describe("GraphQL documents in app/", () => {
  it("every #graphql document validates against the Admin schema 2026-07", () => {
    const schema = getAdminSchema();
    const sources = collectGraphqlDocuments(listSourceFiles(path.resolve("app")));
    // The app has documents (e.g. the shop-details query in app/sync/lifecycle.server.ts).
    expect(sources.some((s) => s.file === path.join("app", "sync", "lifecycle.server.ts"))).toBe(
      true,
    );
    const problems = validateGraphqlDocuments(sources, schema);
    expect(problems, formatGraphqlProblems(problems)).toEqual([]);
  });
});

describe("validateGraphqlDocuments (the checker itself)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "storesync-graphql-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function check(files: Record<string, string>) {
    const paths = Object.entries(files).map(([name, content]) => {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      return file;
    });
    return validateGraphqlDocuments(collectGraphqlDocuments(paths, dir), getAdminSchema());
  }

  it("GIVEN a document with an unknown field WHEN validated THEN it fails naming file:line", () => {
    const problems = check({
      "broken.ts": [
        "export const A = 1;",
        "",
        `export const QUERY = ${BT}${TAG}`,
        "  query Broken { shop { name nonExistingField } }",
        `${BT};`,
      ].join("\n"),
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toBe("broken.ts");
    expect(problems[0]!.line).toBe(3);
    expect(formatGraphqlProblems(problems)).toMatch(
      /broken\.ts:3\n {2}- Cannot query field "nonExistingField" on type "Shop"/,
    );
  });

  it("GIVEN a syntax error WHEN validated THEN it is reported", () => {
    const problems = check({ "syntax.ts": `const Q = ${BT}${TAG}\n query { shop { name ${BT};` });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.errors[0]).toMatch(/Syntax Error/);
  });

  it("GIVEN an interpolated fragment from another file WHEN validated THEN it resolves", () => {
    const problems = check({
      "fragment.ts": `export const F = ${BT}${TAG}\n fragment ShopBits on Shop { name currencyCode }\n${BT};`,
      "query.ts": `const Q = ${BT}${TAG}\n query Q { shop { ...ShopBits } }\n \${F}\n${BT};`,
    });
    expect(problems).toEqual([]);
  });

  it("GIVEN a fragment with a wrong field WHEN spread THEN both documents report it", () => {
    const problems = check({
      "fragment.ts": `export const F = ${BT}${TAG}\n fragment BadBits on Shop { nope }\n${BT};`,
      "query.ts": `const Q = ${BT}${TAG}\n query Q { shop { ...BadBits } }\n${BT};`,
      "unknown.ts": `const Q = ${BT}${TAG}\n query U { shop { ...Missing } }\n${BT};`,
    });
    const byFile = Object.fromEntries(problems.map((p) => [p.file, p.errors.join(" ")]));
    expect(byFile["fragment.ts"]).toMatch(/Cannot query field "nope"/);
    expect(byFile["query.ts"]).toMatch(/Cannot query field "nope"/);
    expect(byFile["unknown.ts"]).toMatch(/Unknown fragment "Missing"/);
  });

  it("extracts documents with their line numbers", () => {
    const docs = extractGraphqlDocuments(
      `a\nb\nconst X = ${BT}${TAG}\nquery { shop { id } }${BT}`,
      "x.ts",
    );
    expect(docs).toEqual([{ file: "x.ts", line: 3, text: `${TAG}\nquery { shop { id } }` }]);
  });
});
