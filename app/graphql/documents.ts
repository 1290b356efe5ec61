/**
 * Finds the #graphql documents written in source files and validates them against a schema.
 *
 * Fragment-aware: fragments defined in any document are pooled, and a document that spreads a
 * fragment it does not define itself (usually interpolated with `${FRAGMENT}`) is validated
 * together with that fragment and the fragments it needs in turn.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  Kind,
  NoUnusedFragmentsRule,
  parse,
  specifiedRules,
  validate,
  visit,
} from "graphql";

export interface GraphqlSource {
  file: string;
  /** 1-based line of the opening backtick. */
  line: number;
  /** The document text, interpolations removed. */
  text: string;
}

export interface GraphqlProblem {
  file: string;
  line: number;
  errors: string[];
}

/** #graphql template literals of one source file. */
export function extractGraphqlDocuments(source: string, file: string): GraphqlSource[] {
  const found: GraphqlSource[] = [];
  const marker = /\x60\s*#graphql\b/g;
  let match: RegExpExecArray | null;
  while ((match = marker.exec(source))) {
    const start = match.index;
    let i = start + 1;
    let text = "";
    let depth = 0;
    for (; i < source.length; i++) {
      const ch = source[i]!;
      if (depth === 0 && ch === "\\") {
        text += source[i + 1] ?? "";
        i++;
        continue;
      }
      if (depth === 0 && ch === "`") break;
      if (depth === 0 && ch === "$" && source[i + 1] === "{") {
        depth = 1;
        i++;
        continue;
      }
      if (depth > 0) {
        if (ch === "{") depth++;
        else if (ch === "}") depth--;
        continue;
      }
      text += ch;
    }
    found.push({ file, line: source.slice(0, start).split("\n").length, text });
    marker.lastIndex = i + 1;
  }
  return found;
}

/** Source files under `dir` (recursively) with the given extensions, skipping generated folders. */
export function listSourceFiles(dir: string, extensions = [".ts", ".tsx"]): string[] {
  const skip = new Set(["node_modules", "generated", "types", "build", ".cache"]);
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.has(entry.name)) out.push(...listSourceFiles(full, extensions));
    } else if (
      extensions.some((ext) => entry.name.endsWith(ext)) &&
      !entry.name.endsWith(".d.ts")
    ) {
      out.push(full);
    }
  }
  return out.sort();
}

export function collectGraphqlDocuments(files: string[], root = process.cwd()): GraphqlSource[] {
  return files.flatMap((file) =>
    extractGraphqlDocuments(readFileSync(file, "utf8"), path.relative(root, file)),
  );
}

function spreadNames(node: DocumentNode | FragmentDefinitionNode): Set<string> {
  const names = new Set<string>();
  visit(node, {
    FragmentSpread(spread) {
      names.add(spread.name.value);
    },
  });
  return names;
}

/** Validates every document; returns one entry per document that has errors (empty when all pass). */
export function validateGraphqlDocuments(
  sources: GraphqlSource[],
  schema: GraphQLSchema,
): GraphqlProblem[] {
  const problems: GraphqlProblem[] = [];
  const parsed: { source: GraphqlSource; doc: DocumentNode }[] = [];

  for (const source of sources) {
    try {
      parsed.push({ source, doc: parse(source.text) });
    } catch (error) {
      problems.push({ file: source.file, line: source.line, errors: [(error as Error).message] });
    }
  }

  const pool = new Map<string, FragmentDefinitionNode>();
  for (const { doc } of parsed) {
    for (const def of doc.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION && !pool.has(def.name.value)) {
        pool.set(def.name.value, def);
      }
    }
  }

  for (const { source, doc } of parsed) {
    const own = new Set(
      doc.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [d.name.value] : [])),
    );
    const added: FragmentDefinitionNode[] = [];
    const missing: string[] = [];
    const queue = [...spreadNames(doc)];
    const seen = new Set<string>();
    while (queue.length) {
      const name = queue.shift()!;
      if (seen.has(name) || own.has(name)) continue;
      seen.add(name);
      const fragment = pool.get(name);
      if (!fragment) {
        missing.push(name);
        continue;
      }
      added.push(fragment);
      queue.push(...spreadNames(fragment));
    }

    const hasOperation = doc.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION);
    // A fragment-only document is a building block: its fragments are used elsewhere.
    const rules = hasOperation
      ? specifiedRules
      : specifiedRules.filter((r) => r !== NoUnusedFragmentsRule);
    const full: DocumentNode = { ...doc, definitions: [...doc.definitions, ...added] };
    const errors = validate(schema, full, rules).map((e) => e.message);
    // Unknown fragments are already reported by KnownFragmentNamesRule; `missing` is kept for clarity.
    if (errors.length === 0 && missing.length) {
      errors.push(...missing.map((name) => `Unknown fragment "${name}".`));
    }
    if (errors.length) problems.push({ file: source.file, line: source.line, errors });
  }
  return problems;
}

export function formatGraphqlProblems(problems: GraphqlProblem[]): string {
  return problems
    .map((p) => `${p.file}:${p.line}\n${p.errors.map((e) => `  - ${e}`).join("\n")}`)
    .join("\n");
}
