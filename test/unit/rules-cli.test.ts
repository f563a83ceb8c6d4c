import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The marketers' CLI, run as they run it: a child process on the shipped rules
 * and sample purchases. Expected amounts are worked out by hand from the
 * program (5% referee discount half-even, cashback floor at the tier rate on
 * the eligible net), not copied from the output.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = 'rules/samples/purchases.jsonl';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/rules-cli.ts', ...args], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rules-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** A copy of the shipped rules with one file changed by `edit`. */
async function rulesCopy(file: string, edit: (content: any) => void): Promise<string> {
  const dir = await tempDir();
  await cp(path.join(root, 'rules'), dir, { recursive: true });
  const target = path.join(dir, file);
  const content = JSON.parse(await readFile(target, 'utf8'));
  edit(content);
  await writeFile(target, JSON.stringify(content, null, 2));
  return dir;
}

/** The printed block of one event: from its heading to the next blank line. */
function block(stdout: string, label: string): string {
  const found = stdout.split('\n\n').find((part) => part.startsWith(`${label}  (line `));
  if (!found) throw new Error(`no block for ${label} in:\n${stdout}`);
  return found;
}

afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('rules validate', () => {
  it('accepts the shipped rules', async () => {
    const run = await runCli('validate');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('✓ 5 files valid (holiday-2026@1, fraud@1, referral@1, stacking@1, tiers@1)\n');
  });

  it('reports a misspelt fact with its file and pointer, and exits 1', async () => {
    const dir = await rulesCopy('referral/referral-v1.json', (content) => {
      content.rules[0].conditions.all[0].fact = 'refree';
    });
    const run = await runCli('validate', dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${dir}/referral/referral-v1.json#/rules/0/conditions/all/0/fact: unknown fact "refree" (did you mean "referee"?)`,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /); // messages, not a stack trace
  });
});

describe('rules simulate', () => {
  it('prints each purchase with its discount, rewards and reasons, then the totals', async () => {
    const run = await runCli('simulate', '--events', SAMPLE);
    expect(run.code).toBe(0);

    // 89.90 + 2 × 12.50 = 114.90; 5% = 5.745 → 5.74 (half-even); 1% of 109.16 = 1.0916 → 1.09 (floor)
    const first = block(run.stdout, 'us-code-first-order');
    expect(first).toContain('referee discount 5.74 USD, total 109.16 USD');
    expect(first).toContain('reward    cashback 1.09 USD for u-alice');
    expect(first).toContain('tier      bronze, 1% cashback');

    // 5% of 200.00 = 10.00, but 15% of 200.00 = 30.00 minus the 24.00 coupon leaves 6.00; 1% of 170.00 = 1.70
    const capped = block(run.stdout, 'us-coupon-stacking-cap');
    expect(capped).toContain('shop discounts 24.00 USD, referee discount 6.00 USD, total 170.00 USD');
    expect(capped).toContain('reward    cashback 1.70 USD for u-alice');

    // JPY has no minor units: 5% of 13000 = 650; 1% of 12350 = 123.5 → 123
    const yen = block(run.stdout, 'jp-first-order');
    expect(yen).toContain('referee discount 650 JPY, total 12350 JPY');
    expect(yen).toContain('reward    cashback 123 JPY for u-hiro');

    // Holiday (New York): 1% of 93.10 = 0.93; ×2 = 1.86 adds 0.93 more; 100 points
    const holiday = block(run.stdout, 'holiday-new-york');
    expect(holiday).toContain('reward    campaign-cashback 0.93 USD for u-marco (campaign holiday-2026)');
    expect(holiday).toContain('reward    bonus-points 100 PTS for u-marco (campaign holiday-2026)');
    expect(block(run.stdout, 'just-after-holiday')).not.toContain('campaign');

    expect(block(run.stdout, 'self-referral-gmail-dots')).toContain('share an email address');
    expect(run.stdout).toContain('Totals over 15 purchases (0 skipped)');
    expect(run.stdout).toMatch(/cashback\s+USD\s+11\.20\n/);
    expect(run.stdout).toMatch(/bonus-points\s+PTS\s+150\n/);
  });

  it('prints one JSON object per line with --json', async () => {
    const run = await runCli('simulate', '--events', SAMPLE, '--json');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(16);
    const first = lines.find((line) => line.id === 'us-code-first-order');
    expect(first.result.refereeDiscount).toBe(574);
    expect(first.result.rewards).toEqual([expect.objectContaining({ kind: 'cashback', amount: 109, currency: 'USD' })]);
    expect(lines.at(-1)).toMatchObject({ evaluated: 15, skipped: 0 });
    expect(lines.at(-1).totals).toContainEqual({ kind: 'cashback', currency: 'USD', amount: 1120 });
  });

  it('names the file and line of a bad purchase and exits 1', async () => {
    const events = path.join(await tempDir(), 'events.jsonl');
    const [good = ''] = (await readFile(path.join(root, SAMPLE), 'utf8')).split('\n');
    await writeFile(events, `${good}\n${good.replace('"unitPrice":8990', '"unitPrice":89.9')}\n`);
    const run = await runCli('simulate', '--events', events);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`${events}:2: order.items[0].unitPrice: must be integer, got 89.9\n`);
    expect(run.stdout).toBe('');
  });

  it('skips a purchase no rule version covers, says why, and goes on', async () => {
    const events = path.join(await tempDir(), 'events.jsonl');
    const [good = ''] = (await readFile(path.join(root, SAMPLE), 'utf8')).split('\n');
    await writeFile(events, `${good.replace('2026-03-10T09:15:00-04:00', '2025-12-31T09:00:00-05:00')}\n${good}\n`);
    const run = await runCli('simulate', '--events', events);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('skipped   no rule file in force at 2025-12-31T14:00:00.000Z for policies: referral, tiers, stacking, fraud');
    expect(run.stdout).toContain('Totals over 1 purchase (1 skipped)');
  });
});

