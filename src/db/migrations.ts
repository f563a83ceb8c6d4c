import type { Knex } from 'knex';
import pg from 'pg';
import { DomainError } from '../domain-error.ts';

export class DatabaseNotMigratedError extends DomainError {
  constructor(pending: string[]) {
    super(`the database is not migrated (${pending.length} pending: ${pending.join(', ')}); run "npm run migrate" first`, 'database-not-migrated');
  }
}

/** Refuses to serve on a database whose schema is behind the code. */
export async function assertMigrated(knex: Knex): Promise<void> {
  const [, pending] = (await knex.migrate.list()) as [unknown[], Array<{ file: string } | string>];
  if (pending.length > 0) throw new DatabaseNotMigratedError(pending.map((entry) => (typeof entry === 'string' ? entry : entry.file)));
}

/** Creates the database named in the URL when it does not exist (a developer's first run). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!database) return;
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
