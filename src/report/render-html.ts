/**
 * A results report as one self-contained HTML file: inline CSS, inline SVG charts, and a few lines of inline
 * script for searching and filtering the datapoint tables. Nothing is loaded at view time, so it opens offline
 * and can be mailed or attached to a ticket. Laid out for a laptop (1366 px) and a phone alike.
 */
import type { AgreementSummary } from '../metrics/agreement';
import type { Interval } from '../metrics/bootstrap';
import { executionOutcome } from '../shared/execution-outcome';
import { escapeHtml as h, safeLink } from './escape';
import type {
  BenchmarkExecutionReport,
  ChangedVerdictRow,
  ComparisonReport,
  ReportDatapoint,
  ReportEvaluator,
} from './model';
import { confusionHeatmap, horizontalBars, intervalChart, scoreDistribution } from './svg-charts';
import { REPORT_CSP, REPORT_SCRIPT, REPORT_STYLE } from './report-assets';

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const num3 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
const int = (v: number | null) => (v === null ? 'unknown' : Math.round(v).toLocaleString('en-US'));
const duration = (s: number | null) =>
  s === null ? 'still running' : s < 90 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;

/** An ISO timestamp as `2026-11-25 04:12:49 UTC`. */
const utc = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

/** A metric cell the report test (and a reader's script) can find: data-metric and data-evaluator. */
const metric = (name: string, evaluatorUid: number, text: string) =>
  `<td data-metric="${name}" data-evaluator="${evaluatorUid}">${h(text)}</td>`;

export function renderBenchmarkExecutionReport(r: BenchmarkExecutionReport): string {
  const title = `${r.benchmark.name} — ${r.execution.name}`;
  const body = [
    header(r),
    nav(r.evaluators),
    overviewTable(r),
    gateSection(r),
    ...r.evaluators.map((e) => evaluatorSection(e)),
    datapointSection(r),
    footer(r.generatedAt),
  ].join('\n');
  return page(title, body);
}

