import { REQUIRED_POLICIES } from './effect-catalog.ts';
import type { LoadedRuleFile } from './rule-file.ts';
import type { RuleIssue } from './safe-json.ts';

/** Checks that involve several files: versions, timelines, required policies. */
export function crossFileIssues(files: readonly LoadedRuleFile[], label: string): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const byIdVersion = new Map<string, LoadedRuleFile>();
  const policyOfId = new Map<string, LoadedRuleFile>();
  const byTimelineFrom = new Map<string, LoadedRuleFile>();
  const timelines = new Map<string, LoadedRuleFile[]>();

  for (const file of files) {
    const { id, version, policy, effectiveFrom } = file.content;
    const idVersion = `${id}@${version}`;
    const twin = byIdVersion.get(idVersion);
    if (twin) issues.push({ file: file.file, pointer: '/version', message: `id "${id}" version ${version} is also defined in ${twin.file}; give this file the next version number` });
    byIdVersion.set(idVersion, file);

    const owner = policyOfId.get(id);
    if (owner && owner.content.policy !== policy) {
      issues.push({ file: file.file, pointer: '/policy', message: `id "${id}" is a ${owner.content.policy} policy in ${owner.file}; one id cannot belong to two policies` });
    }
    policyOfId.set(id, file);

    const timeline = policy === 'campaign' ? `campaign "${id}"` : `policy "${policy}"`;
    const sameStart = byTimelineFrom.get(`${timeline}|${file.from}`);
    if (sameStart) {
      issues.push({ file: file.file, pointer: '/effectiveFrom', message: `${timeline} already has a version effective from ${effectiveFrom} (${sameStart.file}); two versions cannot start at the same instant` });
    }
    byTimelineFrom.set(`${timeline}|${file.from}`, file);
    timelines.set(timeline, [...(timelines.get(timeline) ?? []), file]);
  }

  for (const [timeline, list] of timelines) {
    const ordered = [...list].sort((a, b) => a.from - b.from);
    for (let i = 1; i < ordered.length; i++) {
      const earlier = ordered[i - 1]!;
      const later = ordered[i]!;
      const sameIdVersion = later.content.id === earlier.content.id && later.content.version === earlier.content.version; // reported above
      if (later.from !== earlier.from && !sameIdVersion && later.content.version <= earlier.content.version) {
        issues.push({ file: later.file, pointer: '/version', message: `${timeline}: version ${later.content.version} starts after version ${earlier.content.version} (${earlier.file}); a later version needs a higher number` });
      }
    }
  }

  for (const policy of REQUIRED_POLICIES) {
    if (!files.some((file) => file.content.policy === policy)) {
      issues.push({ file: label, pointer: '', message: `no rule file for the required policy "${policy}"; add one (see rules/README.md)` });
    }
  }
  return issues;
}
