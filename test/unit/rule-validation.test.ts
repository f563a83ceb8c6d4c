import { describe, expect, it } from 'vitest';
import { buildRuleSet, checkRuleFile } from '../../src/rules/rule-set-loader.ts';
import { RuleSetInvalidError } from '../../src/rules/rule-errors.ts';
import { RuleRegistry } from '../../src/rules/rule-registry.ts';
import { formatIssue } from '../../src/rules/safe-json.ts';
import { RULE_FILE_LIMITS } from '../../src/rules/rule-file-schema.ts';
import { SHIPPED_PATHS, shippedRuleFiles, toSources, type EditableRuleFile } from './support/shipped-rule-files.ts';

const { campaign: C, fraud: F, referral: R, stacking: S, tiers: T } = SHIPPED_PATHS;

/** Builds the shipped program after `edit` and returns every problem as a marketer reads it. */
function problemsAfter(edit: (files: Record<string, EditableRuleFile>) => void): string[] {
  const files = shippedRuleFiles();
  edit(files);
  try {
    buildRuleSet(toSources(files));
    return [];
  } catch (error) {
    if (!(error instanceof RuleSetInvalidError)) throw error;
    return error.issues.map(formatIssue);
  }
}

describe('the shipped program', () => {
  it('is valid', () => {
    expect(problemsAfter(() => {})).toEqual([]);
  });
});

describe('facts, paths and operators', () => {
  it('names an unknown fact and suggests the close one', () => {
    expect(problemsAfter((f) => (f[C].rules[0].conditions.all[0].fact = 'refree'))).toEqual([
      'rules/campaigns/holiday-2026.json#/rules/0/conditions/all/0/fact: unknown fact "refree" (did you mean "referee"?)',
    ]);
  });

  it('names an unknown operator and suggests the close one', () => {
    expect(problemsAfter((f) => (f[R].rules[0].conditions.all[0].operator = 'equals'))).toEqual([
      'rules/referral/referral-v1.json#/rules/0/conditions/all/0/operator: unknown operator "equals" (did you mean "equal"?)',
    ]);
  });

  it('refuses a path that belongs to another fact and lists the fact\'s paths', () => {
    expect(problemsAfter((f) => (f[R].rules[1].conditions.all[1].path = '$.successfulReferrals'))).toEqual([
      'rules/referral/referral-v1.json#/rules/1/conditions/all/1/path: "$.successfulReferrals" is not a path of fact "referee" (allowed: "$.isFirstOrder", "$.priorOrderCount", "$.daysSinceFirstOrder")',
    ]);
  });

  it('refuses a quoted number for a numeric operator (the "9" > "10" trap)', () => {
    expect(problemsAfter((f) => (f[T].rules[1].conditions.all[0].value = '10'))).toEqual([
      'rules/tiers/tiers-v1.json#/rules/1/conditions/all/0/value: referrer.successfulReferrals is a number; "greaterThanInclusive" needs a number value, got "10" (write 10, not "10")',
    ]);
  });

  it('refuses a value of the wrong type for equal', () => {
    expect(problemsAfter((f) => (f[F].rules[0].conditions.all[0].value = 'true'))).toEqual([
      'rules/fraud/fraud-v1.json#/rules/0/conditions/all/0/value: fraud.sameUser is boolean; "true" can never match it',
    ]);
  });

  it('suggests the right name for a misspelt property of a condition', () => {
    expect(problemsAfter((f) => {
      const test = f[S].rules[0].conditions.all[0];
      test.facts = test.fact;
      delete test.fact;
    })).toContain(
      'rules/stacking/stacking-v1.json#/rules/0/conditions/all/0/facts: unknown property "facts" (did you mean "fact"?); remove it or fix its name',
    );
  });

  it('suggests the right name for a misspelt top-level property', () => {
    expect(problemsAfter((f) => (f[F].descripton = 'typo'))).toEqual([
      'rules/fraud/fraud-v1.json#/descripton: unknown property "descripton" (did you mean "description"?); remove it or fix its name',
    ]);
  });

  it('reports a null value once, not once per allowed type', () => {
    expect(problemsAfter((f) => (f[F].rules[0].conditions.all[0].value = null))).toEqual([
      'rules/fraud/fraud-v1.json#/rules/0/conditions/all/0/value: must be a string, number, boolean or a list of them, got null',
    ]);
  });
});

