# judgeflow worker image: `npx tsx src/worker.ts` on the configured task queue.
FROM node:20.19-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# tsx runs the TypeScript sources directly; it is a runtime dependency, so --omit=dev keeps it.
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
USER node
CMD ["npx", "tsx", "src/worker.ts"]
