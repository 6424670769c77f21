# syntax=docker/dockerfile:1
# Agent Dispatch: one image for every role — the App (`node src/boot/main.ts`), the worker tier
# (`… --worker-only`), the webhook tier (`… --http-only`), migrations (`node src/boot/migrate-cli.ts`)
# and the doctor (`node src/boot/doctor-cli.ts`). Node 24 runs the TypeScript sources as they are.
# Postgres comes from DATABASE_URL (docs/deploy.md).
ARG NODE_IMAGE=node:24-bookworm-slim

# Production dependencies only: no test tools, no OpenAPI description (a 385 MB dev dependency),
# no embedded PostgreSQL (an optional dependency: a container uses DATABASE_URL), no install scripts.
FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json app.yml ./
COPY migrations ./migrations
COPY src ./src
# The image's files belong to root; the App runs as the unprivileged `node` user and writes nothing.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "src/boot/healthcheck.ts"]
# node itself, not npm: SIGTERM reaches the App, which drains and exits 0.
CMD ["node", "src/boot/main.ts"]