describe('contradictions and tiers', () => {
  it('finds thresholds in one "all" that can never hold together', () => {
    expect(problemsAfter((f) => f[T].rules[1].conditions.all.push({ fact: 'referrer', path: '$.successfulReferrals', operator: 'lessThan', value: 5 }))).toEqual([
      'rules/tiers/tiers-v1.json#/rules/1/conditions/all/1: referrer.successfulReferrals cannot be >= 10 (/rules/1/conditions/all/0) and < 5 at once; this rule can never fire',
    ]);
  });

  it('finds two different equal values for one path', () => {
    expect(problemsAfter((f) => f[F].rules[0].conditions.all.push({ fact: 'fraud', path: '$.sameUser', operator: 'equal', value: false }))).toEqual([
      'rules/fraud/fraud-v1.json#/rules/0/conditions/all/1: fraud.sameUser cannot equal both true (/rules/0/conditions/all/0) and false; this rule can never fire',
    ]);
  });

  it('finds a tier that needs more referrals but pays less than the one below', () => {
    expect(problemsAfter((f) => (f[T].rules[2].event.params.cashbackPercent = 1.5))).toEqual([
      'rules/tiers/tiers-v1.json#/rules/2/event/params/cashbackPercent: this tier needs 50 successful referrals but pays 1.5%, no more than the tier from 10 (2%), so it can never apply; raise its rate',
    ]);
  });

  it('finds a tier that pays less than any easier tier, not only the one just below', () => {
    const problems = problemsAfter((f) => {
      f[T].rules[0].event.params.cashbackPercent = 3; // bronze from 0
      f[T].rules[1].event.params.cashbackPercent = 1; // silver from 10
      f[T].rules[2].event.params.cashbackPercent = 2; // gold from 50: beats silver, never bronze
    });
    expect(problems).toEqual([
      'rules/tiers/tiers-v1.json#/rules/1/event/params/cashbackPercent: this tier needs 10 successful referrals but pays 1%, no more than the tier from 0 (3%), so it can never apply; raise its rate',
      'rules/tiers/tiers-v1.json#/rules/2/event/params/cashbackPercent: this tier needs 50 successful referrals but pays 2%, no more than the tier from 0 (3%), so it can never apply; raise its rate',
    ]);
  });

  it('finds two tiers with the same threshold, whether written > 9 or >= 10', () => {
    expect(problemsAfter((f) => (f[T].rules[2].conditions.all[0] = { fact: 'referrer', path: '$.successfulReferrals', operator: 'greaterThan', value: 9 }))).toEqual([
      'rules/tiers/tiers-v1.json#/rules/2/conditions: two tiers start at 10 successful referrals (/rules/1 too); give each tier its own threshold',
    ]);
  });
});

describe('money in rule files', () => {
  it('refuses an unknown currency', () => {
    expect(problemsAfter((f) => {
      f[R].rules[0].event.params.minEligibleSubtotal.XYZ = '10.00';
      f[R].rules[0].event.params.maxDiscount.XYZ = '10.00';
    })).toEqual([
      'rules/referral/referral-v1.json#/rules/0/event/params/minEligibleSubtotal/XYZ: unknown currency "XYZ"; use an ISO 4217 code such as "USD"',
      'rules/referral/referral-v1.json#/rules/0/event/params/maxDiscount/XYZ: unknown currency "XYZ"; use an ISO 4217 code such as "USD"',
    ]);
  });

  it('refuses decimals JPY does not have', () => {
    expect(problemsAfter((f) => (f[R].rules[0].event.params.minEligibleSubtotal.JPY = '3000.5'))).toEqual([
      'rules/referral/referral-v1.json#/rules/0/event/params/minEligibleSubtotal/JPY: JPY has no minor units; write "3000" without decimals',
    ]);
  });

  it('accepts three decimals for KWD and refuses four', () => {
    const withKwd = (amount: string) => (f: Record<string, EditableRuleFile>) => {
      f[R].rules[0].event.params.minEligibleSubtotal.KWD = amount;
      f[R].rules[0].event.params.maxDiscount.KWD = '5.000';
    };
    expect(problemsAfter(withKwd('6.125'))).toEqual([]);
    expect(problemsAfter(withKwd('6.1250'))).toEqual([
      'rules/referral/referral-v1.json#/rules/0/event/params/minEligibleSubtotal/KWD: KWD has 3 decimal places; "6.1250" has 4',
    ]);
  });

  it('refuses a minimum without a cap', () => {
    expect(problemsAfter((f) => (f[R].rules[0].event.params.minEligibleSubtotal.GBP = '20.00'))).toEqual([
      'rules/referral/referral-v1.json#/rules/0/event/params/maxDiscount: no cap for GBP; add "GBP" to maxDiscount (every currency with a minimum needs a cap)',
    ]);
  });

  it('refuses a percent above 100', () => {
    expect(problemsAfter((f) => (f[R].rules[0].event.params.percent = 150))).toEqual([
      'rules/referral/referral-v1.json#/rules/0/event/params/percent: must be <= 100, got number 150',
    ]);
  });

  it('refuses a money amount written as a number', () => {
    expect(problemsAfter((f) => (f[C].campaign.budget.USD = 50000))).toEqual([
      'rules/campaigns/holiday-2026.json#/campaign/budget/USD: must be a string, got number 50000',
    ]);
  });
});

