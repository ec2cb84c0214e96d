/**
 * judgeflow's production shape on one machine, without Docker (`npm run cluster`): the Temporal server v1.29.1 on
 * PostgreSQL, each service (history, matching, frontend, worker) its own process, its schema created and upgraded
 * with temporal-sql-tool; the Temporal Web UI server; the namespace and search attributes; N judgeflow workers. The
 * server and UI read the same files as docker-compose.yml (deploy/). Every process's log and pid lives in the
 * cluster directory (.data/cluster/). Starting is idempotent (what runs is kept, what is missing is started); a
 * failed start stops what it started, so nothing is left half-running.
 */
import { WORKER_ENV } from '../src/worker/runtime';
import { workerArgs } from './worker-process';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import protos from '@temporalio/proto';
import pg from 'pg';
import { JudgeflowError } from '../src/errors';
import { ensureDatabase, migrate } from '../src/db/migrate';
import { describeDbError, redactUrl } from '../src/db/pool';
import { ALL_SEARCH_ATTRIBUTES } from '../src/shared/search-attributes';
import { portOpen, processAlive, stopProcess } from './processes';
import { answersAsTemporal, splitAddress } from './temporal-dev-server';

const root = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/** A failure of `npm run cluster` the user can act on: one line, nothing left half-started. */
export class ClusterError extends JudgeflowError {}

export interface ClusterOptions {
  /** Where pids, logs and cluster.json live (default .data/cluster). */
  dir: string;
  /** The frontend's address (TEMPORAL_ADDRESS); the other services' ports follow from its port. */
  address: string;
  namespace: string;
  /** The Web UI's port (from TEMPORAL_UI_URL, default 8233). */
  uiPort: number;
  workers: number;
  /** The judgeflow database the workers use; its PostgreSQL server also holds Temporal's two databases. */
  databaseUrl: string;
  /** Temporal's databases (TEMPORAL_DB_NAME, TEMPORAL_VISIBILITY_DB_NAME) and role (TEMPORAL_DB_USER). */
  temporalDb: { name: string; visibilityName: string; user: string; password?: string };
  /** The workers' environment (model endpoint, keys, limits): process.env by default. */
  workerEnv: Record<string, string | undefined>;
}

type TemporalService = 'history' | 'matching' | 'frontend' | 'worker';
/** Started in this order: history first, alone, because the first service to start on a new database writes the
 * cluster's metadata and services starting at once with it fail. */
export const TEMPORAL_SERVICES: TemporalService[] = ['history', 'matching', 'frontend', 'worker'];

/** Ports from the frontend's: gRPC +0/+1/+2/+6, membership 300 below each (the schema stores them as SMALLINT). */
const PORT_OFFSETS: Record<TemporalService, number> = { frontend: 0, history: 1, matching: 2, worker: 6 };
const MEMBERSHIP_BELOW = 300;
const MAX_MEMBERSHIP_PORT = 32767;
const HTTP_OFFSET = 10;
/** Connections per service: history does most of the persistence; visibility writes are few. */
const DB_POOLS: Record<TemporalService, { main: number; visibility: number }> = {
  history: { main: 6, visibility: 2 },
  matching: { main: 3, visibility: 1 },
  frontend: { main: 3, visibility: 2 },
  worker: { main: 2, visibility: 1 },
};
/** Each judgeflow worker's pool (JUDGEFLOW_DB_POOL_MAX): 4 Temporal services take ~20, N workers N × this. */
export const CLUSTER_WORKER_DB_POOL = 6;

export interface ClusterProcess {
  name: string;
  kind: 'temporal' | 'ui' | 'worker';
  /** What must be free before it starts (and listens once it runs), with what it is. */
  ports: { port: number; what: string }[];
}

