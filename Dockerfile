# judgeflow worker image: the compiled package (docs/packaging.md) — `dist/src/worker/main.js`, no tsx at run time —
# on the configured task queue, started as src/worker/runtime.ts says (heap cap, malloc arenas).
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
COPY tools ./tools
COPY examples/data ./examples/data
# dist/: the JavaScript, the migrations, and the workflow bundle (so the worker starts without webpack).
RUN npm run build

FROM node:20.19-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
ENV MALLOC_ARENA_MAX=2
COPY package.json package-lock.json ./
# The same lock file as the build stage: the SDK the bundle was built with.
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
USER node
CMD ["node", "--max-old-space-size=256", "dist/src/worker/main.js"]
