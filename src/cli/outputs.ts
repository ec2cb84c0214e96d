/**
 * Commands that take results out and keep things running: `export`, `report`, `connector create|list|delete`,
 * `worker`, `dev`, `migrate`, `repair`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import writeFileAtomic from 'write-file-atomic';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ValidationError } from '../errors';
import { CsvExportConfig, JsonExportConfig } from '../export/config';
import { renderBenchmarkExecutionReport, renderComparisonReport } from '../report/render-html';
import { BenchmarkExecution } from '../sdk/BenchmarkExecution';
import { ConnectorConfig } from '../sdk/ConnectorConfig';
import { recordAbandonedExecutions } from '../services/client/repair';
import { WORKER_ENV, WORKER_NODE_ARGS } from '../worker/runtime';
import { entryPointArgs } from '../layout';
import { buildBenchmarkExecutionReport, buildComparisonReport } from '../services/client/report';
import { Cli, collect, keyValues, noun, ratio, table, uid, WAIT_HELP, type WaitOption } from './common';

const connectorType = (value: string): 's3' | 'gcs' => {
  if (value !== 's3' && value !== 'gcs') throw new InvalidArgumentError(`expected s3 or gcs, got "${value}"`);
  return value;
};

/** The commands that write results out and run the processes. */
export function registerOutputCommands(program: Command, cli: Cli): void {
  registerExportCommand(program, cli);
  registerReportCommand(program, cli);
  registerConnectorCreateCommand(program, cli);
  registerConnectorListCommand(program, cli);
  registerConnectorDeleteCommand(program, cli);
  registerWorkerCommand(program, cli);
  registerDevCommand(program, cli);
  registerMigrateCommand(program, cli);
  registerRepairCommand(program, cli);
}

type ExportCommandOptions = {
  csv?: boolean;
  sep: string;
  quotechar: string;
  /** false with --no-escapechar. */
  escapechar: string | false;
  formulaGuard?: boolean;
  connector?: number;
  force?: boolean;
} & WaitOption;

/** `judgeflow export` */
function registerExportCommand(program: Command, cli: Cli): void {
  program
    .command('export')
    .description('export a benchmark execution: every datapoint with scores, rationales, agreement and slices')
    .argument('<benchmarkExecutionUid>', 'benchmark execution uid', uid)
    .argument('<destination>', 'a local path, s3://bucket/key or gs://bucket/key')
    .option('--csv', 'write CSV instead of JSON')
    .option('--sep <char>', 'CSV separator', ',')
    .option('--quotechar <char>', 'CSV quote character', '"')
    .option('--escapechar <char>', 'CSV escape character', '\\')
    .option('--no-escapechar', 'CSV without an escape character: quotes doubled, RFC 4180 (Excel, R)')
    .option(
      '--formula-guard',
      "prefix CSV cells starting with = + - @ tab or CR with ' so spreadsheets do not run them (changes the text)",
    )
    .option('--connector <uid>', 'connector config with the credentials of a private bucket', uid)
    .option('--force', 'replace a local file that exists at the destination')
    .option('--wait', WAIT_HELP)
    .action((benchmarkExecutionUid: number, destination: string, o: ExportCommandOptions) =>
      cli.run(async (jf) => {
        const execution = await BenchmarkExecution.get(benchmarkExecutionUid, jf);
        await cli.needWorker(jf, o);
        const config = o.csv
          ? new CsvExportConfig({
              sep: o.sep,
              quotechar: o.quotechar,
              escapechar: o.escapechar === false ? null : o.escapechar,
              formulaGuard: o.formulaGuard === true,
            })
          : new JsonExportConfig();
        await execution.export(destination, { config, connectorConfigUid: o.connector, overwrite: !!o.force });
        cli.output(
          { benchmarkExecutionUid, destination, format: o.csv ? 'csv' : 'json' },
          () => `exported benchmark execution ${benchmarkExecutionUid} to ${destination}`,
        );
      }),
    );
}

