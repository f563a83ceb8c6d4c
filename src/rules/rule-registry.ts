import type { RuleSet } from './rule-set.ts';

/**
 * Holds the rule set in use. A reload builds the new set completely before
 * swapping; if building throws, the current set stays and the error goes to
 * the caller, so a bad rule set never replaces a good one.
 */
export class RuleRegistry {
  private current: RuleSet | undefined;
  private loadedAt: Date | undefined;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly load: () => Promise<RuleSet>) {}

  /** @throws RuleSetInvalidError, leaving the current rule set in place. */
  reload(): Promise<RuleSet> {
    // Reloads run one after another, so a slow older load can never finish
    // last and replace a newer set.
    const run = this.pending.then(async () => {
      const next = await this.load();
      this.current = next;
      this.loadedAt = new Date();
      return next;
    });
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** The rule set in use. @throws Error before the first successful load. */
  get(): RuleSet {
    if (!this.current) throw new Error('no rule set loaded yet');
    return this.current;
  }

  isLoaded(): boolean {
    return this.current !== undefined;
  }

  lastLoadedAt(): Date | undefined {
    return this.loadedAt;
  }
}
