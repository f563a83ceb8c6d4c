import { randomBytes } from 'node:crypto';
import { adminQuery, withDatabase } from '../../test/support/admin-database.ts';
import type { Knex } from 'knex';
import { createKnex } from '../../src/db/create-knex.ts';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  url: string;
  knex: Knex;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A migrated database of the bench's own (`referral_bench_*`), dropped at the end. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `referral_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${name}`);
  const url = withDatabase(ADMIN_URL, name);
  const knex = createKnex(url, { min: 0, max: 4 });
  await knex.migrate.latest();
  return {
    name,
    url,
    knex,
    async drop() {
      await knex.destroy();
      await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

