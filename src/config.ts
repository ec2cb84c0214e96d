/** Environment configuration, validated once. Secrets stay here and in activities, never in workflow inputs. */
import os from 'node:os';
import { z } from 'zod';
import { ConfigError } from './errors';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/judgeflow'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('judgeflow'),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_UI_URL: z.string().default('http://localhost:8233'),
  OPENAI_BASE_URL: optionalString,
  OPENAI_API_KEY: optionalString,
  JUDGEFLOW_USER: optionalString,
  JUDGEFLOW_CONCURRENCY: positiveInt(16),
  JUDGEFLOW_MAX_CONCURRENCY: positiveInt(64),
  JUDGEFLOW_SECRET_KEY: optionalString,
  JUDGEFLOW_MODELS: optionalString,
});

export type Config = {
  databaseUrl: string;
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
  /** Model names executions may use; any model the endpoint serves when not set. */
  models?: string[];
  user: string;
  /** Default rows in flight per execution, and the worker-wide cap on it. */
  concurrency: { default: number; max: number };
  secretKey?: string;
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
    models: e.JUDGEFLOW_MODELS?.split(',')
      .map((m) => m.trim())
      .filter(Boolean),
    user: e.JUDGEFLOW_USER ?? safeOsUser(),
    concurrency: {
      default: Math.min(e.JUDGEFLOW_CONCURRENCY, e.JUDGEFLOW_MAX_CONCURRENCY),
      max: e.JUDGEFLOW_MAX_CONCURRENCY,
    },
    secretKey: e.JUDGEFLOW_SECRET_KEY,
  };
}

function safeOsUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