/** `judgeflow report` */
function registerReportCommand(program: Command, cli: Cli): void {
  program
    .command('report')
    .description(
      'an HTML report of a benchmark execution (agreement, confusion matrices, slices, disagreements); ' +
        'with two uids, what changed from A to B',
    )
    .argument('<benchmarkExecutionUid>', 'benchmark execution uid (A)', uid)
    .argument('[otherBenchmarkExecutionUid]', 'a later execution of the same benchmark to compare with (B)', uid)
    .option('--out <file>', 'where to write the HTML file', 'report.html')
    .action((a: number, b: number | undefined, o: { out: string }) =>
      cli.run(async (jf) => {
        if (b === undefined) {
          const report = await buildBenchmarkExecutionReport(jf, a);
          // Written aside and renamed: a reader never sees half a report.
          await writeFileAtomic(o.out, renderBenchmarkExecutionReport(report));
          cli.output(
            {
              file: path.resolve(o.out),
              benchmarkExecutionUid: a,
              evaluators: report.evaluators.map((e) => ({
                evaluatorUid: e.evaluatorUid,
                name: e.name,
                accuracy: e.overall.accuracy,
                kappa: e.overall.kappa,
              })),
            },
            () =>
              [
                `report of benchmark execution ${a} written to ${o.out}`,
                ...report.evaluators.map(
                  (e) =>
                    `  ${e.name}: accuracy ${ratio(e.overall.accuracy)}, kappa ${ratio(e.overall.kappa)}, ` +
                    `${e.overall.errors} errors`,
                ),
              ].join('\n'),
          );
          return;
        }
        const report = await buildComparisonReport(jf, a, b);
        await writeFileAtomic(o.out, renderComparisonReport(report));
        const names = new Map(report.after.evaluators.map((e) => [e.evaluatorUid, e.name]));
        cli.output(
          {
            file: path.resolve(o.out),
            before: a,
            after: b,
            changedVerdicts: report.changed.total,
            comparison: report.comparison,
          },
          () =>
            [
              `comparison of benchmark executions ${a} → ${b} written to ${o.out} (${report.changed.total} changed verdicts)`,
              ...report.comparison.evaluators.flatMap((e) => [
                `  ${names.get(e.evaluatorUid) ?? `evaluator ${e.evaluatorUid}`}: ${e.compared} compared, ` +
                  `${e.fixed} fixed, ${e.broken} broken, ${e.changedStillWrong} changed but still wrong; ` +
                  e.changes.map((c) => `${c.metric} ${c.verdict}`).join(', '),
                ...e.notes.map((n) => `    ${n}`),
              ]),
            ].join('\n'),
        );
      }),
    );
}

/** `judgeflow connector create` */
function registerConnectorCreateCommand(program: Command, cli: Cli): void {
  noun(program, 'connector')
    .command('create')
    .description('store credentials (encrypted) for exports to a private bucket')
    .requiredOption('--name <name>', 'connector name')
    .requiredOption('--type <type>', 's3 or gcs', connectorType)
    .option('--credentials-file <file>', 'S3: JSON { accessKeyId, secretAccessKey }; GCS: a service-account key file')
    .option('--from-env', 'S3: read AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)')
    .option('--option <key=value>', 'S3: region, endpoint, forcePathStyle; GCS: apiEndpoint, projectId', collect)
    .action((o: { name: string; type: 's3' | 'gcs'; credentialsFile?: string; fromEnv?: boolean; option?: string[] }) =>
      cli.run(async () => {
        const c = await ConnectorConfig.create({
          name: o.name,
          type: o.type,
          credentials: await readCredentials(o),
          options: o.option ? keyValues(o.option) : undefined,
        });
        cli.output(
          plainConnector(c),
          () => `connector ${c.connectorConfigUid} "${c.name}" (${c.type}, ${c.credentialsHint})`,
        );
      }),
    );
}

/** `judgeflow connector list` */
function registerConnectorListCommand(program: Command, cli: Cli): void {
  noun(program, 'connector')
    .command('list')
    .description('stored connectors (credentials are never shown)')
    .action(() =>
      cli.run(async () => {
        const all = await ConnectorConfig.list();
        cli.output(all.map(plainConnector), () =>
          table(
            ['uid', 'name', 'type', 'credentials', 'options'],
            all.map((c) => [c.connectorConfigUid, c.name, c.type, c.credentialsHint, JSON.stringify(c.options)]),
          ),
        );
      }),
    );
}

