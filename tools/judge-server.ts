/**
 * The local judge server: an OpenAI-compatible `/v1/chat/completions` endpoint for tests and the offline demo.
 * It does not understand anything; it answers deterministically so results can be predicted:
 * the score is `localJudgeScore(user message, allowed scores)`, where the allowed scores come from
 * `response_format.json_schema.schema.properties.score.enum`, else from the label list of the judging
 * instruction (see messages.ts), else [0, 1]. A user message containing `[[judge:score=N]]` gets N.
 *
 * Fault switches, server-wide (options / `configure()`): latencyMs, rateLimit, serverErrors, malformed,
 * outOfRange, empty, refusal (each `{ firstN?, everyNth?, fraction? }`, counting the requests that reach that
 * fault's check since the last `configure()`; `fraction` draws from a seeded generator, so runs repeat; checked
 * in that order), requireApiKey, knownModels, and `exhausted` (normal answers whose `x-ratelimit-*` headers say the
 * requests window is used up). Stats count requests per status and model, and the most that arrived in any second.
 * And per request through the model name, so concurrent tests need not reconfigure it:
 *   local-judge                     normal
 *   local-judge:latency=200         answer after 200 ms (abort-aware)
 *   local-judge:malformed           content that is not JSON
 *   local-judge:out-of-range        a score outside the allowed ones
 *   local-judge:empty               an empty answer
 *   local-judge:refusal             a refusal (`message.refusal`, no content)
 *   local-judge:status=500          answer that HTTP status (429 comes with `retry-after: 1`; 404 as model_not_found)
 *   local-judge:429=0.3             a random 30 % of requests get 429 with `retry-after: 1` (likewise 500=0.1)
 *   local-judge:accuracy=0.7        a simulated judge (simulated-judge.ts): a datapoint whose text carries
 *                                   `[[truth=N]]` is answered N with probability 0.7, else another label
 *   local-judge:accuracy=0.7:seed=a its errors drawn from seed `a` (default: the model name), shared by every judge
 *                                   with that seed
 *   local-judge:accuracy=0.7:bias=0.3  and with probability 0.3 the label the instruction lists first (position bias)
 *   local-judge:logprobs=none       no logprobs even when asked (as reasoning models); otherwise a request with
 *                                   `logprobs` gets them, the score token's alternatives being the judge's
 *                                   probabilities over the labels (simulated-judge.ts)
 * Switches combine: `local-judge:latency=50:malformed`. A request's `n` gets n choices (usage counts the prompt
 * once), each a sample of its own; the answer faults (malformed, out-of-range, empty, refusal) count choices.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { LABELS_HEADING } from '../src/llm/messages';
import { tokenCounterFor, type TokenCounter } from '../src/llm/tokens';
import { simulatedDistribution, simulatedScore, type SimulatedJudge } from './simulated-judge';

export interface FaultSchedule {
  /** The first N requests (since configured) get the fault. */
  firstN?: number;
  /** Every Nth request gets the fault. */
  everyNth?: number;
  /** This share of requests (0..1), drawn from a generator seeded at `configure()`. */
  fraction?: number;
}

export interface JudgeServerBehaviour {
  latencyMs: number;
  /** 429 with `retry-after` (or `status` 503 / 529, how providers say "overloaded"). */
  rateLimit?: FaultSchedule & { retryAfterSeconds?: number; status?: number };
  serverErrors?: FaultSchedule;
  malformed?: FaultSchedule;
  outOfRange?: FaultSchedule;
  empty?: FaultSchedule;
  refusal?: FaultSchedule;
  /** When set, requests whose bearer token differs get 401. */
  requireApiKey?: string;
  /** When set, other base model names get 404 model_not_found. */
  knownModels?: string[];
  /**
   * Scheduled answers say, as OpenAI's `x-ratelimit-*` headers do, that the provider's requests window is used up
   * until it resets in `resetSeconds` (default 1); the answer itself is normal.
   */
  exhausted?: FaultSchedule & { resetSeconds?: number };
}

