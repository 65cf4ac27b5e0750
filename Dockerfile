# syntax=docker/dockerfile:1
# beatframe in one image: the API service (`serve --no-worker`) and the worker service (`worker`) run it
# with different start commands (railway.json, railway.worker.json). Secrets come from the host's
# variables at run time; none is read, copied or baked in at build time (.dockerignore drops .env).
# Checked without a Docker engine by scripts/docker/check.mjs (lint) and scripts/docker/dry-run.sh
# (the same install steps, outside a container).

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- toolchain: pnpm at the version package.json pins ----
FROM ${NODE_IMAGE} AS base
ENV PNPM_HOME=/pnpm \
    PATH=/pnpm:$PATH \
    CI=true
RUN corepack enable && corepack prepare pnpm@10.34.8 --activate
WORKDIR /src

# ---- dependencies: fetched from the lockfile alone, so this layer stays cached until it changes ----
FROM base AS deps
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch --frozen-lockfile

# ---- build: the workspace from the fetched store, then a pruned production copy of the CLI ----
FROM deps AS build
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile --offline
RUN pnpm exec turbo run build --filter=@beatframe/cli...
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm --filter=@beatframe/cli deploy --prod --legacy /out

# ---- runtime: Node 24, Debian's ffmpeg (xfade, drawtext, zoompan), Chromium, fonts; no build tools ----
FROM ${NODE_IMAGE} AS runtime
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates chromium ffmpeg fonts-dejavu-core fonts-liberation tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    BEATFRAME_DATA_DIR=/data \
    BEATFRAME_BROWSER_EXECUTABLE=/usr/bin/chromium \
    BEATFRAME_NO_APT=1
RUN groupadd --system --gid 10001 beatframe \
 && useradd --system --uid 10001 --gid beatframe --home-dir /home/beatframe --create-home beatframe \
 && mkdir -p /data \
 && chown beatframe:beatframe /data
COPY --from=build /out /app
WORKDIR /app
USER beatframe
EXPOSE 8787
ENTRYPOINT ["tini", "--", "node", "/app/dist/bin.js"]
CMD ["serve", "--no-worker", "--host", "::"]
