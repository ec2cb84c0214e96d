/**
 * The local Temporal dev server (`temporal server start-dev`) with SQLite persistence, the Web UI and the
 * project's search attributes: probe an address, start one detached, wait for it, stop it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { JudgeflowError } from '../src/errors';
import { searchAttributeCliFlags } from '../src/shared/search-attributes';
import { portOpen, processAlive, stopProcess } from './processes';

export type AddressState = 'temporal' | 'other' | 'free';

export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const host = at > 0 ? address.slice(0, at) : '127.0.0.1';
  const port = Number(at > 0 ? address.slice(at + 1) : address);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`TEMPORAL_ADDRESS ${JSON.stringify(address)} has no valid port`);
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}

/** Whether a Temporal frontend answers at `address`, something else listens there, or nothing does. */
export async function probeTemporal(address: string): Promise<AddressState> {
  const { host, port } = splitAddress(address);
  if (!(await portOpen(host, port))) return 'free';
  return (await answersAsTemporal(address)) ? 'temporal' : 'other';
}

export async function answersAsTemporal(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: '3s' });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => {});
  }
}

export interface DevServerOptions {
  cliPath: string;
  address: string;
  uiPort: number;
  dbFilename: string;
  logFile: string;
  /** Extra `--dynamic-config-value` settings, e.g. a lower continue-as-new threshold for tests. */
  dynamicConfig?: Record<string, string | number>;
}

/** Starts the dev server detached (it outlives this process); returns its pid. */
export function startDevServer(o: DevServerOptions): number {
  const { host, port } = splitAddress(o.address);
  fs.mkdirSync(path.dirname(o.dbFilename), { recursive: true });
  fs.mkdirSync(path.dirname(o.logFile), { recursive: true });
  const log = fs.openSync(o.logFile, 'a');
  const args = [
    'server',
    'start-dev',
    '--ip',
    host,
    '--port',
    String(port),
    '--ui-port',
    String(o.uiPort),
    '--db-filename',
    o.dbFilename,
    '--log-level',
    'warn',
    // WAL with synchronous=normal survives a crash of the server process (not of the machine) and makes the
    // per-event writes of many short row activities several times cheaper; eager activity execution hands
    // activities scheduled by a workflow task straight to the worker that completed it.
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    ...searchAttributeCliFlags(),
    ...Object.entries(o.dynamicConfig ?? {}).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${v}`]),
  ];
  const child = spawn(o.cliPath, args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${o.cliPath}`);
  return child.pid;
}

/** Resolves when a Temporal frontend answers at `address`; throws after `timeoutMs`, or `signal`'s reason. */
export async function waitForTemporal(
  address: string,
  timeoutMs: number,
  isAlive: () => boolean = () => true,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (await answersAsTemporal(address)) return;
    if (!isAlive()) throw new Error('the Temporal dev server exited during start-up');
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Temporal dev server did not answer at ${address} within ${Math.round(timeoutMs / 1000)} s`);
}

export { processAlive };
/** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export const stopDevServer = stopProcess;

export interface EnsureDevServerOptions {
  address: string;
  uiPort: number;
  /** Where temporal.db, temporal.log and temporal.pid live. */
  dataDir: string;
  /** Resolves the CLI path only when a server must be started (it may have to be built). */
  cliPath: () => string;
  /** Gives up waiting (with the signal's reason) and stops the server this call started, e.g. on Ctrl-C. */
  signal?: AbortSignal;
}

/**
 * A Temporal server at `address`: the one already answering there, or a dev server started with its state in
 * `dataDir`. Throws one clear line when something else holds the port or the server does not come up.
 */
export async function ensureDevServer(
  o: EnsureDevServerOptions,
): Promise<{ started: boolean; pid?: number; logFile: string }> {
  const logFile = path.join(o.dataDir, 'temporal.log');
  const state = await probeTemporal(o.address);
  if (state === 'temporal') return { started: false, logFile };
  if (state === 'other') {
    throw new JudgeflowError(
      `port ${splitAddress(o.address).port} is in use by a program that is not a Temporal server; stop it or set TEMPORAL_ADDRESS=127.0.0.1:<free port>`,
    );
  }
  const pid = startDevServer({
    cliPath: o.cliPath(),
    address: o.address,
    uiPort: o.uiPort,
    dbFilename: path.join(o.dataDir, 'temporal.db'),
    logFile,
  });
  fs.writeFileSync(path.join(o.dataDir, 'temporal.pid'), String(pid));
  try {
    await waitForTemporal(o.address, 60_000, () => processAlive(pid), o.signal);
  } catch (err) {
    // A half-started server is no use to anyone: the next start makes another on the same state.
    if (o.signal?.aborted) {
      await stopProcess(pid);
      throw err;
    }
    throw new JudgeflowError(`${(err as Error).message}; see ${logFile}`);
  }
  return { started: true, pid, logFile };
}
