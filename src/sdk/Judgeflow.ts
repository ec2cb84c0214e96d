/**
 * The judgeflow client: holds the PostgreSQL pool, the configuration and (lazily) the Temporal client, so
 * scripts do not wire connections by hand. `Judgeflow.connect()` also makes it the default client that the
 * static SDK methods (`PromptEvaluator.create`, `Benchmark.get`, …) use when none is passed.
 */
import { inspect } from 'node:util';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../config';
import { JudgeflowError } from '../errors';
import { connectDatabase, connectTemporal, describeConnections, type ServiceContext } from '../services/client/context';

export interface JudgeflowOptions {
  /** Overrides of the environment-derived configuration. */
  config?: Partial<Omit<Config, 'temporal' | 'openai' | 'concurrency'>> & {
    temporal?: Partial<Config['temporal']>;
    openai?: Partial<Config['openai']>;
    concurrency?: Partial<Config['concurrency']>;
  };
  /** Make this the default client for static SDK methods (default true). */
  setDefault?: boolean;
}

let defaultClient: Judgeflow | undefined;

export class Judgeflow implements ServiceContext {
  #temporalClient?: Promise<Client>;
  // True private fields: the configuration holds the secret key, API keys and the database password, and the
  // pool its connection string, so `console.log`, `util.inspect` or a REPL must never walk them.
  readonly #config: Config;
  readonly #db: ServiceContext['db'];
  readonly #instanceId: string;

  private constructor(config: Config, { db, instanceId }: Awaited<ReturnType<typeof connectDatabase>>) {
    this.#config = config;
    this.#db = db;
    this.#instanceId = instanceId;
  }

  /** The database's judgeflow instance id, part of every workflow id (`evaluator-1-execution-1@<instanceId>`). */
  get instanceId(): string {
    return this.#instanceId;
  }

  get config(): Config {
    return this.#config;
  }

  get db(): ServiceContext['db'] {
    return this.#db;
  }

  /** What `JSON.stringify` shows: where it is connected, never a secret. */
  toJSON() {
    return describeConnections(this.#config);
  }

  toString(): string {
    const { database, temporal } = describeConnections(this.#config);
    return `Judgeflow(database ${database}, Temporal ${temporal.address} namespace ${temporal.namespace})`;
  }

  /** What `console.log` and `util.inspect` show. */
  [inspect.custom](): string {
    return `Judgeflow ${inspect(this.toJSON())}`;
  }

  /** Connects to PostgreSQL (checked with one round trip); Temporal is connected on first use. */
  static async connect(options: JudgeflowOptions = {}): Promise<Judgeflow> {
    const base = loadConfig();
    const o = options.config ?? {};
    const config: Config = {
      ...base,
      ...o,
      temporal: { ...base.temporal, ...o.temporal },
      openai: { ...base.openai, ...o.openai },
      concurrency: { ...base.concurrency, ...o.concurrency },
    };
    const client = new Judgeflow(config, await connectDatabase(config));
    if (options.setDefault ?? true) defaultClient = client;
    return client;
  }

  /** The default client; throws when `Judgeflow.connect()` has not been called. */
  static get default(): Judgeflow {
    if (!defaultClient) throw new JudgeflowError('no judgeflow client: call `await Judgeflow.connect()` first');
    return defaultClient;
  }

  /** `client` when given, else the default client. */
  static resolve(client?: Judgeflow): Judgeflow {
    return client ?? Judgeflow.default;
  }

  /** The Temporal client, connected on first use. */
  temporal(): Promise<Client> {
    this.#temporalClient ??= connectTemporal(this.config).catch((err: unknown) => {
      this.#temporalClient = undefined;
      throw err;
    });
    return this.#temporalClient;
  }

  async close(): Promise<void> {
    if (defaultClient === this) defaultClient = undefined;
    const temporal = this.#temporalClient;
    this.#temporalClient = undefined;
    if (temporal) await temporal.then((c) => c.connection.close()).catch(() => {});
    await this.db.close();
  }
}
