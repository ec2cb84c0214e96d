/**
 * The model call of a judgement, through one shared `openai` client. `maxRetries: 0`: Temporal is the only retry
 * layer. `fmHyperparameters` go to the provider untouched, except that they cannot replace the model or messages.
 */
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { providerLimits, type ProviderLimits } from './provider-limits';

export interface JudgeClientOptions {
  baseUrl?: string;
  apiKey?: string;
  /** Per-request timeout (default 120 s); a request still unanswered then is aborted and counts as a timeout. */
  timeoutMs?: number;
}

export interface JudgeRequest {
  model: string;
  messages: ChatCompletionMessageParam[];
  fmHyperparameters?: Record<string, unknown>;
  signal?: AbortSignal;
}

/** One answer of a completion (a request with `n` gets several). */
export interface JudgeChoice {
  content: string;
  refusal: string | null;
  finishReason: string | null;
  /** The content's tokens with their logprobs, when the request asked for `logprobs` and the model gave them. */
  logprobs?: TokenLogprob[] | null;
}

/** One token of an answer: its text, logprob, and the most likely alternatives at its position (`top_logprobs`). */
export interface TokenLogprob {
  token: string;
  logprob: number;
  topLogprobs: { token: string; logprob: number }[];
}

export interface JudgeCompletion {
  /** The first choice's answer (content, refusal, finish reason). */
  content: string;
  /** The provider's refusal message (structured outputs), when it refused. */
  refusal: string | null;
  /** `stop`, `length`, `content_filter`, … as the provider reported it. */
  finishReason: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** The model the provider says answered. */
  model: string | null;
  latencyMs: number;
  /** What the provider's `x-ratelimit-*` headers said of its limits, when it sent them. */
  limits?: ProviderLimits;
  /** Every choice, in the provider's order (one unless the request asked for `n`). */
  choices: JudgeChoice[];
}

export interface JudgeClient {
  readonly baseUrl: string;
  complete(request: JudgeRequest): Promise<JudgeCompletion>;
}

export function createJudgeClient(options: JudgeClientOptions = {}): JudgeClient {
  const openai = new OpenAI({
    baseURL: options.baseUrl,
    // The SDK insists on a key; a keyless local endpoint gets a placeholder (never the real key in messages).
    apiKey: options.apiKey ?? 'no-key',
    maxRetries: 0,
    timeout: options.timeoutMs ?? 120_000,
  });
  return {
    baseUrl: openai.baseURL,
    async complete({ model, messages, fmHyperparameters, signal }) {
      const started = performance.now();
      const body = {
        ...fmHyperparameters,
        model,
        messages,
        stream: false,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming;
      const { data: completion, response } = await openai.chat.completions.create(body, { signal }).withResponse();
      const choice = completion.choices[0];
      const choices = [...completion.choices]
        .sort((a, b) => a.index - b.index)
        .map((c) => ({
          content: c.message.content ?? '',
          refusal: c.message.refusal ?? null,
          finishReason: c.finish_reason,
          logprobs:
            c.logprobs?.content?.map((t) => ({
              token: t.token,
              logprob: t.logprob,
              topLogprobs: t.top_logprobs.map((a) => ({ token: a.token, logprob: a.logprob })),
            })) ?? null,
        }));
      return {
        choices,
        content: choice?.message.content ?? '',
        refusal: choice?.message.refusal ?? null,
        finishReason: choice?.finish_reason ?? null,
        promptTokens: completion.usage?.prompt_tokens ?? null,
        completionTokens: completion.usage?.completion_tokens ?? null,
        model: completion.model || null,
        latencyMs: Math.round(performance.now() - started),
        limits: providerLimits(response.headers),
      };
    },
  };
}
