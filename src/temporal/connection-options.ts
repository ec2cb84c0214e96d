/** What client and worker connections to Temporal share: TLS / API key from Config, and the error when unreachable. */
import fs from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';
import type { Config } from '../config';
import { UnavailableError } from '../errors';

export type TemporalConfig = Config['temporal'];

export function tlsOptions(t: TemporalConfig): ConnectionOptions['tls'] {
  if (t.tlsCertPath && t.tlsKeyPath) {
    return {
      clientCertPair: { crt: fs.readFileSync(t.tlsCertPath), key: fs.readFileSync(t.tlsKeyPath) },
      serverRootCACertificate: t.tlsCaPath ? fs.readFileSync(t.tlsCaPath) : undefined,
    };
  }
  // An API key (Temporal Cloud) always goes over TLS.
  return t.apiKey ? true : undefined;
}

export function unreachable(t: TemporalConfig, err: unknown): UnavailableError {
  return new UnavailableError(
    'Temporal',
    t.address,
    'start the dev server with `npm run temporal`, or set TEMPORAL_ADDRESS',
    { cause: err },
  );
}
