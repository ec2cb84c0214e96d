/**
 * Authenticated encryption of connector credentials at rest: AES-256-GCM with a random 96-bit IV per value.
 * Sealed layout: version byte (1) | IV (12 bytes) | auth tag (16 bytes) | ciphertext. A wrong key or a tampered
 * value fails the tag check and gives a clear error, never garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Config } from '../config';
import { ConfigError } from '../errors';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** The key is missing or malformed. */
export class SecretKeyError extends ConfigError {}

/** A sealed value could not be opened: another key sealed it, or it was altered. */
export class SecretDecryptionError extends ConfigError {
  constructor(what: string) {
    super(
      `cannot decrypt ${what}: it was encrypted with another JUDGEFLOW_SECRET_KEY (or altered); ` +
        'use the key it was created with, or delete and re-create it',
    );
  }
}

/** 32 bytes from JUDGEFLOW_SECRET_KEY, else from the key file; throws SecretKeyError saying what to set. */
export function loadSecretKey(config: Pick<Config, 'secretKey' | 'secretKeyFile'>): Buffer {
  if (config.secretKey !== undefined) return parseKey(config.secretKey, 'JUDGEFLOW_SECRET_KEY');
  let text: string;
  try {
    text = fs.readFileSync(config.secretKeyFile, 'utf8');
  } catch {
    throw new SecretKeyError(
      `no secret key for connector credentials: set JUDGEFLOW_SECRET_KEY (32 random bytes, base64), ` +
        `or run \`npm run setup\` to generate ${config.secretKeyFile} for local use`,
    );
  }
  return parseKey(text.trim(), config.secretKeyFile);
}

function parseKey(text: string, source: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new SecretKeyError(
      `the secret key in ${source} must be ${KEY_BYTES} bytes, base64 or hex encoded (got ${key.length} bytes); ` +
        'generate one with `openssl rand -base64 32`',
    );
  }
  return key;
}

export function sealSecret(plaintext: string, key: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

/** `what` names the sealed value in the error (e.g. "the credentials of connector config 3"). */
export function openSecret(sealed: Buffer, key: Buffer, what: string): string {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new SecretDecryptionError(what);
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SecretDecryptionError(what);
  }
}
