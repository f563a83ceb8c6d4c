import type { Knex } from 'knex';
import * as initialSchema from '../../migrations/20261124000000_initial_schema.ts';
import * as purchaseContextFunction from '../../migrations/20261125000000_purchase_context_function.ts';
import * as historyIndexes from '../../migrations/20261125000100_history_indexes.ts';
import * as writePurchasesFunction from '../../migrations/20261125000200_write_purchases_function.ts';

/**
 * Migrations are imported statically rather than discovered by knex at run
 * time: knex's own loader uses a bare `import()` that Node cannot apply to .ts
 * files under vitest, and a static list works the same under tsx, vitest and
 * the compiled build. Add each new migration file here, in order;
 * test/unit/migration-source.test.ts fails when the list and the folder differ.
 */
const MIGRATIONS: ReadonlyArray<readonly [string, Knex.Migration]> = [
  ['20261124000000_initial_schema.ts', initialSchema],
  ['20261125000000_purchase_context_function.ts', purchaseContextFunction],
  ['20261125000100_history_indexes.ts', historyIndexes],
  ['20261125000200_write_purchases_function.ts', writePurchasesFunction],
];

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const entry = MIGRATIONS.find(([candidate]) => candidate === name);
    if (!entry) throw new Error(`unknown migration ${name}`);
    return entry[1];
  },
};

export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map(([name]) => name);
