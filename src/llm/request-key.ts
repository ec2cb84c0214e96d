/**
 * The key of a judge request in the request cache: SHA-256 over the whole request as sent — endpoint, model,
 * rendered messages and every hyper-parameter — in RFC 8785 canonical JSON (keys sorted; `canonicalize`), so any
 * change in the request changes the key and a cached answer is never reused for a different question.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

export function requestKey(request: {
  baseUrl: string;
  model: string;
  messages: ChatCompletionMessageParam[];
  fmHyperparameters?: Record<string, unknown> | null;
}): string {
  const canonical = canonicalize({
    baseUrl: request.baseUrl,
    model: request.model,
    messages: request.messages,
    fmHyperparameters: request.fmHyperparameters ?? {},
  })!;
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The cache key of sample `index` of a request judged several times: sample 0 is the request's own key (a single
 * answer to it is a valid first sample), and each further sample has a key of its own, so a cached answer is reused
 * for one sample only, never repeated as if the judge had said it n times.
 */
export function sampleRequestKey(key: string, index: number): string {
  return index === 0 ? key : createHash('sha256').update(`${key}#sample-${index}`).digest('hex');
}
