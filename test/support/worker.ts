/** An in-process judgeflow worker for a test file, on the run's dev server and the file's task queue. */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Judgeflow } from '../../src/sdk/Judgeflow';
import type { JudgeClient } from '../../src/llm/judge';
import { createJudgeflowWorker } from '../../src/worker/create-worker';

export interface TestWorker {
  stop(): Promise<void>;
}

let runtimeInstalled = false;

export async function startTestWorker(jf: Judgeflow, llm: JudgeClient): Promise<TestWorker> {
  if (!runtimeInstalled) {
    // Worker lifecycle chatter drowns test output; errors still show (row failures are expected in fault tests).
    Runtime.install({ logger: new DefaultLogger((process.env.JUDGEFLOW_TEST_LOG as 'ERROR' | undefined) ?? 'ERROR') });
    runtimeInstalled = true;
  }
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
