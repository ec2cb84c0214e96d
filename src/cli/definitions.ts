/**
 * Commands that define what is evaluated: `dataset import|list`, `benchmark create|list|show`,
 * `criteria create|list|ground-truth`, `slice create|list` (evaluators are in evaluators.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ValidationError } from '../errors';
import { Benchmark } from '../sdk/Benchmark';
import { Criteria, type CriteriaLabel } from '../sdk/Criteria';
import { Dataset } from '../sdk/Dataset';
import { Slice, type SliceFilter } from '../sdk/Slice';
import { listDatasetSummaries } from '../services/client/datasets';
import { Cli, cut, fields, noun, table, uid } from './common';

/** `name=score` or `name=score:description`. */
const label = (value: string, previous: CriteriaLabel[] = []): CriteriaLabel[] => {
  const m = /^([^=]+)=(-?\d+)(?::(.*))?$/s.exec(value);
  if (!m)
    throw new InvalidArgumentError(
      `expected name=score[:description] (e.g. "helpful=2:answers fully"), got "${value}"`,
    );
  return [...previous, { name: m[1]!.trim(), score: Number(m[2]), description: m[3]?.trim() }];
};

const jsonValue = (value: string): SliceFilter => {
  try {
    return JSON.parse(value) as SliceFilter;
  } catch {
    throw new InvalidArgumentError(`expected JSON, got "${value}"`);
  }
};

const splitList = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The commands that define what is evaluated. */
export function registerDefinitionCommands(program: Command, cli: Cli): void {
  registerDatasetImportCommand(program, cli);
  registerDatasetListCommand(program, cli);
  registerBenchmarkCreateCommand(program, cli);
  registerBenchmarkListCommand(program, cli);
  registerBenchmarkShowCommand(program, cli);
  registerCriteriaCreateCommand(program, cli);
  registerCriteriaListCommand(program, cli);
  registerCriteriaGroundTruthCommand(program, cli);
  registerSliceCreateCommand(program, cli);
  registerSliceListCommand(program, cli);
}

/** `judgeflow dataset import` */
function registerDatasetImportCommand(program: Command, cli: Cli): void {
  noun(program, 'dataset')
    .command('import')
    .description('import a CSV or JSONL file (columns x_uid and split are read; the others are user columns)')
    .argument('<file>', 'a .csv, .jsonl or .ndjson file')
    .option('--name <name>', 'dataset name (default: the file name)')
    .option('--split <split>', 'split of rows that have no split column value')
    .option('--delimiter <char>', 'CSV delimiter (default ,)')
    .action((file: string, o: { name?: string; split?: string; delimiter?: string }) =>
      cli.run(async () => {
        const name = o.name ?? path.basename(file);
        const isJsonl = /\.(jsonl|ndjson)$/i.test(file);
        const d = isJsonl
          ? await Dataset.fromJsonl(file, { name, split: o.split })
          : await Dataset.fromCsv(file, { name, split: o.split, delimiter: o.delimiter });
        const counts = await d.countBySplit();
        cli.output({ datasetUid: d.datasetUid, name: d.name, columns: d.columns, rowsBySplit: counts }, () =>
          fields([
            ['dataset', `${d.datasetUid} "${d.name}"`],
            [
              'rows',
              Object.entries(counts)
                .map(([s, n]) => `${n} ${s}`)
                .join(', '),
            ],
            ['columns', columnSummary(d.columns, d.columns.length)],
          ]),
        );
      }),
    );
}

/** Column names a listing reads per dataset: `--json` shows these and `columnCount`, the table fewer. */
const LISTED_COLUMNS = 100;

/** `judgeflow dataset list` */
function registerDatasetListCommand(program: Command, cli: Cli): void {
  noun(program, 'dataset')
    .command('list')
    .description(`every dataset (with --json: its column count and first ${LISTED_COLUMNS} column names)`)
    .action(() =>
      cli.run(async (jf) => {
        const all = await listDatasetSummaries(jf, { columns: LISTED_COLUMNS });
        cli.output(
          all.map((d) => ({
            datasetUid: d.uid,
            name: d.name,
            columnCount: d.columnCount,
            columns: d.columns,
            rowsBySplit: d.rowsBySplit,
          })),
          () =>
            table(
              ['uid', 'name', 'rows', 'columns'],
              all.map((d) => [
                d.uid,
                d.name,
                Object.entries(d.rowsBySplit)
                  .map(([s, n]) => `${n} ${s}`)
                  .join(', '),
                columnSummary(d.columns, d.columnCount),
              ]),
            ),
        );
      }),
    );
}

