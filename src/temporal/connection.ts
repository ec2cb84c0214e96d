/**
 * The client's Temporal connection from Config: plain for the dev server, TLS / API key for a cluster. Client side
 * only: the worker's connection (src/worker/connection.ts) is the one that loads @temporalio/worker.
 */
import { Client, Connection } from '@temporalio/client';
import { tlsOptions, unreachable, type TemporalConfig } from './connection-options';

export async function connectClient(t: TemporalConfig): Promise<Client> {
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
