/**
 * Generates both Prisma clients offline (`npm run db:generate`):
 *   prisma/sqlite/schema.prisma     -> app/generated/prisma-sqlite
 *   prisma/postgresql/schema.prisma -> app/generated/prisma-postgresql
 * Regenerates the derived schemas first when schema.base.prisma changed.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ENGINES, derivedSchemaPath, staleSchemas, writeDerivedSchemas } from "./derive-schemas";
import { runPrisma } from "./prisma-cli";
import type { Engine } from "../database-url";

/** The CLI only needs DATABASE_URL to exist and to match the provider; nothing connects. */
const PLACEHOLDER_URL: Record<Engine, string> = {
  sqlite: "file:./data/storesync.sqlite",
  postgresql: "postgresql://localhost:5432/storesync",
};

export async function generateClients(): Promise<void> {
  if (staleSchemas().length > 0) {
    writeDerivedSchemas();
    console.log(
      "derived schemas were stale: rewrote prisma/sqlite and prisma/postgresql schema.prisma",
    );
  }
  for (const engine of ENGINES) {
    const schema = derivedSchemaPath(engine);
    const result = await runPrisma(["generate", "--schema", schema], {
      DATABASE_URL: PLACEHOLDER_URL[engine],
    });
    if (result.code !== 0) {
      throw new Error(`prisma generate failed for ${engine}:\n${result.stdout}\n${result.stderr}`);
    }
    console.log(`generated ${engine} client from ${path.relative(process.cwd(), schema)}`);
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  generateClients().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
