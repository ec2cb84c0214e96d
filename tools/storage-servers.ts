/**
 * Real object-storage servers on loopback for tests of remote exports: versitygw (S3-compatible, verifies SigV4,
 * multipart and abort; posix backend) and fake-gcs-server (a GCS emulator). Binaries come from
 * scripts/install-go-tool.sh (built once per machine).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from './ports';

const installScript = path.resolve(import.meta.dirname, '../scripts/install-go-tool.sh');

export interface StorageServer {
  /** Base URL of the server, e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  /** Where the server keeps its buckets (one directory each). */
  readonly root: string;
  stop(): Promise<void>;
}

export interface S3Server extends StorageServer {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

function resolveGoTool(name: 'versitygw' | 'fake-gcs-server'): string {
  return execFileSync('bash', [installScript, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`storage server exited during start-up:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`storage server did not listen on port ${port} within 20 s:\n${output()}`);
}

async function startProcess(binary: string, args: string[], port: number) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  await waitForPort(port, child, () => output);
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
}

/** versitygw with one root user; `buckets` are created as directories before it starts. */
export async function startS3Server(root: string, buckets: string[]): Promise<S3Server> {
  for (const bucket of buckets) fs.mkdirSync(path.join(root, bucket), { recursive: true });
  const port = await freePort();
  const accessKeyId = 'judgeflow-test';
  const secretAccessKey = `secret-${Math.random().toString(36).slice(2)}`;
  const stop = await startProcess(
    resolveGoTool('versitygw'),
    ['--access', accessKeyId, '--secret', secretAccessKey, '--port', `127.0.0.1:${port}`, '--quiet', 'posix', root],
    port,
  );
  return { endpoint: `http://127.0.0.1:${port}`, root, accessKeyId, secretAccessKey, stop };
}

/** fake-gcs-server over plain HTTP with a filesystem backend; `buckets` are created before it starts. */
export async function startGcsServer(root: string, buckets: string[]): Promise<StorageServer> {
  for (const bucket of buckets) fs.mkdirSync(path.join(root, bucket), { recursive: true });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = await startProcess(
    resolveGoTool('fake-gcs-server'),
    [
      ...['-scheme', 'http', '-host', '127.0.0.1', '-port', String(port), '-log-level', 'error'],
      ...['-backend', 'filesystem', '-filesystem-root', root, '-public-host', `127.0.0.1:${port}`],
      ...['-external-url', endpoint],
    ],
    port,
  );
  return { endpoint, root, stop };
}
