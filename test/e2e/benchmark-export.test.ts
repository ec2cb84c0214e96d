/**
 * The whole benchmark path: a dataset with user columns, ground truth and slices; two criteria with an evaluator
 * each; a benchmark execution over two splits; JSON and CSV exports parsed back and checked, datapoint by
 * datapoint, against PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import type { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Benchmark,
  BenchmarkExecution,
  Criteria,
  CsvExportConfig,
  Dataset,
  InvalidCsvOptionError,
  InvalidDestinationError,
  NotFoundError,
  PromptEvaluator,
  Slice,
  UnsupportedDestinationError,
  type Judgeflow,
} from '../../src';
import { insertExport } from '../../src/db/export.repository';
import { exportWorkflowId } from '../../src/shared/workflow-ids';
import { runCli } from '../support/cli';
import { uniqueName } from '../support/context';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { readCsvsWithPandas, readCsvWithPython } from '../support/python-csv';
import { scoredRows, waitUntil } from '../support/results';

let stack: JudgedClient;
let jf: Judgeflow;
let dir: string;

const tricky = [
  'plain',
  'semi;colon',
  "it's quoted",
  'slash/escape',
  "both/' here",
  'multi\nline\r\nvalue',
  '日本語 🚀 שלום',
  '',
  ' padded ',
  'a,b "c"',
  '=1+1',
  '-2+3',
  '@SUM(A1:A2)',
  '-1',
];

beforeAll(async () => {
  stack = await startJudgedClient(`benchmark-export-${process.pid}`);
  ({ jf } = stack);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-export-'));
});

afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('benchmark execution and export', () => {
  let execution: BenchmarkExecution;
  let benchmark: Benchmark;

  beforeAll(async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      x_uid: `dp-${i}`,
      split: ['train', 'dev', 'test'][i % 3]!,
      question: `question ${i}`,
      response: tricky[i % tricky.length]!,
      lang: i % 4 === 0 ? 'fr' : 'en',
      length: String(i * 3),
    }));
    const ds = await Dataset.create({ name: uniqueName('export'), rows });
    benchmark = await Benchmark.create({
      name: uniqueName('export'),
      description: 'export e2e',
      datasetUid: ds.datasetUid,
    });
    const helpful = await Criteria.create({
      benchmarkUid: benchmark.benchmarkUid,
      name: 'helpfulness',
      labels: [
        { name: 'bad', score: 0 },
        { name: 'ok', score: 1 },
        { name: 'great', score: 2 },
      ],
    });
    const safe = await Criteria.create({
      benchmarkUid: benchmark.benchmarkUid,
      name: 'safety',
      labels: [
        { name: 'unsafe', score: 0 },
        { name: 'safe', score: 1 },
      ],
    });
    // Ground truth for most datapoints (not dp-1), so agreement is true, false and null.
    await helpful.setGroundTruth(Object.fromEntries(rows.filter((_, i) => i !== 1).map((r, i) => [r.x_uid, i % 3])));
    await safe.setGroundTruth(Object.fromEntries(rows.map((r, i) => [r.x_uid, i % 2])));
    await Slice.create({
      benchmarkUid: benchmark.benchmarkUid,
      name: 'french',
      filter: { column: 'lang', op: 'eq', value: 'fr' },
    });
    await Slice.create({
      benchmarkUid: benchmark.benchmarkUid,
      name: 'long',
      filter: { column: 'length', op: 'gte', value: 45 },
    });
    await PromptEvaluator.create({
      criteriaUid: helpful.criteriaUid,
      name: 'helpful judge',
      userPrompt: 'Q: {{question}}\nA: {{response}}',
      modelName: 'local-judge',
    });
    await PromptEvaluator.create({
      criteriaUid: safe.criteriaUid,
      name: 'safety judge',
      systemPrompt: 'Be strict.',
      userPrompt: '{{response}} ({{lang}})',
      modelName: 'local-judge',
    });
    execution = await benchmark.execute({ name: 'nightly', splits: ['train', 'dev'], sync: true });
  });

  it('runs every evaluator over the chosen splits and records the end with a summary', async () => {
    expect(execution).toMatchObject({
      benchmarkUid: benchmark.benchmarkUid,
      name: 'nightly',
      createdBy: jf.config.user,
    });
    expect(await execution.status()).toBe('completed');
    const { rows } = await jf.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM evaluator_results r JOIN evaluator_executions e ON e.uid = r.execution_uid
        WHERE e.benchmark_execution_uid = $1 AND r.score IS NOT NULL`,
      [execution.benchmarkExecutionUid],
    );
    expect(rows[0]?.n).toBe(2 * 20); // two evaluators × (10 train + 10 dev)
    const summary = (await execution.summary()) as {
      evaluators: { overall: { total: number; scored: number }; bySlice: Record<string, unknown> }[];
    };
    expect(summary.evaluators).toHaveLength(2);
    expect(summary.evaluators[0]?.overall).toMatchObject({ total: 20, scored: 20 });
    expect(Object.keys(summary.evaluators[0]!.bySlice).sort()).toEqual(['french', 'long']);
    const listed = await benchmark.listExecutions();
    expect(listed[0]?.benchmarkExecutionUid).toBe(execution.benchmarkExecutionUid);
  });

  /** What the database says each datapoint should show. */
  async function expected() {
    const { rows } = await jf.db.query<{
      x_uid: string;
      split: string;
      data: Record<string, string>;
      ev: string;
      score: number | null;
      rationale: string | null;
      gt: number | null;
      prompt_tokens: number | null;
      completion_tokens: number | null;
      cost_usd: number | null;
      cache_hit: boolean | null;
    }>(
      `SELECT d.x_uid, d.split, d.data, ev.name AS ev, r.score, r.rationale, g.score AS gt,
              r.prompt_tokens, r.completion_tokens, r.cost_usd, r.cache_hit
         FROM datapoints d
         JOIN benchmarks b ON b.dataset_uid = d.dataset_uid AND b.uid = $2
         JOIN evaluators ev ON ev.benchmark_uid = b.uid
         LEFT JOIN evaluator_executions e ON e.evaluator_uid = ev.uid AND e.benchmark_execution_uid = $1 AND e.split = d.split
         LEFT JOIN evaluator_results r ON r.execution_uid = e.uid AND r.x_uid = d.x_uid
         LEFT JOIN ground_truth g ON g.criteria_uid = ev.criteria_uid AND g.x_uid = d.x_uid
        ORDER BY d.position, ev.uid`,
      [execution.benchmarkExecutionUid, benchmark.benchmarkUid],
    );
    const slices = await jf.db.query<{ x_uid: string; name: string }>(
      `SELECT m.x_uid, s.name FROM slice_members m JOIN slices s ON s.uid = m.slice_uid WHERE s.benchmark_uid = $1`,
      [benchmark.benchmarkUid],
    );
    return {
      rows,
      sliceOf: (x: string) =>
        slices.rows
          .filter((s) => s.x_uid === x)
          .map((s) => s.name)
          .sort(),
    };
  }

  it('exports JSON with every datapoint, score, rationale, agreement and slice', async () => {
    const file = path.join(dir, 'execution.json');
    await execution.export(file);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(doc.benchmark).toMatchObject({ benchmark_uid: benchmark.benchmarkUid, description: 'export e2e' });
    expect(doc.execution).toMatchObject({
      benchmark_execution_uid: execution.benchmarkExecutionUid,
      name: 'nightly',
      status: 'completed',
      splits: ['train', 'dev'],
    });
    expect(doc.execution.duration_seconds).toBeGreaterThanOrEqual(0);
    expect(doc.datapoints).toHaveLength(30);
    const { rows, sliceOf } = await expected();
    for (const r of rows) {
      const dp = doc.datapoints.find((d: { x_uid: string }) => d.x_uid === r.x_uid);
      expect(dp.split).toBe(r.split);
      expect([...dp.slices].sort()).toEqual(sliceOf(r.x_uid));
      const ev = dp.evaluations[r.ev];
      expect(ev.score).toBe(r.score);
      expect(ev.rationale).toBe(r.rationale);
      expect(ev.agreement).toBe(r.score === null || r.gt === null ? null : r.score === r.gt);
    }
    // Test-split datapoints were not run: present, with missing scores.
    expect(
      doc.datapoints
        .filter((d: { split: string }) => d.split === 'test')
        .every((d: { evaluations: Record<string, { score: unknown }> }) =>
          Object.values(d.evaluations).every((e) => e.score === null),
        ),
    ).toBe(true);
    expect(doc.summary.datapoints).toBe(30);
    expect(fs.readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it("exports CSV with sep ';', quotechar \"'\" and escapechar '/', which an independent parser reads back", async () => {
    const file = path.join(dir, 'execution.csv');
    await execution.export(file, { config: new CsvExportConfig({ sep: ';', quotechar: "'", escapechar: '/' }) });
    const records: Record<string, string>[] = parse(fs.readFileSync(file, 'utf8'), {
      columns: true,
      delimiter: ';',
      quote: "'",
      escape: '/',
    });
    expect(records).toHaveLength(30);
    expect(Object.keys(records[0]!)).toEqual([
      'x_uid',
      'split',
      'question',
      'response',
      'lang',
      'length',
      'ground_truth.helpfulness',
      'ground_truth.safety',
      'helpful judge.score',
      'helpful judge.rationale',
      'helpful judge.agreement',
      'helpful judge.error',
      'helpful judge.confidence',
      'helpful judge.expected_score',
      'helpful judge.samples',
      'helpful judge.distribution',
      'helpful judge.entropy',
      'helpful judge.prompt_tokens',
      'helpful judge.completion_tokens',
      'helpful judge.cost_usd',
      'helpful judge.cache_hit',
      'safety judge.score',
      'safety judge.rationale',
      'safety judge.agreement',
      'safety judge.error',
      'safety judge.confidence',
      'safety judge.expected_score',
      'safety judge.samples',
      'safety judge.distribution',
      'safety judge.entropy',
      'safety judge.prompt_tokens',
      'safety judge.completion_tokens',
      'safety judge.cost_usd',
      'safety judge.cache_hit',
      'slice.french',
      'slice.long',
    ]);
    const { rows, sliceOf } = await expected();
    for (const r of rows) {
      const rec = records.find((x) => x.x_uid === r.x_uid)!;
      expect(rec.response).toBe(r.data.response);
      expect(rec.question).toBe(r.data.question);
      expect(rec[`${r.ev}.score`]).toBe(r.score === null ? '' : String(r.score));
      expect(rec[`${r.ev}.rationale`]).toBe(r.rationale ?? '');
      expect(rec[`${r.ev}.agreement`]).toBe(r.score === null || r.gt === null ? '' : String(r.score === r.gt));
      // Usage as stored; cost empty here (the test worker has no price table), cache_hit false when it ran.
      expect(rec[`${r.ev}.prompt_tokens`]).toBe(r.prompt_tokens === null ? '' : String(r.prompt_tokens));
      expect(rec[`${r.ev}.completion_tokens`]).toBe(r.completion_tokens === null ? '' : String(r.completion_tokens));
      expect(rec[`${r.ev}.cost_usd`]).toBe(r.cost_usd === null ? '' : String(r.cost_usd));
      expect(rec[`${r.ev}.cache_hit`]).toBe(r.cache_hit === null ? '' : String(r.cache_hit));
      const criteria = r.ev === 'helpful judge' ? 'helpfulness' : 'safety';
      expect(rec[`ground_truth.${criteria}`]).toBe(r.gt === null ? '' : String(r.gt));
      expect(['french', 'long'].filter((s) => rec[`slice.${s}`] === 'true')).toEqual(sliceOf(r.x_uid));
    }
  });

  // Regression: there was no RFC 4180 output (escapechar had to be a character other than the quote), and cells a
  // spreadsheet runs as formulas were written verbatim. Through the CLI, the export row and the worker's COPY.
  it('exports RFC 4180 CSV with the formula guard from the CLI, which Python and pandas read with their defaults', async () => {
    const file = path.join(dir, 'rfc4180.csv');
    const uid = String(execution.benchmarkExecutionUid);
    const r = await runCli(jf.config.temporal.taskQueue, [
      'export',
      uid,
      file,
      '--csv',
      '--no-escapechar',
      '--formula-guard',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    // Quotes doubled, as RFC 4180 says, and no escape character.
    expect(text).toContain('"a,b ""c"""');
    const guarded: Record<string, string> = { '=1+1': "'=1+1", '-2+3': "'-2+3", '@SUM(A1:A2)': "'@SUM(A1:A2)" };
    const { rows } = await expected();
    const options = { sep: ',', quotechar: '"', escapechar: null };
    for (const [head, ...records] of [readCsvWithPython(text, options), readCsvsWithPandas([{ text, options }])[0]!]) {
      expect(records).toHaveLength(30);
      const byXUid = new Map(records.map((rec) => [rec[0], Object.fromEntries(head!.map((h, i) => [h, rec[i]]))]));
      for (const row of rows) {
        const rec = byXUid.get(row.x_uid)!;
        expect(rec.response).toBe(guarded[row.data.response!] ?? row.data.response);
        expect(rec[`${row.ev}.rationale`]).toBe(row.rationale ?? '');
        expect(rec[`${row.ev}.score`]).toBe(row.score === null ? '' : String(row.score));
      }
    }
    const stored = await jf.db.query<{ options: unknown }>(`SELECT options FROM exports WHERE destination = $1`, [
      file,
    ]);
    expect(stored.rows[0]?.options).toEqual({ sep: ',', quotechar: '"', escapechar: null, formulaGuard: true });
  });

  it('refuses an existing file unless asked to overwrite, in one line, and replaces it when asked', async () => {
    const file = path.join(dir, 'existing.json');
    fs.writeFileSync(file, 'keep me');
    const refusal = execution.export(file);
    await expect(refusal).rejects.toThrow(InvalidDestinationError);
    await expect(refusal).rejects.toThrow(
      `cannot export to ${JSON.stringify(file)}: the file exists; pass overwrite: true (--force) to replace it`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');
    await execution.export(file, { overwrite: true });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).datapoints).toHaveLength(30);
    await expect(execution.export(file, { overwrite: 'yes' as never })).rejects.toThrow(
      'export option overwrite "yes" is invalid: expected true or false',
    );
  });

  describe('a worker that is handed an export directly (no client check)', () => {
    let roots: string[];
    let outside: string;
    beforeAll(() => {
      roots = jf.config.exportRoots;
      jf.config.exportRoots = [dir];
      outside = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-outside-'));
    });
    afterAll(() => {
      jf.config.exportRoots = roots;
      fs.rmSync(outside, { recursive: true, force: true });
    });

    /** Records an export and starts its workflow as anyone with Temporal access could, skipping the SDK's checks. */
    async function startDirectly(destination: string, overwrite = false): Promise<string> {
      const exportUid = await insertExport(jf.db, {
        benchmarkExecutionUid: execution.benchmarkExecutionUid,
        destination,
        format: 'json',
        options: {},
        connectorConfigUid: null,
        overwrite,
      });
      const client = await jf.temporal();
      const handle = await client.workflow.start('exportWorkflow', {
        workflowId: exportWorkflowId(jf.instanceId, exportUid),
        taskQueue: jf.config.temporal.taskQueue,
        args: [{ exportUid }],
      });
      const failure = await handle.result().then(
        () => 'completed',
        (err: unknown) => {
          const failed = err as WorkflowFailedError;
          return failed.cause?.message ?? failed.message;
        },
      );
      const history = await handle.fetchHistory();
      const started = history.events?.filter((e) => e.activityTaskStartedEventAttributes) ?? [];
      // Refused on its first attempt: a policy refusal is not retried.
      // (writeExport, then finishExport: each on its first attempt)
      expect(started.map((e) => e.activityTaskStartedEventAttributes?.attempt)).toEqual([1, 1]);
      return failure;
    }

    it('writes only under its export roots', async () => {
      const target = path.join(outside, 'x.json');
      expect(await startDirectly(target)).toMatch(/outside the export roots of the worker/);
      expect(fs.existsSync(target)).toBe(false);
    });

    it('refuses "..", a symbolic link on the way, and FIFOs, links or files at the destination', async () => {
      fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
      expect(await startDirectly(`${dir}/sub/../direct.json`)).toMatch(/".." segments are not allowed/);
      fs.symlinkSync(outside, path.join(dir, 'escape'));
      expect(await startDirectly(path.join(dir, 'escape', 'x.json'))).toMatch(/goes through a symbolic link/);
      expect(fs.readdirSync(outside)).toEqual([]);
      const fifo = path.join(dir, 'pipe.json');
      execFileSync('mkfifo', [fifo]);
      expect(await startDirectly(fifo, true)).toMatch(/it is a FIFO/);
      expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
      const link = path.join(dir, 'link.json');
      fs.symlinkSync(path.join(outside, 'victim.json'), link);
      expect(await startDirectly(link, true)).toMatch(/it is a symbolic link/);
      expect(fs.existsSync(path.join(outside, 'victim.json'))).toBe(false);
      const kept = path.join(dir, 'kept.json');
      fs.writeFileSync(kept, 'kept');
      expect(await startDirectly(kept)).toMatch(/the file exists/);
      expect(fs.readFileSync(kept, 'utf8')).toBe('kept');
      expect(await startDirectly(kept, true)).toBe('completed');
      expect(JSON.parse(fs.readFileSync(kept, 'utf8')).datapoints).toHaveLength(30);
    });
  });

  it('refuses bad destinations and options before anything starts, leaving no file', async () => {
    const exports = async () => (await jf.db.query(`SELECT uid FROM exports`)).rowCount;
    const before = await exports();
    await expect(execution.export(path.join(dir, 'missing-dir', 'x.json'))).rejects.toThrow(InvalidDestinationError);
    await expect(execution.export(path.join(dir, 'missing-dir', 'x.json'))).rejects.toThrow(/does not exist/);
    await expect(execution.export(dir)).rejects.toThrow(/is a directory/);
    await expect(execution.export('ftp://host/x.json')).rejects.toThrow(UnsupportedDestinationError);
    // Remote destinations are checked up front too (the remote export tests cover them against real servers).
    await expect(execution.export('s3://bucket/run.json', { connectorConfigUid: 987654 })).rejects.toThrow(
      /connector config 987654 does not exist/,
    );
    await expect(execution.export('s3://bucket/', {})).rejects.toThrow(InvalidDestinationError);
    expect(() => new CsvExportConfig({ sep: ';;' })).toThrow(InvalidCsvOptionError);
    expect(() => new CsvExportConfig({ sep: "'", quotechar: "'" })).toThrow(/must differ from sep/);
    expect(await exports()).toBe(before);
  });
});

describe('benchmark execution cancellation', () => {
  it('cancels every evaluator execution, keeps their results and records cancelled', async () => {
    const ds = await Dataset.create({
      name: uniqueName('cancel'),
      split: 'dev',
      rows: Array.from({ length: 40 }, (_, i) => ({ response: `r${i}` })),
    });
    const b = await Benchmark.create({ name: uniqueName('cancel'), datasetUid: ds.datasetUid });
    const c = await Criteria.create({
      benchmarkUid: b.benchmarkUid,
      name: 'c',
      labels: [
        { name: 'no', score: 0 },
        { name: 'yes', score: 1 },
      ],
    });
    await PromptEvaluator.create({
      criteriaUid: c.criteriaUid,
      userPrompt: '{{response}}',
      modelName: 'local-judge:latency=800',
    });
    await PromptEvaluator.create({
      criteriaUid: c.criteriaUid,
      userPrompt: 'again {{response}}',
      modelName: 'local-judge:latency=800',
    });
    const run = await b.execute({ concurrency: 2 });
    const scored = async () => (await scoredRows(jf.db, { benchmarkExecutionUid: run.benchmarkExecutionUid })).n;
    await waitUntil('4 rows are scored', async () => (await scored()) >= 4);
    expect((await run.progress()).children.map((child) => child.status)).toEqual(['running', 'running']);
    await run.cancel();
    expect(await run.wait()).toBe('cancelled');
    const kept = await scored();
    expect(kept).toBeGreaterThanOrEqual(4);
    expect(kept).toBeLessThan(80);
    const { rows } = await jf.db.query<{ status: string }>(
      `SELECT status FROM evaluator_executions WHERE benchmark_execution_uid = $1`,
      [run.benchmarkExecutionUid],
    );
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('refuses an unknown benchmark execution', async () => {
    await expect(BenchmarkExecution.get(987654)).rejects.toThrow(NotFoundError);
    await expect(BenchmarkExecution.get(987654)).rejects.toThrow(/benchmark execution 987654 does not exist/);
  });
});