export function renderComparisonReport(c: ComparisonReport): string {
  const title = `${c.before.benchmark.name} — ${c.before.execution.name} vs ${c.after.execution.name}`;
  const body = [
    `<header><p class="eyebrow">judgeflow report · comparison</p><h1>${h(c.before.benchmark.name)}</h1>`,
    `<p class="sub">${runLink(c.before)} <b>→</b> ${runLink(c.after)}</p>`,
    `<p class="sub muted">A = before, B = after. Dataset ${h(c.before.dataset.name)}.</p></header>`,
    comparisonTable(c),
    verdictSection(c),
    ...comparisonSliceSections(c),
    promptSection(c),
    changedSection(c),
    footer(c.generatedAt),
  ].join('\n');
  return page(title, body);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${h(REPORT_CSP)}">
<title>${h(title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<main>
${body}
</main>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

function runLink(r: BenchmarkExecutionReport): string {
  const x = r.execution;
  return `${safeLink(x.url, `${h(x.name)} (#${x.uid})`)} ${badge(x.status, x.rowErrors, x.rows)}`;
}

/** The status badge: `completed with N errors` in amber when a completed execution had row errors. */
function badge(status: string, rowErrors: number, rows: number): string {
  const outcome = executionOutcome(status, rowErrors, rows);
  return `<span class="badge ${h(outcome.tone)}">${h(outcome.text)}</span>`;
}

function header(r: BenchmarkExecutionReport): string {
  const x = r.execution;
  return `<header>
<p class="eyebrow">judgeflow report · benchmark execution ${x.uid}</p>
<h1>${h(r.benchmark.name)}</h1>
${r.benchmark.description ? `<p class="sub">${h(r.benchmark.description)}</p>` : ''}
<dl class="facts">
<div><dt>execution</dt><dd>${runLink(r)}</dd></div>
<div><dt>dataset</dt><dd>${h(r.dataset.name)} (#${r.dataset.uid})</dd></div>
<div><dt>splits</dt><dd>${h(x.splits.join(', '))}${x.numRows ? ` · first ${x.numRows} rows` : ''}</dd></div>
<div><dt>run by</dt><dd>${h(x.createdBy)}</dd></div>
<div><dt>started</dt><dd>${h(utc(x.createdAt))}</dd></div>
<div><dt>took</dt><dd>${h(duration(x.seconds))}</dd></div>
</dl>
${x.error ? `<p class="error-box">${h(x.error)}</p>` : ''}
</header>`;
}

/** The stored `judgeflow gate` outcomes: who gated it when, against what, and which checks failed. */
function gateSection(r: BenchmarkExecutionReport): string {
  if (r.gates.length === 0) return '';
  const name = (uid: number) => r.evaluators.find((e) => e.evaluatorUid === uid)?.name ?? `evaluator ${uid}`;
  const rows = r.gates.map((g) => {
    const checks = g.checks
      .map(
        (c) =>
          `<li class="${c.passed ? 'pass' : 'fail'}">${c.passed ? 'pass' : '<b>FAIL</b>'} · ${h(name(c.evaluatorUid))}${c.slice ? ` · slice ${h(c.slice)}` : ''} · ${h(c.check)} ${h(String(c.threshold))}: ${h(c.reason)}</li>`,
      )
      .join('');
    return `<tr data-gate="${g.gateUid}"><td>${g.gateUid}</td><td>${h(utc(g.createdAt))}</td><td>${h(g.createdBy)}</td><td>${g.baselineUid ?? '—'}</td><td class="verdict"><span class="badge ${g.passed ? 'completed' : 'failed'}">${g.passed ? 'passed' : 'failed'}</span></td><td><ul class="checks">${checks}</ul></td></tr>`;
  });
  return `<section id="gates"><h2>Gate results</h2>
<div class="table-wrap"><table class="gates"><thead><tr><th>gate</th><th>when</th><th>by</th><th>baseline</th><th>verdict</th><th>checks</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div></section>`;
}

function nav(evaluators: ReportEvaluator[]): string {
  const links = evaluators.map((e) => `<a href="#evaluator-${e.evaluatorUid}">${h(e.name)}</a>`);
  return `<nav>${[...links, '<a href="#rows">rows</a>'].join(' ')}</nav>`;
}

function overviewTable(r: BenchmarkExecutionReport): string {
  const rows = r.evaluators.map((e) => {
    const o = e.overall;
    return `<tr><th scope="row"><a href="#evaluator-${e.evaluatorUid}">${h(e.name)}</a><div class="muted">${h(e.criteriaName)} · ${h(versions(e))}</div></th>
${metric('accuracy', e.evaluatorUid, pct(o.accuracy))}${metric('kappa', e.evaluatorUid, num3(o.kappa))}${metric('weighted-kappa-linear', e.evaluatorUid, num3(o.weightedKappa.linear))}${metric('weighted-kappa-quadratic', e.evaluatorUid, num3(o.weightedKappa.quadratic))}${metric('coverage', e.evaluatorUid, pct(o.coverage))}${metric('compared', e.evaluatorUid, String(o.compared))}${metric('errors', e.evaluatorUid, String(o.errors))}</tr>`;
  });
  return `<section id="overview"><h2>Agreement with ground truth</h2>
<div class="table-wrap"><table class="metrics">
<thead><tr><th>evaluator</th><th>accuracy</th><th>Cohen's κ</th><th>weighted κ (linear)</th><th>weighted κ (quadratic)</th><th>coverage</th><th>compared</th><th>errors</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
<p class="muted">Accuracy and κ over the datapoints that have both a judge score and ground truth (“compared”); coverage is the share of the datapoints run that got a score. κ is n/a when only one label occurs on both sides.</p>
</section>`;
}

const versions = (e: ReportEvaluator) =>
  [...new Set(e.runs.map((run) => `${run.promptVersionName} · ${run.modelName}`))].join(', ');

function evaluatorSection(e: ReportEvaluator): string {
  const o = e.overall;
  const truthCounts = o.confusion.matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const judgeCounts = o.confusion.labels.map((_, j) => o.confusion.matrix.reduce((a, row) => a + row[j]!, 0));
  const labelsInOrder = o.confusion.labels.map(
    (score) => e.labels.find((l) => l.score === score) ?? { name: String(score), score },
  );
  const slices = Object.entries(e.bySlice);
  return `<section id="evaluator-${e.evaluatorUid}" class="evaluator">
<h2>${h(e.name)} <span class="muted">evaluator ${e.evaluatorUid} · criteria ${h(e.criteriaName)}</span></h2>
<div class="cards">
${card('accuracy', pct(o.accuracy), range(o.intervals.accuracy, pct))}${card("Cohen's κ", num3(o.kappa), range(o.intervals.kappa, num3))}${card('weighted κ (quadratic)', num3(o.weightedKappa.quadratic))}${card('coverage', pct(o.coverage), `${o.scored} of ${o.total} rows`)}${card('row errors', String(o.errors), errorKinds(e))}
</div>
<div class="charts">
<figure><figcaption>Confusion matrix (${o.compared} compared rows)</figcaption>${confusionHeatmap(`Confusion matrix of ${e.name}`, labelsInOrder, o.confusion.matrix, e.evaluatorUid)}</figure>
<figure><figcaption>Score distribution (compared rows)</figcaption>${scoreDistribution(`Score distribution of ${e.name}`, labelsInOrder, judgeCounts, truthCounts)}</figure>
</div>
${statisticsBlock(e)}
${slices.length > 0 ? sliceBlock(e, slices) : '<p class="muted">The benchmark has no slices.</p>'}
${runsTable(e)}
</section>`;
}

/** Every statistic with its interval (a table and error bars), the baseline, the per-label table and the notes. */
function statisticsBlock(e: ReportEvaluator): string {
  const o = e.overall;
  const i = o.intervals;
  const stats: [key: string, label: string, value: number | null, interval: Interval | null][] = [
    ['accuracy', 'accuracy', o.accuracy, i.accuracy],
    ['kappa', "Cohen's κ", o.kappa, i.kappa],
    ['weighted-kappa-linear', 'weighted κ (linear)', o.weightedKappa.linear, i.weightedKappaLinear],
    ['weighted-kappa-quadratic', 'weighted κ (quadratic)', o.weightedKappa.quadratic, i.weightedKappaQuadratic],
    ['alpha-ordinal', "Krippendorff's α (ordinal)", o.alpha.ordinal, i.alphaOrdinal],
    ['alpha-interval', "Krippendorff's α (interval)", o.alpha.interval, i.alphaInterval],
    ['ac1', "Gwet's AC1", o.ac1, i.ac1],
    ['macro-f1', 'macro-F1', o.macroF1, i.macroF1],
  ];
  const m = o.intervalMethod;
  const over = m.clusterColumn ? `${m.units} clusters of “${m.clusterColumn}”` : `${m.units} rows`;
  const rows = stats.map(
    ([key, label, value, interval]) =>
      `<tr data-stat="${key}"><th scope="row">${h(label)}</th><td class="value">${num3(value)}</td><td class="interval">${interval ? span(interval, num3) : 'n/a'}</td></tr>`,
  );
  const labelRows = o.perLabel.map((l) => {
    const name = e.labels.find((x) => x.score === l.score)?.name ?? String(l.score);
    return `<tr data-label-score="${l.score}"><th scope="row">${h(name)} (${l.score})</th><td>${num3(l.precision)}</td><td>${num3(l.recall)}</td><td>${num3(l.f1)}</td><td>${l.support}</td><td>${l.predicted}</td></tr>`;
  });
  const base = o.baseline;
  return `<h3>Statistics with ${Math.round(m.level * 100)} % intervals</h3>
<div class="charts"><figure><figcaption>Estimates (dots) and intervals (bars); the line is 0, chance for κ</figcaption>${intervalChart(
    `Statistics of ${e.name} with intervals`,
    stats.map(([, label, value, interval]) => ({ label, value, interval })),
  )}</figure>
<div class="table-wrap"><table class="statistics"><thead><tr><th>statistic</th><th>value</th><th>interval</th></tr></thead><tbody>${rows.join('')}
<tr data-stat="baseline"><th scope="row">always the commonest label</th><td class="value">${pct(base.majorityAccuracy)}</td><td class="interval">${base.majorityScore === null ? 'n/a' : `score ${base.majorityScore}`}</td></tr></tbody></table>
<p class="muted">${h(m.method)}, B = ${m.resamples}, seed ${m.seed}, over ${h(over)} (docs/agreement.md).</p></div></div>
${o.notes.length > 0 ? `<ul class="notes">${o.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : ''}
<div class="table-wrap"><table class="per-label"><thead><tr><th>label</th><th>precision</th><th>recall</th><th>F1</th><th>support</th><th>predicted</th></tr></thead><tbody>${labelRows.join('')}</tbody></table></div>`;
}

/** An interval as text, `0.261 to 0.696`, its ends written by `f`. */
const span = (i: Interval, f: (v: number) => string) => `${f(i.low)} to ${f(i.high)}`;
const range = (i: Interval | null, f: (v: number) => string) => (i ? `interval ${span(i, f)}` : '');

function card(label: string, value: string, note = ''): string {
  return `<div class="card"><div class="card-label">${h(label)}</div><div class="card-value">${h(value)}</div>${note ? `<div class="card-note">${h(note)}</div>` : ''}</div>`;
}

function errorKinds(e: ReportEvaluator): string {
  const kinds = Object.entries(e.errorsByKind);
  return kinds.length === 0 ? 'none' : kinds.map(([k, n]) => `${k} ${n}`).join(', ');
}

function sliceBlock(e: ReportEvaluator, slices: [string, AgreementSummary][]): string {
  const rows = slices.map(
    ([name, s]) =>
      `<tr data-slice="${h(name)}"><th scope="row">${h(name)}</th>${metric('slice-accuracy', e.evaluatorUid, pct(s.accuracy))}<td>${num3(s.kappa)}</td><td>${num3(s.weightedKappa.quadratic)}</td><td>${pct(s.coverage)}</td><td>${s.compared}</td><td>${s.errors}</td></tr>`,
  );
  const overall = `<tr class="overall"><th scope="row">all rows</th><td>${pct(e.overall.accuracy)}</td><td>${num3(e.overall.kappa)}</td><td>${num3(e.overall.weightedKappa.quadratic)}</td><td>${pct(e.overall.coverage)}</td><td>${e.overall.compared}</td><td>${e.overall.errors}</td></tr>`;
  const bars = horizontalBars(`Accuracy per slice of ${e.name}`, [
    { label: 'all rows', value: e.overall.accuracy, note: `n=${e.overall.compared}` },
    ...slices.map(([name, s]) => ({ label: name, value: s.accuracy, note: `n=${s.compared}` })),
  ]);
  return `<h3>Per slice</h3>
<div class="charts"><figure><figcaption>Accuracy per slice</figcaption>${bars}</figure>
<div class="table-wrap"><table class="slices"><thead><tr><th>slice</th><th>accuracy</th><th>κ</th><th>weighted κ (quadratic)</th><th>coverage</th><th>compared</th><th>errors</th></tr></thead>
<tbody>${overall}${rows.join('')}</tbody></table></div></div>`;
}

function runsTable(e: ReportEvaluator): string {
  const rows = e.runs.map((run) => {
    const rate = run.seconds && run.seconds > 0 ? `${(run.rowsJudged / run.seconds).toFixed(1)} rows/s` : '';
    return `<tr><td>${safeLink(run.url, String(run.executionUid))}</td><td>${h(run.split)}</td><td>${h(run.promptVersionName)}</td><td>${h(run.modelName)}</td><td>${h(run.verdict)}</td><td>${badge(run.status, run.rowErrors, run.rowsJudged)}</td><td>${run.rowsJudged} / ${run.totalRows}</td><td>${h(duration(run.seconds))}</td><td>${rate}</td></tr>`;
  });
  const total = (e.promptTokens ?? 0) + (e.completionTokens ?? 0);
  const tokens =
    e.promptTokens === null && e.completionTokens === null
      ? 'tokens: not reported by the provider'
      : `tokens: ${int(e.promptTokens)} prompt + ${int(e.completionTokens)} completion = ${int(total)}`;
  const latency = e.meanLatencyMs === null ? '' : ` · mean model latency ${Math.round(e.meanLatencyMs)} ms`;
  const cost =
    e.costUsd === null ? ' · cost: unknown (no price configured for the model)' : ` · cost $${e.costUsd.toFixed(4)}`;
  const cached = e.cacheHits > 0 ? ` · ${e.cacheHits} answers from the request cache (free)` : '';
  return `<h3>Runs and timing</h3>
<div class="table-wrap"><table class="runs"><thead><tr><th>execution (Temporal)</th><th>split</th><th>version</th><th>model</th><th>verdict</th><th>status</th><th>rows</th><th>took</th><th>rate</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
<p class="muted" data-usage-evaluator="${e.evaluatorUid}">${h(tokens + latency + cost + cached)}</p>`;
}

/** Every compared row and row error; by default the disagreements and errors, filterable by split, slice and cell. */
function datapointSection(r: BenchmarkExecutionReport): string {
  const d = r.datapoints;
  const id = 'rows-table';
  const names = new Map(r.evaluators.map((e) => [e.evaluatorUid, e]));
  const rows = d.rows.map((row) => datapointRow(row, names.get(row.evaluatorUid)));
  const shown = d.total > d.rows.length ? `the first ${d.rows.length} of ${d.total}` : `all ${d.total}`;
  const slices = [...new Set(r.evaluators.flatMap((e) => Object.keys(e.bySlice)))];
  const extra = [
    filterSelect('kind', id, 'show', [
      ['problem', 'disagreements and errors'],
      ['problem disagree', 'disagreements only'],
      ['problem error', 'row errors only'],
      ['agree', 'agreements only'],
      ['', 'every compared row and error'],
    ]),
    filterSelect('split', id, 'split', [['', 'all'], ...r.execution.splits.map((s): [string, string] => [s, s])]),
    slices.length
      ? filterSelect('slice', id, 'slice', [['', 'all'], ...slices.map((s): [string, string] => [s, s])])
      : '',
    `<span class="cell-filter" data-filter="cell" data-for="${id}" hidden>cell: <b></b> <button type="button">clear</button></span>`,
  ].join('');
  return `<section id="rows"><h2>Rows: where the judge and the ground truth part ways, and where they meet</h2>
<p class="muted">Every datapoint a judge scored that has a ground truth, and every row error: ${shown} (${d.problems} disagreements and errors). Click a cell of a confusion matrix to see its rows. The full list is in the export.</p>
${filters(r.evaluators, id, extra)}
<div class="table-wrap"><table id="${id}" class="rows filterable">
<thead><tr><th>evaluator</th><th>x_uid</th><th>split</th><th>slices</th><th>ground truth</th><th>judge</th><th>rationale / error</th><th>input</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
<p class="muted filter-count" data-for="${id}"></p>
</section>`;
}

function labelText(e: ReportEvaluator | undefined, score: number | null): string {
  if (score === null) return '—';
  const label = e?.labels.find((l) => l.score === score);
  return label ? `${label.name} (${score})` : String(score);
}

function datapointRow(row: ReportDatapoint, e: ReportEvaluator | undefined): string {
  // Matched by prefix: "problem" (the default) shows both disagreements and errors.
  const kind =
    row.error !== null
      ? `problem error ${row.errorKind ?? 'provider'}`
      : row.score === row.truth
        ? 'agree'
        : 'problem disagree';
  const detail =
    row.error !== null
      ? `<span class="badge failed">${h(row.errorKind ?? 'error')}</span> ${h(row.error)}`
      : h(row.rationale ?? '');
  const cell = row.error === null && row.truth !== null ? ` data-cell="${row.truth}:${row.score}"` : '';
  return `<tr data-evaluator="${row.evaluatorUid}" data-kind="${h(kind)}" data-split="${h(row.split)}" data-slices="${h(JSON.stringify(row.slices))}"${cell}><td>${h(e?.name ?? row.evaluatorUid)}</td><td class="mono">${h(row.xUid)}</td><td>${h(row.split)}</td><td>${h(row.slices.join(', '))}</td><td>${h(labelText(e, row.truth))}</td><td>${h(labelText(e, row.score))}</td><td class="text">${detail}</td><td>${inputColumns(row.data)}</td></tr>`;
}

function inputColumns(data: Record<string, unknown>): string {
  const entries = Object.entries(data);
  if (entries.length === 0) return '';
  const items = entries
    .map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(typeof v === 'string' ? v : JSON.stringify(v))}</dd>`)
    .join('');
  return `<details><summary>${entries.length} columns</summary><dl class="columns">${items}</dl></details>`;
}

/** Search, evaluator, and `extra` selects (e.g. the kind of row) over one datapoint table. */
function filters(evaluators: { evaluatorUid: number; name: string }[], tableId: string, extra = ''): string {
  const evaluatorOptions = evaluators.map((e) => `<option value="${e.evaluatorUid}">${h(e.name)}</option>`).join('');
  return `<div class="filters"><label>search <input type="search" data-filter="text" data-for="${tableId}" placeholder="x_uid, text, rationale…"></label>
<label>evaluator <select data-filter="evaluator" data-for="${tableId}"><option value="">all</option>${evaluatorOptions}</select></label>${extra}</div>`;
}

/** A select of one filter (`data-filter`), matched against the rows' `data-<filter>`; '' shows every row. */
function filterSelect(filter: string, tableId: string, label: string, options: [string, string][]): string {
  const items = options.map(([value, text]) => `<option value="${value}">${h(text)}</option>`).join('');
  return `<label>${h(label)} <select data-filter="${filter}" data-for="${tableId}">${items}</select></label>`;
}

/** Is the change real? Per evaluator: the verdict of each metric with its paired interval and p-value, the tallies. */
function verdictSection(c: ComparisonReport): string {
  const name = (uid: number) => c.after.evaluators.find((e) => e.evaluatorUid === uid)?.name ?? `evaluator ${uid}`;
  const blocks = c.comparison.evaluators.map((e) => {
    const rows = e.changes.map((m) => {
      const points = m.metric === 'accuracy';
      const f = (v: number) => (points ? `${(v * 100).toFixed(1)} pt` : v.toFixed(3));
      return `<tr data-verdict-metric="${m.metric}" data-evaluator="${e.evaluatorUid}"><th scope="row">${points ? 'accuracy' : "Cohen's κ"}</th><td class="delta">${m.delta === null ? 'n/a' : `${m.delta > 0 ? '+' : ''}${f(m.delta)}`}</td><td class="interval">${m.interval ? span(m.interval, f) : 'n/a'}</td><td class="p">${m.pValue === null ? '—' : m.pValue.toPrecision(2)}</td><td class="verdict"><span class="badge ${m.verdict === 'better' ? 'completed' : m.verdict === 'worse' ? 'failed' : 'running'}">${h(m.verdict)}</span></td></tr>`;
    });
    const method = e.intervalMethod;
    return `<h3>${h(name(e.evaluatorUid))}</h3>
<p class="tallies" data-evaluator="${e.evaluatorUid}">${e.compared} datapoints compared (of ${e.shared} both judged): <b>${e.fixed}</b> fixed, <b>${e.broken}</b> broken, <b>${e.changedStillWrong}</b> changed but still wrong, ${e.unchangedRight} right in both, ${e.unchangedWrong} wrong in both.</p>
<div class="table-wrap"><table class="verdicts"><thead><tr><th>metric</th><th>B − A</th><th>paired ${Math.round((1 - e.alpha) * 100)} % interval</th><th>McNemar exact p</th><th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>
${e.notes.length > 0 ? `<ul class="notes">${e.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : ''}
<p class="muted">Paired ${h(method.method)} (datapoints resampled with both verdicts), B = ${method.resamples}, seed ${method.seed}; verdicts at the ${e.alpha} level: accuracy by McNemar's exact test on the fixed and broken datapoints, κ by whether its interval excludes 0 (docs/agreement.md).</p>`;
  });
  return `<section id="verdicts"><h2>Is the change real?</h2>
${blocks.join('\n')}
</section>`;
}

function comparisonTable(c: ComparisonReport): string {
  const rows = c.after.evaluators.map((b) => {
    const a = c.before.evaluators.find((e) => e.evaluatorUid === b.evaluatorUid);
    const cells = (
      [
        ['accuracy', (s: AgreementSummary) => s.accuracy, pct],
        ['kappa', (s: AgreementSummary) => s.kappa, num3],
        ['weighted-kappa-quadratic', (s: AgreementSummary) => s.weightedKappa.quadratic, num3],
        ['coverage', (s: AgreementSummary) => s.coverage, pct],
      ] as const
    ).map(([name, get, fmt]) => {
      const before = a ? get(a.overall) : null;
      const after = get(b.overall);
      return `<td data-metric="${name}-before" data-evaluator="${b.evaluatorUid}">${h(fmt(before))}</td><td data-metric="${name}-after" data-evaluator="${b.evaluatorUid}">${h(fmt(after))}</td>${delta(before, after, name === 'accuracy' || name === 'coverage')}`;
    });
    return `<tr><th scope="row">${h(b.name)}<div class="muted">A: ${h(a ? versions(a) : 'not run')}<br>B: ${h(versions(b))}</div></th>${cells.join('')}</tr>`;
  });
  return `<section id="overview"><h2>What changed</h2>
<div class="table-wrap"><table class="metrics compare"><thead><tr><th rowspan="2">evaluator</th><th colspan="3">accuracy</th><th colspan="3">Cohen's κ</th><th colspan="3">weighted κ (quadratic)</th><th colspan="3">coverage</th></tr>
<tr>${'<th>A</th><th>B</th><th>Δ</th>'.repeat(4)}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div></section>`;
}

function delta(before: number | null, after: number | null, percent: boolean): string {
  if (before === null || after === null) return '<td class="delta">n/a</td>';
  const d = after - before;
  const text = percent ? `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} pt` : `${d >= 0 ? '+' : ''}${d.toFixed(3)}`;
  const cls = Math.abs(d) < 1e-9 ? 'same' : d > 0 ? 'up' : 'down';
  return `<td class="delta ${cls}">${text}</td>`;
}

function comparisonSliceSections(c: ComparisonReport): string[] {
  return c.after.evaluators.map((b) => {
    const a = c.before.evaluators.find((e) => e.evaluatorUid === b.evaluatorUid);
    const names = [...new Set([...Object.keys(a?.bySlice ?? {}), ...Object.keys(b.bySlice)])];
    const row = (name: string, before: AgreementSummary | undefined, after: AgreementSummary | undefined) =>
      `<tr><th scope="row">${h(name)}</th><td>${pct(before?.accuracy ?? null)}</td><td>${pct(after?.accuracy ?? null)}</td>${delta(before?.accuracy ?? null, after?.accuracy ?? null, true)}<td>${after?.compared ?? 0}</td></tr>`;
    const bars = horizontalBars(
      `Accuracy per slice of ${b.name}, A and B`,
      ['all rows', ...names].flatMap((name) => {
        const pick = (r: ReportEvaluator | undefined) => (name === 'all rows' ? r?.overall : r?.bySlice[name]);
        return [
          { label: `${name} · A`, value: pick(a)?.accuracy ?? null },
          { label: `${name} · B`, value: pick(b)?.accuracy ?? null },
        ];
      }),
    );
    return `<section class="evaluator"><h2>${h(b.name)} <span class="muted">per slice</span></h2>
<div class="charts"><figure><figcaption>Accuracy, A and B</figcaption>${bars}</figure>
<div class="table-wrap"><table><thead><tr><th>slice</th><th>A</th><th>B</th><th>Δ</th><th>compared (B)</th></tr></thead>
<tbody>${row('all rows', a?.overall, b.overall)}${names.map((n) => row(n, a?.bySlice[n], b.bySlice[n])).join('')}</tbody></table></div></div>
<div class="charts"><figure><figcaption>Confusion matrix, A</figcaption>${a ? confusionHeatmap(`Confusion matrix of ${a.name}, A`, orderedLabels(a), a.overall.confusion.matrix) : 'not run'}</figure>
<figure><figcaption>Confusion matrix, B</figcaption>${confusionHeatmap(`Confusion matrix of ${b.name}, B`, orderedLabels(b), b.overall.confusion.matrix)}</figure></div>
</section>`;
  });
}

const orderedLabels = (e: ReportEvaluator) =>
  e.overall.confusion.labels.map((score) => e.labels.find((l) => l.score === score) ?? { name: String(score), score });

/** What each evaluator's prompt version was in A and in B, and a line diff of every field that changed. */
function promptSection(c: ComparisonReport): string {
  const name = (uid: number) => c.after.evaluators.find((e) => e.evaluatorUid === uid)?.name ?? `evaluator ${uid}`;
  const mark = { same: ' ', removed: '−', added: '+' } as const;
  const blocks = c.comparison.promptChanges.map((p) => {
    const versions = `version ${h(p.before.join(', '))} in A, ${h(p.after.join(', '))} in B`;
    const fields = p.fields.length
      ? p.fields
          .map(
            (f) =>
              `<h4>${h(f.field)}</h4><pre class="diff" data-field="${h(f.field)}">${f.lines
                .map((l) => `<span class="${l.kind}">${mark[l.kind]} ${h(l.text)}</span>`)
                .join('\n')}</pre>`,
          )
          .join('')
      : '<p class="muted">the same prompt, model and parameters in both</p>';
    return `<div class="prompt-change" data-evaluator="${p.evaluatorUid}"><h3>${h(name(p.evaluatorUid))} <span class="muted">${versions}</span></h3>${fields}</div>`;
  });
  return `<section id="prompts"><h2>Prompt changes</h2>
<p class="muted">Lines only in A are marked −, lines only in B +.</p>
${blocks.join('\n') || '<p class="muted">(no evaluator ran in both)</p>'}</section>`;
}

function changedSection(c: ComparisonReport): string {
  const byUid = new Map(c.after.evaluators.map((e) => [e.evaluatorUid, e]));
  const rows = c.changed.rows.map((row) => changedRow(row, byUid.get(row.evaluatorUid)));
  const shown =
    c.changed.total > c.changed.rows.length
      ? `the first ${c.changed.rows.length} of ${c.changed.total}`
      : `all ${c.changed.total}`;
  return `<section id="changed"><h2>Changed verdicts</h2>
<p class="muted">Datapoints whose score differs between A and B (no score = row error): ${shown}.</p>
${filters(
  c.after.evaluators,
  'changed-table',
  filterSelect('effect', 'changed-table', 'effect', [
    ['', 'every change'],
    ['fixed', 'fixed'],
    ['broken', 'broken'],
    ['still-wrong', 'changed, still wrong'],
    ['no-truth', 'changed (no ground truth)'],
  ]),
)}
<div class="table-wrap"><table id="changed-table" class="rows filterable"><thead><tr><th>evaluator</th><th>x_uid</th><th>split</th><th>ground truth</th><th>A</th><th>B</th><th>effect</th><th>A's rationale</th><th>B's rationale</th><th>input</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
<p class="muted filter-count" data-for="changed-table"></p></section>`;
}

/** What a changed verdict did, for the effect column and its filter. */
const EFFECTS = {
  fixed: { text: 'fixed', cls: 'up' },
  broken: { text: 'broken', cls: 'down' },
  'still-wrong': { text: 'changed, still wrong', cls: 'same' },
  'no-truth': { text: 'changed (no ground truth)', cls: 'same' },
} as const;

function changedRow(row: ChangedVerdictRow, e: ReportEvaluator | undefined): string {
  const right = (s: number | null) => row.truth !== null && s === row.truth;
  const effect: keyof typeof EFFECTS =
    row.truth === null
      ? 'no-truth'
      : right(row.after) && !right(row.before)
        ? 'fixed'
        : right(row.before) && !right(row.after)
          ? 'broken'
          : 'still-wrong';
  const { text, cls } = EFFECTS[effect];
  return `<tr data-evaluator="${row.evaluatorUid}" data-effect="${effect}"><td>${h(e?.name ?? row.evaluatorUid)}</td><td class="mono">${h(row.xUid)}</td><td>${h(row.split)}</td><td>${h(labelText(e, row.truth))}</td><td>${h(labelText(e, row.before))}</td><td>${h(labelText(e, row.after))}</td><td class="delta ${cls}">${text}</td><td class="text" data-rationale="A">${h(row.rationaleBefore ?? '')}</td><td class="text" data-rationale="B">${h(row.rationaleAfter ?? '')}</td><td>${inputColumns(row.data)}</td></tr>`;
}

function footer(generatedAt: string): string {
  return `<footer>Generated by judgeflow at ${h(utc(generatedAt))}. Links open the executions' workflows in the Temporal Web UI.</footer>`;
}