describe('rules diff', () => {
  it('shows the purchases and totals a higher silver rate changes', async () => {
    const dir = await rulesCopy('tiers/tiers-v1.json', (content) => {
      content.rules.find((rule: { name: string }) => rule.name === 'silver').event.params.cashbackPercent = 2.5;
    });
    const run = await runCli('diff', '--from', 'rules', '--to', dir, '--events', SAMPLE);
    expect(run.code).toBe(0);
    // 98.50 − 4.92 = 93.58: 2% = 1.8716 → 1.87; 2.5% = 2.3395 → 2.33
    expect(block(run.stdout, 'us-silver-referrer')).toContain('cashback: 1.87 USD → 2.33 USD (+0.46)');
    expect(run.stdout).toContain('1 of 15 purchases changed');
    expect(run.stdout).toMatch(/cashback\s+USD\s+11\.20\s+11\.66\s+\+0\.46\n/);
    expect(run.stdout).toMatch(/referee-discount\s+USD\s+43\.01\s+43\.01\s+0\.00\n/);

    const json = await runCli('diff', '--from', 'rules', '--to', dir, '--events', SAMPLE, '--json');
    const [changed, totals] = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(changed).toMatchObject({ id: 'us-silver-referrer', changes: [{ kind: 'cashback', currency: 'USD', before: 187, after: 233 }] });
    expect(totals).toMatchObject({ changed: 1, purchases: 15 });
  });

  it('prints the problems of an invalid rule set and exits 1', async () => {
    const dir = await rulesCopy('tiers/tiers-v1.json', (content) => {
      content.rules[1].event.params.cashbackPercent = '2.5';
    });
    const run = await runCli('diff', '--from', 'rules', '--to', dir, '--events', SAMPLE);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The rules in ${dir} are invalid:`);
    expect(run.stderr).toContain(`${dir}/tiers/tiers-v1.json#/rules/1/event/params/cashbackPercent: must be a number, got string "2.5"`);
    expect(run.stdout).toBe('');
  });
});

describe('rules --help', () => {
  it.each(['validate', 'simulate', 'diff'])('documents %s', async (command) => {
    const run = await runCli(command, '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: rules ${command}`);
  });
});