export function clusterProcesses(o: Pick<ClusterOptions, 'address' | 'uiPort' | 'workers'>): ClusterProcess[] {
  const { port } = splitAddress(o.address);
  const top = port + Math.max(...Object.values(PORT_OFFSETS)) - MEMBERSHIP_BELOW;
  if (port - MEMBERSHIP_BELOW < 1024 || top > MAX_MEMBERSHIP_PORT)
    throw new ClusterError(
      `TEMPORAL_ADDRESS port ${port} does not leave room for the membership ports: use a port from ` +
        `${1024 + MEMBERSHIP_BELOW} to ${MAX_MEMBERSHIP_PORT + MEMBERSHIP_BELOW - PORT_OFFSETS.worker} ` +
        '(membership ports are 300 below the gRPC ports and at most 32767)',
    );
  const temporalProcesses = TEMPORAL_SERVICES.map((service): ClusterProcess => {
    const grpc = port + PORT_OFFSETS[service];
    return {
      name: `temporal-${service}`,
      kind: 'temporal',
      ports: [
        { port: grpc, what: `Temporal ${service} gRPC` },
        { port: grpc - MEMBERSHIP_BELOW, what: `Temporal ${service} membership` },
        ...(service === 'frontend' ? [{ port: port + HTTP_OFFSET, what: 'Temporal frontend HTTP' }] : []),
      ],
    };
  });
  const workers = Array.from({ length: o.workers }, (_, i): ClusterProcess => ({
    name: `worker-${i + 1}`,
    kind: 'worker',
    ports: [],
  }));
  return [
    ...temporalProcesses,
    { name: 'temporal-ui', kind: 'ui', ports: [{ port: o.uiPort, what: 'Temporal Web UI' }] },
    ...workers,
  ];
}

/** The Web UI's port a cluster found by freeClusterPorts uses: 20 above the frontend's. */
const UI_ABOVE_FRONTEND = 20;

/**
 * A frontend port from `from` up (in `step`s) whose cluster ports, membership ports and UI port (frontend + 20) are
 * all free on 127.0.0.1: for tests and benches that run a cluster beside whatever else runs here.
 */
export async function freeClusterPorts(from: number, step: number): Promise<{ frontendPort: number; uiPort: number }> {
  for (let frontendPort = from; frontendPort + PORT_OFFSETS.worker - MEMBERSHIP_BELOW <= MAX_MEMBERSHIP_PORT;) {
    const uiPort = frontendPort + UI_ABOVE_FRONTEND;
    const ports = clusterProcesses({ address: `127.0.0.1:${frontendPort}`, uiPort, workers: 0 }).flatMap((p) =>
      p.ports.map((x) => x.port),
    );
    if (!(await Promise.all(ports.map((port) => portOpen('127.0.0.1', port)))).some(Boolean))
      return { frontendPort, uiPort };
    frontendPort += step;
  }
  throw new ClusterError(`no free ports for a cluster from ${from} up`);
}

const pidFile = (o: ClusterOptions, name: string) => path.join(o.dir, `${name}.pid`);
export const logFile = (o: ClusterOptions, name: string) => path.join(o.dir, `${name}.log`);

