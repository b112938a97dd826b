# Provider image in two stages. build: every dependency, `npm run build` compiles to dist/. runtime: the base image's
# Node.js 24, dist/ and its production dependencies only (no TypeScript, tsx, Biome, Playwright, embedded PostgreSQL,
# nor the pinned `node` package, a devDependency). The database is MongoDB through MONGODB_URI (docs/operators.md, Production).
FROM node:24-bookworm-slim AS build
WORKDIR /build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# Dependencies first, so code changes reuse this layer; the build needs the devDependencies (tsc). npm ci runs the
# project's postinstall, which builds the embedded FerretDB when Go is there (here it is not: it says so and goes on;
# the image uses MongoDB), so its script and the one module it imports come first too.
COPY package.json package-lock.json ./
COPY src/root.ts src/
COPY src/db/build-ferretdb.ts src/db/
RUN npm ci && npm cache clean --force

COPY . .
RUN npm run build

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# dependencies first, so a code change reuses this layer
COPY --from=build /build/dist/package.json /build/dist/package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
# code stays root-owned and read-only for the app, which writes nothing to disk
COPY --from=build /build/dist/ ./

USER node
# every interface of the container: compose publishes the ports on the host's loopback only
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DEMO_PORT=3001
EXPOSE 3000 3001
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "src/main.js"]