/** The first column names that fit in about `width` characters, and how many more there are: `a, b, … (+998 more)`. */
function columnSummary(names: string[], total: number, width = 60): string {
  const shown: string[] = [];
  let length = 0;
  for (const name of names) {
    if (shown.length > 0 && length + name.length > width) break;
    // Cut, not flattened: a line break in a name shows (as ⏎) rather than passing for a space.
    shown.push(cut(name, width));
    length += name.length + 2;
  }
  const more = total - shown.length;
  return more > 0 ? `${shown.join(', ')}, … (+${more.toLocaleString('en')} more)` : shown.join(', ');
}

/** `judgeflow benchmark create` */
function registerBenchmarkCreateCommand(program: Command, cli: Cli): void {
  noun(program, 'benchmark')
    .command('create')
    .description('a benchmark over a dataset')
    .requiredOption('--dataset <uid>', 'dataset uid', uid)
    .requiredOption('--name <name>', 'benchmark name')
    .option('--description <text>', 'what it measures')
    .action((o: { dataset: number; name: string; description?: string }) =>
      cli.run(async () => {
        const b = await Benchmark.create({ name: o.name, description: o.description, datasetUid: o.dataset });
        cli.output(plainBenchmark(b), () => `benchmark ${b.benchmarkUid} "${b.name}" on dataset ${b.datasetUid}`);
      }),
    );
}

/** `judgeflow benchmark list` */
function registerBenchmarkListCommand(program: Command, cli: Cli): void {
  noun(program, 'benchmark')
    .command('list')
    .description('every benchmark')
    .action(() =>
      cli.run(async () => {
        const all = await Benchmark.list();
        cli.output(all.map(plainBenchmark), () =>
          table(
            ['uid', 'name', 'dataset', 'created'],
            all.map((b) => [b.benchmarkUid, b.name, b.datasetUid, b.createdAt.toISOString()]),
          ),
        );
      }),
    );
}

/** `judgeflow benchmark show` */
function registerBenchmarkShowCommand(program: Command, cli: Cli): void {
  noun(program, 'benchmark')
    .command('show')
    .description('a benchmark with its criteria, evaluators, slices and executions')
    .argument('<benchmarkUid>', 'benchmark uid', uid)
    .action((benchmarkUid: number) =>
      cli.run(async () => {
        const b = await Benchmark.get(benchmarkUid);
        const [criteria, evaluators, slices, executions] = await Promise.all([
          b.criteria(),
          b.evaluators(),
          b.slices(),
          b.listExecutions(),
        ]);
        const value = {
          ...plainBenchmark(b),
          criteria: criteria.map(plainCriteria),
          evaluators,
          slices: slices.map(plainSlice),
          executions: executions.map((e) => ({
            benchmarkExecutionUid: e.benchmarkExecutionUid,
            name: e.name,
            createdAt: e.createdAt,
          })),
        };
        cli.output(value, () =>
          [
            fields([
              ['benchmark', `${b.benchmarkUid} "${b.name}"`],
              ['description', b.description || '-'],
              ['dataset', b.datasetUid],
            ]),
            '\ncriteria',
            table(
              ['uid', 'name', 'labels'],
              criteria.map((c) => [c.criteriaUid, c.name, c.labels.map((l) => `${l.name}=${l.score}`).join(', ')]),
            ),
            '\nevaluators',
            table(
              ['uid', 'name', 'type', 'criteria'],
              evaluators.map((e) => [e.evaluatorUid, e.name, e.type, e.criteriaUid]),
            ),
            '\nslices',
            table(
              ['uid', 'name', 'rows'],
              slices.map((s) => [s.sliceUid, s.name, s.size]),
            ),
            '\nexecutions (newest first)',
            table(
              ['uid', 'name', 'created'],
              executions.map((e) => [e.benchmarkExecutionUid, e.name, e.createdAt.toISOString()]),
            ),
          ].join('\n'),
        );
      }),
    );
}