describe('campaign windows', () => {
  it('refuses a campaign that ends before it starts', () => {
    expect(problemsAfter((f) => (f[C].campaign.window.end = '2026-12-19T00:00'))).toEqual([
      'rules/campaigns/holiday-2026.json#/campaign/window/end: the campaign ends (2026-12-19T00:00) before or when it starts (2026-12-20T00:00); swap or fix the dates',
    ]);
  });

  it('refuses an unknown time zone', () => {
    expect(problemsAfter((f) => (f[C].campaign.window.timeZone = 'America/New_Yrok'))).toEqual([
      'rules/campaigns/holiday-2026.json#/campaign/window/timeZone: unknown time zone "America/New_Yrok"; use an IANA name such as "America/New_York"',
    ]);
  });

  it('refuses a local time the clocks skip (DST gap), with or without seconds', () => {
    expect(problemsAfter((f) => (f[C].campaign.window.end = '2027-03-14T02:30'))).toEqual([
      'rules/campaigns/holiday-2026.json#/campaign/window/end: "2027-03-14T02:30" does not exist in America/New_York (the clocks skip it for daylight saving time); pick another time',
    ]);
    expect(problemsAfter((f) => (f[C].campaign.window.end = '2027-03-14T02:00:00'))).toEqual([
      'rules/campaigns/holiday-2026.json#/campaign/window/end: "2027-03-14T02:00:00" does not exist in America/New_York (the clocks skip it for daylight saving time); pick another time',
    ]);
  });

  it('refuses a date that does not exist', () => {
    expect(problemsAfter((f) => (f[C].campaign.window.start = '2026-02-30T00:00'))).toEqual([
      'rules/campaigns/holiday-2026.json#/campaign/window/start: "2026-02-30T00:00" is not a valid date and time',
    ]);
  });
});

describe('effective dates', () => {
  it('refuses an effectiveFrom that passes the format but cannot be read as an instant', () => {
    // RFC 3339 allows "+05" and leap seconds; Date.parse reads neither, and a
    // file with no start instant would silently never be in force.
    expect(problemsAfter((f) => (f[F].effectiveFrom = '2026-01-01T00:00:00+05'))).toEqual([
      'rules/fraud/fraud-v1.json#/effectiveFrom: "2026-01-01T00:00:00+05" cannot be read as an instant; write it like "2026-12-01T00:00:00-05:00"',
    ]);
    expect(problemsAfter((f) => (f[F].effectiveUntil = '2026-12-31T23:59:60Z'))).toEqual([
      'rules/fraud/fraud-v1.json#/effectiveUntil: "2026-12-31T23:59:60Z" cannot be read as an instant; write it like "2026-12-01T00:00:00-05:00"',
    ]);
  });

  it('refuses an effectiveUntil that is not after effectiveFrom', () => {
    expect(problemsAfter((f) => (f[F].effectiveUntil = '2025-12-31T19:00:00-05:00'))).toEqual([
      'rules/fraud/fraud-v1.json#/effectiveUntil: effectiveUntil (2025-12-31T19:00:00-05:00) must be after effectiveFrom (2026-01-01T00:00:00Z)',
    ]);
  });
});

