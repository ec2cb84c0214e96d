/**
 * How a worker process is started — by `npm run worker`, the Dockerfile, tools/worker-process.ts and
 * `npm run cluster` alike (test/unit/worker-runtime.test.ts keeps them in step): V8's old space capped at 256 MiB
 * and glibc's malloc kept to 2 arenas. Without them a busy worker's heap grows past 1 GiB on a 100,000-row
 * execution (V8 sizes its heap by the machine's memory, and nearly all of a row's garbage dies young); with them
 * it stays under 400 MiB for about 10 % more CPU (docs/performance.md).
 */
export const WORKER_NODE_ARGS: readonly string[] = ['--max-old-space-size=256'];
export const WORKER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
