/** The worker's native connection to Temporal, with the client's TLS / API-key settings. */
import { NativeConnection } from '@temporalio/worker';
import { tlsOptions, unreachable, type TemporalConfig } from '../temporal/connection-options';

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
