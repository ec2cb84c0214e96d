/**
 * The report's charts as inline SVG strings: generated here, so the HTML file needs no script library and no
 * network to show them. Each chart scales to its container (viewBox, width 100%) and carries a <title> for
 * screen readers.
 */
import { escapeHtml } from './escape';

const BLUE = [37, 99, 235] as const;

/** White → blue by t in 0..1. */
function shade(t: number): string {
  const c = BLUE.map((v) => Math.round(255 + (v - 255) * Math.max(0, Math.min(1, t))));
  return `rgb(${c.join(',')})`;
}

/**
 * Confusion matrix heat map: rows are ground truth, columns the judge's score; a cell's colour is its share of its
 * row (how the judge labels datapoints of that true label), its text the count. With `linkEvaluatorUid`, each cell
 * names its evaluator and cell (`data-cell="truth:score"`) for the report's script to filter the rows by.
 */
export function confusionHeatmap(
  title: string,
  labels: { name: string; score: number }[],
  matrix: number[][],
  linkEvaluatorUid?: number,
): string {
  const cell = 56;
  const left = 150;
  const top = 96;
  const n = labels.length;
  const width = left + n * cell + 90;
  const height = top + n * cell + 8;
  const parts: string[] = [];
  const link = (truth: { name: string; score: number }, judge: { name: string; score: number }) =>
    linkEvaluatorUid === undefined
      ? ''
      : ` class="cell-link" data-evaluator="${linkEvaluatorUid}" data-cell="${truth.score}:${judge.score}" ` +
        `data-label="${escapeHtml(`truth ${truth.name}, judge ${judge.name}`)}"`;
  labels.forEach((label, j) => {
    const x = left + j * cell + cell / 2;
    parts.push(
      `<text x="${x}" y="${top - 10}" text-anchor="start" transform="rotate(-40 ${x} ${top - 10})" class="axis">${escapeHtml(label.name)} (${label.score})</text>`,
    );
  });
  parts.push(`<text x="${left + (n * cell) / 2}" y="14" text-anchor="middle" class="axis-title">judge score →</text>`);
  parts.push(
    `<text x="10" y="${top + (n * cell) / 2}" text-anchor="middle" transform="rotate(-90 10 ${top + (n * cell) / 2})" class="axis-title">ground truth →</text>`,
  );
  matrix.forEach((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    const label = labels[i]!;
    parts.push(
      `<text x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" class="axis">${escapeHtml(label.name)} (${label.score})</text>`,
    );
    row.forEach((count, j) => {
      const t = rowTotal > 0 ? count / rowTotal : 0;
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" rx="3" fill="${shade(t)}"${i === j ? ' stroke="#0f172a" stroke-width="1.5"' : ''}${link(label, labels[j]!)}>` +
          `<title>truth ${escapeHtml(label.name)}, judge ${escapeHtml(labels[j]!.name)}: ${count}</title></rect>`,
        `<text x="${x + cell / 2 - 1}" y="${y + cell / 2 + 5}" text-anchor="middle" class="cell" pointer-events="none" fill="${t > 0.55 ? '#fff' : '#0f172a'}">${count}</text>`,
      );
    });
  });
  return svg(title, width, height, parts, 'heatmap');
}

/** Grouped bars per label: how often the judge gave it, and how often the ground truth has it. */
export function scoreDistribution(
  title: string,
  labels: { name: string; score: number }[],
  judge: number[],
  truth: number[],
): string {
  const groupWidth = 96;
  const barWidth = 26;
  const plotHeight = 150;
  const left = 36;
  const top = 24;
  const width = left + labels.length * groupWidth + 8;
  const height = top + plotHeight + 44;
  const max = Math.max(1, ...judge, ...truth);
  const parts: string[] = [
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 4}" y2="${top + plotHeight}" class="baseline"/>`,
    `<rect x="${left}" y="4" width="10" height="10" class="bar-judge"/><text x="${left + 14}" y="13" class="legend">judge</text>`,
    `<rect x="${left + 70}" y="4" width="10" height="10" class="bar-truth"/><text x="${left + 84}" y="13" class="legend">ground truth</text>`,
  ];
  labels.forEach((label, i) => {
    const x0 = left + i * groupWidth + 8;
    [
      [judge[i] ?? 0, 'bar-judge', 'judge'],
      [truth[i] ?? 0, 'bar-truth', 'ground truth'],
    ].forEach(([count, cls, who], k) => {
      const h = ((count as number) / max) * plotHeight;
      const x = x0 + 10 + k * (barWidth + 2);
      parts.push(
        `<rect x="${x}" y="${top + plotHeight - h}" width="${barWidth}" height="${h}" class="${cls as string}"><title>${who as string}: ${escapeHtml(label.name)} ×${count as number}</title></rect>`,
        `<text x="${x + barWidth / 2}" y="${top + plotHeight - h - 3}" text-anchor="middle" class="value">${count as number}</text>`,
      );
    });
    parts.push(
      `<text x="${x0 + 10 + barWidth}" y="${top + plotHeight + 16}" text-anchor="middle" class="axis">${escapeHtml(truncate(label.name, 13))}</text>`,
      `<text x="${x0 + 10 + barWidth}" y="${top + plotHeight + 30}" text-anchor="middle" class="axis muted">score ${label.score}</text>`,
    );
  });
  return svg(title, width, height, parts, 'bars');
}

