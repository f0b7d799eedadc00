# mtls-gate, the GitHub App: `docker build -t mtls-gate .` then run it with Probot's environment variables
# (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, and GHE_HOST/GHE_PROTOCOL for GitHub Enterprise Server).
# Node.js 24, the active LTS (Node 20 reached its end of life in April 2026). Pinned by tag, not digest: pin the digest
# your registry resolves (`docker buildx imagetools inspect node:24-bookworm-slim`) to make rebuilds reproducible.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: the Action's adapter is a dev dependency, bundled into dist-action/ and not needed here.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY app.yml ./
COPY docs/rules ./docs/rules
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/app/main.js"]
