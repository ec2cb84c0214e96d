/**
 * Exports to s3:// and gs:// through connector configs, against real storage servers on loopback (versitygw, which
 * verifies SigV4, and fake-gcs-server), with a worker process: the same bytes as a local export, clean failures
 * (private bucket, wrong credentials, no bucket, unreachable endpoint), nothing left by a cancelled export, and
 * secrets in no workflow history, worker log, export or listing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  Benchmark,
  ConnectorConfig,
  ConnectorConfigInUseError,
  CsvExportConfig,
  DuplicateError,
  ExportFailedError,
  InvalidConnectorConfigError,
  InvalidDestinationError,
  NotFoundError,
  SecretDecryptionError,
  SecretKeyError,
  Judgeflow,
  type BenchmarkExecution,
} from '../../src';
import { openConnector } from '../../src/services/worker/connector-secrets';
import { exportWorkflowId } from '../../src/shared/workflow-ids';
import { startJudgeServer, type JudgeServer } from '../../tools/judge-server';
import { startGcsServer, startS3Server, type S3Server, type StorageServer } from '../../tools/storage-servers';
import { startTcpProxy } from '../../tools/tcp-proxy';
import { spawnWorkerProcess, type WorkerProcess } from '../../tools/worker-process';
import { connectTestClient, uniqueName } from '../support/context';
import { createEvaluatorFixture } from '../support/fixtures';
import { waitUntil } from '../support/results';

const taskQueue = `remote-export-${process.pid}`;
const GCS_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----\nGCS-SECRET-${process.pid}\n-----END PRIVATE KEY-----\n`;

let dir: string;
let jf: Judgeflow;
let judge: JudgeServer;
let worker: WorkerProcess;
let s3: S3Server;
let gcs: StorageServer;
let s3Admin: S3Client;
let gcsAdmin: Storage;
let s3Connector: ConnectorConfig;
let gcsConnector: ConnectorConfig;
let execution: BenchmarkExecution;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-remote-export-'));
  s3 = await startS3Server(path.join(dir, 's3'), ['exports']);
  gcs = await startGcsServer(path.join(dir, 'gcs'), []);
  s3Admin = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  gcsAdmin = new Storage({ apiEndpoint: gcs.endpoint, projectId: 'test' });
  await gcsAdmin.createBucket('exports');

  judge = await startJudgeServer();
  jf = await connectTestClient(taskQueue);
  jf.config.openai.baseUrl = judge.url;
  worker = await spawnWorkerProcess({
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    OPENAI_BASE_URL: judge.url,
    OPENAI_API_KEY: 'test-key',
    // Exports without a connector config go to the local stores, anonymously.
    JUDGEFLOW_S3_ENDPOINT: s3.endpoint,
    JUDGEFLOW_GCS_API_ENDPOINT: gcs.endpoint,
  });

  s3Connector = await ConnectorConfig.create(
    {
      name: uniqueName('s3'),
      type: 's3',
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      options: { endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1' },
    },
    jf,
  );
  gcsConnector = await ConnectorConfig.create(
    {
      name: uniqueName('gcs'),
      type: 'gcs',
      credentials: JSON.stringify({
        client_email: 'exporter@test.iam.gserviceaccount.com',
        private_key: GCS_PRIVATE_KEY,
      }),
      options: { apiEndpoint: gcs.endpoint, projectId: 'test' },
    },
    jf,
  );

  const f = await createEvaluatorFixture(jf, { rows: 40, scores: [0, 1, 2] });
  execution = await (await Benchmark.get(f.benchmarkUid, jf)).execute({ sync: true });
  expect(await execution.status()).toBe('completed');
}, 300_000);

afterAll(async () => {
  // A worker that hangs on SIGTERM (an upload request left open by a cancelled export) fails this hook.
  await worker?.stop();
  await jf?.close();
  await judge?.close();
  s3Admin?.destroy();
  await s3?.stop();
  await gcs?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function s3Object(key: string): Promise<Buffer> {
  const out = await s3Admin.send(new GetObjectCommand({ Bucket: 'exports', Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}
async function s3Exists(key: string): Promise<boolean> {
  return s3Admin.send(new HeadObjectCommand({ Bucket: 'exports', Key: key })).then(
    () => true,
    () => false,
  );
}
async function pendingMultipartUploads(): Promise<number> {
  return (await s3Admin.send(new ListMultipartUploadsCommand({ Bucket: 'exports' }))).Uploads?.length ?? 0;
}
async function gcsObject(key: string): Promise<Buffer> {
  return (await gcsAdmin.bucket('exports').file(key).download())[0];
}
async function gcsExists(key: string): Promise<boolean> {
  return (await gcsAdmin.bucket('exports').file(key).exists())[0];
}
/** JSON exports differ only in when they were made. */
const withoutExportTime = (b: Buffer) => b.toString('utf8').replace(/"exported_at":"[^"]+"/, '"exported_at":"…"');

