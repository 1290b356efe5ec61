# StoreSync production image: one image, two roles (docs/deploy.md).
#   web:    docker run … storesync                 (npm start, PORT 3000, GET /healthz)
#   worker: docker run … storesync npm run worker  (WORKER_HEALTH_PORT for GET /healthz)
#   migrate: docker run … storesync npx prisma migrate deploy   (once per release, before the rest)
# No Prisma engine binaries anywhere: the client and the CLI use the JS engine + driver adapters.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# Whole tree first: postinstall generates the Prisma clients for both engines (offline) and runs
# GraphQL codegen over app/, so it needs the sources.
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
# MALLOC_ARENA_MAX: glibc gives every thread (ingest preparation, libuv pool) its own malloc
# arena, and freed SQLite/driver memory stays resident in them: 2 arenas cut a backfill's peak RSS
# by ~40 MB (bench:backfill).
# --max-semi-space-size=4: V8's young generation of the main thread stays at 3 x 4 MB instead of
# up to 3 x 16 MB; an ingest's batches die young either way. bench:backfill: peak RSS ~35 MB
# lower at the same records/s; bench:webhooks: the same answer times.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS=--max-semi-space-size=4 \
    PORT=3000 \
    LOG_FORMAT=json \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
# tsx and prisma stay installed: `npm run worker`, `npm run db:migrate` and
# `prisma migrate deploy` (JS engine) run from the same image.
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.WORKER_HEALTH_PORT||process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form: the process gets SIGTERM directly and drains (scripts/worker.ts).
CMD ["npm", "start"]
