import type { Config } from './config.ts';

/**
 * How the service runs, decided by two variables: without DATABASE_URL the
 * database is the embedded PGlite, without REDIS_URL the server processes
 * events itself. Both set is production: PostgreSQL and BullMQ workers.
 */
export interface RuntimeMode {
  database: 'embedded' | 'postgres';
  events: 'in-process' | 'bullmq';
}

export function runtimeMode(config: Pick<Config, 'databaseUrl' | 'redisUrl'>): RuntimeMode {
  return { database: config.databaseUrl ? 'postgres' : 'embedded', events: config.redisUrl ? 'bullmq' : 'in-process' };
}

/** What the startup log says: where the data lives, who processes events, and how to switch to production. */
export function describeRuntime(config: Pick<Config, 'databaseUrl' | 'redisUrl' | 'pgliteDir'>): { database: string; events: string; production?: string } {
  const mode = runtimeMode(config);
  const database = config.databaseUrl ? `PostgreSQL ${postgresTarget(config.databaseUrl)}` : `embedded PGlite at ${config.pgliteDir}`;
  const events = config.redisUrl ? `BullMQ at ${redisTarget(config.redisUrl)} (run "npm run worker" to process them)` : 'in-process (this server processes them, one at a time)';
  if (mode.database === 'postgres' && mode.events === 'bullmq') return { database, events };
  return {
    database,
    events,
    production: 'for production, set DATABASE_URL (PostgreSQL) and REDIS_URL, run "npm run migrate" once, then "npm start" and one or more "npm run worker"',
  };
}

/** host:port/database, without credentials. */
function postgresTarget(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

function redisTarget(redisUrl: string): string {
  const url = new URL(redisUrl);
  return `${url.hostname}:${url.port || 6379}${url.pathname.length > 1 ? url.pathname : ''}`;
}
