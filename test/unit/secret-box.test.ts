import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SecretDecryptionError,
  SecretKeyError,
  loadSecretKey,
  openSecret,
  sealSecret,
} from '../../src/connectors/secret-box';

const key = Buffer.alloc(32, 1);
const otherKey = Buffer.alloc(32, 2);

describe('secret box (AES-256-GCM)', () => {
  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = sealSecret('{"secretAccessKey":"s3cr3t"}', key);
    const b = sealSecret('{"secretAccessKey":"s3cr3t"}', key);
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('s3cr3t');
    expect(openSecret(a, key, 'x')).toBe('{"secretAccessKey":"s3cr3t"}');
  });

  it('refuses another key, a tampered value and a truncated one with a clear error', () => {
    const sealed = sealSecret('secret', key);
    expect(() => openSecret(sealed, otherKey, 'the credentials of connector config 3')).toThrow(SecretDecryptionError);
    expect(() => openSecret(sealed, otherKey, 'the credentials of connector config 3')).toThrow(
      /cannot decrypt the credentials of connector config 3: it was encrypted with another JUDGEFLOW_SECRET_KEY/,
    );
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => openSecret(tampered, key, 'x')).toThrow(SecretDecryptionError);
    expect(() => openSecret(sealed.subarray(0, 10), key, 'x')).toThrow(SecretDecryptionError);
  });

  it('loads the key from JUDGEFLOW_SECRET_KEY (base64 or hex), else from the key file', () => {
    const missing = path.join(os.tmpdir(), 'judgeflow-no-such-key');
    expect(loadSecretKey({ secretKey: key.toString('base64'), secretKeyFile: missing }).equals(key)).toBe(true);
    expect(loadSecretKey({ secretKey: key.toString('hex'), secretKeyFile: missing }).equals(key)).toBe(true);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'judgeflow-key-')), 'secret.key');
    fs.writeFileSync(file, `${otherKey.toString('base64')}\n`);
    expect(loadSecretKey({ secretKey: undefined, secretKeyFile: file }).equals(otherKey)).toBe(true);
    expect(() => loadSecretKey({ secretKey: undefined, secretKeyFile: missing })).toThrow(SecretKeyError);
    expect(() => loadSecretKey({ secretKey: 'c2hvcnQ=', secretKeyFile: missing })).toThrow(
      /JUDGEFLOW_SECRET_KEY must be 32 bytes, base64 or hex encoded \(got 5 bytes\)/,
    );
  });
});