/** `judgeflow criteria create` */
function registerCriteriaCreateCommand(program: Command, cli: Cli): void {
  noun(program, 'criteria')
    .command('create')
    .description('a criteria: labels with integer scores')
    .requiredOption('--benchmark <uid>', 'benchmark uid', uid)
    .requiredOption('--name <name>', 'criteria name')
    .requiredOption('--label <name=score[:description]>', 'a label (repeat for each, at least two)', label)
    .option('--description <text>', 'what the criteria judges')
    .option('--no-rationale', 'judges need not give a rationale')
    .action(
      (o: { benchmark: number; name: string; label: CriteriaLabel[]; description?: string; rationale: boolean }) =>
        cli.run(async () => {
          const c = await Criteria.create({
            benchmarkUid: o.benchmark,
            name: o.name,
            description: o.description,
            labels: o.label,
            requiresRationale: o.rationale,
          });
          cli.output(plainCriteria(c), () => `criteria ${c.criteriaUid} "${c.name}": ${describeLabels(c)}`);
        }),
    );
}

/** `judgeflow criteria list` */
function registerCriteriaListCommand(program: Command, cli: Cli): void {
  noun(program, 'criteria')
    .command('list')
    .description("a benchmark's criteria")
    .requiredOption('--benchmark <uid>', 'benchmark uid', uid)
    .action((o: { benchmark: number }) =>
      cli.run(async () => {
        const all = await Criteria.list(o.benchmark);
        cli.output(all.map(plainCriteria), () =>
          table(
            ['uid', 'name', 'labels', 'rationale'],
            all.map((c) => [c.criteriaUid, c.name, describeLabels(c), c.requiresRationale ? 'required' : 'optional']),
          ),
        );
      }),
    );
}

/** `judgeflow criteria ground-truth` */
function registerCriteriaGroundTruthCommand(program: Command, cli: Cli): void {
  noun(program, 'criteria')
    .command('ground-truth')
    .description('set ground truth from a dataset column (label names or scores) or a JSON file { x_uid: label }')
    .argument('<criteriaUid>', 'criteria uid', uid)
    .option('--column <column>', "a column of the benchmark's dataset holding each row's label name or score")
    .option('--file <file>', 'a JSON object { "<x_uid>": <score or label name> }')
    .action((criteriaUid: number, o: { column?: string; file?: string }) =>
      cli.run(async (jf) => {
        if ((o.column === undefined) === (o.file === undefined))
          throw new ValidationError('criteria ground-truth needs exactly one of --column <column> or --file <file>');
        const c = await Criteria.get(criteriaUid);
        let truth: Record<string, number | string>;
        if (o.column !== undefined) {
          const d = await Dataset.get((await Benchmark.get(c.benchmarkUid, jf)).datasetUid);
          if (!d.columns.includes(o.column))
            throw new ValidationError(
              `dataset ${d.datasetUid} has no column "${o.column}"; its columns are ${d.columns.join(', ')}`,
            );
          const column = o.column;
          // Own properties only: a row without a `constructor` column has no label there.
          const cell = (r: { data: Record<string, unknown> }) =>
            Object.hasOwn(r.data, column) ? r.data[column] : null;
          truth = Object.fromEntries(
            (await d.rows())
              .filter((r) => cell(r) !== undefined && cell(r) !== null && cell(r) !== '')
              .map((r) => {
                const v = cell(r);
                return [r.xUid, typeof v === 'number' || /^-?\d+$/.test(String(v)) ? Number(v) : String(v)];
              }),
          );
        } else {
          truth = await readJsonObject(o.file!);
        }
        const n = await c.setGroundTruth(truth);
        cli.output({ criteriaUid, groundTruth: n }, () => `criteria ${criteriaUid}: ground truth for ${n} datapoints`);
      }),
    );
}

