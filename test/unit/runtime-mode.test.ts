import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { describeRuntime, runtimeMode } from '../../src/runtime-mode.ts';

const PG = 'postgres://app:secret@db.internal:5433/referrals';
const REDIS = 'redis://:secret@cache.internal:6380/2';

describe('mode selection', () => {
  it('with neither DATABASE_URL nor REDIS_URL: embedded PGlite in .data/pglite, events in-process', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.pgliteDir).toBe('.data/pglite');
    expect(runtimeMode(config)).toEqual({ database: 'embedded', events: 'in-process' });
  });

  it('empty values count as unset', () => {
    expect(runtimeMode(loadConfig({ DATABASE_URL: '', REDIS_URL: '' }))).toEqual({ database: 'embedded', events: 'in-process' });
  });

  it('PGLITE_DIR moves the embedded database', () => {
    expect(loadConfig({ PGLITE_DIR: '/var/lib/referrals' }).pgliteDir).toBe('/var/lib/referrals');
  });

  it('with both: PostgreSQL and BullMQ, the production mode', () => {
    const config = loadConfig({ DATABASE_URL: PG, REDIS_URL: REDIS });
    expect(runtimeMode(config)).toEqual({ database: 'postgres', events: 'bullmq' });
  });

  it('DATABASE_URL alone: PostgreSQL with events processed in the server', () => {
    expect(runtimeMode(loadConfig({ DATABASE_URL: PG }))).toEqual({ database: 'postgres', events: 'in-process' });
  });

  it('REDIS_URL alone is refused: workers cannot open the embedded database', () => {
    expect(() => loadConfig({ REDIS_URL: REDIS })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: REDIS })).toThrow(/DATABASE_URL/);
  });

  it('still refuses a malformed or foreign URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL: must start with postgres:/);
    expect(() => loadConfig({ DATABASE_URL: PG, REDIS_URL: 'not a url' })).toThrow(/REDIS_URL: "not a url" is not a URL/);
  });
});

describe('the startup description', () => {
  it('names the folder and says how to switch to production', () => {
    const text = describeRuntime(loadConfig({ PGLITE_DIR: 'data/db' }));
    expect(text.database).toBe('embedded PGlite at data/db');
    expect(text.events).toMatch(/^in-process/);
    expect(text.production).toMatch(/DATABASE_URL.*REDIS_URL.*npm run migrate.*npm run worker/);
  });

  it('names servers without credentials, and needs no advice in production mode', () => {
    const text = describeRuntime(loadConfig({ DATABASE_URL: PG, REDIS_URL: REDIS }));
    expect(text).toEqual({ database: 'PostgreSQL db.internal:5433/referrals', events: 'BullMQ at cache.internal:6380/2 (run "npm run worker" to process them)' });
    expect(JSON.stringify(text)).not.toContain('secret');
  });
});
