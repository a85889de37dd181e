# syntax=docker/dockerfile:1
# One Dockerfile, one target per deployable: `docker build --target gateway -t gaia/gateway .`
# Targets: gateway, auth, chat, migrate (the Helm pre-install/pre-upgrade Job), and dev (the Tiltfile's
# dev loop, never a release).
ARG NODE_IMAGE=node:24-bookworm-slim

# Build: every workspace compiled to dist/ (Prisma Client generated offline first).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/platform/package.json packages/platform/
COPY packages/fake-upstream/package.json packages/fake-upstream/
COPY packages/testkit/package.json packages/testkit/
COPY apps/auth/package.json apps/auth/
COPY apps/chat/package.json apps/chat/
COPY apps/gateway/package.json apps/gateway/
COPY launcher/package.json launcher/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY scripts scripts
COPY prisma prisma
COPY packages packages
COPY apps apps
COPY launcher launcher
RUN npm run build

# Dev (`tilt up` only): the build stage (all dependencies, sources, Prisma Client) run from the
# TypeScript sources under node --watch as `npm start` does, one image for gateway, auth and chat;
# GAIA_SERVICE picks the app (dev/tilt-values.yaml sets it). Tilt's live_update extracts changed
# sources as uid 10001 into apps/ and packages/, so that uid owns them (the root filesystem must be
# writable: dev/tilt-values.yaml); node_modules stays root's, since a dependency change rebuilds.
FROM build AS dev
COPY tsconfig.json ./
RUN find apps packages -name node_modules -prune -o -exec chown 10001:10001 {} +
USER 10001:10001
ENTRYPOINT ["/bin/sh", "-c", "exec node --conditions=development --import tsx --watch \"apps/${GAIA_SERVICE:?set GAIA_SERVICE to gateway, auth or chat}/src/main.ts\""]

# Production dependencies only, same workspace layout so @gaia/* links resolve to dist/.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json /app/.npmrc ./
COPY --from=build /app/packages/contracts/package.json packages/contracts/
COPY --from=build /app/packages/platform/package.json packages/platform/
COPY --from=build /app/packages/fake-upstream/package.json packages/fake-upstream/
COPY --from=build /app/packages/testkit/package.json packages/testkit/
COPY --from=build /app/apps/auth/package.json apps/auth/
COPY --from=build /app/apps/chat/package.json apps/chat/
COPY --from=build /app/apps/gateway/package.json apps/gateway/
COPY --from=build /app/launcher/package.json launcher/
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/prisma/migrations prisma/migrations
COPY --from=build /app/packages/contracts/package.json packages/contracts/
COPY --from=build /app/packages/contracts/dist packages/contracts/dist
COPY --from=build /app/packages/platform/package.json packages/platform/
COPY --from=build /app/packages/platform/dist packages/platform/dist
# A numeric uid >= 10000 so Kubernetes runAsNonRoot can verify it without a passwd entry.
USER 10001:10001

FROM runtime AS migrate
ENTRYPOINT ["node", "packages/platform/dist/db/migrate-cli.js"]

FROM runtime AS auth
COPY --from=build /app/apps/auth/package.json apps/auth/
COPY --from=build /app/apps/auth/dist apps/auth/dist
EXPOSE 8001
ENTRYPOINT ["node", "apps/auth/dist/main.js"]

FROM runtime AS chat
COPY --from=build /app/apps/chat/package.json apps/chat/
COPY --from=build /app/apps/chat/dist apps/chat/dist
EXPOSE 8003
ENTRYPOINT ["node", "apps/chat/dist/main.js"]

FROM runtime AS gateway
COPY --from=build /app/apps/gateway/package.json apps/gateway/
COPY --from=build /app/apps/gateway/dist apps/gateway/dist
EXPOSE 8666
ENTRYPOINT ["node", "apps/gateway/dist/main.js"]

