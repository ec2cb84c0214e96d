/**
 * What a connector config holds per storage type, validated: the credentials (kept encrypted) and the options (kept
 * in the clear: region, endpoint, path-style addressing for S3-compatible stores; API endpoint and project for GCS).
 */
import { ValidationError, show } from '../errors';

export type ConnectorType = 's3' | 'gcs';
export const CONNECTOR_TYPES: readonly ConnectorType[] = ['s3', 'gcs'];

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}
export interface S3Options {
  /** Default `us-east-1`. */
  region?: string;
  /** An S3-compatible endpoint, e.g. `http://127.0.0.1:7070`; AWS when not set. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible stores need. */
  forcePathStyle?: boolean;
}

/** A Google service-account JSON key (as downloaded, an object or its JSON text). */
export interface GcsCredentials {
  client_email: string;
  private_key: string;
  project_id?: string;
  [field: string]: unknown;
}
export interface GcsOptions {
  /** A custom API endpoint (an emulator or a private endpoint), e.g. `http://127.0.0.1:4443`. */
  apiEndpoint?: string;
  projectId?: string;
  /** Sign requests to a custom `apiEndpoint` too (default false: emulators take no auth). */
  authenticateCustomEndpoint?: boolean;
}

export type ConnectorSpec =
  | { type: 's3'; credentials: S3Credentials; options: S3Options }
  | { type: 'gcs'; credentials: GcsCredentials; options: GcsOptions };

/** A connector config argument that is not of the documented form. */
export class InvalidConnectorConfigError extends ValidationError {
  /** The bad value; absent for credentials, which an error (printed, logged, a cause) must never carry. */
  readonly value: unknown;

  constructor(
    readonly field: string,
    value: unknown,
    expected: string,
  ) {
    // Secrets are never echoed: only their kind is named.
    const secret = field.startsWith('credentials');
    super(
      `connector config ${field} is invalid: expected ${expected}, got ${secret ? `a ${value === null ? 'null' : typeof value}` : show(value)}`,
    );
    this.value = secret ? undefined : value;
  }
}

/** The storage type a destination URL scheme needs. */
export function connectorTypeOfScheme(scheme: 's3' | 'gs'): ConnectorType {
  return scheme === 's3' ? 's3' : 'gcs';
}

function record(field: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidConnectorConfigError(field, value, 'an object');
  }
  return value as Record<string, unknown>;
}

function text(field: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidConnectorConfigError(field, value, 'a non-empty string');
  return value;
}

function url(field: string, value: unknown): string | undefined {
  const given = text(field, value, false);
  if (given === undefined) return undefined;
  if (!URL.canParse(given) || !/^https?:$/.test(new URL(given).protocol)) {
    throw new InvalidConnectorConfigError(field, value, 'an http:// or https:// URL');
  }
  return given;
}

/** Checks type, credentials and options; returns them in their stored form. */
export function validateConnectorSpec(type: unknown, credentials: unknown, options: unknown = {}): ConnectorSpec {
  if (type === 's3') {
    const c = record('credentials', credentials);
    const o = record('options', options);
    if (o.forcePathStyle !== undefined && typeof o.forcePathStyle !== 'boolean') {
      throw new InvalidConnectorConfigError('options.forcePathStyle', o.forcePathStyle, 'true or false');
    }
    return {
      type,
      credentials: {
        accessKeyId: text('credentials.accessKeyId', c.accessKeyId, true)!,
        secretAccessKey: text('credentials.secretAccessKey', c.secretAccessKey, true)!,
        ...(c.sessionToken === undefined
          ? {}
          : { sessionToken: text('credentials.sessionToken', c.sessionToken, true)! }),
      },
      options: {
        region: text('options.region', o.region, false),
        endpoint: url('options.endpoint', o.endpoint),
        forcePathStyle: o.forcePathStyle,
      },
    };
  }
  if (type === 'gcs') {
    let key = credentials;
    if (typeof key === 'string') {
      try {
        key = JSON.parse(key) as unknown;
      } catch {
        throw new InvalidConnectorConfigError(
          'credentials',
          credentials,
          'a service-account JSON key (object or JSON text)',
        );
      }
    }
    const c = record('credentials', key);
    text('credentials.client_email', c.client_email, true);
    text('credentials.private_key', c.private_key, true);
    const o = record('options', options);
    if (o.authenticateCustomEndpoint !== undefined && typeof o.authenticateCustomEndpoint !== 'boolean') {
      throw new InvalidConnectorConfigError(
        'options.authenticateCustomEndpoint',
        o.authenticateCustomEndpoint,
        'true or false',
      );
    }
    return {
      type,
      credentials: c as GcsCredentials,
      options: {
        apiEndpoint: url('options.apiEndpoint', o.apiEndpoint),
        projectId: text('options.projectId', o.projectId, false),
        authenticateCustomEndpoint: o.authenticateCustomEndpoint,
      },
    };
  }
  throw new InvalidConnectorConfigError('type', type, `one of ${CONNECTOR_TYPES.map((t) => `"${t}"`).join(', ')}`);
}

/** A masked hint that tells configs apart without revealing a secret: an access key's first 4 characters, an email. */
export function credentialsHint(spec: ConnectorSpec): string {
  return spec.type === 's3' ? `${spec.credentials.accessKeyId.slice(0, 4)}…` : spec.credentials.client_email;
}
