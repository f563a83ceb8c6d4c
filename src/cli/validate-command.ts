import { readFile, stat } from 'node:fs/promises';
import { RuleSetInvalidError } from '../rules/rule-errors.ts';
import { checkRuleFile, loadRuleSet } from '../rules/rule-set-loader.ts';
import type { RuleFileRef } from '../rules/rule-file.ts';
import { printIssues, type CliIo } from './cli-io.ts';

/**
 * `rules validate [path]`: checks a rules folder as the service would load it
 * (every file, then the checks across files), or a single file on its own.
 * @returns the exit code: 0 when valid, 1 on any problem.
 */
export async function validateCommand(io: CliIo, target: string): Promise<number> {
  const isFile = await stat(target).then((info) => info.isFile(), () => false);
  try {
    const refs = isFile ? [await validateOneFile(target)] : (await loadRuleSet(target)).refs();
    io.out(`✓ ${refs.length} file${refs.length === 1 ? '' : 's'} valid (${refs.map(versionLabel).join(', ')})`);
    return 0;
  } catch (error) {
    if (!(error instanceof RuleSetInvalidError)) throw error;
    printIssues(io, error);
    return 1;
  }
}

async function validateOneFile(file: string): Promise<RuleFileRef> {
  const { issues, file: loaded } = checkRuleFile({ file, text: await readFile(file, 'utf8') });
  if (!loaded) throw new RuleSetInvalidError(issues);
  const { id, policy, version } = loaded.content;
  return { file, id, policy, version, hash: loaded.hash };
}

function versionLabel(ref: RuleFileRef): string {
  return `${ref.id}@${ref.version}`;
}
