/** Temporal connections (client and worker) from Config: plain for the dev server, TLS / API key for a cluster. */
import fs from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { UnavailableError } from '../errors';

type TemporalConfig = Config['temporal'];

function tlsOptions(t: TemporalConfig): ConnectionOptions['tls'] {
  if (t.tlsCertPath && t.tlsKeyPath) {
    return {
      clientCertPair: { crt: fs.readFileSync(t.tlsCertPath), key: fs.readFileSync(t.tlsKeyPath) },
      serverRootCACertificate: t.tlsCaPath ? fs.readFileSync(t.tlsCaPath) : undefined,
    };
  }
  // An API key (Temporal Cloud) always goes over TLS.
  return t.apiKey ? true : undefined;
}

function unreachable(t: TemporalConfig, err: unknown): UnavailableError {
  return new UnavailableError(
    'Temporal',
    t.address,
    'start the dev server with `npm run temporal`, or set TEMPORAL_ADDRESS',
    { cause: err },
  );
}

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

export async function connectWorker(t: TemporalConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({
      address: t.address,
      tls: tlsOptions(t),
      apiKey: t.apiKey,
    });
  } catch (err) {
    throw unreachable(t, err);
  }
}
