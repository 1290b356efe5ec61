import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";

import {
  COMPLIANCE_TOPICS,
  SYNC_RESOURCES,
  catalogScopes,
  catalogWebhookTopics,
} from "../../app/sync/resources/catalog";

interface Subscription {
  topics?: string[];
  compliance_topics?: string[];
  uri: string;
}

interface AppToml {
  name: string;
  embedded: boolean;
  access_scopes: { scopes: string };
  webhooks: { api_version: string; subscriptions: Subscription[] };
}

const root = path.resolve(__dirname, "../..");
const toml = parse(readFileSync(path.join(root, "shopify.app.toml"), "utf8")) as unknown as AppToml;

/** "/webhooks/app/uninstalled" -> app/routes/webhooks.app.uninstalled.tsx (or .../route.tsx). */
function routeFileFor(uri: string): string | undefined {
  const name = uri.replace(/^\//, "").split("/").join(".");
  return [
    `app/routes/${name}.tsx`,
    `app/routes/${name}.ts`,
    `app/routes/${name}/route.tsx`,
    `app/routes/${name}/route.ts`,
  ].find((candidate) => existsSync(path.join(root, candidate)));
}

describe("shopify.app.toml agrees with the sync catalog", () => {
  it("requests exactly the catalog's scopes", () => {
    const tomlScopes = toml.access_scopes.scopes.split(",").map((s) => s.trim());
    expect(new Set(tomlScopes).size).toBe(tomlScopes.length);
    expect([...tomlScopes].sort()).toEqual([...catalogScopes()].sort());
  });

  it("uses Admin API 2026-07 for webhooks and is an embedded app", () => {
    expect(toml.webhooks.api_version).toBe("2026-07");
    expect(toml.embedded).toBe(true);
    expect(toml.name).toBe("StoreSync");
  });

  it("declares every catalog topic once, each at a uri served by a route file", () => {
    const declared = new Map<string, string>();
    for (const sub of toml.webhooks.subscriptions) {
      for (const topic of sub.topics ?? []) {
        expect(declared.has(topic), `${topic} declared twice`).toBe(false);
        declared.set(topic, sub.uri);
      }
    }
    const expected = catalogWebhookTopics();
    expect([...declared.keys()].sort()).toEqual([...expected].sort());
    for (const [topic, uri] of declared) {
      expect(routeFileFor(uri), `${topic} -> ${uri} has no route file`).toBeDefined();
    }
  });

  it("declares the mandatory compliance topics at an existing route", () => {
    const compliance = toml.webhooks.subscriptions.filter((s) => s.compliance_topics);
    expect(compliance).toHaveLength(1);
    expect([...compliance[0]!.compliance_topics!].sort()).toEqual([...COMPLIANCE_TOPICS].sort());
    expect(routeFileFor(compliance[0]!.uri)).toBeDefined();
  });

  it("every catalog delegate is a Prisma model", () => {
    const prismaSchema = readFileSync(path.join(root, "prisma/schema.base.prisma"), "utf8");
    const models = new Set(
      [...prismaSchema.matchAll(/^model (\w+) \{/gm)].map(
        (m) => m[1]![0]!.toLowerCase() + m[1]!.slice(1),
      ),
    );
    const delegates = SYNC_RESOURCES.flatMap((r) => [
      r.delegate,
      ...r.children.map((c) => c.delegate),
    ]);
    expect(delegates.filter((d) => !models.has(d))).toEqual([]);
  });
});