export interface JudgeServerStats {
  requests: number;
  inFlight: number;
  maxInFlight: number;
  aborted: number;
  byStatus: Record<number, number>;
  byModel: Record<string, number>;
  /** Answered requests by `response_format.type` (`none` without one). */
  responseFormats: Record<string, number>;
  /** Choices answered in all (a request with `n` answers n). */
  choices: number;
  /** The most requests that arrived within any one second (a sliding window), whichever client sent them. */
  maxPerSecond: number;
  /** When the first and the last request arrived (performance.now() ms), for the rate over the whole run. */
  firstAt?: number;
  lastAt?: number;
}

export interface JudgeServer {
  /** Base URL for the openai client, e.g. http://127.0.0.1:41234/v1 */
  readonly url: string;
  readonly port: number;
  configure(behaviour: Partial<JudgeServerBehaviour>): void;
  stats(): JudgeServerStats;
  resetStats(): void;
  close(): Promise<void>;
}

/** The deterministic score for a user message: FNV-1a of the text picks one of the allowed scores. */
export function localJudgeScore(userText: string, allowedScores: number[]): number {
  const hint = /\[\[judge:score=(-?\d+)\]\]/.exec(userText);
  if (hint) return Number(hint[1]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < userText.length; i++) {
    hash ^= userText.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return allowedScores[hash % allowedScores.length]!;
}

interface ChatRequest {
  model?: string;
  n?: number;
  temperature?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  messages?: { role: string; content?: unknown }[];
  response_format?: { type?: string; json_schema?: { schema?: JsonSchema } };
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema & { enum?: unknown[] }>;
  required?: string[];
  enum?: unknown[];
}

/** A reply the server sends: status, JSON body, extra headers. */
interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** `local-judge:latency=50:malformed` → base model `local-judge` and switches `{ latency: '50', malformed }`. */
function parseModel(model: string): { baseModel: string; switches: Map<string, string | undefined> } {
  const [baseModel = '', ...switchList] = model.split(':');
  const switches = new Map(
    switchList.map((s) => {
      const [key = '', value] = s.split('=');
      return [key, value] as [string, string | undefined];
    }),
  );
  return { baseModel, switches };
}

/** The fault this request gets, in the documented order, or undefined for a normal answer. */
function faultReply(
  behaviour: JudgeServerBehaviour,
  due: (s: FaultSchedule | undefined) => boolean,
  chance: (fraction: string | undefined) => boolean,
  authorization: string | undefined,
  model: string,
): Reply | undefined {
  const { baseModel, switches } = parseModel(model);
  if (behaviour.requireApiKey !== undefined && authorization !== `Bearer ${behaviour.requireApiKey}`) {
    return { status: 401, body: apiError('Incorrect API key provided.', 'invalid_api_key') };
  }
  const status = switches.has('status') ? Number(switches.get('status')) : undefined;
  if (status === 404 || (behaviour.knownModels && !behaviour.knownModels.includes(baseModel))) {
    return { status: 404, body: apiError(`The model \`${model}\` does not exist.`, 'model_not_found') };
  }
  const scheduled = due(behaviour.rateLimit);
  if (status === 429 || scheduled || chance(switches.get('429'))) {
    const retryAfter = String(behaviour.rateLimit?.retryAfterSeconds ?? 1);
    return {
      status: scheduled ? (behaviour.rateLimit?.status ?? 429) : 429,
      body: apiError('Rate limit reached, retry later.', 'rate_limit_exceeded'),
      headers: { 'retry-after': retryAfter },
    };
  }
  if (status !== undefined && status !== 200) {
    return { status, body: apiError(`simulated status ${status}`, 'server_error') };
  }
  if (due(behaviour.serverErrors) || chance(switches.get('500')))
    return { status: 500, body: apiError('simulated server error', 'server_error') };
  return undefined;
}

/**
 * The chat completion: a deterministic score (or a malformed / out-of-range answer when scheduled) per choice, and
 * usage. `draws` numbers the samples a simulated judge has answered for one question, so each sample draws anew.
 */
function completionReply(
  body: ChatRequest,
  n: number,
  behaviour: JudgeServerBehaviour,
  due: (s: FaultSchedule | undefined) => boolean,
  usage: TokenCounter,
  draws: (key: string, count: number) => number,
): Reply {
  const model = body.model ?? '';
  const { switches } = parseModel(model);
  const userText = (body.messages ?? [])
    .filter((m) => m.role === 'user')
    .map((m) => textOf(m.content))
    .join('\n');
  const allowed = allowedScores(body);
  const count = Math.max(1, Math.min(128, Math.floor(body.n ?? 1) || 1));
  const judge = simulatedJudgeOf(model, switches);
  // At temperature 0 every sample of a question is the same draw; above it (default 1, as OpenAI's) each is new.
  const firstDraw = judge && body.temperature !== 0 ? draws(`${model}\u0000${userText}`, count) : 0;
  const choices = Array.from({ length: count }, (_, index) => {
    let content: string;
    let refusal: string | null = null;
    if (switches.has('malformed') || due(behaviour.malformed)) {
      content = 'I think this answer is rather good, but I cannot say more.';
    } else if (switches.has('empty') || due(behaviour.empty)) {
      content = '';
    } else if (switches.has('refusal') || due(behaviour.refusal)) {
      content = '';
      refusal = "I'm sorry, but I can't help with grading this.";
    } else {
      const outOfRange = switches.has('out-of-range') || due(behaviour.outOfRange);
      const draw = firstDraw + (body.temperature === 0 ? 0 : index);
      const simulated = judge && simulatedScore(judge, userText, allowed, draw, listedScores(body)?.[0]);
      const score = outOfRange ? Math.max(...allowed) + 1000 : (simulated ?? localJudgeScore(userText, allowed));
      content = JSON.stringify(answerFor(body, score, userText));
    }
    const logprobs =
      body.logprobs && switches.get('logprobs') !== 'none' && !refusal
        ? { content: tokenLogprobs(content, judge, userText, allowed, body.top_logprobs ?? 0), refusal: null }
        : null;
    return { index, content, refusal, logprobs };
  });
  const promptTokens = usage.countMessages((body.messages ?? []) as ChatCompletionMessageParam[]);
  const completionTokens = choices.reduce((sum, c) => sum + usage.countText(c.content || (c.refusal ?? '')), 0);
  const exhausted = due(behaviour.exhausted);
  return {
    status: 200,
    headers: exhausted
      ? {
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': `${behaviour.exhausted?.resetSeconds ?? 1}s`,
        }
      : undefined,
    body: {
      id: `chatcmpl-local-${n}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: choices.map((c) => ({
        index: c.index,
        message: { role: 'assistant', content: c.refusal ? null : c.content, refusal: c.refusal },
        finish_reason: 'stop',
        logprobs: c.logprobs,
      })),
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    },
  };
}

/**
 * The answer's tokens with logprobs, as OpenAI returns them: words, digit runs, spaces and punctuation runs as tokens,
 * each certain but the score value, whose alternatives are the label scores with the judge's probabilities (a
 * simulated judge's, else all on the deterministic score) and a little mass on a token that is no score.
 */
function tokenLogprobs(
  content: string,
  judge: SimulatedJudge | undefined,
  userText: string,
  allowed: number[],
  top: number,
) {
  const tokens = content.match(/\d+|[A-Za-z]+|\s+|[^A-Za-z\d\s]+/g) ?? [];
  const scoreAt = /"score"\s*:\s*/.exec(content);
  const offset = scoreAt ? scoreAt.index + scoreAt[0].length : -1;
  let start = 0;
  return tokens.map((token) => {
    const at = start;
    start += token.length;
    const bytes = [...Buffer.from(token)];
    if (at !== offset || !/^\d+$/.test(token)) {
      return { token, logprob: 0, bytes, top_logprobs: top ? [{ token, logprob: 0, bytes }] : [] };
    }
    const answered = Number(token);
    const distribution =
      (judge && simulatedDistribution(judge, userText, allowed)) ??
      new Map(allowed.map((s) => [s, s === answered ? 1 : 0]));
    const alternatives = [...distribution]
      .filter(([, p]) => p > 0)
      .map(([s, p]) => ({ token: String(s), logprob: Math.log(p * 0.999), bytes: [...Buffer.from(String(s))] }))
      .concat([{ token: '"', logprob: Math.log(0.001), bytes: [34] }])
      .sort((a, b) => b.logprob - a.logprob)
      .slice(0, top);
    const own = Math.log((distribution.get(answered) ?? 0.0001) * 0.999);
    return { token, logprob: own, bytes, top_logprobs: alternatives };
  });
}

/** The simulated judge a model name asks for (`accuracy=…`, `seed=…`), if any. */
function simulatedJudgeOf(model: string, switches: Map<string, string | undefined>): SimulatedJudge | undefined {
  if (!switches.has('accuracy')) return undefined;
  return {
    accuracy: Number(switches.get('accuracy')),
    positionBias: switches.has('bias') ? Number(switches.get('bias')) : undefined,
    errorSeed: switches.get('seed') ?? model,
  };
}

export async function startJudgeServer(
  options: Partial<JudgeServerBehaviour> & { port?: number } = {},
): Promise<JudgeServer> {
  const { port: wantedPort = 0, ...initial } = options;
  let behaviour: JudgeServerBehaviour = { latencyMs: 0, ...initial };
  // Usage as OpenAI counts it for its current models (o200k_base, plus the chat format's framing tokens).
  const usage = await tokenCounterFor('gpt-4o');
  let counter = 0;
  // Each fault counts the requests that reached its check, so `firstN` schedules of several faults add up.
  let faultCounters = new Map<FaultSchedule, number>();
  let random = seededRandom(1);
  let stats = emptyStats();
  /** Samples answered per simulated question, so the next sample draws anew. */
  const drawCounts = new Map<string, number>();
  const draws = (key: string, count: number) => {
    const first = drawCounts.get(key) ?? 0;
    drawCounts.set(key, first + count);
    return first;
  };
  const open = new Set<http.ServerResponse>();
  /** Arrival times (ms) within the last second, for maxPerSecond. */
  let lastSecond: number[] = [];

  const due = (s: FaultSchedule | undefined) => {
    if (!s) return false;
    const n = (faultCounters.get(s) ?? 0) + 1;
    faultCounters.set(s, n);
    return (
      (s.firstN !== undefined && n <= s.firstN) ||
      (!!s.everyNth && n % s.everyNth === 0) ||
      (s.fraction !== undefined && random() < s.fraction)
    );
  };
  const chance = (fraction: string | undefined) => fraction !== undefined && random() < Number(fraction);

  /** Counts a request in flight; the returned `finish` replies once, unless the client went away first. */
  const track = (res: http.ServerResponse) => {
    const now = performance.now();
    lastSecond = lastSecond.filter((t) => t > now - 1000);
    lastSecond.push(now);
    stats.maxPerSecond = Math.max(stats.maxPerSecond, lastSecond.length);
    stats.firstAt ??= now;
    stats.lastAt = now;
    stats.requests += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    open.add(res);
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const end = () => {
      done = true;
      clearTimeout(timer);
      stats.inFlight -= 1;
      open.delete(res);
    };
    res.on('close', () => {
      if (done) return;
      end();
      stats.aborted += 1;
    });
    return {
      later: (ms: number, fn: () => void) => (timer = setTimeout(fn, ms)),
      finish: (reply: Reply) => {
        if (done) return;
        end();
        stats.byStatus[reply.status] = (stats.byStatus[reply.status] ?? 0) + 1;
        json(res, reply.status, reply.body, reply.headers);
      },
    };
  };

  const completions = (req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer) => {
    const n = ++counter;
    const { later, finish } = track(res);
    let body: ChatRequest;
    try {
      body = JSON.parse(raw.toString('utf8')) as ChatRequest;
    } catch {
      finish({ status: 400, body: apiError('request body is not JSON', 'invalid_request_error') });
      return;
    }
    const model = body.model ?? '';
    stats.byModel[model] = (stats.byModel[model] ?? 0) + 1;
    const { switches } = parseModel(model);
    const latency = switches.has('latency') ? Number(switches.get('latency')) : behaviour.latencyMs;
    later(Math.max(0, latency || 0), () => {
      const reply =
        faultReply(behaviour, due, chance, req.headers.authorization, model) ??
        completionReply(body, n, behaviour, due, usage, draws);
      if (reply.status === 200) {
        const format = body.response_format?.type ?? 'none';
        stats.responseFormats[format] = (stats.responseFormats[format] ?? 0) + 1;
        stats.choices += (reply.body as { choices: unknown[] }).choices.length;
      }
      finish(reply);
    });
  };

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/health' || req.url === '/v1/health')) {
      json(res, 200, { ok: true });
      return;
    }
    if (req.method === 'GET' && req.url === '/v1/models') {
      json(res, 200, {
        object: 'list',
        data: (behaviour.knownModels ?? ['local-judge']).map((id) => ({ id, object: 'model', owned_by: 'judgeflow' })),
      });
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      json(res, 404, apiError(`no route ${req.method ?? ''} ${req.url ?? ''}`, 'not_found'));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      completions(req, res, Buffer.concat(chunks));
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(wantedPort, '127.0.0.1', () => {
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    configure(change) {
      behaviour = { ...behaviour, ...change };
      faultCounters = new Map();
      random = seededRandom(1);
    },
    stats: () => ({
      ...stats,
      byStatus: { ...stats.byStatus },
      byModel: { ...stats.byModel },
      responseFormats: { ...stats.responseFormats },
    }),
    resetStats() {
      stats = { ...emptyStats(), inFlight: stats.inFlight };
      lastSecond = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** mulberry32: a tiny seeded generator, so a fault `fraction` hits the same requests on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function emptyStats(): JudgeServerStats {
  return {
    requests: 0,
    inFlight: 0,
    maxInFlight: 0,
    aborted: 0,
    byStatus: {},
    byModel: {},
    responseFormats: {},
    choices: 0,
    maxPerSecond: 0,
  };
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function apiError(message: string, code: string) {
  return { error: { message, type: code, param: null, code } };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p: { text?: unknown } | null) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

function allowedScores(body: ChatRequest): number[] {
  const fromSchema = body.response_format?.json_schema?.schema?.properties?.score?.enum;
  if (Array.isArray(fromSchema) && fromSchema.every((s) => typeof s === 'number') && fromSchema.length)
    return fromSchema;
  return listedScores(body) ?? [0, 1];
}

/** The label scores in the order the judging instruction lists them, if it lists any. */
function listedScores(body: ChatRequest): number[] | undefined {
  const system = (body.messages ?? [])
    .filter((m) => m.role === 'system')
    .map((m) => textOf(m.content))
    .join('\n');
  const at = system.indexOf(LABELS_HEADING);
  if (at >= 0) {
    const scores = [];
    for (const line of system
      .slice(at + LABELS_HEADING.length)
      .split('\n')
      .slice(1)) {
      const m = /^(-?\d+):/.exec(line);
      if (!m) break;
      scores.push(Number(m[1]));
    }
    if (scores.length) return scores;
  }
  return undefined;
}

/** The answer object: the judge shape, or the minimal object a custom json_schema requires, plus score/rationale. */
function answerFor(body: ChatRequest, score: number, userText: string): Record<string, unknown> {
  const rationale = `Local judge (deterministic, not a real model): score ${score} for a prompt of ${userText.length} characters.`;
  const schema = body.response_format?.type === 'json_schema' ? body.response_format.json_schema?.schema : undefined;
  if (!schema?.properties || schema.properties.score) return { score, rationale };
  const answer: Record<string, unknown> = {};
  for (const name of schema.required ?? []) answer[name] = emptyValue(schema.properties[name]);
  return answer;
}

function emptyValue(schema: JsonSchema | undefined): unknown {
  switch (schema?.type) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const name of schema.required ?? []) o[name] = emptyValue(schema.properties?.[name]);
      return o;
    }
    default:
      return null;
  }
}