describe('several files', () => {
  it('refuses the same id and version twice', () => {
    const problems = problemsAfter((f) => {
      const copy = structuredClone(f[R]);
      copy.effectiveFrom = '2026-06-01T00:00:00Z';
      f['rules/referral/referral-v2.json'] = copy;
    });
    expect(problems).toContain(
      'rules/referral/referral-v2.json#/version: id "referral" version 1 is also defined in rules/referral/referral-v1.json; give this file the next version number',
    );
  });

  it('refuses two versions of a policy starting at the same instant, however the offset is written', () => {
    expect(problemsAfter((f) => {
      const copy = structuredClone(f[R]);
      copy.version = 2;
      copy.effectiveFrom = '2025-12-31T19:00:00-05:00';
      f['rules/referral/referral-v2.json'] = copy;
    })).toEqual([
      'rules/referral/referral-v2.json#/effectiveFrom: policy "referral" already has a version effective from 2025-12-31T19:00:00-05:00 (rules/referral/referral-v1.json); two versions cannot start at the same instant',
    ]);
  });

  it('refuses a later version with a lower number', () => {
    expect(problemsAfter((f) => {
      const copy = structuredClone(f[R]);
      copy.effectiveFrom = '2026-06-01T00:00:00Z';
      f[R].version = 2;
      f['rules/referral/referral-later.json'] = copy;
    })).toEqual([
      'rules/referral/referral-later.json#/version: policy "referral": version 1 starts after version 2 (rules/referral/referral-v1.json); a later version needs a higher number',
    ]);
  });

  it('refuses a set without a required policy', () => {
    expect(problemsAfter((f) => delete f[F])).toEqual([
      'rules#: no rule file for the required policy "fraud"; add one (see rules/README.md)',
    ]);
  });

  it('reports "settings" and "campaign" in the wrong policy file both, not only the first', () => {
    expect(problemsAfter((f) => {
      f[T].settings = { attributionWindowDays: 30, holdDays: 15 };
      f[T].campaign = structuredClone(f[C].campaign);
    })).toEqual([
      'rules/tiers/tiers-v1.json#/settings: "settings" belongs only in a referral policy file; this file\'s policy is "tiers"',
      'rules/tiers/tiers-v1.json#/campaign: "campaign" belongs only in a campaign policy file; this file\'s policy is "tiers"',
    ]);
  });
});

describe('hostile or oversized files', () => {
  it('refuses a __proto__ key before anything reads the object', () => {
    expect(problemsAfter((f) => {
      f[F] = JSON.stringify(f[F]).replace('"description"', '"__proto__": {"polluted": true}, "description"');
    })).toEqual(['rules/fraud/fraud-v1.json#/__proto__: the key "__proto__" is not allowed in rule files; remove it']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses constructor and prototype keys anywhere', () => {
    expect(problemsAfter((f) => {
      f[F].rules[0].event.params.constructor = 'x';
      f[F].rules[1].conditions.prototype = {};
    })).toEqual([
      'rules/fraud/fraud-v1.json#/rules/0/event/params/constructor: the key "constructor" is not allowed in rule files; remove it',
      'rules/fraud/fraud-v1.json#/rules/1/conditions/prototype: the key "prototype" is not allowed in rule files; remove it',
    ]);
  });

  it('refuses a file over the size limit', () => {
    const problems = problemsAfter((f) => (f[F].description = 'x'.repeat(RULE_FILE_LIMITS.maxBytes)));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^rules\/fraud\/fraud-v1\.json#: file is \d+ bytes; the limit is 262144\. Split it into several files\.$/);
  });

  it('refuses JSON nested deeper than the cap', () => {
    const problems = problemsAfter((f) => {
      let node: EditableRuleFile = { fact: 'fraud', path: '$.sameUser', operator: 'equal', value: true };
      for (let i = 0; i < 30; i++) node = { all: [node] };
      f[F].rules[0].conditions = node;
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^rules\/fraud\/fraud-v1\.json#\/rules\/0\/conditions(\/all\/0)+: nested too deeply \(more than 20 levels\); flatten the conditions$/);
  });

  it('refuses conditions nested deeper than the condition cap', () => {
    expect(problemsAfter((f) => {
      let node: EditableRuleFile = { fact: 'fraud', path: '$.sameUser', operator: 'equal', value: true };
      for (let i = 0; i < RULE_FILE_LIMITS.maxConditionDepth + 1; i++) node = { all: [node] };
      f[F].rules[0].conditions = node;
    })).toEqual([
      `rules/fraud/fraud-v1.json#/rules/0/conditions${'/all/0'.repeat(RULE_FILE_LIMITS.maxConditionDepth)}: conditions are nested 7 deep; the limit is 6`,
    ]);
  });

  it('reports invalid JSON with the file name', () => {
    const [problem] = checkRuleFile({ file: 'rules/fraud/broken.json', text: '{ "id": ' }).issues.map(formatIssue);
    expect(problem).toMatch(/^rules\/fraud\/broken\.json#: not valid JSON: /);
  });
});

describe('reloading', () => {
  it('keeps the good rule set when the new one is invalid', async () => {
    const good = buildRuleSet(toSources(shippedRuleFiles()));
    const broken = shippedRuleFiles();
    broken[C].rules[0].conditions.all[0].fact = 'refree';
    let next = () => good;
    const registry = new RuleRegistry(async () => next());
    await registry.reload();

    next = () => buildRuleSet(toSources(broken));
    await expect(registry.reload()).rejects.toThrow('unknown fact "refree"');
    expect(registry.get()).toBe(good);
  });
});
