/**
 * Bucket names and object keys of s3:// and gs:// destinations, checked before anything is recorded or sent: a name
 * the store would refuse fails at once with the rule it breaks, and a key is never sent with segments (`..`, `.`,
 * empty) that some tools resolve as paths and others keep verbatim.
 *
 * The rules are the stores' own: S3 "General purpose bucket naming rules" and "Naming Amazon S3 objects" (keys of at
 * most 1,024 bytes of UTF-8), Cloud Storage "Bucket naming guidelines" and "Object naming requirements".
 */

/** At most this many bytes of UTF-8 in an object key (both stores). */
export const MAX_OBJECT_KEY_BYTES = 1024;

/** The first rule `bucket` breaks for its store, or undefined when it is a valid name. */
export function bucketNameProblem(scheme: 's3' | 'gs', bucket: string): string | undefined {
  if (scheme === 's3') return s3BucketProblem(bucket);
  return gcsBucketProblem(bucket);
}

function s3BucketProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return 'an S3 bucket name has 3 to 63 characters';
  if (!/^[a-z0-9.-]+$/.test(bucket)) return 'an S3 bucket name has only lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) return 'an S3 bucket name begins and ends with a letter or digit';
  if (bucket.includes('..')) return 'an S3 bucket name has no two dots in a row';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return 'an S3 bucket name is not an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket) || /(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(bucket))
    return 'an S3 bucket name does not use a prefix or suffix that S3 reserves';
  return undefined;
}

function gcsBucketProblem(bucket: string): string | undefined {
  if (!/^[a-z0-9._-]+$/.test(bucket))
    return 'a Cloud Storage bucket name has only lowercase letters, digits, dots, hyphens and underscores';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) return 'a Cloud Storage bucket name begins and ends with a letter or digit';
  const parts = bucket.split('.');
  if (bucket.length < 3 || (parts.length === 1 && bucket.length > 63) || bucket.length > 222)
    return 'a Cloud Storage bucket name has 3 to 63 characters (up to 222 when it has dots)';
  if (parts.some((p) => p.length === 0 || p.length > 63))
    return 'each dot-separated part of a Cloud Storage bucket name has 1 to 63 characters';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return 'a Cloud Storage bucket name is not an IP address';
  if (bucket.startsWith('goog') || /g(o|0)(o|0)gle/.test(bucket))
    return 'a Cloud Storage bucket name does not begin with "goog" or contain "google"';
  return undefined;
}

/** The first rule `key` breaks, or undefined when it names one object plainly. */
export function objectKeyProblem(key: string): string | undefined {
  if (Buffer.byteLength(key, 'utf8') > MAX_OBJECT_KEY_BYTES)
    return `an object key has at most ${MAX_OBJECT_KEY_BYTES} bytes of UTF-8 (this one has ${Buffer.byteLength(key, 'utf8')})`;
  // Control characters (CR and LF above all) are refused by Cloud Storage and break S3 listings and XML.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'an object key has no control characters';
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(key))
    return 'an object key is valid Unicode (it has a lone surrogate)';
  const segments = key.split('/');
  if (segments.some((s) => s === '')) return 'an object key has no empty segments (no leading "/" and no "//")';
  if (segments.some((s) => s === '.' || s === '..')) return 'an object key has no "." or ".." segments';
  if (key.startsWith('.well-known/acme-challenge/'))
    return 'an object key does not begin with .well-known/acme-challenge/';
  return undefined;
}
