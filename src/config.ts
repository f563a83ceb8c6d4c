/**
 * All configuration, read from the environment once and checked. Nothing
 * else in the code base reads process.env. A bad value stops the process with
 * a message naming the variable.
 */
export type Scope = 'checkout' | 'admin';

export interface ApiKey {
  scope: Scope;
  key: string;
}

export interface Config {
  nodeEnv: string;
  /**
   * PostgreSQL connection string. Unset: the embedded PostgreSQL (PGlite) in
   * `pgliteDir`, migrated at startup. @defaultValue undefined
   */
  databaseUrl: string | undefined;
  /**
   * Redis connection string; BullMQ queues and workers use it. Unset: the
   * server processes events itself, one at a time. @defaultValue undefined
   */
  redisUrl: string | undefined;
  /** Folder of the embedded database when DATABASE_URL is unset; "memory://" keeps it in memory. @defaultValue ".data/pglite" */
  pgliteDir: string;
  port: number;
  /** Folder of rule files. @defaultValue "rules" */
  rulesDir: string;
  /** Where share links send visitors, e.g. "https://shop.example". */
  shopUrl: string;
  /** This service's public address, used in share links and QR URLs. */
  publicBaseUrl: string;
  /** Empty means open access (refused when nodeEnv is "production"). */
  apiKeys: readonly ApiKey[];
  logLevel: string;
  /** Largest JSON body accepted; larger → 413. @defaultValue "1mb" */
  bodyLimit: string;
  /** BullMQ queue name prefix, so test runs and deployments never share keys. @defaultValue "referrals" */
  queuePrefix: string;
  /**
   * Jobs one worker runs at once. The purchases of running jobs are applied together, one
   * transaction per batch (EventBatcher), so this is also the most events one worker has in
   * flight; a waiting job holds no database connection. @defaultValue 128
   */
  workerConcurrency: number;
  /** Attempts per job before it is listed as failed. @defaultValue 8 */
  jobAttempts: number;
  /** First retry delay; doubles each attempt. @defaultValue 1000 */
  jobBackoffMs: number;
  /**
   * BullMQ lockDuration: a job whose worker died is re-delivered once its lock
   * expires (and the stalled check, run at the same interval, sees it).
   * Evaluation must stay far below it. @defaultValue 30000
   */
  jobLockMs: number;
  /**
   * How often the hold confirmation sweep runs (confirms rewards whose hold ended, marks
   * referrals successful). 0: this process never schedules it (in-process mode: no sweep;
   * a worker leaves the shared BullMQ scheduler as other workers set it). @defaultValue 60000
   */
  confirmEveryMs: number;
  /**
   * Port of the worker's own Prometheus endpoint (GET /metrics: events
   * processed and failed, job durations, rewards granted). Unset: no listener,
   * so several workers on one machine never fight over a port; set a distinct
   * port per worker process to scrape each (9464 is the usual exporter port).
   * @defaultValue undefined (off)
   */
  workerMetricsPort: number | undefined;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Readonly<Config> {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const config: Config = {
    nodeEnv,
    databaseUrl: optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: optionalUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    pgliteDir: env.PGLITE_DIR || '.data/pglite',
    port,
    rulesDir: env.RULES_DIR ?? 'rules',
    shopUrl: url(env, 'SHOP_URL', 'http://localhost:8080', ['http:', 'https:']).replace(/\/$/, ''),
    publicBaseUrl: url(env, 'PUBLIC_BASE_URL', `http://localhost:${port}`, ['http:', 'https:']).replace(/\/$/, ''),
    apiKeys: apiKeys(env),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    bodyLimit: env.BODY_LIMIT ?? '1mb',
    queuePrefix: name(env, 'QUEUE_PREFIX', 'referrals'),
    workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 128, 1, 1000),
    jobAttempts: integer(env, 'JOB_ATTEMPTS', 8, 1, 100),
    jobBackoffMs: integer(env, 'JOB_BACKOFF_MS', 1000, 1, 3_600_000),
    jobLockMs: integer(env, 'JOB_LOCK_MS', 30_000, 1000, 600_000),
    confirmEveryMs: integer(env, 'CONFIRM_EVERY_MS', 60_000, 0, 86_400_000),
    workerMetricsPort: env.WORKER_METRICS_PORT ? integer(env, 'WORKER_METRICS_PORT', 0, 0, 65535) : undefined,
  };
  if (config.apiKeys.length === 0 && nodeEnv === 'production') {
    throw new ConfigError('API_KEYS: required when NODE_ENV=production (comma-separated scope:key pairs, scopes "checkout" and "admin")');
  }
  if (config.redisUrl !== undefined && config.databaseUrl === undefined) {
    // BullMQ workers are other processes, and the embedded database opens in one process only.
    throw new ConfigError('REDIS_URL is set but DATABASE_URL is not: BullMQ workers need a PostgreSQL server they can share with the API. Set DATABASE_URL too, or unset REDIS_URL to process events in the server process');
  }
  return Object.freeze(config);
}

/**
 * For the entry points (server, worker, migrate): a bad or contradictory
 * setting ends the process with one line naming the variable, not a stack trace.
 */
export function loadConfigOrExit(env: Env = process.env): Readonly<Config> {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`configuration: ${error.message}`);
    process.exit(1);
  }
}

function optionalUrl(env: Env, key: string, protocols: string[]): string | undefined {
  return env[key] ? url(env, key, '', protocols) : undefined;
}

function integer(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${key}: "${raw}" is not a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

function url(env: Env, key: string, fallback: string, protocols: string[]): string {
  const raw = env[key] || fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${key}: "${raw}" is not a URL`);
  }
  if (!protocols.includes(parsed.protocol)) throw new ConfigError(`${key}: must start with ${protocols.join(' or ')}//`);
  return raw;
}

function oneOf(env: Env, key: string, fallback: string, values: string[]): string {
  const raw = env[key] || fallback;
  if (!values.includes(raw)) throw new ConfigError(`${key}: "${raw}" is not one of ${values.join(', ')}`);
  return raw;
}

function name(env: Env, key: string, fallback: string): string {
  const raw = env[key] || fallback;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) throw new ConfigError(`${key}: "${raw}" may contain only letters, digits, "-" and "_"`);
  return raw;
}

function apiKeys(env: Env): ApiKey[] {
  const raw = env.API_KEYS?.trim();
  if (!raw) return [];
  return raw.split(',').map((pair) => {
    const [scope, key, extra] = pair.trim().split(':');
    if ((scope !== 'checkout' && scope !== 'admin') || !key || extra !== undefined || key.length < 16) {
      throw new ConfigError(`API_KEYS: "${pair.trim().replace(/:.*/, ':…')}" must be scope:key with scope "checkout" or "admin" and a key of at least 16 characters`);
    }
    return { scope, key };
  });
}
