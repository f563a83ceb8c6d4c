import type { TestProject } from 'vitest/node';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createKnex } from '../../src/db/create-knex.ts';

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
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  const knex = createKnex(withDatabase(ADMIN_URL, template));
  await knex.migrate.latest();
  await knex.destroy();
  project.provide('templateDatabase', template);
  project.provide('adminDatabaseUrl', ADMIN_URL);
  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
