# Provider image: Node.js 24 LTS with the app's dependencies; the database is MongoDB through MONGODB_URI, so no Go is needed.
FROM node:24-bookworm-slim

WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# Dependencies first, so code changes reuse this layer. `npm start` runs tsx (a devDependency): install all.
# npm ci runs the project's postinstall, which builds the embedded FerretDB when Go is there (here it is not: it says
# so and goes on; the image uses MongoDB).
COPY package.json package-lock.json ./
COPY src/db/build-ferretdb.ts src/db/
RUN npm ci && npm cache clean --force

COPY . .
# Code stays root-owned and read-only for the app; only its data directory is writable.
RUN mkdir -p /app/data && chown node:node /app/data

USER node
# every interface of the container: compose publishes the ports on the host's loopback only
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DEMO_PORT=3001 \
    MONGODB_URI=mongodb://mongo:27017/mfa-idp
EXPOSE 3000 3001
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/.well-known/openid-configuration').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["npm", "start"]
