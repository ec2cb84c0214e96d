/**
 * Token counts of judge requests before they are sent, with the tokenizer of the model's family (gpt-tokenizer:
 * o200k_base for the GPT-4o/4.1/5 and o-series, cl100k_base for GPT-4 and GPT-3.5). Other models are counted with
 * o200k_base as an approximation, and say so.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

export interface TokenCounter {
  /** The encoding used, e.g. o200k_base. */
  encoding: string;
  /** True when the model's tokenizer is not known and o200k_base stands in for it. */
  approximate: boolean;
  /** Prompt tokens of a chat request as OpenAI counts them: each message's text plus a few tokens of framing. */
  countMessages(messages: ChatCompletionMessageParam[]): number;
  countText(text: string): number;
}

/** Per message, and once per reply, the chat format adds a few tokens (OpenAI's cookbook: 3 and 3). */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_REPLY = 3;

/**
 * The counter for a model's family. The encodings load on first use (about 0.2 s and tens of MB), so a worker or
 * a command that never estimates does not pay for them.
 */
export async function tokenCounterFor(model: string): Promise<TokenCounter> {
  const cl100k = /^(gpt-4(-\d|-turbo|$)|gpt-4-32k|gpt-3\.5)/.test(model);
  const known = cl100k || /^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o)/.test(model);
  const count = cl100k
    ? (await import('gpt-tokenizer/encoding/cl100k_base')).countTokens
    : (await import('gpt-tokenizer/encoding/o200k_base')).countTokens;
  return {
    encoding: cl100k ? 'cl100k_base' : 'o200k_base',
    approximate: !known,
    countText: (text) => count(text),
    countMessages: (messages) =>
      messages.reduce((n, m) => n + TOKENS_PER_MESSAGE + count(messageText(m)), TOKENS_PER_REPLY),
  };
}

/** OpenAI's rule of thumb for English text: a token is about four characters. */
const CHARACTERS_PER_TOKEN = 4;

/**
 * A rough counter that loads no tokenizer: about four characters a token. For guesses that only matter until real
 * counts arrive (the first rows of an execution started without a budget), where the encodings' memory and load
 * time on a worker would cost more than the precision is worth.
 */
export function roughTokenCounter(): TokenCounter {
  const count = (text: string) => Math.ceil(text.length / CHARACTERS_PER_TOKEN);
  return {
    encoding: `${CHARACTERS_PER_TOKEN} characters a token`,
    approximate: true,
    countText: count,
    countMessages: (messages) =>
      messages.reduce((n, m) => n + TOKENS_PER_MESSAGE + count(messageText(m)), TOKENS_PER_REPLY),
  };
}

function messageText(m: ChatCompletionMessageParam): string {
  if (typeof m.content === 'string') return m.content;
  if (!Array.isArray(m.content)) return '';
  return m.content.map((part) => ('text' in part ? part.text : '')).join('');
}

/**
 * Output tokens per row when neither past executions nor max_tokens say: the answer format asks for a JSON score
 * and a rationale of one or two sentences, about 40 tokens. Estimates and the shared rate limit's reservations
 * both assume it.
 */
export const DEFAULT_OUTPUT_TOKENS = 40;

/** The cap on the answer's tokens that a version's hyper-parameters set (`max_completion_tokens` or `max_tokens`). */
export function outputTokenCap(fmHyperparameters: Record<string, unknown> | null | undefined): number | undefined {
  const params = fmHyperparameters ?? {};
  const cap = Number(params.max_completion_tokens ?? params.max_tokens);
  return Number.isFinite(cap) && cap > 0 ? cap : undefined;
}
