import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDatabaseInUseError, createEmbeddedKnex } from '../../src/db/embedded-database.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { createLogger } from '../../src/logger.ts';

/** The embedded database on disk: migrated once, kept across restarts, one process per folder. */
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pglite-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const logger = createLogger('silent');

describe('the embedded database folder', () => {
  it('is created and migrated on first open, and keeps its rows after a restart', { timeout: 120_000 }, async () => {
    const dir = path.join(root, 'data', 'pglite');
    const first = await openDatabase({ databaseUrl: undefined, pgliteDir: dir }, logger);
    await first('referral_codes').insert({ code: 'KEEPME22', user_id: 'alice', is_vanity: true });
    // int8 arrives as bigint, as from node-postgres: money never passes through a lossy number.
    expect((await first.raw('SELECT 9007199254740993::bigint AS big')).rows[0].big).toBe(9007199254740993n);
    await first.destroy();

    const again = await openDatabase({ databaseUrl: undefined, pgliteDir: dir }, logger);
    expect(await again('referral_codes').where({ code: 'KEEPME22' }).first('user_id')).toEqual({ user_id: 'alice' });
    const [, pending] = (await again.migrate.list()) as [unknown[], unknown[]];
    expect(pending).toEqual([]);
    await again.destroy();
  });

  it('refuses a folder another live process holds, and takes over one whose process is gone', async () => {
    const dir = path.join(root, 'held');
    // The parent of this test process is alive and is not us.
    await writeFile(`${dir}.pid`, String(process.ppid));
    expect(() => createEmbeddedKnex(dir)).toThrow(EmbeddedDatabaseInUseError);

    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => gone.once('exit', resolve));
    await writeFile(`${dir}.pid`, String(gone.pid));
    const knex = createEmbeddedKnex(dir);
    expect((await knex.raw('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    // Not twice in one process either: two PGlite instances on one folder corrupt it just the same.
    expect(() => createEmbeddedKnex(dir)).toThrow(EmbeddedDatabaseInUseError);
    await knex.destroy();
    // A file with our own pid that we do not hold is a previous run's (a container's pid 1): taken over.
    await writeFile(`${dir}.pid`, String(process.pid));
    const after = createEmbeddedKnex(dir);
    expect((await after.raw('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await after.destroy();
  });
});