describe('exports to s3:// and gs://', () => {
  it('write the same bytes as a local export, as JSON and as CSV with non-default options', async () => {
    const local = path.join(dir, 'run.json');
    await execution.export(local);
    await execution.export('s3://exports/runs/run.json', { connectorConfigUid: s3Connector.connectorConfigUid });
    await execution.export('gs://exports/runs/run.json', { connectorConfigUid: gcsConnector.connectorConfigUid });
    const json = withoutExportTime(fs.readFileSync(local));
    expect(JSON.parse(json)).toMatchObject({ datapoints: expect.arrayContaining([expect.anything()]) });
    expect(withoutExportTime(await s3Object('runs/run.json'))).toBe(json);
    expect(withoutExportTime(await gcsObject('runs/run.json'))).toBe(json);

    const config = new CsvExportConfig({ sep: ';', quotechar: "'", escapechar: '/' });
    const localCsv = path.join(dir, 'run.csv');
    await execution.export(localCsv, { config });
    await execution.export('s3://exports/runs/run.csv', { config, connectorConfigUid: s3Connector.connectorConfigUid });
    await execution.export('gs://exports/runs/run.csv', {
      config,
      connectorConfigUid: gcsConnector.connectorConfigUid,
    });
    const csv = fs.readFileSync(localCsv);
    expect(csv.length).toBeGreaterThan(1000);
    expect((await s3Object('runs/run.csv')).equals(csv)).toBe(true);
    expect((await gcsObject('runs/run.csv')).equals(csv)).toBe(true);
    expect(await pendingMultipartUploads()).toBe(0);
  });

  it('to a private bucket without credentials fails cleanly and says to pass connectorConfigUid', async () => {
    const attempt = execution.export('s3://exports/anonymous.json');
    await expect(attempt).rejects.toThrow(ExportFailedError);
    await expect(attempt).rejects.toThrow(/access denied.*private; pass connectorConfigUid/);
    expect(await s3Exists('anonymous.json')).toBe(false);
  });

  it('with wrong credentials, to a missing bucket or an unreachable endpoint: a clear failure, nothing written', async () => {
    const wrong = await ConnectorConfig.create(
      {
        name: uniqueName('wrong'),
        type: 's3',
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'WRONG-SECRET-123' },
        options: { endpoint: s3.endpoint, forcePathStyle: true },
      },
      jf,
    );
    const denied = execution.export('s3://exports/wrong.json', { connectorConfigUid: wrong.connectorConfigUid });
    await expect(denied).rejects.toThrow(/authentication failed for s3:\/\/exports\/wrong.json/);
    await expect(denied).rejects.not.toThrow(/WRONG-SECRET/);
    expect(await s3Exists('wrong.json')).toBe(false);

    const noBucket = execution.export('s3://no-such-bucket/x.json', {
      connectorConfigUid: s3Connector.connectorConfigUid,
    });
    await expect(noBucket).rejects.toThrow(/the bucket of s3:\/\/no-such-bucket\/x.json does not exist/);

    // Cloud Storage says no more than "Request failed with status code 404": still the bucket, and not retried.
    const noGcsBucket = execution.export('gs://no-such-bucket/x.json', {
      connectorConfigUid: gcsConnector.connectorConfigUid,
    });
    await expect(noGcsBucket).rejects.toThrow(/the bucket of gs:\/\/no-such-bucket\/x.json does not exist/);
    const { rows } = await jf.db.query<{ uid: number }>(`SELECT max(uid) AS uid FROM exports`);
    const history = await (
      await jf.temporal()
    ).workflow
      .getHandle(exportWorkflowId(jf.instanceId, rows[0]!.uid))
      .fetchHistory();
    const attempts = history.events?.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
    // writeExport and finishExport, each on its first attempt.
    expect(attempts).toEqual([1, 1]);

    const unreachable = await ConnectorConfig.create(
      {
        name: uniqueName('down'),
        type: 's3',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        options: { endpoint: 'http://127.0.0.1:1', forcePathStyle: true },
      },
      jf,
    );
    const started = Date.now();
    await expect(
      execution.export('s3://exports/down.json', { connectorConfigUid: unreachable.connectorConfigUid }),
    ).rejects.toThrow(/not reachable/);
    expect(Date.now() - started).toBeLessThan(90_000);
  }, 120_000);

  it('refuses bad destinations and connector configs before anything starts', async () => {
    const exports = async () => (await jf.db.query(`SELECT uid FROM exports`)).rowCount;
    const before = await exports();
    const s3Uid = s3Connector.connectorConfigUid;
    await expect(execution.export('s3://exports/', { connectorConfigUid: s3Uid })).rejects.toThrow(
      InvalidDestinationError,
    );
    await expect(execution.export('s3:///key.json', { connectorConfigUid: s3Uid })).rejects.toThrow(
      /expected s3:\/\/<bucket>\/<key>/,
    );
    await expect(execution.export('gs://exports', {})).rejects.toThrow(InvalidDestinationError);
    await expect(execution.export('s3://exports/x.json', { connectorConfigUid: 987654 })).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      execution.export('s3://exports/x.json', { connectorConfigUid: gcsConnector.connectorConfigUid }),
    ).rejects.toThrow(/is for gcs, not s3:\/\/ \(use a s3 connector config\)/);
    await expect(execution.export('gs://exports/x.json', { connectorConfigUid: s3Uid })).rejects.toThrow(
      /is for s3, not gs:\/\//,
    );
    await expect(execution.export('s3://exports/x.json', { connectorConfigUid: -1 })).rejects.toThrow(
      /connectorConfigUid must be an integer uid from 1 to 2147483647, got -1/,
    );
    expect(await exports()).toBe(before);
  });
});

