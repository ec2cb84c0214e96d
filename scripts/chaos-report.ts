/**
 * Prints the outcomes the chaos scenarios left in `.data/chaos/` as the Markdown table of docs/reliability.md;
 * with `--update`, rewrites that table in docs/reliability.md (between its chaos-table markers).
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPORT_DIR as dir, type RecordedOutcome } from '../test/chaos/chaos-support';
import { replaceBetweenMarkers } from './doc-table';

const root = path.resolve(import.meta.dirname, '..');
const doc = path.join(root, 'docs', 'reliability.md');
const START = '<!-- chaos-table:start -->';
const END = '<!-- chaos-table:end -->';

const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
if (files.length === 0) {
  console.error('no chaos outcomes in .data/chaos/: run `npm run test:chaos` first');
  process.exit(1);
}
const outcomes = files
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as RecordedOutcome);

const cell = (v: unknown) => String(v).replaceAll('|', '\\|');
const modes = [...new Set(outcomes.map((o) => o.mode))].join(' and ');
const last =
  outcomes
    .map((o) => o.at)
    .sort()
    .at(-1) ?? '';
const table = [
  `From the ${modes} run of ${last.slice(0, 10)} (\`npm run test:chaos\`; \`npm test\` runs the short scale).`,
  '',
  '| Scenario | Runs | Outcome | Rows lost | Duplicated | Extra model calls |',
  '|---|---|---|---|---|---|',
  ...outcomes.map(
    (o) =>
      `| ${cell(o.scenario)} | ${cell(o.runs)} | ${cell(o.outcome)} | ${o.rowsLost} | ${o.duplicated} | ${cell(o.extraCalls)} |`,
  ),
].join('\n');

console.log(table);
if (process.argv.includes('--update')) {
  await replaceBetweenMarkers(doc, START, END, table);
  console.log(`\nupdated ${path.relative(root, doc)}`);
}
