/**
 * `judgeflow report`, opened in headless Chromium as a person would: the file loads nothing from the network,
 * logs no errors, and its numbers (agreement, confusion matrix, slices, compared rows, tokens) are those the
 * database holds; its filters work; it fits a laptop and a phone. `report A B` lists the changed verdicts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  Benchmark,
  BenchmarkExecution,
  compareExecutions,
  Criteria,
  Dataset,
  PromptEvaluator,
  Slice,
  type Judgeflow,
} from '../../src';
import { cohensKappa, confusionMatrix } from '../../src/metrics/agreement';
import { launchChromium } from '../../tools/chromium';
import { runCli } from '../support/cli';
import { uniqueName } from '../support/context';
import { startJudgedClient, type JudgedClient } from '../support/judged-client';
import { benchmarkExecutionWorkflowId } from '../../src/shared/workflow-ids';
import { sklearnAgreement, statsmodelsMcnemar } from '../support/python-stats';

/** What the local judge answers per row (`[[judge:score=N]]`), and the ground truth (row 11 has none). */
const JUDGE = [0, 1, 2, 2, 1, 0, 2, 2, 1, 0, 0, 1];
const TRUTH = [0, 1, 2, 1, 1, 2, 2, 0, 1, 0, 1, null];
const xUid = (i: number) => `dp-${String(i).padStart(2, '0')}`;

let stack: JudgedClient;
let jf: Judgeflow;
let browser: Browser;
let dir: string;
let benchmarkName: string;
let scoring: PromptEvaluator;
let refusing: PromptEvaluator;
let runA: number;
let runB: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-report-'));
  stack = await startJudgedClient(`report-${process.pid}`);
  jf = stack.jf;
  browser = await launchChromium();

  const dataset = await Dataset.create(
    {
      name: uniqueName('report'),
      rows: JUDGE.map((score, i) => ({
        x_uid: xUid(i),
        split: 'dev',
        text: `[[judge:score=${score}]] answer <b>${i}</b>`,
        area: i < 6 ? 'billing' : 'account',
      })),
    },
    jf,
  );
  benchmarkName = uniqueName('report <bench>');
  const benchmark = await Benchmark.create({ name: benchmarkName, datasetUid: dataset.datasetUid }, jf);
  const criteria = await Criteria.create(
    {
      benchmarkUid: benchmark.benchmarkUid,
      name: 'quality',
      labels: [
        { name: 'bad', score: 0 },
        { name: 'ok', score: 1 },
        { name: 'good', score: 2 },
      ],
    },
    jf,
  );
  await criteria.setGroundTruth(TRUTH.flatMap((score, i) => (score === null ? [] : [{ xUid: xUid(i), score }])));
  await Slice.create(
    { benchmarkUid: benchmark.benchmarkUid, name: 'billing', filter: { column: 'area', op: 'eq', value: 'billing' } },
    jf,
  );
  scoring = await PromptEvaluator.create(
    { criteriaUid: criteria.criteriaUid, name: 'scoring judge', userPrompt: '{{text}}', modelName: 'local-judge' },
    jf,
  );
  refusing = await PromptEvaluator.create(
    {
      criteriaUid: criteria.criteriaUid,
      name: 'refusing judge',
      userPrompt: '{{text}}',
      modelName: 'local-judge:refusal',
    },
    jf,
  );
  runA = (await benchmark.execute({ sync: true, splits: ['dev'], name: 'first' })).benchmarkExecutionUid;
  await scoring.update({ userPrompt: 'Area: {{area}}', modelName: 'local-judge' });
  runB = (await benchmark.execute({ sync: true, splits: ['dev'], name: 'second' })).benchmarkExecutionUid;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens a report file; collects console errors, page errors and any request that is not the file itself. */
async function open(file: string, width: number) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    problems.push(`network request: ${url}`);
    return route.abort();
  });
  await page.goto(`file://${file}`);
  return { page, problems };
}

