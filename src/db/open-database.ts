import type { Knex } from 'knex';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createKnex } from './create-knex.ts';
import { createEmbeddedKnex } from './embedded-database.ts';
import { assertMigrated } from './migrations.ts';

/**
 * The database the config names, ready for queries. PostgreSQL must already
 * be migrated (`npm run migrate` is a deliberate step in production); the
 * embedded database is migrated here, so a first `npm start` just works.
 */
export async function openDatabase(config: Readonly<Pick<Config, 'databaseUrl' | 'pgliteDir'>>, logger: Logger, pool?: { min: number; max: number }): Promise<Knex> {
  const knex = config.databaseUrl ? createKnex(config.databaseUrl, pool) : createEmbeddedKnex(config.pgliteDir);
  try {
    if (config.databaseUrl) {
      await assertMigrated(knex);
    } else {
      const applied = await migrateLatest(knex);
      if (applied.length > 0) logger.info({ dir: config.pgliteDir, migrations: applied }, 'embedded database migrated');
    }
    return knex;
  } catch (error) {
    await knex.destroy();
    throw error;
  }
}

/** Applies pending migrations; returns their names. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest()) as [number, string[]];
  return applied;
}