/** `judgeflow slice create` */
function registerSliceCreateCommand(program: Command, cli: Cli): void {
  noun(program, 'slice')
    .command('create')
    .description('a slice: explicit datapoints (--x-uids), or a filter on a column (--column with --equals or --in)')
    .requiredOption('--benchmark <uid>', 'benchmark uid', uid)
    .requiredOption('--name <name>', 'slice name')
    .option('--description <text>', 'what the slice holds')
    .option('--x-uids <ids>', 'comma-separated x_uids', splitList)
    .option('--column <column>', 'the column a filter looks at')
    .option('--equals <value>', 'rows whose column equals this value')
    .option('--in <values>', 'rows whose column is one of these comma-separated values', splitList)
    .option('--filter <json>', 'any filter as JSON, e.g. \'{"column":"score","op":"gte","value":3}\'', jsonValue)
    .action(
      (o: {
        benchmark: number;
        name: string;
        description?: string;
        xUids?: string[];
        column?: string;
        equals?: string;
        in?: string[];
        filter?: SliceFilter;
      }) =>
        cli.run(async () => {
          const filter = sliceFilter(o);
          if ((o.xUids === undefined) === (filter === undefined))
            throw new ValidationError(
              'slice create needs exactly one of --x-uids <ids>, --column <column> (with --equals or --in) or --filter <json>',
            );
          const s = await Slice.create({
            benchmarkUid: o.benchmark,
            name: o.name,
            description: o.description,
            xUids: o.xUids,
            filter,
          });
          cli.output(plainSlice(s), () => `slice ${s.sliceUid} "${s.name}": ${s.size} datapoints`);
        }),
    );
}

/** `judgeflow slice list` */
function registerSliceListCommand(program: Command, cli: Cli): void {
  noun(program, 'slice')
    .command('list')
    .description("a benchmark's slices")
    .requiredOption('--benchmark <uid>', 'benchmark uid', uid)
    .action((o: { benchmark: number }) =>
      cli.run(async () => {
        const all = await Slice.list(o.benchmark);
        cli.output(all.map(plainSlice), () =>
          table(
            ['uid', 'name', 'rows', 'filter'],
            all.map((s) => [s.sliceUid, s.name, s.size, s.filter ? JSON.stringify(s.filter) : 'explicit']),
          ),
        );
      }),
    );
}

function sliceFilter(o: {
  column?: string;
  equals?: string;
  in?: string[];
  filter?: SliceFilter;
}): SliceFilter | undefined {
  if (o.filter !== undefined) {
    if (o.column !== undefined) throw new ValidationError('give --filter or --column, not both');
    return o.filter;
  }
  if (o.column === undefined) {
    if (o.equals !== undefined || o.in !== undefined)
      throw new ValidationError('--equals and --in filter a column: give --column <column> too');
    return undefined;
  }
  if ((o.equals === undefined) === (o.in === undefined))
    throw new ValidationError(
      `a filter on column "${o.column}" needs exactly one of --equals <value> or --in <values>`,
    );
  return o.equals !== undefined
    ? { column: o.column, op: 'eq', value: o.equals }
    : { column: o.column, op: 'in', values: o.in! };
}

async function readJsonObject(file: string): Promise<Record<string, number | string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new ValidationError(`${file} is not a JSON file: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ValidationError(`${file} must hold a JSON object { "<x_uid>": <score or label name> }`);
  return parsed as Record<string, number | string>;
}

const describeLabels = (c: Criteria) => c.labels.map((l) => `${l.name}=${l.score}`).join(', ');

const plainBenchmark = (b: Benchmark) => ({
  benchmarkUid: b.benchmarkUid,
  name: b.name,
  description: b.description,
  datasetUid: b.datasetUid,
  createdAt: b.createdAt,
});
const plainCriteria = (c: Criteria) => ({
  criteriaUid: c.criteriaUid,
  benchmarkUid: c.benchmarkUid,
  name: c.name,
  description: c.description,
  requiresRationale: c.requiresRationale,
  labels: c.labels,
});
const plainSlice = (s: Slice) => ({
  sliceUid: s.sliceUid,
  benchmarkUid: s.benchmarkUid,
  name: s.name,
  description: s.description,
  filter: s.filter,
  size: s.size,
});
