/**
 * The client's Temporal connection from Config: plain for the dev server, TLS / API key for a cluster. Client side
 * only: the worker's connection (src/worker/connection.ts) is the one that loads @temporalio/worker.
 *
 * @temporalio/client (with gRPC and Temporal's protobuf definitions) is loaded here, when a connection is first
 * made, never by a module's imports: a command that only reads PostgreSQL (`judgeflow benchmark list`) never loads
 * it, and starts in half the time. Client-side code names its values (error classes) through `await import()` after
 * connecting, when it is loaded already; ESLint refuses a static value import of it in src/.
 */
import type { Client } from '@temporalio/client';
import { tlsOptions, unreachable, type TemporalConfig } from './connection-options';

export async function connectClient(t: TemporalConfig): Promise<Client> {
  const { Client, Connection } = await import('@temporalio/client');
  try {
    const connection = await Connection.connect({
      address: t.address,
      tls: tlsOptions(t),
      apiKey: t.apiKey,
      connectTimeout: '5s',
    });
    return new Client({ connection, namespace: t.namespace });
  } catch (err) {
    throw unreachable(t, err);
  }
}
