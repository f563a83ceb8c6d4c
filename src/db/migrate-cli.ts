import { loadConfig } from '../config.ts';
import { createKnex } from './create-knex.ts';
import { ensureDatabase } from './migrations.ts';

/** `npm run migrate`: creates the database if needed and applies every pending migration. */
const config = loadConfig();
await ensureDatabase(config.databaseUrl);
const knex = createKnex(config.databaseUrl);
try {
  const [batch, applied] = (await knex.migrate.latest()) as [number, string[]];
  console.log(applied.length === 0 ? 'database is up to date' : `applied batch ${batch}: ${applied.join(', ')}`);
} finally {
  await knex.destroy();
}
