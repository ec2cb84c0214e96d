/** The destination an export activity writes to, from the location recorded with the export. */
import { parseDestination, type ExportDestination } from './destination';
import { InvalidDestinationError } from './errors';
import { LocalFileDestination } from './local-destination';

export function openDestination(location: string): ExportDestination {
  const parsed = parseDestination(location);
  if (parsed.kind === 'local') return new LocalFileDestination(parsed.path);
  throw new InvalidDestinationError(location, `${parsed.kind}:// destinations are not available yet`);
}
