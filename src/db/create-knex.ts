import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from './migration-source.ts';

// PostgreSQL bigint (int8) columns hold money in minor units: read them as
// bigint, never as a JS number that silently loses precision past 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => BigInt(value));

export function knexConfig(databaseUrl: string, pool: { min: number; max: number } = { min: 0, max: 10 }): Knex.Config {
  return {
    client: 'pg',
    connection: databaseUrl,
    pool,
    migrations: { migrationSource, tableName: 'knex_migrations' },
  };
}

export function createKnex(databaseUrl: string, pool?: { min: number; max: number }): Knex {
  return knexFactory(knexConfig(databaseUrl, pool));
}