/** Horizontal bars of a 0..1 value per item (e.g. accuracy per slice); `null` shows as "n/a". */
export function horizontalBars(title: string, items: { label: string; value: number | null; note?: string }[]): string {
  const rowHeight = 26;
  const left = 150;
  const plotWidth = 260;
  const width = left + plotWidth + 110;
  const height = items.length * rowHeight + 8;
  const parts: string[] = [];
  items.forEach((item, i) => {
    const y = 4 + i * rowHeight;
    parts.push(
      `<text x="${left - 8}" y="${y + 16}" text-anchor="end" class="axis">${escapeHtml(truncate(item.label, 22))}</text>`,
      `<rect x="${left}" y="${y + 3}" width="${plotWidth}" height="${rowHeight - 8}" class="track"/>`,
    );
    if (item.value !== null)
      parts.push(
        `<rect x="${left}" y="${y + 3}" width="${item.value * plotWidth}" height="${rowHeight - 8}" class="bar-judge"><title>${escapeHtml(item.label)}: ${(item.value * 100).toFixed(1)}%</title></rect>`,
      );
    parts.push(
      `<text x="${left + plotWidth + 6}" y="${y + 16}" class="value">${item.value === null ? 'n/a' : `${(item.value * 100).toFixed(1)}%`}${item.note ? ` ${escapeHtml(item.note)}` : ''}</text>`,
    );
  });
  return svg(title, width, height, parts, 'hbars');
}

function svg(title: string, width: number, height: number, parts: string[], cls: string): string {
  return (
    `<svg class="chart ${cls}" viewBox="0 0 ${width} ${height}" style="max-width:${width}px" role="img" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(title)}</title>${parts.join('')}</svg>`
  );
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Statistics with their intervals on one axis from −1 to 1 (κ, α and AC1 can be negative; accuracy and F1 use its
 * right half): a dot for the estimate, a bar for the interval, a line at 0 (chance for κ).
 */
export function intervalChart(
  title: string,
  items: { label: string; value: number | null; interval: { low: number; high: number } | null }[],
): string {
  const rowHeight = 24;
  const left = 190;
  const plotWidth = 300;
  const width = left + plotWidth + 20;
  const height = items.length * rowHeight + 26;
  const x = (v: number) => left + ((Math.max(-1, Math.min(1, v)) + 1) / 2) * plotWidth;
  const parts: string[] = [`<line x1="${x(0)}" x2="${x(0)}" y1="0" y2="${height - 22}" class="zero"/>`];
  for (const tick of [-1, -0.5, 0, 0.5, 1])
    parts.push(`<text x="${x(tick)}" y="${height - 6}" text-anchor="middle" class="axis">${tick}</text>`);
  items.forEach((item, i) => {
    const y = 4 + i * rowHeight + rowHeight / 2;
    parts.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end" class="axis">${escapeHtml(item.label)}</text>`);
    const range = item.interval ? `${item.interval.low.toFixed(3)} to ${item.interval.high.toFixed(3)}` : 'no interval';
    if (item.interval)
      parts.push(
        `<line x1="${x(item.interval.low)}" x2="${x(item.interval.high)}" y1="${y}" y2="${y}" class="error-bar"><title>${escapeHtml(item.label)}: ${range}</title></line>`,
      );
    if (item.value !== null)
      parts.push(
        `<circle cx="${x(item.value)}" cy="${y}" r="4" class="estimate"><title>${escapeHtml(item.label)}: ${item.value.toFixed(3)} (${range})</title></circle>`,
      );
  });
  return svg(title, width, height, parts, 'intervals');
}