/** The scoring judge's scored rows of run A that have ground truth, as the database holds them. */
async function comparedRows() {
  const { rows } = await jf.db.query<{ score: number; truth: number }>(
    `SELECT r.score, g.score AS truth FROM evaluator_results r
       JOIN evaluator_executions e ON e.uid = r.execution_uid
       JOIN ground_truth g ON g.criteria_uid = $2 AND g.x_uid = r.x_uid
      WHERE e.benchmark_execution_uid = $1 AND e.evaluator_uid = $3 AND r.score IS NOT NULL`,
    [runA, scoring.criteriaUid, scoring.evaluatorUid],
  );
  return rows;
}

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

async function writeReport(args: string[], out: string) {
  const r = await runCli(jf.config.temporal.taskQueue, ['report', ...args, '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

describe('report of one benchmark execution', () => {
  let file: string;
  beforeAll(async () => {
    file = await writeReport([String(runA)], path.join(dir, 'report.html'));
  });

  it('opens offline with no errors, and its agreement numbers are those of the database', async () => {
    const { page, problems } = await open(file, 1366);
    expect(await text(page, 'h1')).toBe(benchmarkName);

    const rows = await comparedRows();
    expect(rows).toHaveLength(11);
    const agreed = rows.filter((r) => r.score === r.truth).length;
    expect(agreed).toBe(7);
    const matrix = confusionMatrix(
      rows.map((r) => [r.truth, r.score]),
      [0, 1, 2],
    );
    const metric = (name: string, e: PromptEvaluator) =>
      text(page, `#overview td[data-metric="${name}"][data-evaluator="${e.evaluatorUid}"]`);
    expect(await metric('accuracy', scoring)).toBe(pct(agreed / 11));
    expect(await metric('kappa', scoring)).toBe(cohensKappa(matrix)!.toFixed(3));
    expect(await metric('coverage', scoring)).toBe('100.0%');
    expect(await metric('compared', scoring)).toBe('11');
    expect(await metric('errors', refusing)).toBe('12');
    expect(await metric('accuracy', refusing)).toBe('n/a');
    expect(await metric('coverage', refusing)).toBe('0.0%');

    // The heat map's cells, row by row, are the confusion matrix.
    const cells = await page.locator(`#evaluator-${scoring.evaluatorUid} svg.heatmap text.cell`).allTextContents();
    expect(cells.map(Number)).toEqual(matrix.matrix.flat());
    // The refusing judge's error kinds.
    expect(await text(page, `#evaluator-${refusing.evaluatorUid} .cards`)).toContain('refusal 12');

    // Per slice: billing is rows 0-5, of which 3 and 5 disagree.
    expect(
      await text(page, `#evaluator-${scoring.evaluatorUid} tr[data-slice="billing"] td[data-metric="slice-accuracy"]`),
    ).toBe(pct(4 / 6));

    // Tokens are the sums the database holds; the provider reported them.
    const usage = await jf.db.query<{ p: string; c: string }>(
      `SELECT sum(prompt_tokens) AS p, sum(completion_tokens) AS c FROM evaluator_results r
         JOIN evaluator_executions e ON e.uid = r.execution_uid
        WHERE e.benchmark_execution_uid = $1 AND e.evaluator_uid = $2`,
      [runA, scoring.evaluatorUid],
    );
    const fmt = (n: string) => Number(n).toLocaleString('en-US');
    expect(await text(page, `[data-usage-evaluator="${scoring.evaluatorUid}"]`)).toContain(
      `tokens: ${fmt(usage.rows[0]!.p)} prompt + ${fmt(usage.rows[0]!.c)} completion`,
    );

    // Links to the Temporal Web UI.
    expect(
      await page
        .locator(
          `a[href$="/workflows/${encodeURIComponent(benchmarkExecutionWorkflowId(jf.instanceId, scoring.benchmarkUid, runA))}"]`,
        )
        .count(),
    ).toBe(1);
    const runLinks = await page.locator(`#evaluator-${scoring.evaluatorUid} table.runs a`).getAttribute('href');
    expect(runLinks).toMatch(
      new RegExp(
        `/workflows/evaluator-${scoring.evaluatorUid}-execution-\\d+${encodeURIComponent(`@${jf.instanceId}`)}$`,
      ),
    );

    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows each statistic with its interval, and the statistics and per-label table match scikit-learn's", async () => {
    const rows = await comparedRows();
    const [want] = sklearnAgreement([
      { truth: rows.map((r) => r.truth), predicted: rows.map((r) => r.score), labels: [0, 1, 2] },
    ]);
    if (!want) throw new Error('scikit-learn gave no answer');
    const { page, problems } = await open(file, 1366);
    const section = `#evaluator-${scoring.evaluatorUid}`;
    const stat = (key: string, cell: 'value' | 'interval') =>
      text(page, `${section} table.statistics tr[data-stat="${key}"] td.${cell}`);
    // 11 rows, 7 agree: accuracy 0.636, κ 0.463 and quadratic κ 0.286 as scikit-learn computes them on these rows.
    expect(await stat('accuracy', 'value')).toBe(want.accuracy!.toFixed(3));
    expect(await stat('kappa', 'value')).toBe(want.kappa!.toFixed(3));
    expect(await stat('weighted-kappa-linear', 'value')).toBe(want.kappaLinear!.toFixed(3));
    expect(await stat('weighted-kappa-quadratic', 'value')).toBe(want.kappaQuadratic!.toFixed(3));
    expect(await stat('macro-f1', 'value')).toBe(want.macroF1!.toFixed(3));
    // Each interval holds its estimate, and is the one the SDK computes (same rows, same seed).
    const agreement = await (await BenchmarkExecution.get(runA, jf)).agreement();
    const overall = agreement.evaluators.find((e) => e.evaluatorUid === scoring.evaluatorUid)!.overall;
    const k = overall.intervals.kappa!;
    expect(k.low).toBeLessThanOrEqual(overall.kappa!);
    expect(k.high).toBeGreaterThanOrEqual(overall.kappa!);
    expect(await stat('kappa', 'interval')).toBe(`${k.low.toFixed(3)} to ${k.high.toFixed(3)}`);
    expect(await page.locator(`${section} svg.intervals line.error-bar`).count()).toBe(8);
    // 11 compared rows cannot place κ within ±0.1: the report says so, with a sample-size estimate.
    expect(await text(page, `${section} ul.notes`)).toMatch(/too few labelled rows to tell: .* about \d+ more/);
    for (const [i, score] of [0, 1, 2].entries()) {
      const cells = await page.locator(`${section} table.per-label tr[data-label-score="${score}"] td`).allInnerTexts();
      expect(cells.slice(0, 4)).toEqual([
        want.precision[i]!.toFixed(3),
        want.recall[i]!.toFixed(3),
        want.f1[i]!.toFixed(3),
        String(want.support[i]),
      ]);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('`benchmark agreement` prints the same statistics, resamples clusters of a column, and refuses an unknown one', async () => {
    const queue = jf.config.temporal.taskQueue;
    const json = await runCli(queue, ['benchmark', 'agreement', String(runA), '--json']);
    expect(json.code, json.stderr).toBe(0);
    const sdk = await (await BenchmarkExecution.get(runA, jf)).agreement();
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(sdk)));

    const human = await runCli(queue, ['benchmark', 'agreement', String(runA)]);
    expect(human.code, human.stderr).toBe(0);
    const k = sdk.evaluators.find((e) => e.evaluatorUid === scoring.evaluatorUid)!.overall;
    expect(human.stdout).toMatch(/^Cohen's κ +/m);
    expect(human.stdout).toContain(
      `${k.kappa!.toFixed(3)} [${k.intervals.kappa!.low.toFixed(3)}, ${k.intervals.kappa!.high.toFixed(3)}]`,
    );
    expect(human.stdout).toContain('intervals: percentile bootstrap, B = 2000, seed 1, over 11 rows');

    // Twelve rows in two areas: resampling by area draws 2 clusters.
    const clustered = await runCli(queue, ['benchmark', 'agreement', String(runA), '--cluster-by', 'area', '--json']);
    expect(clustered.code, clustered.stderr).toBe(0);
    const method = (JSON.parse(clustered.stdout) as typeof sdk).evaluators[0]!.overall.intervalMethod;
    expect(method).toMatchObject({ clusterColumn: 'area', units: 2, seed: 1 });

    const unknown = await runCli(queue, ['benchmark', 'agreement', String(runA), '--cluster-by', 'conversation']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe(
      'error: cluster column: column "conversation" is not in the dataset; available columns: "text", "area"',
    );
  });

  it('lists the disagreements and row errors, and its search and filters narrow them', async () => {
    const { page, problems } = await open(file, 1366);
    const visible = () => page.locator('#rows-table tbody tr:visible').count();
    // By default 4 disagreements of the scoring judge + 12 refusals, of 23 rows (7 agreements listed too).
    expect(await visible()).toBe(16);
    expect(await text(page, '.filter-count[data-for="rows-table"]')).toBe('16 of 23 rows shown');
    const row3 = page.locator(`#rows-table tr[data-evaluator="${scoring.evaluatorUid}"]`, {
      hasText: xUid(3),
    });
    expect(await row3.locator('td').nth(4).innerText()).toBe('ok (1)');
    expect(await row3.locator('td').nth(5).innerText()).toBe('good (2)');
    // User data is text, never markup.
    await row3.locator('summary').click();
    expect(await row3.locator('dl.columns').innerText()).toContain('answer <b>3</b>');

    await page.selectOption('select[data-filter="kind"]', 'problem error');
    expect(await visible()).toBe(12);
    await page.selectOption('select[data-filter="kind"]', 'problem disagree');
    expect(await visible()).toBe(4);
    await page.selectOption('select[data-filter="kind"]', 'agree');
    expect(await visible()).toBe(JUDGE.filter((score, i) => score === TRUTH[i]).length);
    await page.selectOption('select[data-filter="kind"]', '');
    expect(await visible()).toBe(23);
    await page.fill('input[data-filter="text"]', xUid(7));
    expect(await visible()).toBe(2);
    await page.selectOption('select[data-filter="evaluator"]', String(refusing.evaluatorUid));
    expect(await visible()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lists all compared rows by split and slice, and a click on a confusion-matrix cell shows that cell', async () => {
    const { page, problems } = await open(file, 1366);
    const visible = () => page.locator('#rows-table tbody tr:visible').count();
    await page.selectOption('select[data-filter="kind"][data-for="rows-table"]', '');
    await page.selectOption('select[data-filter="split"]', 'dev');
    expect(await visible()).toBe(23);
    // The billing slice is rows 0–5: 6 compared rows of the scoring judge, 6 refusals.
    await page.selectOption('select[data-filter="slice"]', 'billing');
    expect(await visible()).toBe(12);
    await page.selectOption('select[data-filter="slice"]', '');

    // Each cell shows as many rows as its count in the matrix, all of that cell, and of that evaluator only.
    const heatmap = page.locator(`#evaluator-${scoring.evaluatorUid} svg.heatmap`);
    for (const [truth, score] of [
      [1, 2],
      [2, 2],
      [0, 0],
    ] as const) {
      await heatmap.locator(`rect[data-cell="${truth}:${score}"]`).click();
      const expected = JUDGE.filter((s, i) => s === score && TRUTH[i] === truth).length;
      expect(await visible(), `cell ${truth}:${score}`).toBe(expected);
      const cells = await page
        .locator('#rows-table tbody tr:visible')
        .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-evaluator')} ${r.getAttribute('data-cell')}`));
      expect(new Set(cells)).toEqual(new Set([`${scoring.evaluatorUid} ${truth}:${score}`]));
      expect(await text(page, '.cell-filter b')).toMatch(/^truth \w+, judge \w+$/);
    }
    await page.locator('.cell-filter button').click();
    expect(await page.locator('.cell-filter').isHidden()).toBe(true);
    expect(await visible()).toBe(11);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('runs its one inline script under a CSP that pins it by hash, and refuses any other inline script', async () => {
    const { page, problems } = await open(file, 1366);
    const csp = (await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'))!;
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'));
    expect(scriptSrc?.trim()).toMatch(/^script-src 'sha256-[A-Za-z0-9+/]+=*'$/);
    // The report's own script ran (it writes the row counts) and broke no rule.
    expect(await text(page, '.filter-count[data-for="rows-table"]')).toBe('16 of 23 rows shown');
    expect(problems).toEqual([]);

    // What markup from the data would be if its escaping ever failed: an inline script and an event handler. (In
    // strings: the page's code, which this project's TypeScript has no DOM types for.)
    await page.evaluate(`(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.effectiveDirective));
      const script = document.createElement('script');
      script.textContent = 'window.injected = "script";';
      document.body.append(script);
      const div = document.createElement('div');
      div.innerHTML = '<img src="data:," onerror="window.injected = 1">';
      document.body.append(div);
    })()`);
    // Until both were refused (a violation report is asynchronous), or one ran.
    await vi.waitFor(async () => {
      expect(await page.evaluate('window.violations.length >= 2 || window.injected !== undefined')).toBe(true);
    });
    const seen = await page.evaluate('({ violations: [...window.violations].sort(), injected: window.injected })');
    expect(seen).toEqual({ violations: ['script-src-attr', 'script-src-elem'], injected: undefined });
    await page.close();
  });

  it('marks a completed execution with row errors amber: "completed with N errors"', async () => {
    const { page, problems } = await open(file, 1366);
    // 12 of the 24 rows are the refusing judge's refusals.
    const header = page.locator('header .badge');
    expect(await header.innerText()).toBe('completed with 12 errors');
    expect(await page.evaluate(`getComputedStyle(document.querySelector('header .badge')).backgroundColor`)).toBe(
      'rgb(253, 230, 138)',
    );
    const runBadge = (e: PromptEvaluator) => text(page, `#evaluator-${e.evaluatorUid} table.runs .badge`);
    expect(await runBadge(refusing)).toBe('completed with 12 errors (every row)');
    expect(await runBadge(scoring)).toBe('completed');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses a TEMPORAL_UI_URL that is not http(s) before writing a report with its links', async () => {
    const out = path.join(dir, 'never.html');
    const r = await runCli(jf.config.temporal.taskQueue, ['report', String(runA), '--out', out], {
      TEMPORAL_UI_URL: 'javascript:alert(document.domain)//',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('TEMPORAL_UI_URL="javascript:alert(document.domain)//" is invalid');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('fits a 1366 px laptop screen and a 390 px phone without the page scrolling sideways', async () => {
    for (const width of [1366, 390]) {
      const { page, problems } = await open(file, width);
      const scrollWidth = await page.locator('html').evaluate((html) => html.scrollWidth);
      expect(scrollWidth, `at ${width} px`).toBeLessThanOrEqual(width);
      expect(problems).toEqual([]);
      await page.close();
    }
  });
});

describe('report A B', () => {
  it('shows both runs side by side and lists the verdicts that changed', async () => {
    const file = await writeReport([String(runA), String(runB)], path.join(dir, 'compare.html'));
    const { page, problems } = await open(file, 1366);
    const { rows } = await jf.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM evaluator_results a
         JOIN evaluator_executions ea ON ea.uid = a.execution_uid AND ea.benchmark_execution_uid = $1
         JOIN evaluator_executions eb ON eb.evaluator_uid = ea.evaluator_uid AND eb.benchmark_execution_uid = $2
         JOIN evaluator_results b ON b.execution_uid = eb.uid AND b.x_uid = a.x_uid
        WHERE a.score IS DISTINCT FROM b.score`,
      [runA, runB],
    );
    expect(rows[0]!.n).toBeGreaterThan(0);
    expect(await page.locator('#changed-table tbody tr').count()).toBe(rows[0]!.n);
    expect(await text(page, `td[data-metric="accuracy-before"][data-evaluator="${scoring.evaluatorUid}"]`)).toBe(
      pct(7 / 11),
    );
    expect(await text(page, `td[data-metric="accuracy-after"][data-evaluator="${refusing.evaluatorUid}"]`)).toBe('n/a');
    expect(await text(page, '#overview')).toContain('B: v2 · local-judge');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows what changed in each prompt, both rationales of a changed verdict, and filters the changes by effect', async () => {
    const file = await writeReport([String(runA), String(runB)], path.join(dir, 'compare-prompts.html'));
    const { page, problems } = await open(file, 1366);
    // The scoring judge's user prompt was updated between A and B; the refusing judge's prompt was not.
    const scoringDiff = page.locator(`.prompt-change[data-evaluator="${scoring.evaluatorUid}"]`);
    expect(await scoringDiff.locator('h3').innerText()).toContain('version v1 in A, v2 in B');
    expect(await scoringDiff.locator('pre.diff').count()).toBe(1);
    const diff = scoringDiff.locator('pre.diff[data-field="user prompt"]');
    expect(await diff.locator('.removed').allInnerTexts()).toEqual(['− {{text}}']);
    expect(await diff.locator('.added').allInnerTexts()).toEqual(['+ Area: {{area}}']);
    expect(await text(page, `.prompt-change[data-evaluator="${refusing.evaluatorUid}"]`)).toContain(
      'the same prompt, model and parameters in both',
    );

    // Both rationales, as the database holds them, on every changed row.
    const { rows } = await jf.db.query<{
      x_uid: string;
      a: string | null;
      b: string | null;
      truth: number | null;
      sa: number | null;
      sb: number | null;
    }>(
      `SELECT a.x_uid, a.rationale AS a, b.rationale AS b, g.score AS truth, a.score AS sa, b.score AS sb
         FROM evaluator_results a
         JOIN evaluator_executions ea ON ea.uid = a.execution_uid AND ea.benchmark_execution_uid = $1
         JOIN evaluator_executions eb ON eb.evaluator_uid = ea.evaluator_uid AND eb.benchmark_execution_uid = $2
         JOIN evaluator_results b ON b.execution_uid = eb.uid AND b.x_uid = a.x_uid
         LEFT JOIN ground_truth g ON g.criteria_uid = $3 AND g.x_uid = a.x_uid
        WHERE ea.evaluator_uid = $4 AND a.score IS DISTINCT FROM b.score ORDER BY a.x_uid`,
      [runA, runB, scoring.criteriaUid, scoring.evaluatorUid],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const row = page.locator(`#changed-table tr[data-evaluator="${scoring.evaluatorUid}"]`, { hasText: r.x_uid });
      expect(await row.locator('td[data-rationale="A"]').innerText()).toBe(r.a ?? '');
      expect(await row.locator('td[data-rationale="B"]').innerText()).toBe(r.b ?? '');
    }

    const visible = () => page.locator('#changed-table tbody tr:not([hidden])').count();
    const total = await page.locator('#changed-table tbody tr').count();
    const fixed = rows.filter((r) => r.truth !== null && r.sb === r.truth && r.sa !== r.truth).length;
    const broken = rows.filter((r) => r.truth !== null && r.sa === r.truth && r.sb !== r.truth).length;
    expect(fixed + broken).toBeGreaterThan(0);
    await page.selectOption('select[data-filter="effect"]', 'fixed');
    expect(await visible()).toBe(fixed);
    await page.selectOption('select[data-filter="effect"]', 'broken');
    expect(await visible()).toBe(broken);
    expect(await text(page, '.filter-count[data-for="changed-table"]')).toBe(`${broken} of ${total} rows shown`);
    await page.selectOption('select[data-filter="effect"]', '');
    expect(await visible()).toBe(total);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("says whether the change is real: the tallies are the database's, McNemar's p is statsmodels', the SDK agrees", async () => {
    const { rows } = await jf.db.query<{ truth: number; a: number; b: number }>(
      `SELECT g.score AS truth, ra.score AS a, rb.score AS b FROM evaluator_results ra
         JOIN evaluator_executions ea ON ea.uid = ra.execution_uid AND ea.benchmark_execution_uid = $1
         JOIN evaluator_executions eb ON eb.evaluator_uid = ea.evaluator_uid AND eb.benchmark_execution_uid = $2
         JOIN evaluator_results rb ON rb.execution_uid = eb.uid AND rb.x_uid = ra.x_uid
         JOIN ground_truth g ON g.criteria_uid = $3 AND g.x_uid = ra.x_uid
        WHERE ea.evaluator_uid = $4 AND ra.score IS NOT NULL AND rb.score IS NOT NULL`,
      [runA, runB, scoring.criteriaUid, scoring.evaluatorUid],
    );
    const fixed = rows.filter((r) => r.a !== r.truth && r.b === r.truth).length;
    const broken = rows.filter((r) => r.a === r.truth && r.b !== r.truth).length;
    const [p] = statsmodelsMcnemar([{ a: 0, b: broken, c: fixed, d: 0 }]);

    const comparison = await compareExecutions(runA, runB, { client: jf });
    const mine = comparison.evaluators.find((e) => e.evaluatorUid === scoring.evaluatorUid)!;
    expect(mine).toMatchObject({ compared: rows.length, fixed, broken });
    const accuracy = mine.changes.find((c) => c.metric === 'accuracy')!;
    expect(accuracy.pValue).toBeCloseTo(p!, 10);
    // The SDK's comparison carries the prompt diff too: the scoring judge's user prompt changed, nothing else.
    expect(comparison.promptChanges.find((c) => c.evaluatorUid === scoring.evaluatorUid)).toEqual({
      evaluatorUid: scoring.evaluatorUid,
      before: ['v1'],
      after: ['v2'],
      fields: [
        {
          field: 'user prompt',
          lines: [
            { kind: 'removed', text: '{{text}}' },
            { kind: 'added', text: 'Area: {{area}}' },
          ],
        },
      ],
    });

    const r = await runCli(jf.config.temporal.taskQueue, [
      'report',
      String(runA),
      String(runB),
      '--out',
      path.join(dir, 'verdicts.html'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { comparison: unknown }).comparison).toEqual(
      JSON.parse(JSON.stringify(comparison)),
    );

    const { page, problems } = await open(path.join(dir, 'verdicts.html'), 1366);
    expect(await text(page, `#verdicts p.tallies[data-evaluator="${scoring.evaluatorUid}"]`)).toContain(
      `${rows.length} datapoints compared (of 12 both judged): ${fixed} fixed, ${broken} broken`,
    );
    const row = `#verdicts tr[data-verdict-metric="accuracy"][data-evaluator="${scoring.evaluatorUid}"]`;
    expect(await text(page, `${row} td.p`)).toBe(p!.toPrecision(2));
    expect(await text(page, `${row} td.verdict`)).toBe(accuracy.verdict);
    // 11 rows cannot show a change: the page says so in words.
    expect(accuracy.verdict).toBe('no detectable difference');
    if (accuracy.delta) expect(await text(page, '#verdicts ul.notes')).toMatch(/INSIDE THE NOISE/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('`judgeflow gate` exits 0 with loose thresholds, 1 with strict ones, 2 on a usage or data error; each is stored and reported', async () => {
    const queue = jf.config.temporal.taskQueue;
    const gate = (...args: string[]) => runCli(queue, ['gate', String(runB), ...args]);
    const execution = await BenchmarkExecution.get(runB, jf);
    const before = (await execution.gates()).length;

    const loose = await gate(
      '--evaluator',
      String(scoring.evaluatorUid),
      '--min-accuracy',
      '0',
      '--max-error-rate',
      '0.5',
    );
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stdout).toMatch(/PASSED/);
    const strict = await gate('--evaluator', String(scoring.evaluatorUid), '--min-kappa', '0.9');
    expect(strict.code, strict.stderr).toBe(1);
    expect(strict.stdout).toMatch(/min-kappa +0\.9 +-?\d\.\d{3} +FAIL +Cohen's κ's interval is .* below 0\.900/);
    // The refusing judge errs on every row: its error rate fails the gate.
    const errors = await gate('--max-error-rate', '0.1', '--json');
    expect(errors.code).toBe(1);
    const failed = (JSON.parse(errors.stdout) as { checks: { evaluatorUid: number; passed: boolean }[] }).checks;
    expect(failed.find((c) => c.evaluatorUid === refusing.evaluatorUid)?.passed).toBe(false);
    // Run B's scoring prompt sees only the area: against run A its κ is significantly worse (the paired interval
    // excludes 0), so the regression gate fails; run A gated against run B has no regression.
    const regressed = await gate(
      '--evaluator',
      String(scoring.evaluatorUid),
      '--no-significant-regression',
      '--baseline',
      String(runA),
    );
    expect(regressed.code, regressed.stdout + regressed.stderr).toBe(1);
    expect(regressed.stdout).toMatch(
      /no-significant-regression .* FAIL +significantly worse than the baseline: kappa -/,
    );
    const comparison = await compareExecutions(runA, runB, { client: jf });
    const kappa = comparison.evaluators
      .find((e) => e.evaluatorUid === scoring.evaluatorUid)!
      .changes.find((c) => c.metric === 'kappa')!;
    expect(kappa.verdict).toBe('worse');
    expect(kappa.interval!.high).toBeLessThan(0);
    const reverse = await runCli(queue, [
      'gate',
      String(runA),
      '--evaluator',
      String(scoring.evaluatorUid),
      '--no-significant-regression',
      '--baseline',
      String(runB),
    ]);
    expect(reverse.code, reverse.stdout + reverse.stderr).toBe(0);

    for (const [args, message] of [
      [
        [],
        /a gate needs at least one threshold: --min-accuracy, --min-kappa, --max-error-rate or --no-significant-regression/,
      ],
      [['--min-kappa', '2'], /argument '2' is invalid\. expected a number from -1 to 1/],
      [['--no-significant-regression'], /give --baseline/],
      [['--min-kappa', '0.1', '--evaluator', '999999'], /evaluator 999999 was not run by benchmark execution/],
      [
        ['--min-kappa', '0.1', '--slice', 'nope'],
        /slice "nope" is not a slice of this benchmark; its slices: "billing"/,
      ],
      [['--bogus'], /unknown option '--bogus'/],
    ] as const) {
      const r = await gate(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }

    const stored = await execution.gates();
    expect(stored.slice(before).map((g) => g.passed)).toEqual([true, false, false, false]);
    expect(stored.at(-1)).toMatchObject({ baselineUid: runA, createdBy: jf.config.user });

    const file = await writeReport([String(runB)], path.join(dir, 'gated.html'));
    const { page, problems } = await open(file, 1366);
    expect(await page.locator('#gates tr[data-gate]').count()).toBe(stored.length);
    const last = stored.at(-2)!;
    expect(await text(page, `#gates tr[data-gate="${last.gateUid}"] td.verdict`)).toBe('failed');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses a comparison of executions that share no judged datapoint', async () => {
    const benchmark = await Benchmark.get(scoring.benchmarkUid, jf);
    const one = await benchmark.execute({
      sync: true,
      splits: ['dev'],
      numRows: 1,
      evaluatorUids: [scoring.evaluatorUid],
    });
    const other = await benchmark.execute({
      sync: true,
      splits: ['dev'],
      numRows: 1,
      evaluatorUids: [refusing.evaluatorUid],
    });
    await expect(one.compareWith(other)).rejects.toThrow(
      `benchmark executions ${one.benchmarkExecutionUid} and ${other.benchmarkExecutionUid} share no judged datapoint`,
    );
  });

  it('refuses executions of two different benchmarks, naming both', async () => {
    const benchmark = await Benchmark.get(scoring.benchmarkUid, jf);
    const other = await Benchmark.create({ name: uniqueName('other'), datasetUid: benchmark.datasetUid }, jf);
    const { rows } = await jf.db.query<{ uid: number }>(
      `INSERT INTO benchmark_executions (benchmark_uid, name, created_by, splits, concurrency, status)
       VALUES ($1, 'elsewhere', 'test', '{dev}', 1, 'completed') RETURNING uid`,
      [other.benchmarkUid],
    );
    const foreign = rows[0]!.uid;
    const r = await runCli(jf.config.temporal.taskQueue, ['report', String(runA), String(foreign)]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(
      `${runA} is of benchmark ${benchmark.benchmarkUid}, ${foreign} of benchmark ${other.benchmarkUid}`,
    );
  });
});
