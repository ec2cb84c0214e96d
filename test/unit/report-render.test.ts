import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AgreementAccumulator } from '../../src/metrics/agreement';
import type { BenchmarkExecutionReport, ReportEvaluator } from '../../src/report/model';
import { renderBenchmarkExecutionReport } from '../../src/report/render-html';

/** A report of one evaluator whose `rowErrors` of `rows` rows errored, its links under `uiUrl`. */
function report(o: { uiUrl?: string; rows?: number; rowErrors?: number; status?: string } = {}) {
  const { uiUrl = 'http://localhost:8233', rows = 4, rowErrors = 0, status = 'completed' } = o;
  const acc = new AgreementAccumulator([0, 1]);
  for (let i = 0; i < rows; i++) acc.add(i < rowErrors ? null : 1, 1, i < rowErrors);
  const evaluator: ReportEvaluator = {
    evaluatorUid: 7,
    name: 'judge',
    criteriaName: 'quality',
    labels: [
      { name: 'bad', score: 0 },
      { name: 'good', score: 1 },
    ],
    runs: [
      {
        executionUid: 21,
        split: 'dev',
        status,
        promptVersionName: 'v1',
        modelName: 'local-judge',
        verdict: 'logprobs: the most probable label',
        totalRows: rows,
        rowsJudged: rows,
        rowErrors,
        seconds: 1,
        url: `${uiUrl}/namespaces/default/workflows/evaluator-7-execution-21`,
      },
    ],
    overall: acc.summary(),
    bySlice: {},
    errorsByKind: rowErrors ? { refusal: rowErrors } : {},
    promptTokens: null,
    completionTokens: null,
    meanLatencyMs: null,
    costUsd: null,
    cacheHits: 0,
  };
  const r: BenchmarkExecutionReport = {
    benchmark: { uid: 1, name: 'bench', description: '' },
    dataset: { uid: 1, name: 'data', columns: ['text'] },
    execution: {
      uid: 3,
      name: 'run',
      status,
      error: null,
      createdBy: 'me',
      createdAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      seconds: 1,
      splits: ['dev'],
      numRows: null,
      url: `${uiUrl}/namespaces/default/workflows/benchmark-1-execution-3`,
      rows,
      rowErrors,
    },
    evaluators: [evaluator],
    gates: [],
    datapoints: { rows: [], total: 0, problems: 0, limit: 2000 },
    generatedAt: '2026-01-01T00:00:02.000Z',
  };
  return renderBenchmarkExecutionReport(r);
}

const badges = (html: string) =>
  [...html.matchAll(/<span class="badge ([^"]+)">([^<]+)<\/span>/g)].map((m) => [m[1], m[2]]);

describe('the report page', () => {
  it("names how each run's scores were made, beside its model", () => {
    expect(report()).toMatch(/<td>local-judge<\/td><td>logprobs: the most probable label<\/td>/);
  });

  it("pins its one inline script by SHA-256 in the CSP, and allows no other ('unsafe-inline')", () => {
    const html = report();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(html)![1]!
      .replaceAll('&#39;', "'");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0]!, 'utf8').digest('base64');
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'))!;
    expect(scriptSrc.trim()).toBe(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
  });

  it('links only to http(s) URLs: a javascript: Web UI base becomes plain text', () => {
    const safe = report();
    expect(safe).toContain('<a href="http://localhost:8233/namespaces/default/workflows/benchmark-1-execution-3">');
    const html = report({ uiUrl: 'javascript:alert(document.domain)//' });
    expect(html).not.toMatch(/href="(?!#)/);
    expect(html).toContain('run (#3)');
  });
});

describe('the status badges', () => {
  it('completed without row errors: green "completed"', () => {
    expect(badges(report())).toEqual([
      ['completed', 'completed'],
      ['completed', 'completed'],
    ]);
  });

  it('completed with some row errors: amber "completed with N errors"', () => {
    expect(badges(report({ rows: 4, rowErrors: 1 }))).toEqual([
      ['completed-with-errors', 'completed with 1 error'],
      ['completed-with-errors', 'completed with 1 error'],
    ]);
  });

  it('every row a row error: amber, and it says so', () => {
    expect(badges(report({ rows: 4, rowErrors: 4 }))).toEqual([
      ['completed-with-errors', 'completed with 4 errors (every row)'],
      ['completed-with-errors', 'completed with 4 errors (every row)'],
    ]);
  });

  it('a failed execution stays "failed"', () => {
    expect(badges(report({ rows: 4, rowErrors: 4, status: 'failed' }))).toEqual([
      ['failed', 'failed'],
      ['failed', 'failed'],
    ]);
  });
});
