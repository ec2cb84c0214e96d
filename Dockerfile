# judgeflow worker image: `src/worker/main.ts` through tsx on the configured task queue, started as
# src/worker/runtime.ts says (heap cap, malloc arenas).
FROM node:20.19-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
ENV MALLOC_ARENA_MAX=2
COPY package.json package-lock.json ./
# tsx runs the TypeScript sources directly; it is a runtime dependency, so --omit=dev keeps it.
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
USER node
CMD ["node", "--max-old-space-size=256", "--import", "tsx", "src/worker/main.ts"]
