import { createHash } from 'node:crypto';
import { REQUIRED_POLICIES, type PolicyName } from './effect-catalog.ts';
import { resolveCampaignWindow, type ResolvedWindow } from './campaign-window.ts';
import type { LoadedRuleFile, ReferralSettings, RuleFileRef } from './rule-file.ts';
import { NoRuleSetInForceError, UnreadableInstantError } from './rule-errors.ts';

export interface ActiveCampaign {
  readonly file: LoadedRuleFile;
  readonly window: ResolvedWindow;
}

/** The rule files in force at one instant. */
export interface SelectedRules {
  readonly policies: ReadonlyMap<Exclude<PolicyName, 'campaign'>, LoadedRuleFile>;
  /** Campaigns whose version is in force and whose window contains `at`. */
  readonly campaigns: readonly ActiveCampaign[];
  readonly settings: ReferralSettings;
}

export function refOf(file: LoadedRuleFile): RuleFileRef {
  const { id, policy, version } = file.content;
  return { file: file.file, id, policy, version, hash: file.hash };
}

/**
 * An immutable, validated set of rule files. A policy's files form one
 * timeline; each campaign id is a timeline of its own, since several campaigns
 * may run at once.
 */
export class RuleSet {
  readonly files: readonly LoadedRuleFile[];
  /** sha256 over the files' hashes: identifies the set as a whole. */
  readonly hash: string;
  private readonly timelines: ReadonlyMap<string, readonly LoadedRuleFile[]>;
  private readonly windows: ReadonlyMap<LoadedRuleFile, ResolvedWindow>;
  /** Sorted instants at which the selection can change (effective dates, campaign window ends). */
  private readonly boundaries: readonly number[];
  /** Selection per interval between boundaries, computed on first use: every purchase selects, few intervals exist. */
  private readonly intervals: Array<SelectedRules | { missing: string[] } | undefined>;

  constructor(files: readonly LoadedRuleFile[]) {
    this.files = [...files].sort((a, b) => a.file.localeCompare(b.file));
    this.hash = createHash('sha256').update(this.files.map((f) => `${f.file}:${f.hash}`).join('\n')).digest('hex');
    const timelines = new Map<string, LoadedRuleFile[]>();
    const windows = new Map<LoadedRuleFile, ResolvedWindow>();
    for (const file of this.files) {
      const key = timelineKey(file);
      timelines.set(key, [...(timelines.get(key) ?? []), file]);
      if (file.content.campaign) {
        const window = resolveCampaignWindow(file.content.campaign.window);
        if (window.ok) windows.set(file, window.window);
      }
    }
    for (const list of timelines.values()) list.sort((a, b) => b.from - a.from);
    this.timelines = timelines;
    this.windows = windows;
    const instants = new Set<number>();
    for (const file of this.files) {
      instants.add(file.from);
      if (file.until !== undefined) instants.add(file.until);
    }
    for (const window of windows.values()) {
      instants.add(window.start);
      instants.add(window.end);
    }
    this.boundaries = [...instants].sort((a, b) => a - b);
    this.intervals = new Array(this.boundaries.length + 1).fill(undefined);
  }

  /**
   * The files in force at `at` (epoch ms): per timeline, the file with the
   * greatest effectiveFrom <= at whose effectiveUntil (exclusive) is later.
   * @throws NoRuleSetInForceError when a required policy has no file in force.
   * @throws UnreadableInstantError when `at` is NaN (Date.parse of an unreadable time).
   */
  select(at: number): SelectedRules {
    // NaN matches no version, and NoRuleSetInForceError cannot even format it.
    if (Number.isNaN(at)) throw new UnreadableInstantError('the order time');
    // Between two boundaries every comparison below gives the same answer, so
    // the selection is computed once per interval.
    const interval = upperBound(this.boundaries, at);
    let selection = this.intervals[interval];
    if (!selection) {
      selection = this.compute(at);
      this.intervals[interval] = selection;
    }
    if ('missing' in selection) throw new NoRuleSetInForceError(new Date(at).toISOString(), selection.missing);
    return selection;
  }

  private compute(at: number): SelectedRules | { missing: string[] } {
    const policies = new Map<Exclude<PolicyName, 'campaign'>, LoadedRuleFile>();
    const campaigns: ActiveCampaign[] = [];
    for (const [key, timeline] of this.timelines) {
      const file = timeline.find((candidate) => candidate.from <= at && (candidate.until === undefined || at < candidate.until));
      if (!file) continue;
      if (file.content.policy === 'campaign') {
        const window = this.windows.get(file);
        if (window && window.start <= at && at < window.end) campaigns.push({ file, window });
      } else {
        policies.set(key as Exclude<PolicyName, 'campaign'>, file);
      }
    }
    const missing = REQUIRED_POLICIES.filter((policy) => !policies.has(policy as Exclude<PolicyName, 'campaign'>));
    if (missing.length > 0) return { missing };
    const settings = policies.get('referral')!.content.settings!;
    return { policies, campaigns, settings };
  }

  /** Every version of every file, for the admin view and the rule_set_versions table. */
  refs(): RuleFileRef[] {
    return this.files.map(refOf);
  }
}

/** How many boundaries are <= at: the index of the interval that contains `at`. */
function upperBound(sorted: readonly number[], at: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}

function timelineKey(file: LoadedRuleFile): string {
  return file.content.policy === 'campaign' ? `campaign:${file.content.id}` : file.content.policy;
}
