import type { RuleRegistry } from './rule-registry.ts';
import { crossFileIssues } from './cross-file-checks.ts';
import { checkRuleFile } from './rule-set-loader.ts';
import type { RuleSet } from './rule-set.ts';
import type { RuleVersionRow, RuleVersionStore } from './rule-version-store.ts';
import type { RuleIssue } from './safe-json.ts';

/** One loaded rule file as the admin view shows it. */
export interface LoadedVersion {
  id: string;
  policy: string;
  version: number;
  hash: string;
  file: string;
  effectiveFrom: string;
  effectiveUntil: string | null;
}

export interface LoadedRuleSetView {
  /** sha256 over the files' hashes: one value for the set as a whole. */
  hash: string;
  loadedAt: string | null;
  files: LoadedVersion[];
}

export interface ValidationReport {
  valid: boolean;
  /** The CLI's messages: where (file and JSON pointer) and what. */
  issues: RuleIssue[];
  /** What the file is, when it is valid. */
  version?: { id: string; policy: string; version: number; hash: string };
  /**
   * When the file is valid on its own: would it load next to the rule set in
   * use (versions, timelines)? A file whose name matches a loaded file's path
   * (or its end) is checked as replacing it, any other as added.
   */
  withLoadedSet?: { valid: boolean; replaces: string | null; issues: RuleIssue[] };
}

/** A rule file sent for checking: its name and its content (parsed JSON or the file's text). */
export interface RuleFileSubmission {
  file: string;
  content: unknown;
}

/**
 * The admin side of the rules: what is loaded, a dry-run check of one file,
 * and reloading RULES_DIR. A reload that fails leaves the current set in use
 * (RuleRegistry builds the new set completely before swapping).
 */
export class RuleAdminService {
  constructor(
    private readonly registry: RuleRegistry,
    private readonly versions: RuleVersionStore,
    private readonly onLoaded: (ruleSet: RuleSet) => void = () => undefined,
  ) {}

  loaded(): LoadedRuleSetView {
    const ruleSet = this.registry.get();
    return { hash: ruleSet.hash, loadedAt: this.registry.lastLoadedAt()?.toISOString() ?? null, files: ruleSet.files.map(versionOf) };
  }

  /** Every version this service (or another process on the same database) has ever loaded. */
  async history(): Promise<RuleVersionRow[]> {
    return this.versions.list();
  }

  /** The CLI's single-file check (`rules validate file.json`); changes nothing. */
  validate(submission: RuleFileSubmission): ValidationReport {
    const text = typeof submission.content === 'string' ? submission.content : JSON.stringify(submission.content);
    const { issues, file } = checkRuleFile({ file: submission.file, text });
    if (!file) return { valid: false, issues };
    const { id, policy, version } = file.content;
    const loaded = this.registry.get().files;
    const replaced = loaded.find((candidate) => candidate.file === submission.file || candidate.file.endsWith(`/${submission.file}`));
    const together = crossFileIssues([...loaded.filter((candidate) => candidate !== replaced), file], 'rules');
    return {
      valid: true,
      issues: [],
      version: { id, policy, version, hash: file.hash },
      withLoadedSet: { valid: together.length === 0, replaces: replaced?.file ?? null, issues: together },
    };
  }

  /** @throws RuleSetInvalidError with every problem; the set in use stays. */
  async reload(): Promise<{ previousHash: string | null; view: LoadedRuleSetView }> {
    const previousHash = this.registry.isLoaded() ? this.registry.get().hash : null;
    const ruleSet = await this.registry.reload();
    this.onLoaded(ruleSet);
    return { previousHash, view: this.loaded() };
  }
}

function versionOf(file: RuleSet['files'][number]): LoadedVersion {
  const { id, policy, version, effectiveFrom, effectiveUntil } = file.content;
  return { id, policy, version, hash: file.hash, file: file.file, effectiveFrom, effectiveUntil: effectiveUntil ?? null };
}
