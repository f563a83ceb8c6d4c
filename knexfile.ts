import { loadConfig } from './src/config.ts';
import { knexConfig } from './src/db/create-knex.ts';

/** For the knex CLI (e.g. `npx knex migrate:make name`); the service itself uses src/db. */
export default knexConfig(loadConfig().databaseUrl);
