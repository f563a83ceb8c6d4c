import { loadConfig } from './src/config.ts';
import { knexConfig } from './src/db/create-knex.ts';

/** For the knex CLI (e.g. `npx knex migrate:make name`); the service itself uses src/db. */
// The knex CLI speaks to PostgreSQL only; without DATABASE_URL it uses the local default server.
export default knexConfig(loadConfig().databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/referral_engine');
