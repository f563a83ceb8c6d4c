import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { RuleSet } from './rule-set.ts';
import { RuleSetInvalidError } from './rule-errors.ts';
import type { LoadedRuleFile, RuleFileContent } from './rule-file.ts';
import { parseRuleJson, type RuleIssue } from './safe-json.ts';
import { schemaIssues } from './schema-issues.ts';
import { semanticIssues } from './rule-semantics.ts';
import { crossFileIssues } from './cross-file-checks.ts';
import { RULE_FILE_LIMITS } from './rule-file-schema.ts';

export interface RuleSource {
  /** Path shown in messages, e.g. "rules/referral/referral-v1.json". */
  file: string;
  text: string;
}

/** Validates one file on its own (the CLI's and the admin API's single-file check). */
export function checkRuleFile(source: RuleSource): { issues: RuleIssue[]; file?: LoadedRuleFile } {
  const parsed = parseRuleJson(source.file, source.text);
  if (!parsed.ok) return { issues: parsed.issues };
  const issues = schemaIssues(source.file, parsed.value);
  if (issues.length > 0) return { issues };
  const content = parsed.value as RuleFileContent;
  const semantic = semanticIssues(source.file, content);
  if (semantic.length > 0) return { issues: semantic };
  return {
    issues: [],
    file: {
      file: source.file,
      hash: createHash('sha256').update(source.text).digest('hex'),
      content,
      from: Date.parse(content.effectiveFrom),
      until: content.effectiveUntil === undefined ? undefined : Date.parse(content.effectiveUntil),
    },
  };
}

/**
 * Builds a rule set from sources, all or nothing.
 * @throws RuleSetInvalidError listing every problem in every file.
 */
export function buildRuleSet(sources: readonly RuleSource[], label = 'rules'): RuleSet {
  const issues: RuleIssue[] = [];
  const files: LoadedRuleFile[] = [];
  for (const source of sources) {
    const result = checkRuleFile(source);
    issues.push(...result.issues);
    if (result.file) files.push(result.file);
  }
  if (issues.length === 0) issues.push(...crossFileIssues(files, label));
  if (issues.length > 0) throw new RuleSetInvalidError(issues);
  return new RuleSet(files);
}

/**
 * Reads every *.json file under `dir` (recursively) and builds the rule set.
 * Paths in messages are relative to the working directory, as a marketer types them.
 * @throws RuleSetInvalidError
 */
export async function loadRuleSet(dir: string): Promise<RuleSet> {
  const label = displayPath(dir);
  let paths: string[];
  try {
    paths = await listJsonFiles(dir);
  } catch (error) {
    throw new RuleSetInvalidError([{ file: label, pointer: '', message: `cannot read the rules folder: ${(error as Error).message}` }]);
  }
  const sources: RuleSource[] = [];
  const issues: RuleIssue[] = [];
  for (const filePath of paths) {
    const file = displayPath(filePath);
    const size = (await stat(filePath)).size;
    if (size > RULE_FILE_LIMITS.maxBytes) {
      // Refuse before reading, so a huge file cannot exhaust memory.
      issues.push({ file, pointer: '', message: `file is ${size} bytes; the limit is ${RULE_FILE_LIMITS.maxBytes}. Split it into several files.` });
      continue;
    }
    sources.push({ file, text: await readFile(filePath, 'utf8') });
  }
  if (issues.length > 0) throw new RuleSetInvalidError(issues);
  return buildRuleSet(sources, label);
}

async function listJsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

function displayPath(filePath: string): string {
  const relative = path.relative(process.cwd(), filePath);
  return relative.startsWith('..') ? filePath : relative.split(path.sep).join('/');
}
