/**
 * What the benchmarks share: an evaluator over N synthetic rows, CPU time and peak memory of processes read from
 * /proc, and the history events of an execution's workflow runs.
 */
import fs from 'node:fs';
import { Benchmark, Criteria, Dataset, PromptEvaluator } from '../src';
import type { Judgeflow } from '../src/sdk/Judgeflow';
import { evaluatorExecutionWorkflowId } from '../src/shared/workflow-ids';

/**
 * An evaluator of the local judge over `rows` rows of split `test`; `benchmarkUid` for deleteBenchmarkData.
 * `modelName` may carry the judge server's per-request switches, e.g. `local-judge:latency=0`.
 */
export async function createBenchEvaluator(jf: Judgeflow, name: string, rows: number, modelName = 'local-judge') {
  const dataset = await Dataset.create(
    {
      name,
      split: 'test',
      rows: Array.from({ length: rows }, (_, i) => ({ question: `question ${i}`, response: `answer number ${i}` })),
    },
    jf,
  );
  const benchmark = await Benchmark.create({ name, datasetUid: dataset.datasetUid }, jf);
  const criteria = await Criteria.create(
    {
      benchmarkUid: benchmark.benchmarkUid,
      name: 'quality',
      labels: [0, 1, 2, 3].map((s) => ({ name: `q${s}`, score: s })),
    },
    jf,
  );
  const evaluator = await PromptEvaluator.create(
    { criteriaUid: criteria.criteriaUid, userPrompt: 'Q: {{question}}\nA: {{response}}', modelName },
    jf,
  );
  return { evaluator, benchmarkUid: benchmark.benchmarkUid };
}

const TICK_MS = 1000 / 100; // /proc's clock ticks (USER_HZ) are 100 a second on Linux

/** The fields of /proc/<pid>/stat after the command name (state is [0], ppid [1], utime [11]); undefined once gone. */
function procStat(pid: number): number[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) of a process from /proc; 0 once it is gone. `withEndedChildren` adds what its children that ended
 * used (the kernel moves it to the parent when they are reaped).
 */
export function cpuMs(pid: number, withEndedChildren = false): number {
  const fields = procStat(pid);
  if (!fields) return 0;
  const own = fields[11]! + fields[12]!;
  return (withEndedChildren ? own + fields[13]! + fields[14]! : own) * TICK_MS;
}

/** CPU ms of PostgreSQL: every live process, plus the backends that ended (counted on the postmaster). */
function postgresCpuMs(): number {
  const pids = pidsNamed('postgres');
  const postmasters = new Set(pids.filter((pid) => !pids.includes(procStat(pid)?.[1] ?? 0)));
  return pids.reduce((n, pid) => n + cpuMs(pid, postmasters.has(pid)), 0);
}

/** The most memory (MiB) a process has held so far (VmHWM); 0 once it is gone. */
export function peakRssMiB(pid: number): number {
  return statusMiB(pid, 'VmHWM');
}

/** The memory (MiB) a process holds now (VmRSS); 0 once it is gone. */
export function rssMiB(pid: number): number {
  return statusMiB(pid, 'VmRSS');
}

function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** Pids of the processes whose command name is `name` (PostgreSQL backends are all `postgres`). */
export function pidsNamed(name: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    });
}

export interface ProcessGroups {
  temporal: number[];
  workers: number[];
}

/** CPU ms so far of each group, of PostgreSQL, and of this process (client and local judge). */
export function cpuSample(groups: ProcessGroups) {
  const sum = (pids: number[]) => pids.reduce((n, pid) => n + cpuMs(pid), 0);
  const self = process.cpuUsage();
  return {
    temporal: sum(groups.temporal),
    workers: sum(groups.workers),
    postgres: postgresCpuMs(),
    client: (self.user + self.system) / 1000,
  };
}

export type CpuSample = ReturnType<typeof cpuSample>;

/** CPU ms per row of each group between two samples, rounded to 0.01, and their total. */
export function cpuPerRow(before: CpuSample, after: CpuSample, rows: number) {
  const per = (k: keyof CpuSample) => +((after[k] - before[k]) / rows).toFixed(2);
  const groups = {
    temporal: per('temporal'),
    workers: per('workers'),
    postgres: per('postgres'),
    client: per('client'),
  };
  const total = +Object.values(groups)
    .reduce((a, b) => a + b, 0)
    .toFixed(2);
  return { groups, total };
}

/** Every run of an execution's workflow (continue-as-new) and their history events. */
export async function executionHistory(jf: Judgeflow, evaluatorUid: number, executionUid: number) {
  const temporal = await jf.temporal();
  const workflowId = evaluatorExecutionWorkflowId(jf.instanceId, evaluatorUid, executionUid);
  const lengths: number[] = [];
  for await (const run of temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    // Visibility's historyLength of a run that just closed may still be stale; describe() reads the run itself.
    lengths.push((await temporal.workflow.getHandle(workflowId, run.runId).describe()).historyLength);
  }
  return { runs: lengths.length, events: lengths.reduce((a, b) => a + b, 0), maxPerRun: Math.max(0, ...lengths) };
}
