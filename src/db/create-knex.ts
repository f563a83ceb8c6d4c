import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// PostgreSQL bigint (int8) columns hold money in minor units: read them as
// bigint, never as a JS number that silently loses precision past 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => BigInt(value));

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export function knexConfig(databaseUrl: string, pool: { min: number; max: number } = { min: 0, max: 10 }): Knex.Config {
  return {
    client: 'pg',
    connection: databaseUrl,
    pool,
    migrations: { directory: MIGRATIONS_DIR, loadExtensions: ['.ts', '.js'], tableName: 'knex_migrations' },
  };
}

export function createKnex(databaseUrl: string, pool?: { min: number; max: number }): Knex {
  return knexFactory(knexConfig(databaseUrl, pool));
}
