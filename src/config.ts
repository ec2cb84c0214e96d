/** Environment configuration, validated once. Secrets stay here and in activities, never in workflow inputs. */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors';
import { dataDir } from './layout';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** A duration in milliseconds from `90` (seconds), `500ms`, `45s`, `30m` or `1h`. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
      const ms = m ? Number(m[1]) * DURATION_UNITS_MS[m[2] ?? 's']! : NaN;
      if (!(ms > 0)) {
        ctx.addIssue({ code: 'custom', message: 'expected a positive duration such as 90 (seconds), 45s, 30m or 1h' });
        return z.NEVER;
      }
      return Math.round(ms);
    });

const modelPricesSchema = z.record(
  z.string().min(1),
  z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }),
);
/** A JSON value checked against `inner`; unset or blank is undefined. */
const jsonOf = <T extends z.ZodType>(inner: T) =>
  optionalString.transform((v, ctx): z.infer<T> | undefined => {
    if (v === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected JSON' });
      return z.NEVER;
    }
    const r = inner.safeParse(parsed);
    if (!r.success) {
      const issue = r.error.issues[0];
      ctx.addIssue({
        code: 'custom',
        message: `${issue?.path.join('.') || 'value'}: ${issue?.message}; expected {"<model>": {"input": <USD per 1M tokens>, "output": <USD per 1M tokens>}}`,
      });
      return z.NEVER;
    }
    return r.data;
  });
/**
 * One model's settings in JUDGEFLOW_MODELS: its endpoint (base URL, and the environment variable holding its key),
 * the provider's rate limits that every worker shares (requests and tokens per minute), and the most rows an
 * execution of it may have in flight.
 */
const modelSettingsSchema = z.strictObject({
  baseUrl: z.url().optional(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the name of an environment variable')
    .optional(),
  rpm: z.number().positive().optional(),
  tpm: z.number().positive().optional(),
  maxConcurrency: z.number().int().positive().optional(),
  // Whether the provider takes `response_format: json_schema` (src/llm/answer-schema.ts); on unless set false.
  structuredOutputs: z.boolean().optional(),
  // How a row's samples are asked for: one request with `n` (the prompt paid once), or one request each.
  sampling: z.enum(['n', 'requests']).optional(),
});
const MODELS_SHAPE =
  'expected model names separated by commas, or JSON such as {"gpt-4o-mini": {"rpm": 500, "tpm": 200000, ' +
  '"maxConcurrency": 32, "baseUrl": "https://…/v1", "apiKeyEnv": "OPENAI_API_KEY", "structuredOutputs": true}}';
/** JUDGEFLOW_MODELS: `a,b` (names only) or a JSON object of model settings; unset or blank allows any model. */
const modelsSetting = optionalString.transform((v, ctx): Record<string, ModelSettings> | undefined => {
  if (v === undefined) return undefined;
  if (!v.trim().startsWith('{')) {
    const names = v
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    return Object.fromEntries(names.map((name) => [name, {}]));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not valid JSON; ${MODELS_SHAPE}` });
    return z.NEVER;
  }
  const r = z.record(z.string().min(1), modelSettingsSchema).safeParse(parsed);
  if (!r.success) {
    const issue = r.error.issues[0];
    ctx.addIssue({
      code: 'custom',
      message: `${issue?.path.join('.') || 'value'}: ${issue?.message}; ${MODELS_SHAPE}`,
    });
    return z.NEVER;
  }
  return r.data;
});
const optionalNumber = optionalString.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0)) {
    ctx.addIssue({ code: 'custom', message: 'expected a positive number' });
    return z.NEVER;
  }
  return n;
});

const schema = z.object({
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/judgeflow'),
  // A worker's PostgreSQL connections: several workers and the Temporal server share the server's limit.
  JUDGEFLOW_DB_POOL_MAX: positiveInt(20),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('judgeflow'),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_API_KEY: optionalString,
  // Every report and `execution status` links to it: a javascript: or data: URL would run in the reader's browser.
  TEMPORAL_UI_URL: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL of the Temporal Web UI' })
    .default('http://localhost:8233'),
  OPENAI_BASE_URL: optionalString,
  OPENAI_API_KEY: optionalString,
  JUDGEFLOW_USER: optionalString,
  JUDGEFLOW_CONCURRENCY: positiveInt(16),
  JUDGEFLOW_MAX_CONCURRENCY: positiveInt(64),
  JUDGEFLOW_SECRET_KEY: optionalString,
  JUDGEFLOW_SECRET_KEY_FILE: optionalString,
  JUDGEFLOW_MODELS: modelsSetting,
  JUDGEFLOW_RATE_LIMIT_PATIENCE: duration('1h'),
  // Below the row activity's 5-minute start-to-close timeout, so a slow answer ends as a request timeout.
  JUDGEFLOW_REQUEST_TIMEOUT: duration('120s').refine((ms) => ms <= 270_000, {
    message: 'at most 270 s (4.5 min): a row activity may run 5 minutes in all',
  }),
  // USD per million tokens per model: {"gpt-4o-mini": {"input": 0.15, "output": 0.6}}.
  JUDGEFLOW_MODEL_PRICES: jsonOf(modelPricesSchema),
  JUDGEFLOW_BUDGET_USD: optionalNumber,
  JUDGEFLOW_BUDGET_TOKENS: optionalNumber,
  JUDGEFLOW_CACHE: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  JUDGEFLOW_S3_ENDPOINT: optionalString,
  JUDGEFLOW_GCS_API_ENDPOINT: optionalString,
  JUDGEFLOW_EXPORT_ROOTS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const roots = v.split(path.delimiter).filter((r) => r.trim() !== '');
      const relative = roots.find((r) => !path.isAbsolute(r));
      if (relative !== undefined) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(relative)} is not an absolute path` });
        return z.NEVER;
      }
      return roots.map((r) => path.resolve(r));
    }),
});

