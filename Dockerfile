# CareGraph production image. Docker does not run on the machines this project is built on: the file is
# kept correct by test/deploy.test.ts (stages, user, health check, every COPY source exists) and
# docker-compose.yml by `docker-compose config` in .ci/run.

# Production dependencies only (better-sqlite3 compiles here, so the toolchain stays out of the image).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# The TypeScript build, with the dev dependencies it needs.
FROM deps AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY src ./src
COPY web ./web
COPY scripts ./scripts
# The server and the insights page (web/ bundled by esbuild into dist/web/insights).
RUN npm run -s build

FROM node:20-bookworm-slim
# The young generation npm start gives the server (docs/performance.md).
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# `docker run ... caregraph apikey create --role ADMIN --name ops` runs the CLI instead.
ENTRYPOINT ["node", "bin/caregraph.js"]
CMD ["serve"]