/** `judgeflow connector delete` */
function registerConnectorDeleteCommand(program: Command, cli: Cli): void {
  noun(program, 'connector')
    .command('delete')
    .description('delete a connector (refused while an export uses it)')
    .argument('<connectorUid>', 'connector uid', uid)
    .action((connectorUid: number) =>
      cli.run(async () => {
        await ConnectorConfig.delete(connectorUid);
        cli.output({ connectorConfigUid: connectorUid, deleted: true }, () => `connector ${connectorUid} deleted`);
      }),
    );
}

/** `judgeflow worker` */
function registerWorkerCommand(program: Command, _cli: Cli): void {
  program
    .command('worker')
    .description('run a judgeflow worker on the configured task queue (Ctrl-C stops it gracefully)')
    // A process of its own, started as every worker is (src/worker/runtime.ts): the CLI never loads the worker.
    .action(() => runChild([...WORKER_NODE_ARGS, ...entryPointArgs('src/worker/main')], WORKER_ENV));
}

/** `judgeflow dev` */
function registerDevCommand(program: Command, _cli: Cli): void {
  program
    .command('dev')
    .description(
      'everything for local use in one command: the Temporal dev server, the local judge server (without ' +
        'OPENAI_API_KEY) and a worker; Ctrl-C stops what it started',
    )
    .action(() => runChild(entryPointArgs('scripts/dev')));
}

/** `judgeflow migrate` */
function registerMigrateCommand(program: Command, _cli: Cli): void {
  program
    .command('migrate')
    .description(
      'create the database of DATABASE_URL when it is missing and apply pending migrations (what set-up and ' +
        '`judgeflow dev` do; run it before the workers of a new version start)',
    )
    // In a process of its own, like the worker: the command line never loads the storage layer.
    .action(() => runChild(entryPointArgs('scripts/setup-db')));
}

/** `judgeflow repair` */
function registerRepairCommand(program: Command, cli: Cli): void {
  program
    .command('repair')
    .description('record as failed the executions whose workflow ended without recording it (e.g. terminated)')
    .action(() =>
      cli.run(async (jf) => {
        const report = await recordAbandonedExecutions(jf);
        const list = (uids: number[]) => (uids.length ? uids.join(', ') : 'none');
        cli.output(
          report,
          () =>
            `recorded as failed: evaluator executions ${list(report.evaluatorExecutions)}; ` +
            `benchmark executions ${list(report.benchmarkExecutions)}`,
        );
      }),
    );
}

async function readCredentials(o: { type: 's3' | 'gcs'; credentialsFile?: string; fromEnv?: boolean }) {
  if ((o.credentialsFile === undefined) === !o.fromEnv)
    throw new ValidationError('connector create needs exactly one of --credentials-file <file> or --from-env');
  if (o.fromEnv) {
    if (o.type !== 's3') throw new ValidationError('--from-env reads AWS_* variables: it is for --type s3');
    return {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
      sessionToken: process.env.AWS_SESSION_TOKEN || undefined,
    };
  }
  const text = await fs.readFile(o.credentialsFile!, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse's message quotes the text around the error: never quote a credentials file.
    throw new ValidationError(
      `${o.credentialsFile} is not valid JSON (its content is not shown: it holds credentials); ` +
        'expected a JSON object of credentials',
    );
  }
}

const plainConnector = (c: ConnectorConfig) => ({
  connectorConfigUid: c.connectorConfigUid,
  name: c.name,
  type: c.type,
  options: c.options,
  credentialsHint: c.credentialsHint,
  createdAt: c.createdAt,
});

/**
 * Runs a Node process in the foreground, in this directory: Ctrl-C (or a SIGTERM) goes on to it, and its exit code
 * becomes ours.
 */
async function runChild(args: string[], env: Readonly<Record<string, string>> = {}): Promise<void> {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  // The child stops what it started on the signal; this process waits for it.
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  process.exitCode = await new Promise<number>((resolve) => {
    // Killed by a signal: the shell's convention, 128 + its number.
    child.once('exit', (code, signal) => {
      resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0));
    });
  });
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
}
