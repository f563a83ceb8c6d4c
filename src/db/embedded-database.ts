import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import { DomainError } from '../domain-error.ts';
import { migrationSource } from './migration-source.ts';

/** PGlite keeps its data in a folder or, with this value, in memory (tests). */
export const IN_MEMORY = 'memory://';

export class EmbeddedDatabaseInUseError extends DomainError {
  constructor(dir: string, pid: number) {
    super(`the embedded database at ${dir} is open in another process (pid ${pid}); PGlite allows one process per folder. Stop that process (or, if pid ${pid} is not this service, delete ${dir}.pid), or set PGLITE_DIR to another folder`, 'embedded-database-in-use');
  }
}

/**
 * A Knex instance on the embedded PostgreSQL (PGlite, through knex-pglite):
 * the same SQL and migrations as the server, in one process.
 *
 * Things that differ from a PostgreSQL server, and what we do about them:
 * - ONE connection (knex-pglite fixes the pool at 1). A query on the root
 *   knex while the same code path holds a transaction waits for itself
 *   forever; stores therefore take the transaction as an argument, and
 *   in-process event handling runs one event at a time.
 * - Advisory locks (`pg_advisory_xact_lock`) work but never wait: there is
 *   no second session. Row locks (`FOR UPDATE`) likewise.
 * - int8 arrives as a JS number unless told otherwise; money is bigint
 *   everywhere, as with node-postgres (see create-knex.ts).
 * - Nothing stops a second process from opening the same folder and
 *   corrupting it, so a pid file beside the folder refuses that.
 */
export function createEmbeddedKnex(dir: string): Knex {
  const release = dir === IN_MEMORY ? () => undefined : lockFolder(dir);
  let pglite: PGlite;
  try {
    pglite = new PGlite(dir, { parsers: { [types.INT8]: (value: string) => BigInt(value) } });
  } catch (error) {
    release();
    throw error;
  }
  const knex = knexFactory({
    client: ClientPGLite,
    dialect: 'postgres',
    // knex-pglite takes a ready instance through a connection function (its types do not say so).
    connection: (() => ({ pglite })) as unknown as Knex.StaticConnectionConfig,
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
  // knex.destroy() ends in client.destroy(); knex-pglite closes PGlite only if a
  // connection was ever acquired, and the folder's pid file is ours to remove.
  const client = knex.client as { destroy(callback?: (error?: unknown) => void): Promise<void> };
  const destroy = client.destroy.bind(client);
  client.destroy = async (callback) => {
    try {
      await destroy();
      if (!pglite.closed) await pglite.close();
    } finally {
      release();
    }
    callback?.();
  };
  return knex;
}

/** Pid files this process holds: our own pid in a file we do not hold is a previous run's (a container's pid 1). */
const held = new Set<string>();

/** Takes `<dir>.pid`; a file left by a process that no longer runs is taken over. */
function lockFolder(dir: string): () => void {
  mkdirSync(path.dirname(path.resolve(dir)), { recursive: true });
  const pidFile = `${path.resolve(dir)}.pid`;
  if (held.has(pidFile)) throw new EmbeddedDatabaseInUseError(dir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(pidFile, String(process.pid), { flag: 'wx' });
      held.add(pidFile);
      return () => {
        held.delete(pidFile);
        rmSync(pidFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(pidFile, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) throw new EmbeddedDatabaseInUseError(dir, owner);
      rmSync(pidFile, { force: true });
    }
  }
  throw new Error(`could not take ${pidFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