describe('a cancelled export', () => {
  it('leaves no object and no pending multipart upload (S3), no object (GCS)', async () => {
    // 100,000 datapoints make a JSON export of tens of MB: several multipart parts.
    const f = await createEvaluatorFixture(jf, { rows: 100_000 });
    const big = await (await Benchmark.get(f.benchmarkUid, jf)).execute({ numRows: 1, sync: true });
    const temporal = await jf.temporal();
    const latestExport = async () =>
      (await jf.db.query<{ uid: number }>(`SELECT max(uid) AS uid FROM exports`)).rows[0]!.uid;
    // Each store behind a proxy the test stalls once the upload is under way, so the export is cancelled
    // mid-upload however fast it writes.
    const behindProxy = async (endpoint: string) => {
      const url = new URL(endpoint);
      const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
      url.port = String(proxy.port);
      return { proxy, endpoint: url.toString().replace(/\/$/, '') };
    };
    const s3Proxied = await behindProxy(s3.endpoint);
    const gcsProxied = await behindProxy(gcs.endpoint);
    const s3Stalled = await ConnectorConfig.create(
      {
        name: uniqueName('s3-stalled'),
        type: 's3',
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        options: { endpoint: s3Proxied.endpoint, forcePathStyle: true, region: 'us-east-1' },
      },
      jf,
    );
    const gcsStalled = await ConnectorConfig.create(
      {
        name: uniqueName('gcs-stalled'),
        type: 'gcs',
        credentials: JSON.stringify({
          client_email: 'exporter@test.iam.gserviceaccount.com',
          private_key: GCS_PRIVATE_KEY,
        }),
        options: { apiEndpoint: gcsProxied.endpoint, projectId: 'test' },
      },
      jf,
    );

    try {
      for (const [url, connector, { proxy }] of [
        ['s3://exports/big.json', s3Stalled, s3Proxied],
        ['gs://exports/big.json', gcsStalled, gcsProxied],
      ] as const) {
        const before = await latestExport();
        // Stalled by the proxy itself: polling for the bytes and then stalling let a fast upload finish first.
        proxy.stallAfter(1_000_000);
        const running = big.export(url, { connectorConfigUid: connector.connectorConfigUid });
        running.catch(() => undefined);
        await waitUntil('the export has started', async () => (await latestExport()) > before);
        const exportUid = await latestExport();
        await waitUntil(`${url} is being uploaded`, () => proxy.stalled, 60_000);
        await temporal.workflow.getHandle(exportWorkflowId(jf.instanceId, exportUid)).cancel();
        await expect(running).rejects.toThrow(/export cancelled/);
        proxy.unstall();
        const { rows } = await jf.db.query<{ status: string }>(`SELECT status FROM exports WHERE uid = $1`, [
          exportUid,
        ]);
        expect(rows[0]?.status).toBe('cancelled');
      }
      await waitUntil('no multipart upload is pending', async () => (await pendingMultipartUploads()) === 0, 20_000);
      expect(await s3Exists('big.json')).toBe(false);
      expect(await gcsExists('big.json')).toBe(false);
    } finally {
      for (const { proxy } of [s3Proxied, gcsProxied]) {
        proxy.unstall();
        await proxy.close();
      }
    }
  }, 180_000);
});