/** The pid of a cluster process that runs; a pid file whose process is gone, or reused by another program, is none. */
export function processPid(o: ClusterOptions, name: string): number | undefined {
  try {
    const [pidText = '', command = ''] = fs.readFileSync(pidFile(o, name), 'utf8').split('\n');
    const pid = Number(pidText);
    if (!(pid > 0) || !processAlive(pid)) return undefined;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    return cmdline === command ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Worker processes with a pid file (running, or stopped by a crash), whether or not `--workers` still asks for them. */
export function recordedWorkers(o: Pick<ClusterOptions, 'dir'>): string[] {
  if (!fs.existsSync(o.dir)) return [];
  return fs
    .readdirSync(o.dir)
    .filter((f) => /^worker-\d+\.pid$/.test(f))
    .map((f) => f.replace(/\.pid$/, ''))
    .sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
}

export interface ProcessStatus {
  name: string;
  pid?: number;
  ports: { port: number; what: string }[];
}

export function clusterStatus(o: ClusterOptions): ProcessStatus[] {
  const expected = clusterProcesses(o);
  const extra = recordedWorkers(o)
    .filter((name) => !expected.some((p) => p.name === name))
    .map((name) => ({ name, kind: 'worker' as const, ports: [] }));
  return [...expected, ...extra].map((p) => ({ name: p.name, pid: processPid(o, p.name), ports: p.ports }));
}

// ---------------------------------------------------------------------------------------------------------------
// Binaries and schema

const installScript = path.join(root, 'scripts/install-go-tool.sh');

/** The path of a Go-built tool, built once per machine by scripts/install-go-tool.sh. */
async function goTool(name: 'temporal-server' | 'temporal-sql-tool' | 'temporal-ui-server'): Promise<string> {
  try {
    const { stdout } = await run('bash', [installScript, name], { encoding: 'utf8' });
    return stdout.trim();
  } catch (err) {
    const stderr = ((err as { stderr?: string }).stderr ?? '').trim();
    throw new ClusterError(`could not build ${name}: ${stderr.split('\n').pop() ?? (err as Error).message}`);
  }
}

function adminUrl(databaseUrl: string, database = 'postgres'): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `fn` on one connection to `database` on the server of DATABASE_URL, closed afterwards. */
async function withPg<T>(o: ClusterOptions, database: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(o.databaseUrl, database) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Host and port of the PostgreSQL server of DATABASE_URL, as Temporal's tools and config take them. */
function databaseServer(o: ClusterOptions): { host: string; port: string } {
  const url = new URL(o.databaseUrl);
  return { host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: url.port || '5432' };
}

/** PostgreSQL answers, or one clear line. */
async function checkPostgres(o: ClusterOptions): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl(o.databaseUrl), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    const described = describeDbError(err, o.databaseUrl);
    throw new ClusterError(`PostgreSQL is unreachable at ${redactUrl(o.databaseUrl)}: ${described.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Versions as temporal-sql-tool writes them (`1.18`), compared numerically. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Temporal's role (LOGIN CREATEDB) and two databases, their schema set up once and upgraded to this server's
 * version. A database whose schema is newer than this server's is refused before anything starts.
 */
async function ensureTemporalSchema(o: ClusterOptions, say: (line: string) => void): Promise<void> {
  const { user, password } = o.temporalDb;
  await withPg(o, 'postgres', async (admin) => {
    const role = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
    if (role.rowCount) return;
    const quoted = `"${user.replace(/"/g, '""')}"`;
    await admin.query(
      `CREATE ROLE ${quoted} LOGIN CREATEDB${password ? ` PASSWORD '${password.replace(/'/g, "''")}'` : ''}`,
    );
    say(`• created the PostgreSQL role ${user} (LOGIN CREATEDB) for Temporal`);
  });

  const sqlTool = await goTool('temporal-sql-tool');
  const schemaRoot = path.join(path.dirname(sqlTool), 'schema/postgresql/v12');
  const { host, port } = databaseServer(o);
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: host,
    SQL_PORT: port,
    SQL_USER: user,
    SQL_PASSWORD: password ?? '',
  };
  const sql = async (database: string, ...args: string[]) => {
    try {
      await run(sqlTool, ['--db', database, ...args], { env });
    } catch (err) {
      const { stderr = '', stdout = '' } = err as { stderr?: string; stdout?: string };
      const out = stderr + stdout;
      throw new ClusterError(
        `temporal-sql-tool ${args[0]} of database ${database} failed: ${out.trim().split('\n').pop() ?? ''}`,
      );
    }
  };

  for (const [database, kind] of [
    [o.temporalDb.name, 'temporal'],
    [o.temporalDb.visibilityName, 'visibility'],
  ] as const) {
    const versioned = path.join(schemaRoot, kind, 'versioned');
    const shipped = fs
      .readdirSync(versioned)
      .map((d) => d.replace(/^v/, ''))
      .sort(compareVersions)
      .pop()!;
    const exists = await databaseExists(o, database);
    if (!exists) await sql(database, 'create-database');
    const current = await schemaVersion(o, database);
    if (current !== undefined && compareVersions(current, shipped) > 0)
      throw new ClusterError(
        `the schema of database ${database} is at version ${current}, newer than this Temporal server's ` +
          `${shipped} (v1.29.1): use the server it was upgraded for, or another database (TEMPORAL_DB_NAME)`,
      );
    if (current === undefined) await sql(database, 'setup-schema', '-v', '0.0');
    if (current !== shipped) {
      await sql(database, 'update-schema', '-d', versioned);
      say(`• Temporal schema of ${database}: ${current ?? 'new'} → ${shipped}`);
    }
  }
}

