/** Builds a judgeflow worker on the task queue with real dependencies; used by `npm run worker` and tests. */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { RowStops } from '../../activities/row-stops';
import type { Config } from '../config';
import type { Db } from '../db/pool';
import type { JudgeClient } from '../llm/judge';
import { WORKFLOWS_PATH } from './workflows-path';

export interface JudgeflowWorkerOptions {
  config: Config;
  connection: NativeConnection;
  db: Db;
  llm: JudgeClient;
  /** A prebuilt workflow bundle (tests bundle once); the worker bundles `workflows/` itself otherwise. */
  workflowBundlePath?: string;
}

export function createJudgeflowWorker(o: JudgeflowWorkerOptions): Promise<Worker> {
  const workflowSource = o.workflowBundlePath
    ? { workflowBundle: { codePath: o.workflowBundlePath } }
    : { workflowsPath: WORKFLOWS_PATH };
  const rowStops = new RowStops();
  // Room for every row window of a few executions at the worker-wide concurrency cap.
  const rowRoom = Math.max(100, 2 * o.config.concurrency.max);
  return Worker.create({
    connection: o.connection,
    namespace: o.config.temporal.namespace,
    taskQueue: o.config.temporal.taskQueue,
    ...workflowSource,
    activities: createActivities({ config: o.config, db: o.db, llm: o.llm, rowStops }),
    sinks: rowStops.sinks(),
    maxConcurrentActivityTaskExecutions: rowRoom,
    // Rows are local activities (workflows/evaluator-execution.ts): the same room for them.
    maxConcurrentLocalActivityExecutions: rowRoom,
    // Heartbeats reach the server at least every 500 ms, so a cancellation aborts slow model calls within ~1 s.
    maxHeartbeatThrottleInterval: '500 milliseconds',
    // Short row activities arrive fast: more pollers keep the concurrency window full.
    maxConcurrentActivityTaskPolls: 32,
    maxConcurrentWorkflowTaskPolls: 10,
    // On SIGTERM: let in-flight rows finish for a few seconds, then cancel them.
    shutdownGraceTime: '10 seconds',
  });
}