describe('connector configs', () => {
  it('are listed without secrets, and validated with errors that name the field but not the secret', async () => {
    const listed = JSON.stringify(await ConnectorConfig.list(jf));
    expect(listed).toContain(s3Connector.name);
    expect(listed).not.toContain(s3.secretAccessKey);
    expect(listed).not.toContain('GCS-SECRET');
    expect((await ConnectorConfig.get(s3Connector.connectorConfigUid, jf)).credentialsHint).toBe('judg…');
    expect(gcsConnector.credentialsHint).toBe('exporter@test.iam.gserviceaccount.com');

    const create = (params: Record<string, unknown>) =>
      ConnectorConfig.create({ name: uniqueName('bad'), type: 's3', credentials: {}, ...params } as never, jf);
    await expect(create({ credentials: { accessKeyId: 'AKIA', secretAccessKey: '' } })).rejects.toThrow(
      /credentials.secretAccessKey is invalid: expected a non-empty string, got a string/,
    );
    await expect(create({ credentials: 'TOP-SECRET' })).rejects.toThrow(InvalidConnectorConfigError);
    await expect(create({ credentials: 'TOP-SECRET' })).rejects.not.toThrow(/TOP-SECRET/);
    await expect(create({ type: 'azure' })).rejects.toThrow(
      /type is invalid: expected one of "s3", "gcs", got "azure"/,
    );
    await expect(
      create({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, options: { endpoint: 'ftp://x' } }),
    ).rejects.toThrow(/options.endpoint is invalid: expected an http:\/\/ or https:\/\/ URL/);
    await expect(create({ type: 'gcs', credentials: '{not json' })).rejects.toThrow(/service-account JSON key/);
    await expect(
      ConnectorConfig.create(
        { name: s3Connector.name, type: 's3', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
        jf,
      ),
    ).rejects.toThrow(DuplicateError);
    await expect(ConnectorConfig.get(987654, jf)).rejects.toThrow(NotFoundError);
  });

  it('keep credentials encrypted: not in PostgreSQL as text, and unreadable with another key', async () => {
    const { rows } = await jf.db.query<{ credentials: Buffer }>(`SELECT credentials FROM connector_configs`);
    for (const r of rows) {
      expect(r.credentials.toString('latin1')).not.toContain(s3.secretAccessKey);
      expect(r.credentials.toString('latin1')).not.toContain('GCS-SECRET');
    }
    const otherKey = { ...jf.config, secretKey: Buffer.alloc(32, 7).toString('base64') };
    await expect(openConnector({ config: otherKey, db: jf.db }, s3Connector.connectorConfigUid)).rejects.toThrow(
      SecretDecryptionError,
    );
    const keyless = await Judgeflow.connect({
      config: {
        databaseUrl: inject('databaseUrl'),
        secretKey: undefined,
        secretKeyFile: path.join(dir, 'missing.key'),
      },
      setDefault: false,
    });
    try {
      const attempt = ConnectorConfig.create(
        { name: uniqueName('nokey'), type: 's3', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
        keyless,
      );
      await expect(attempt).rejects.toThrow(SecretKeyError);
      await expect(attempt).rejects.toThrow(/set JUDGEFLOW_SECRET_KEY/);
    } finally {
      await keyless.close();
    }
    const badKey = { ...jf.config, secretKey: 'too-short' };
    await expect(openConnector({ config: badKey, db: jf.db }, s3Connector.connectorConfigUid)).rejects.toThrow(
      /must be 32 bytes/,
    );
  });

  it('cannot be deleted while an export using it runs; afterwards it can, and past exports keep their record', async () => {
    const connector = await ConnectorConfig.create(
      { name: uniqueName('temp'), type: 's3', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
      jf,
    );
    const { rows } = await jf.db.query<{ uid: number }>(
      `INSERT INTO exports (benchmark_execution_uid, destination, format, connector_config_uid)
       VALUES ($1, 's3://exports/running.json', 'json', $2) RETURNING uid`,
      [execution.benchmarkExecutionUid, connector.connectorConfigUid],
    );
    const exportUid = rows[0]!.uid;
    await expect(connector.delete()).rejects.toThrow(ConnectorConfigInUseError);
    await expect(connector.delete()).rejects.toThrow(new RegExp(`used by running export\\(s\\) ${exportUid}`));
    await jf.db.query(`UPDATE exports SET status = 'completed' WHERE uid = $1`, [exportUid]);
    await connector.delete();
    await expect(ConnectorConfig.get(connector.connectorConfigUid, jf)).rejects.toThrow(NotFoundError);
    const kept = await jf.db.query(`SELECT uid FROM exports WHERE uid = $1`, [exportUid]);
    expect(kept.rowCount).toBe(1);
  });

  it('secrets appear in no export workflow history, no worker log and no export', async () => {
    const temporal = await jf.temporal();
    const texts: string[] = [worker.output()];
    for await (const wf of temporal.workflow.list({ query: `JudgeflowKind = 'export'` })) {
      const history = await temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      texts.push(
        JSON.stringify(history, (key, v: unknown) =>
          key === 'data' && typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : v,
        ),
      );
    }
    expect(texts.length).toBeGreaterThan(5);
    const { rows } = await jf.db.query<{ destination: string; error: string | null }>(
      `SELECT destination, error FROM exports`,
    );
    texts.push(JSON.stringify(rows), fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    const all = texts.join('\n');
    expect(all).toContain('s3://exports/runs/run.json');
    for (const secret of [s3.secretAccessKey, 'WRONG-SECRET-123', 'GCS-SECRET', 'BEGIN PRIVATE KEY']) {
      expect(all).not.toContain(secret);
    }
  });
});