function databaseExists(o: ClusterOptions, database: string): Promise<boolean> {
  return withPg(o, 'postgres', async (admin) =>
    Boolean((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount),
  );
}

function schemaVersion(o: ClusterOptions, database: string): Promise<string | undefined> {
  return withPg(o, database, async (client) => {
    const table = await client.query<{ t: string | null }>("SELECT to_regclass('schema_version')::text AS t");
    if (!table.rows[0]?.t) return undefined;
    const { rows } = await client.query<{ v: string }>('SELECT curr_version AS v FROM schema_version LIMIT 1');
    return rows[0]?.v;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

function temporalEnv(o: ClusterOptions, service: TemporalService): Record<string, string> {
  const { host, port } = splitAddress(o.address);
  const db = databaseServer(o);
  const env: Record<string, string> = {
    TEMPORAL_DB_HOST: db.host,
    TEMPORAL_DB_PORT: db.port,
    TEMPORAL_DB_USER: o.temporalDb.user,
    TEMPORAL_DB_PASSWORD: o.temporalDb.password ?? '',
    TEMPORAL_DB_NAME: o.temporalDb.name,
    TEMPORAL_VISIBILITY_DB_NAME: o.temporalDb.visibilityName,
    TEMPORAL_DB_MAX_CONNS: String(DB_POOLS[service].main),
    TEMPORAL_VISIBILITY_DB_MAX_CONNS: String(DB_POOLS[service].visibility),
    TEMPORAL_BIND_IP: host,
    TEMPORAL_BROADCAST_ADDRESS: host,
    TEMPORAL_FRONTEND_HTTP_PORT: String(port + HTTP_OFFSET),
    TEMPORAL_DYNAMIC_CONFIG_FILE: path.join(root, 'deploy/temporal/dynamicconfig.yaml'),
  };
  for (const s of TEMPORAL_SERVICES) {
    const grpc = port + PORT_OFFSETS[s];
    env[`TEMPORAL_${s.toUpperCase()}_PORT`] = String(grpc);
    env[`TEMPORAL_${s.toUpperCase()}_MEMBERSHIP_PORT`] = String(grpc - MEMBERSHIP_BELOW);
  }
  return env;
}

function spawnLogged(o: ClusterOptions, name: string, command: string, args: string[], env: Record<string, string>) {
  fs.mkdirSync(o.dir, { recursive: true });
  const log = fs.openSync(logFile(o, name), 'a');
  const child = spawn(command, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...env },
  });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new ClusterError(`could not start ${name} (${command})`);
  // The command too: after a reboot the pid may belong to another program.
  fs.writeFileSync(pidFile(o, name), `${child.pid}\n${command}\n`);
  return child.pid;
}

/** Waits until `ready()`; a process that exits or is not ready in time is stopped, and that is one clear line. */
async function waitFor(what: string, o: ClusterOptions, name: string, ready: () => Promise<boolean>, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await ready()) return;
    const pid = processPid(o, name);
    if (pid === undefined || Date.now() > deadline) {
      await stopClusterProcess(o, name);
      const tail = lastLines(logFile(o, name), 3);
      throw new ClusterError(
        `${name} ${pid === undefined ? 'exited' : `did not get ready within ${ms / 1000} s`} while ${what}; ` +
          `see ${logFile(o, name)}${tail ? `: ${tail}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function lastLines(file: string, n: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-n).join(' | ').slice(0, 600);
  } catch {
    return '';
  }
}

/** Starts one process of the cluster (or nothing, when it runs already) and waits until it is ready. */
export async function startClusterProcess(o: ClusterOptions, p: ClusterProcess): Promise<boolean> {
  if (processPid(o, p.name) !== undefined) return false;
  const { host } = splitAddress(o.address);
  if (p.kind === 'temporal') {
    const service = p.name.replace('temporal-', '') as TemporalService;
    const server = await goTool('temporal-server');
    spawnLogged(
      o,
      p.name,
      server,
      [
        '--root',
        root,
        '--config',
        'deploy/temporal',
        '--env',
        'judgeflow',
        '--allow-no-auth',
        'start',
        '--service',
        service,
      ],
      temporalEnv(o, service),
    );
    // The frontend is ready when it answers; the others once they joined the membership ring (the worker service
    // serves no gRPC of its own).
    if (service === 'frontend') await waitFor('starting', o, p.name, () => answersAsTemporal(o.address));
    else await waitFor('starting', o, p.name, () => portOpen(host, p.ports[1]!.port));
  } else if (p.kind === 'ui') {
    const ui = await goTool('temporal-ui-server');
    spawnLogged(o, p.name, ui, ['--root', root, '--config', 'deploy/temporal-ui', '--env', 'judgeflow', 'start'], {
      TEMPORAL_ADDRESS: o.address,
      TEMPORAL_NAMESPACE: o.namespace,
      TEMPORAL_UI_HOST: host,
      TEMPORAL_UI_PORT: String(o.uiPort),
    });
    await waitFor('starting', o, p.name, async () => {
      try {
        return (await fetch(`http://${host}:${o.uiPort}/api/v1/settings`)).ok;
      } catch {
        return false;
      }
    });
  } else {
    const env = Object.fromEntries(
      Object.entries(o.workerEnv).filter((e): e is [string, string] => e[1] !== undefined),
    );
    fs.rmSync(logFile(o, p.name), { force: true });
    spawnLogged(o, p.name, process.execPath, workerArgs(), {
      ...WORKER_ENV,
      ...env,
      TEMPORAL_ADDRESS: o.address,
      TEMPORAL_NAMESPACE: o.namespace,
      DATABASE_URL: o.databaseUrl,
      JUDGEFLOW_DB_POOL_MAX: env.JUDGEFLOW_DB_POOL_MAX ?? String(CLUSTER_WORKER_DB_POOL),
    });
    await waitFor('starting', o, p.name, () =>
      Promise.resolve(fs.readFileSync(logFile(o, p.name), 'utf8').includes('judgeflow worker:')),
    );
  }
  return true;
}

/** Stops one process of the cluster: SIGTERM (SIGKILL after the grace time); false when it was not running. */
export async function stopClusterProcess(o: ClusterOptions, name: string, graceMs = 15_000): Promise<boolean> {
  const pid = processPid(o, name);
  fs.rmSync(pidFile(o, name), { force: true });
  if (pid === undefined) return false;
  await stopProcess(pid, graceMs);
  return true;
}

/** The default namespace (one day of retention) and the search attributes, registered once; waits until usable. */
async function registerNamespace(o: ClusterOptions): Promise<void> {
  const connection = await Connection.connect({ address: o.address });
  try {
    const service = connection.workflowService;
    try {
      await service.registerNamespace({
        namespace: o.namespace,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
    } catch (err) {
      if (!/already exists|AlreadyExists/i.test((err as Error).message)) throw err;
    }
    const deadline = Date.now() + 60_000;
    const types: Record<string, protos.temporal.api.enums.v1.IndexedValueType> = {
      INT: protos.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
      KEYWORD: protos.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    };
    const wanted = Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, types[k.type]!]));
    for (;;) {
      try {
        const have = await connection.operatorService.listSearchAttributes({ namespace: o.namespace });
        const missing = Object.fromEntries(Object.entries(wanted).filter(([name]) => !(name in have.customAttributes)));
        if (Object.keys(missing).length === 0) return;
        await connection.operatorService.addSearchAttributes({ namespace: o.namespace, searchAttributes: missing });
      } catch (err) {
        // A namespace just registered takes a few seconds to reach every service.
        if (Date.now() > deadline)
          throw new ClusterError(`could not register the search attributes: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await connection.close();
  }
}

export interface UpResult {
  started: string[];
  alreadyRunning: boolean;
}

/**
 * Starts what of the cluster is not running. Checks first (PostgreSQL, the ports of what it will start, the
 * schema), so a problem is one line and nothing starts; a later failure stops what this call started.
 */
export async function clusterUp(o: ClusterOptions, say: (line: string) => void = console.log): Promise<UpResult> {
  const processes = clusterProcesses(o);
  const missing = processes.filter((p) => processPid(o, p.name) === undefined);
  if (missing.length === 0) return { started: [], alreadyRunning: true };

  await checkPostgres(o);
  const { host } = splitAddress(o.address);
  for (const p of missing)
    for (const { port, what } of p.ports)
      if (await portOpen(host, port)) {
        const temporalThere = port === splitAddress(o.address).port && (await answersAsTemporal(o.address));
        throw new ClusterError(
          `port ${port} (${what}) is in use by ${temporalThere ? 'a Temporal server that is not this cluster (a dev server? `npm run temporal -- stop`)' : 'another program'}; ` +
            'stop it, or give the cluster other ports with TEMPORAL_ADDRESS and TEMPORAL_UI_URL',
        );
      }

  const started: string[] = [];
  try {
    if (missing.some((p) => p.kind === 'temporal')) await ensureTemporalSchema(o, say);
    for (const p of processes.filter((q) => q.kind !== 'worker')) {
      if (await startClusterProcess(o, p)) {
        started.push(p.name);
        say(`• started ${p.name} (pid ${processPid(o, p.name)}; log ${logFile(o, p.name)})`);
      }
      if (p.name === 'temporal-frontend') await registerNamespace(o);
    }
    // The workers' database: created and migrated like `npm run setup` does.
    await ensureDatabase(o.databaseUrl);
    await migrate(o.databaseUrl);
    for (const p of processes.filter((q) => q.kind === 'worker')) {
      if (await startClusterProcess(o, p)) {
        started.push(p.name);
        say(`• started ${p.name} (pid ${processPid(o, p.name)})`);
      }
    }
  } catch (err) {
    for (const name of [...started].reverse()) await stopClusterProcess(o, name);
    if (err instanceof ClusterError) throw err;
    throw new ClusterError(`the cluster did not start: ${(err as Error).message}`, { cause: err });
  }
  return { started, alreadyRunning: false };
}

/** Stops every process of the cluster, workers first; returns the names it stopped. */
export async function clusterDown(o: ClusterOptions): Promise<string[]> {
  const stopAll = (names: string[]) =>
    Promise.all(names.map(async (n) => ((await stopClusterProcess(o, n)) ? n : undefined)));
  // Workers first (their shutdown lets rows in flight finish), then the UI and Temporal's services; each group at
  // once, since every Temporal service takes seconds to drain.
  const workers = clusterStatus(o)
    .map((p) => p.name)
    .filter((n) => n.startsWith('worker-'));
  const servers = ['temporal-ui', ...TEMPORAL_SERVICES.map((service) => `temporal-${service}`)];
  const stopped = [...(await stopAll(workers)), ...(await stopAll(servers))];
  return stopped.filter((n) => n !== undefined);
}

/** The cluster `npm run cluster` manages, from the environment judgeflow reads (TEMPORAL_ADDRESS, DATABASE_URL …). */
export function clusterOptionsFromEnv(
  config: { databaseUrl: string; temporal: { address: string; namespace: string; uiUrl: string } },
  workers: number,
  env: NodeJS.ProcessEnv = process.env,
): ClusterOptions {
  const ui = new URL(config.temporal.uiUrl);
  return {
    dir: env.JUDGEFLOW_CLUSTER_DIR ?? path.join(root, '.data/cluster'),
    address: config.temporal.address,
    namespace: config.temporal.namespace,
    uiPort: Number(ui.port || 80),
    workers,
    databaseUrl: config.databaseUrl,
    temporalDb: {
      name: env.TEMPORAL_DB_NAME ?? 'temporal',
      visibilityName: env.TEMPORAL_VISIBILITY_DB_NAME ?? 'temporal_visibility',
      user: env.TEMPORAL_DB_USER ?? 'temporal',
      password: env.TEMPORAL_DB_PASSWORD,
    },
    workerEnv: env,
  };
}