export type ModelSettings = z.infer<typeof modelSettingsSchema>;

/** A model's settings as the worker uses them: the key read from the variable `apiKeyEnv` names. */
export type ModelConfig = ModelSettings & { apiKey?: string };

export type Config = {
  databaseUrl: string;
  /** The most PostgreSQL connections one worker opens (JUDGEFLOW_DB_POOL_MAX, default 20). */
  databasePoolMax: number;
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    tlsCertPath?: string;
    tlsKeyPath?: string;
    tlsCaPath?: string;
    apiKey?: string;
    uiUrl: string;
  };
  openai: { baseUrl?: string; apiKey?: string };
  /** Model names executions may use (the names in JUDGEFLOW_MODELS); any model the endpoint serves when not set. */
  models?: string[];
  /**
   * Per model (JUDGEFLOW_MODELS as JSON): its own endpoint and key, the rate limits all workers share, and its cap on
   * an execution's concurrency. Models without settings use OPENAI_BASE_URL / OPENAI_API_KEY and no shared limit.
   */
  modelConfigs: Record<string, ModelConfig>;
  user: string;
  /**
   * How long a row keeps retrying while the provider rate-limits it (JUDGEFLOW_RATE_LIMIT_PATIENCE, default 1 h)
   * before it becomes a `rate_limited` row error, and how long one model request may take before it is aborted
   * and retried as a timeout (JUDGEFLOW_REQUEST_TIMEOUT, default 120 s). Both in milliseconds.
   */
  llm: { rateLimitPatienceMs: number; requestTimeoutMs: number };
  /** Default rows in flight per execution, and the worker-wide cap on it. */
  concurrency: { default: number; max: number };
  /**
   * Key of the credentials stored with connector configs: JUDGEFLOW_SECRET_KEY (32 bytes, base64 or hex), else the
   * file JUDGEFLOW_SECRET_KEY_FILE (default `secret.key` in the local data directory, src/layout.ts: `.data/` of a
   * clone; generated by set-up and `judgeflow dev` for local use).
   */
  secretKey?: string;
  secretKeyFile: string;
  /**
   * Where exports without a connector config go (anonymous requests to public buckets): AWS S3 and Google Cloud
   * Storage unless JUDGEFLOW_S3_ENDPOINT (path-style) or JUDGEFLOW_GCS_API_ENDPOINT name another store.
   */
  storage: { s3Endpoint?: string; gcsApiEndpoint?: string };
  /**
   * Directories a worker writes local exports under (JUDGEFLOW_EXPORT_ROOTS, separated by `:`; empty: no local
   * exports). By default, for local use: the user's home, the temporary directory and the working directory.
   */
  exportRoots: string[];
  /**
   * Spend control: USD per million input and output tokens per model (JUDGEFLOW_MODEL_PRICES; a model without a
   * price has an unknown cost, never a guessed one), the default budget of an execution (JUDGEFLOW_BUDGET_USD,
   * JUDGEFLOW_BUDGET_TOKENS), and whether executions reuse cached answers by default (JUDGEFLOW_CACHE).
   */
  spend: {
    prices: Record<string, { input: number; output: number }>;
    budget: { maxCostUsd?: number; maxTokens?: number };
    cache: boolean;
  };
};

