import type { Knex } from 'knex';
import type { RuleSet } from './rule-set.ts';

export interface RuleVersionRow {
  file: string;
  ruleId: string;
  policy: string;
  version: number;
  hash: string;
  loadedAt: Date;
}

/** Remembers every rule-file version the service has loaded, with its content, for audits. */
export class RuleVersionStore {
  constructor(private readonly knex: Knex) {}

  async record(ruleSet: RuleSet): Promise<void> {
    const rows = ruleSet.files.map((file) => ({
      file: file.file,
      rule_id: file.content.id,
      policy: file.content.policy,
      version: file.content.version,
      hash: file.hash,
      content: JSON.stringify(file.content),
    }));
    if (rows.length > 0) await this.knex('rule_set_versions').insert(rows).onConflict(['rule_id', 'version', 'hash']).ignore();
  }

  async list(): Promise<RuleVersionRow[]> {
    const rows = await this.knex('rule_set_versions').select('file', 'rule_id', 'policy', 'version', 'hash', 'loaded_at').orderBy([{ column: 'rule_id' }, { column: 'version' }]);
    return rows.map((row) => ({ file: row.file, ruleId: row.rule_id, policy: row.policy, version: row.version, hash: row.hash, loadedAt: row.loaded_at }));
  }
}
