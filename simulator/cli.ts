/**
 * Store simulator CLI.
 *
 *   npm run simulator -- [--port 4010] [--seed 1] [--orders 300] [--shop demo.myshopify.com ...]
 *                        [--app-url http://127.0.0.1:3000] [--toml ./shopify.app.toml] [--time-scale 1]
 *   npm run sim -- <command> [args] [--url http://127.0.0.1:4010] [--shop demo.myshopify.com] [--silent]
 *
 * The client commands talk to a running simulator's control API (`--url`, or STORESYNC_SIMULATOR_URL).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const DEFAULT_URL = "http://127.0.0.1:4010";

const HELP = `Store simulator

  serve [--port 4010] [--host 127.0.0.1] [--seed 1] [--orders 300] [--shop demo.myshopify.com ...]
        [--app-url http://127.0.0.1:3000] [--toml ./shopify.app.toml] [--time-scale 1]
        [--api-key KEY] [--api-secret SECRET]        start the simulator and keep it running

Client commands (control API of a running simulator; --url or STORESYNC_SIMULATOR_URL, default ${DEFAULT_URL};
--shop picks the shop, default the first one; --silent changes data without a webhook = drift):
  health | shops
  create-order [json]                 create an order (json = partial GraphQL-shaped record)
  create <resource> [json]            create any record (orders, products, customers, locations, inventoryItems, ...)
  update <resource> <id> <json>       patch a record (id numeric or GID)
  delete <resource> <id>
  refund <orderId> [--amount 12.30] | fulfill <orderId> | cancel <orderId> | pay <orderId>
  adjust <inventoryItemId> <locationId> <delta>
  fault <json> | fault reset          e.g. '{"webhooks":{"dropRate":0.2,"reorder":true}}', '{"throttle":true}',
                                      '{"graphql5xx":{"remaining":3,"status":503}}', '{"bulk":{"errorCode":"TIMEOUT","afterFraction":0.5}}'
  scopes <scope,scope,...>            set granted scopes (sends app/scopes_update)
  uninstall                           send app/uninstalled and revoke the shop's tokens
  compliance <topic> [customerId]     customers/data_request | customers/redact | shop/redact
  webhooks                            subscriptions and delivery log
  session-token [--user-id 1]         mint an id_token as App Bridge would
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: Record<string, string | undefined>;
}

/** Split argv into positionals and --flags (repeatable flags collect into arrays). */
export function parseArgs(argv: string[]): {
  positional: string[];
  flags: Record<string, string[]>;
} {
  const positional: string[] = [];
  const flags: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      let value = eq > 0 ? a.slice(eq + 1) : "true";
      if (
        eq < 0 &&
        i + 1 < argv.length &&
        !argv[i + 1]!.startsWith("--") &&
        !BOOLEAN_FLAGS.has(name)
      )
        value = argv[++i]!;
      (flags[name] ??= []).push(value);
    } else positional.push(a);
  }
  return { positional, flags };
}
const BOOLEAN_FLAGS = new Set(["silent", "help"]);

class CliError extends Error {}

function json(text: string | undefined, what: string): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error();
    return v as Record<string, unknown>;
  } catch {
    throw new CliError(`${what} must be a JSON object, got: ${text}`);
  }
}

async function serve(flags: Record<string, string[]>, io: Io): Promise<number> {
  const { startSimulator } = await import("./src/index.js");
  const one = (k: string) => flags[k]?.at(-1);
  const int = (k: string, d?: number) => {
    const v = one(k);
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new CliError(`--${k} must be a number`);
    return n;
  };
  const tomlFlag = one("toml");
  const toml = tomlFlag
    ? resolve(tomlFlag)
    : existsSync("shopify.app.toml")
      ? resolve("shopify.app.toml")
      : undefined;
  if (tomlFlag && !existsSync(toml!)) throw new CliError(`--toml ${tomlFlag}: file not found`);
  const orders = int("orders");
  const seed = int("seed", 1);
  const domains = flags.shop ?? ["demo.myshopify.com"];
  const sim = await startSimulator({
    port: int("port", 4010),
    host: one("host"),
    seed,
    shops: domains.map((domain) => ({
      domain,
      seed,
      ...(orders !== undefined ? { size: { orders } } : {}),
    })),
    appUrl: one("app-url") ?? io.env.SHOPIFY_APP_URL,
    appToml: toml,
    timeScale: int("time-scale", 1),
    apiKey: one("api-key") ?? io.env.SHOPIFY_API_KEY,
    apiSecret: one("api-secret") ?? io.env.SHOPIFY_API_SECRET,
    log: (line) => io.err(line),
  });
  const shops = sim.shops();
  io.out(
    [
      `Store simulator listening on ${sim.url}`,
      `  shops:      ${shops.map((s) => `${s.domain} (${s.store.collection("orders").count()} orders)`).join(", ")}`,
      `  api key:    ${sim.apiKey}`,
      `  api secret: ${sim.apiSecret}`,
      `  app url:    ${sim.options.appUrl ?? "(none: webhooks with relative URIs are not delivered; pass --app-url)"}`,
      `  app toml:   ${toml ?? "(none)"}  — ${sim.webhooks.subscriptions(shops[0]!.domain).length} webhook subscriptions`,
      `  Admin GraphQL: POST ${sim.url}/admin/api/2026-07/graphql.json (Host: <shop>) or ${sim.url}/_sim/shops/<shop>/admin/api/2026-07/graphql.json`,
      `  Control API:   ${sim.url}/_sim/health, /_sim/shops, /_sim/shops/<shop>/{orders,faults,webhooks,...}`,
      `  Client:        STORESYNC_SIMULATOR_URL=${sim.url} npm run sim -- create-order | webhooks | fault '{"webhooks":{"dropRate":0.5}}' | help`,
    ].join("\n"),
  );
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await sim.close();
  return 0;
}

