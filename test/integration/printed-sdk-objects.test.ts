/**
 * Regression: printing an SDK object showed the client it carries, and with it the configuration's secrets —
 * `console.log(await ConnectorConfig.get(uid))` printed JUDGEFLOW_SECRET_KEY (the key to every stored credential),
 * `util.inspect(await Judgeflow.connect())` the model API key and the database password. Every SDK object, printed
 * every way a person or a REPL prints it, shows none of them.
 */
import { format, inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  Benchmark,
  BenchmarkExecution,
  BenchmarkSchedule,
  ConnectorConfig,
  Criteria,
  InvalidConnectorConfigError,
  Dataset,
  Judgeflow,
  PromptEvaluator,
  Slice,
} from '../../src';
import { insertBenchmarkExecution } from '../../src/db/benchmark-execution.repository';
import { uniqueName } from '../support/context';

// Recognisable values: PostgreSQL here trusts local connections, so the password is accepted and never checked.
const DB_PASSWORD = 'dbPasswordSentinel42';
const OPENAI_KEY = 'sk-openaiKeySentinel42';
const MODEL_KEY = 'sk-modelKeySentinel42';
const SECRET_KEY = Buffer.from('secretKeySentinel42_____________').toString('base64');
const S3_SECRET = 's3SecretSentinel42';
const SECRETS = [DB_PASSWORD, OPENAI_KEY, MODEL_KEY, SECRET_KEY, S3_SECRET, 'secretKeySentinel42'];

/** Every way an object gets printed: console.log (%o, %O, %s), util.inspect in full, JSON, String(). */
function printings(value: unknown): string[] {
  return [
    format('%o', value),
    format('%O', value),
    format('%s', value),
    inspect(value, { depth: Infinity, showHidden: true, getters: true }),
    jsonOf(value),
    String(value),
  ];
}

/** JSON.stringify's text, or what it threw (the old client held a pool with cycles, so it threw). */
function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (err) {
    return `JSON.stringify threw: ${(err as Error).message}`;
  }
}

let jf: Judgeflow;
beforeAll(async () => {
  const url = new URL(inject('databaseUrl'));
  url.password = DB_PASSWORD;
  jf = await Judgeflow.connect({
    config: {
      databaseUrl: url.toString(),
      secretKey: SECRET_KEY,
      openai: { apiKey: OPENAI_KEY },
      modelConfigs: { 'judge-model': { apiKeyEnv: 'JUDGE_MODEL_KEY', apiKey: MODEL_KEY } },
      temporal: { address: inject('temporalAddress'), namespace: 'default', taskQueue: `printed-${process.pid}` },
    },
  });
});
afterAll(async () => {
  await jf.close();
});

describe('printed SDK objects show no secret', () => {
  it('every SDK class, and the client itself', async () => {
    const dataset = await Dataset.create({
      name: uniqueName('printed'),
      split: 'test',
      rows: [{ x_uid: 'a', response: 'yes' }],
    });
    const benchmark = await Benchmark.create({ name: uniqueName('printed'), datasetUid: dataset.datasetUid });
    const criteria = await Criteria.create({
      benchmarkUid: benchmark.benchmarkUid,
      name: 'c',
      labels: [
        { name: 'no', score: 0 },
        { name: 'yes', score: 1 },
      ],
    });
    const slice = await Slice.create({ benchmarkUid: benchmark.benchmarkUid, name: 's', xUids: ['a'] });
    const evaluator = await PromptEvaluator.create({
      criteriaUid: criteria.criteriaUid,
      userPrompt: '{{response}}',
      modelName: 'judge-model',
    });
    const connector = await ConnectorConfig.create({
      name: uniqueName('printed'),
      type: 's3',
      credentials: { accessKeyId: 'AKIAPRINTED', secretAccessKey: S3_SECRET },
    });
    const executionUid = await insertBenchmarkExecution(jf.db, {
      benchmarkUid: benchmark.benchmarkUid,
      createdBy: 'test',
      splits: ['test'],
      concurrency: 1,
    });
    const execution = await BenchmarkExecution.get(executionUid);
    const schedule = await BenchmarkSchedule.create(benchmark.benchmarkUid, { every: '1d', paused: true });
    const objects = { jf, dataset, benchmark, criteria, slice, evaluator, connector, execution, schedule };

    for (const [name, object] of Object.entries(objects)) {
      for (const printed of printings(object)) {
        for (const secret of SECRETS) expect(printed, `${name} printed as ${printed}`).not.toContain(secret);
      }
      expect(jsonOf(object), name).not.toMatch(/^JSON.stringify threw/);
    }
    // What they do show: the objects' own fields, and where the client is connected (password masked).
    expect(inspect(evaluator)).toContain(`evaluatorUid: ${evaluator.evaluatorUid}`);
    expect(inspect(connector)).toContain("credentialsHint: 'AKIA");
    expect(inspect(jf)).toContain(':***@');
    expect(String(jf)).toContain(inject('temporalAddress'));
    expect(inspect(schedule)).toContain(`scheduleUid: ${schedule.scheduleUid}`);
    await schedule.delete();
  });

  it('an error about credentials carries none of them (regression: the error kept the credentials as its value)', async () => {
    const err = await ConnectorConfig.create({
      name: uniqueName('printed'),
      type: 'gcs',
      credentials: `{"private_key": "${S3_SECRET}"`,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidConnectorConfigError);
    for (const printed of [...printings(err), inspect({ cause: err }, { depth: Infinity })])
      expect(printed).not.toContain(S3_SECRET);
  });
});
