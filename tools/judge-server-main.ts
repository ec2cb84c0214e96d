/** `npm run judge-server`: the local judge server on JUDGE_SERVER_PORT (default 8765) until SIGINT/SIGTERM. */
import { startJudgeServer } from './judge-server';

const port = Number(process.env.JUDGE_SERVER_PORT ?? 8765);
const server = await startJudgeServer({ port });
console.log(`local judge server (deterministic, for tests and the offline demo) listening on ${server.url}`);
console.log(`use it with: OPENAI_BASE_URL=${server.url} OPENAI_API_KEY=local npm run worker`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
