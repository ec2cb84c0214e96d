/**
 * The judge client of each model: the worker's default endpoint (OPENAI_BASE_URL / OPENAI_API_KEY), or the model's
 * own `baseUrl` and key from JUDGEFLOW_MODELS. One client per endpoint and key, made on first use.
 */
import type { Config } from '../config';
import { createJudgeClient, type JudgeClient } from './judge';

export type JudgeClientFor = (model: string) => JudgeClient;

export function modelClients(config: Config, fallback: JudgeClient): JudgeClientFor {
  const clients = new Map<string, JudgeClient>();
  return (model) => {
    const m = config.modelConfigs[model];
    if (!m?.baseUrl && !m?.apiKeyEnv) return fallback;
    const baseUrl = m.baseUrl ?? config.openai.baseUrl;
    const apiKey = m.apiKeyEnv ? m.apiKey : config.openai.apiKey;
    const id = JSON.stringify([baseUrl, apiKey]);
    let client = clients.get(id);
    if (!client) {
      client = createJudgeClient({ baseUrl, apiKey, timeoutMs: config.llm.requestTimeoutMs });
      clients.set(id, client);
    }
    return client;
  };
}
