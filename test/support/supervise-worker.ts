/**
 * A supervisor for test/integration/worker-supervision.test.ts: starts a worker through tools/worker-process.ts (as
 * `judgeflow dev` and the demo do), prints its pid, then waits until it is killed.
 */
import { spawnWorkerProcess } from '../../tools/worker-process';

const worker = await spawnWorkerProcess({});
console.log(`worker ${worker.pid}`);
setInterval(() => {}, 60_000);
