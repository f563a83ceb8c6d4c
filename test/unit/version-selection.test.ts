import { afterEach, describe, expect, it } from 'vitest';
import { resolveCampaignWindow } from '../../src/rules/campaign-window.ts';
import { NoRuleSetInForceError, UnreadableInstantError } from '../../src/rules/rule-errors.ts';
import { buildRuleSet } from '../../src/rules/rule-set-loader.ts';
import type { RuleSet } from '../../src/rules/rule-set.ts';
import { evaluatePurchase } from '../../src/engine/evaluate-purchase.ts';
import { SHIPPED_PATHS, shippedRuleFiles, toSources, type EditableRuleFile } from './support/shipped-rule-files.ts';
import { purchase } from './support/purchase.ts';

const { campaign: C, referral: R } = SHIPPED_PATHS;
const at = (iso: string) => Date.parse(iso);

function ruleSetWith(edit: (files: Record<string, EditableRuleFile>) => void): RuleSet {
  const files = shippedRuleFiles();
  edit(files);
  return buildRuleSet(toSources(files));
}

/** Referral v2 from `from`: 10% instead of 5%. */
function addReferralV2(files: Record<string, EditableRuleFile>, from: string, until?: string): void {
  const v2 = structuredClone(files[R]);
  v2.version = 2;
  v2.effectiveFrom = from;
  delete v2.effectiveUntil;
  if (until) v2.effectiveUntil = until;
  v2.rules[0].event.params.percent = 10;
  files['rules/referral/referral-v2.json'] = v2;
}

const referralVersion = (ruleSet: RuleSet, iso: string) => ruleSet.select(at(iso)).policies.get('referral')?.content.version;
const activeCampaigns = (ruleSet: RuleSet, iso: string) => ruleSet.select(at(iso)).campaigns.map((c) => c.file.content.id);

describe('policy versions', () => {
  const ruleSet = ruleSetWith((files) => addReferralV2(files, '2026-06-01T00:00:00Z'));

  it('switches at the exact effectiveFrom instant, not a millisecond earlier', () => {
    expect(referralVersion(ruleSet, '2026-05-31T23:59:59.999Z')).toBe(1);
    expect(referralVersion(ruleSet, '2026-06-01T00:00:00.000Z')).toBe(2);
  });

  it('compares instants, whatever offset the order time is written in', () => {
    expect(referralVersion(ruleSet, '2026-05-31T19:59:59.999-04:00')).toBe(1);
    expect(referralVersion(ruleSet, '2026-05-31T20:00:00-04:00')).toBe(2);
  });

  it('prices a late-arriving purchase with the version in force when it occurred', async () => {
    // Evaluated long after v2 went live, but it happened under v1: 5%, not 10%.
    const late = await evaluatePurchase(ruleSet, purchase({ occurredAt: '2026-05-31T23:59:59.999Z' }));
    expect(late.refereeDiscount).toBe(500n);
    expect(late.ruleFiles.find((file) => file.policy === 'referral')).toMatchObject({ version: 1, file: 'rules/referral/referral-v1.json' });

    const onTime = await evaluatePurchase(ruleSet, purchase({ occurredAt: '2026-06-01T00:00:00Z' }));
    expect(onTime.refereeDiscount).toBe(1000n);
    expect(onTime.rulesFired).toContainEqual({ file: 'rules/referral/referral-v2.json', id: 'referral', version: 2, rule: 'referee-first-order-discount' });
  });

  it('treats effectiveUntil as exclusive', () => {
    const gap = ruleSetWith((files) => {
      files[R].effectiveUntil = '2026-06-01T00:00:00Z';
      addReferralV2(files, '2026-07-01T00:00:00Z');
    });
    expect(referralVersion(gap, '2026-05-31T23:59:59.999Z')).toBe(1);
    expect(() => gap.select(at('2026-06-01T00:00:00Z'))).toThrow(NoRuleSetInForceError);
    expect(() => gap.select(at('2026-06-01T00:00:00Z'))).toThrow('no rule file in force at 2026-06-01T00:00:00.000Z for policy: referral');
    expect(referralVersion(gap, '2026-07-01T00:00:00Z')).toBe(2);
  });

  it('goes back to the open-ended version when a temporary one ends (greatest effectiveFrom still in force)', () => {
    const temporary = ruleSetWith((files) => addReferralV2(files, '2026-06-01T00:00:00Z', '2026-09-01T00:00:00Z'));
    expect(referralVersion(temporary, '2026-08-31T23:59:59.999Z')).toBe(2);
    expect(referralVersion(temporary, '2026-09-01T00:00:00Z')).toBe(1);
  });

  it('refuses to evaluate before any version is in force', async () => {
    await expect(evaluatePurchase(ruleSet, purchase({ occurredAt: '2025-12-31T23:59:59.999Z' }))).rejects.toThrow(
      'no rule file in force at 2025-12-31T23:59:59.999Z for policies: referral, tiers, stacking, fraud',
    );
  });
});