/** Reads and validates `env` (process.env by default); throws ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? '?');
    throw new ConfigError(`environment variable ${name}=${JSON.stringify(env[name])} is invalid: ${issue?.message}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.JUDGEFLOW_DB_POOL_MAX,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tlsCertPath: e.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: e.TEMPORAL_TLS_KEY_PATH,
      tlsCaPath: e.TEMPORAL_TLS_CA_PATH,
      apiKey: e.TEMPORAL_API_KEY,
      uiUrl: e.TEMPORAL_UI_URL,
    },
    openai: { baseUrl: e.OPENAI_BASE_URL, apiKey: e.OPENAI_API_KEY },
    models: e.JUDGEFLOW_MODELS && Object.keys(e.JUDGEFLOW_MODELS),
    modelConfigs: Object.fromEntries(
      Object.entries(e.JUDGEFLOW_MODELS ?? {}).map(([name, m]) => [
        name,
        { ...m, ...(m.apiKeyEnv && { apiKey: env[m.apiKeyEnv]?.trim() || undefined }) },
      ]),
    ),
    user: e.JUDGEFLOW_USER ?? safeOsUser(),
    llm: { rateLimitPatienceMs: e.JUDGEFLOW_RATE_LIMIT_PATIENCE, requestTimeoutMs: e.JUDGEFLOW_REQUEST_TIMEOUT },
    concurrency: {
      default: Math.min(e.JUDGEFLOW_CONCURRENCY, e.JUDGEFLOW_MAX_CONCURRENCY),
      max: e.JUDGEFLOW_MAX_CONCURRENCY,
    },
    secretKey: e.JUDGEFLOW_SECRET_KEY,
    secretKeyFile: e.JUDGEFLOW_SECRET_KEY_FILE ?? path.join(dataDir(env), 'secret.key'),
    storage: { s3Endpoint: e.JUDGEFLOW_S3_ENDPOINT, gcsApiEndpoint: e.JUDGEFLOW_GCS_API_ENDPOINT },
    exportRoots: e.JUDGEFLOW_EXPORT_ROOTS ?? defaultExportRoots(),
    spend: {
      prices: e.JUDGEFLOW_MODEL_PRICES ?? {},
      budget: { maxCostUsd: e.JUDGEFLOW_BUDGET_USD, maxTokens: e.JUDGEFLOW_BUDGET_TOKENS },
      cache: e.JUDGEFLOW_CACHE,
    },
  };
}

/** The local default: the home and temporary directories, and the working directory unless it is the root `/`. */
function defaultExportRoots(): string[] {
  const cwd = process.cwd();
  return [...new Set([os.homedir(), os.tmpdir(), ...(path.parse(cwd).root === cwd ? [] : [cwd])])];
}

function safeOsUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
