import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../src/db/migration-source.ts';

describe('migration list', () => {
  it('names every file in migrations/, in order, so none is silently skipped', () => {
    const files = readdirSync(new URL('../../migrations/', import.meta.url)).filter((name) => /^\d{14}_.+\.ts$/.test(name)).sort();
    expect([...MIGRATION_NAMES]).toEqual(files);
  });
});
