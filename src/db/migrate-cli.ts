import { loadConfigOrExit } from '../config.ts';
import { DomainError } from '../domain-error.ts';
import { createKnex } from './create-knex.ts';
import { createEmbeddedKnex } from './embedded-database.ts';
import { ensureDatabase } from './migrations.ts';
import { migrateLatest } from './open-database.ts';

/**
 * `npm run migrate`: applies every pending migration. With DATABASE_URL it
 * creates the database first if needed; without it, it migrates the embedded
 * database in PGLITE_DIR (which `npm start` also does by itself).
 */
const config = loadConfigOrExit();
try {
  if (config.databaseUrl) await ensureDatabase(config.databaseUrl);
  const knex = config.databaseUrl ? createKnex(config.databaseUrl) : createEmbeddedKnex(config.pgliteDir);
  try {
    const applied = await migrateLatest(knex);
    const where = config.databaseUrl ? 'database' : `embedded database at ${config.pgliteDir}`;
    console.log(applied.length === 0 ? `${where} is up to date` : `${where}: applied ${applied.join(', ')}`);
  } finally {
    await knex.destroy();
  }
} catch (error) {
  // Our own refusals (the embedded folder is in use) are sentences for a person; anything else keeps its stack.
  console.error(error instanceof DomainError ? `cannot migrate: ${error.message}` : error);
  process.exitCode = 1;
}
