/** An in-process judgeflow worker for a test file, on the run's dev server and the file's task queue. */
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Judgeflow } from '../../src/sdk/client';
import type { JudgeClient } from '../../src/llm/judge';
import { createJudgeflowWorker } from '../../src/temporal/worker-factory';

export interface TestWorker {
  stop(): Promise<void>;
}

export async function startTestWorker(jf: Judgeflow, llm: JudgeClient): Promise<TestWorker> {
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker = await createJudgeflowWorker({
    config: jf.config,
    connection,
    db: jf.db,
    llm,
    workflowBundlePath: inject('workflowBundlePath'),
  });
  const running = worker.run();
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
