import type { TestProject } from 'vitest/node';
import { randomBytes } from 'node:crypto';
import { createKnex } from '../../src/db/create-knex.ts';
import { adminQuery, withDatabase } from './admin-database.ts';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    adminDatabaseUrl: string;
  }
}

/**
 * Migrates one template database per test run; each test file clones it
 * (CREATE DATABASE … TEMPLATE …), which takes milliseconds, and drops its clone.
 */
export default async function setup(project: TestProject) {
  const template = `referral_tpl_${randomBytes(4).toString('hex')}`;
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${template}`);
  const knex = createKnex(withDatabase(ADMIN_URL, template));
  await knex.migrate.latest();
  await knex.destroy();
  project.provide('templateDatabase', template);
  project.provide('adminDatabaseUrl', ADMIN_URL);
  return async () => {
    await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  };
}