/** Run one CLI command; returns the exit code. */
export async function runCli(
  argv: string[],
  io: Io = { out: (s) => console.log(s), err: (s) => console.error(s), env: process.env },
): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [cmd, ...args] = positional;
  if (!cmd || cmd === "help" || flags.help) {
    io.out(HELP);
    return cmd || flags.help ? 0 : 1;
  }
  try {
    if (cmd === "serve") return await serve(flags, io);
    const base = (flags.url?.at(-1) ?? io.env.STORESYNC_SIMULATOR_URL ?? DEFAULT_URL).replace(
      /\/+$/,
      "",
    );
    const silent = flags.silent ? "?silent=1" : "";
    const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers: body === undefined ? {} : { "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (e) {
        throw new CliError(
          `cannot reach the simulator at ${base} (${(e as Error).message}); start it with npm run simulator or pass --url`,
        );
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      if (!res.ok) {
        const msg =
          parsed && typeof parsed === "object" && "error" in parsed
            ? String((parsed as { error: unknown }).error)
            : text;
        throw new CliError(`${method} ${path} → ${res.status}: ${msg}`);
      }
      return parsed;
    };
    let shopCache: string | undefined;
    const shop = async () => {
      if (shopCache) return shopCache;
      const f = flags.shop?.at(-1);
      if (f) return (shopCache = f);
      const r = (await call("GET", "/_sim/shops")) as { shops: { domain: string }[] };
      if (!r.shops[0]) throw new CliError("the simulator has no shop");
      return (shopCache = r.shops[0].domain);
    };
    const S = async () => `/_sim/shops/${encodeURIComponent(await shop())}`;
    const need = (i: number, name: string) => {
      const v = args[i];
      if (v === undefined) throw new CliError(`missing <${name}> (see: sim help)`);
      return v;
    };
    const print = (v: unknown) => io.out(typeof v === "string" ? v : JSON.stringify(v, null, 2));

    switch (cmd) {
      case "health":
        print(await call("GET", "/_sim/health"));
        return 0;
      case "shops":
        print(await call("GET", "/_sim/shops"));
        return 0;
      case "create-order":
        print(await call("POST", `${await S()}/orders${silent}`, json(args[0], "order json")));
        return 0;
      case "create":
        print(
          await call(
            "POST",
            `${await S()}/${encodeURIComponent(need(0, "resource"))}${silent}`,
            json(args[1], "record json"),
          ),
        );
        return 0;
      case "update":
        print(
          await call(
            "PATCH",
            `${await S()}/${encodeURIComponent(need(0, "resource"))}/${encodeURIComponent(need(1, "id"))}${silent}`,
            json(need(2, "json"), "patch json"),
          ),
        );
        return 0;
      case "delete":
        print(
          await call(
            "DELETE",
            `${await S()}/${encodeURIComponent(need(0, "resource"))}/${encodeURIComponent(need(1, "id"))}${silent}`,
          ),
        );
        return 0;
      case "refund":
      case "fulfill":
      case "cancel":
      case "pay": {
        const amount = flags.amount?.at(-1);
        print(
          await call(
            "POST",
            `${await S()}/orders/${encodeURIComponent(need(0, "orderId"))}/${cmd}${silent}`,
            cmd === "refund" && amount ? { amount } : {},
          ),
        );
        return 0;
      }
      case "adjust":
        print(
          await call("POST", `${await S()}/inventory/adjust${silent}`, {
            inventoryItemId: need(0, "inventoryItemId"),
            locationId: need(1, "locationId"),
            delta: Number(need(2, "delta")),
          }),
        );
        return 0;
      case "fault":
        if (need(0, "json|reset") === "reset") print(await call("DELETE", `${await S()}/faults`));
        else print(await call("POST", `${await S()}/faults`, json(args[0], "fault json")));
        return 0;
      case "scopes":
        print(await call("POST", `${await S()}/scopes`, { scopes: need(0, "scopes") }));
        return 0;
      case "uninstall":
        print(await call("POST", `${await S()}/uninstall`, {}));
        return 0;
      case "compliance": {
        const topic = need(0, "topic");
        print(
          await call(
            "POST",
            `${await S()}/compliance/${topic}`,
            args[1] ? { customerId: args[1] } : {},
          ),
        );
        return 0;
      }
      case "webhooks": {
        const r = (await call("GET", `${await S()}/webhooks`)) as {
          subscriptions: { topic: string; uri: string }[];
          deliveries: {
            id: string;
            topic: string;
            status: string;
            attempts: number;
            lastStatusCode?: number;
            triggeredAt: string;
          }[];
        };
        io.out(`${r.subscriptions.length} subscriptions, ${r.deliveries.length} deliveries`);
        for (const d of r.deliveries)
          io.out(
            `${d.triggeredAt}  ${d.topic.padEnd(26)} ${d.status.padEnd(9)} attempts=${d.attempts} last=${d.lastStatusCode ?? "-"}  ${d.id}`,
          );
        return 0;
      }
      case "session-token": {
        const userId = flags["user-id"]?.at(-1);
        print(
          await call(
            "POST",
            `${await S()}/session-token`,
            userId ? { userId: Number(userId) } : {},
          ),
        );
        return 0;
      }
    }
    throw new CliError(`unknown command: ${cmd} (see: sim help)`);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`sim: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