describe('an order time that cannot be read', () => {
  const ruleSet = ruleSetWith(() => {});

  it.each(['2026-03-10T12:00:00+05', '2026-12-31T23:59:60Z', 'yesterday'])('is refused as a bad request, not a crash: %s', async (occurredAt) => {
    // "+05" and leap seconds pass the date-time format but Date.parse gives NaN.
    const evaluation = evaluatePurchase(ruleSet, purchase({ occurredAt }));
    await expect(evaluation).rejects.toThrow(UnreadableInstantError);
    await expect(evaluation).rejects.toMatchObject({ code: 'invalid-request', message: 'the order time cannot be read as an instant; write it like "2026-12-01T00:00:00-05:00"' });
  });
});

describe('the holiday campaign window (America/New_York)', () => {
  const ruleSet = ruleSetWith(() => {});

  it('starts at 2026-12-20T00:00 New York = 05:00Z and ends at 2027-01-03T00:00 New York = 05:00Z', () => {
    const result = resolveCampaignWindow({ start: '2026-12-20T00:00', end: '2027-01-03T00:00', timeZone: 'America/New_York' });
    expect(result).toEqual({ ok: true, window: { start: at('2026-12-20T05:00:00Z'), end: at('2027-01-03T05:00:00Z') } });
  });

  it('is active from its start instant and not at its end instant', () => {
    expect(activeCampaigns(ruleSet, '2026-12-20T04:59:59.999Z')).toEqual([]);
    expect(activeCampaigns(ruleSet, '2026-12-20T05:00:00.000Z')).toEqual(['holiday-2026']);
    expect(activeCampaigns(ruleSet, '2027-01-03T04:59:59.999Z')).toEqual(['holiday-2026']);
    expect(activeCampaigns(ruleSet, '2027-01-03T05:00:00.000Z')).toEqual([]);
  });

  describe('whatever the server time zone', () => {
    const original = process.env.TZ;
    afterEach(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });

    it('resolves the same instants in Tokyo', () => {
      process.env.TZ = 'Asia/Tokyo';
      expect(activeCampaigns(ruleSetWith(() => {}), '2026-12-20T04:59:59.999Z')).toEqual([]);
      expect(activeCampaigns(ruleSetWith(() => {}), '2026-12-20T05:00:00.000Z')).toEqual(['holiday-2026']);
    });
  });
});

describe('a campaign across the spring-forward of 2027-03-14 in New York', () => {
  const spring = (start: string, end: string) =>
    ruleSetWith((files) => {
      const campaign = structuredClone(files[C]);
      campaign.id = 'spring-2027';
      campaign.effectiveFrom = '2027-02-01T00:00:00-05:00';
      campaign.campaign = { name: 'Spring', window: { start, end, timeZone: 'America/New_York' } };
      files['rules/campaigns/spring-2027.json'] = campaign;
    });

  it('starts at -05:00 (EST) and ends at -04:00 (EDT)', () => {
    const result = resolveCampaignWindow({ start: '2027-03-07T00:00', end: '2027-03-21T00:00', timeZone: 'America/New_York' });
    expect(result).toEqual({ ok: true, window: { start: at('2027-03-07T05:00:00Z'), end: at('2027-03-21T04:00:00Z') } });

    const ruleSet = spring('2027-03-07T00:00', '2027-03-21T00:00');
    expect(activeCampaigns(ruleSet, '2027-03-07T04:59:59.999Z')).toEqual([]);
    expect(activeCampaigns(ruleSet, '2027-03-07T05:00:00Z')).toEqual(['spring-2027']);
    expect(activeCampaigns(ruleSet, '2027-03-21T03:59:59.999Z')).toEqual(['spring-2027']);
    // 04:00Z is midnight EDT: over. With a fixed -05:00 it would still run an hour.
    expect(activeCampaigns(ruleSet, '2027-03-21T04:00:00Z')).toEqual([]);
  });

  it('lasts 11 real hours from midnight to noon on the day the clocks skip an hour', () => {
    const result = resolveCampaignWindow({ start: '2027-03-14T00:00', end: '2027-03-14T12:00', timeZone: 'America/New_York' });
    if (!result.ok) throw new Error(result.message);
    expect(result.window.start).toBe(at('2027-03-14T05:00:00Z'));
    expect(result.window.end).toBe(at('2027-03-14T16:00:00Z'));
    expect((result.window.end - result.window.start) / 3_600_000).toBe(11);
  });
});
