import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/validate-command.ts';
import { ADMIN_KEY, CHECKOUT_KEY, createTestApp, WITH_KEYS, type TestApp } from '../support/test-app.ts';
import { createTempRules, type TempRules } from '../support/temp-rules.ts';

let t: TestApp;
let rules: TempRules;
let code: string;
const admin = { authorization: `Bearer ${ADMIN_KEY}` };
const AT = '2026-11-10T12:00:00.000Z';
const cart = { currency: 'USD', items: [{ sku: 'SHOE-1', category: 'shoes', unitPrice: 10000, quantity: 1 }], discounts: [] };

beforeAll(async () => {
  rules = await createTempRules();
  // A prefix of its own: its reloads are announced on it, to no other test file's app.
  t = await createTestApp({ ...WITH_KEYS, RULES_DIR: rules.dir, QUEUE_PREFIX: `test-${randomUUID()}` });
  code = (await request(t.app).post('/v1/referral-codes').set(admin).send({ userId: 'alice' }).expect(201)).body.code;
});
afterAll(async () => {
  await t?.close();
  await rules?.remove();
});

const quote = async () => (await request(t.app).post('/v1/checkout/quote').set(admin).send({ userId: 'friend', ...cart, referralCode: code, at: AT }).expect(200)).body;
const scrape = async () => (await request(t.app).get('/metrics').expect(200)).text;

describe('admin scope', () => {
  it.each([
    ['get', '/v1/rules/versions'],
    ['post', '/v1/rules/validate'],
    ['post', '/v1/rules/reload'],
  ] as const)('%s %s: 401 without a key, 403 with a checkout key, problem+json', async (method, url) => {
    const anonymous = await request(t.app)[method](url).send({}).expect(401);
    expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(t.app)[method](url).set('authorization', `Bearer ${CHECKOUT_KEY}`).send({}).expect(403);
  });

  it('the routes are in /openapi.json with an example', async () => {
    const doc = (await request(t.app).get('/openapi.json').expect(200)).body;
    expect(doc.paths['/v1/rules/versions'].get['x-scope']).toBe('admin');
    expect(doc.paths['/v1/rules/reload'].post['x-scope']).toBe('admin');
    expect(doc.paths['/v1/rules/validate'].post.requestBody.content['application/json'].example).toMatchObject({ file: 'tiers-v2.json', content: { policy: 'tiers' } });
  });
});

describe('GET /v1/rules/versions', () => {
  it('lists the loaded files with their hashes and effective dates, and the history', async () => {
    const body = (await request(t.app).get('/v1/rules/versions').set(admin).expect(200)).body;
    expect(body.loaded.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.loaded.files.map((f: { id: string }) => f.id).sort()).toEqual(['fraud', 'holiday-2026', 'referral', 'stacking', 'tiers']);
    expect(body.loaded.files.find((f: { id: string }) => f.id === 'tiers')).toMatchObject({
      policy: 'tiers',
      version: 1,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      file: expect.stringMatching(/tiers-v1\.json$/),
      effectiveFrom: '2026-01-01T00:00:00Z',
      effectiveUntil: null,
    });
    expect(body.history).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: 'tiers', version: 1, policy: 'tiers', loadedAt: expect.any(String) })]));
  });
});

describe('POST /v1/rules/validate', () => {
  const valid = async () => JSON.parse(await (await import('node:fs/promises')).readFile(path.join(rules.dir, 'tiers/tiers-v1.json'), 'utf8'));

  it('accepts a valid file, wrapped or raw, and changes nothing', async () => {
    const content = { ...(await valid()), version: 2, effectiveFrom: '2027-01-01T00:00:00Z' };
    const before = (await request(t.app).get('/v1/rules/versions').set(admin).expect(200)).body;
    const wrapped = await request(t.app).post('/v1/rules/validate').set(admin).send({ file: 'tiers-v2.json', content }).expect(200);
    expect(wrapped.body).toMatchObject({ valid: true, issues: [], version: { id: 'tiers', policy: 'tiers', version: 2 } });
    const raw = await request(t.app).post('/v1/rules/validate').set(admin).send(content).expect(200);
    expect(raw.body).toMatchObject({ valid: true, issues: [] });
    expect((await request(t.app).get('/v1/rules/versions').set(admin).expect(200)).body).toEqual(before);
  });

  it('answers an invalid file with 200, valid false and the same messages as the CLI', async () => {
    const content = await valid();
    content.rules[1].conditions.all[0].value = '10';
    content.rules[2].conditions.all[0].operator = 'greaterThanOrWhatever';
    const res = await request(t.app).post('/v1/rules/validate').set(admin).send({ file: 'tiers-v2.json', content }).expect(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.issues.length).toBeGreaterThanOrEqual(1);
    for (const issue of res.body.issues) expect(issue).toEqual({ file: 'tiers-v2.json', pointer: expect.stringMatching(/^\/rules\/[12]\//), message: expect.any(String) });

    const dir = await mkdtemp(path.join(tmpdir(), 'validate-'));
    try {
      const file = path.join(dir, 'tiers-v2.json');
      await writeFile(file, JSON.stringify(content));
      const lines: string[] = [];
      expect(await validateCommand({ out: (line) => lines.push(line), err: (line) => lines.push(line) }, file)).toBe(1);
      const cliMessages = lines.filter((line) => line.includes('#')).map((line) => line.slice(line.indexOf('#')));
      expect(res.body.issues.map((issue: { pointer: string; message: string }) => `#${issue.pointer}: ${issue.message}`)).toEqual(cliMessages);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('checks a valid file against the loaded set too: as an added file, or replacing the loaded file of that name', async () => {
    const v2 = { ...(await valid()), version: 2, effectiveFrom: '2027-01-01T00:00:00Z' };
    const added = await request(t.app).post('/v1/rules/validate').set(admin).send({ file: 'tiers-v2.json', content: v2 }).expect(200);
    expect(added.body.withLoadedSet).toEqual({ valid: true, replaces: null, issues: [] });

    const copy = await request(t.app).post('/v1/rules/validate').set(admin).send({ file: 'tiers-copy.json', content: await valid() }).expect(200);
    expect(copy.body).toMatchObject({ valid: true, issues: [] });
    expect(copy.body.withLoadedSet).toMatchObject({ valid: false, replaces: null, issues: expect.arrayContaining([expect.objectContaining({ pointer: '/version', message: expect.stringMatching(/version 1 is also defined in .*tiers-v1\.json/) })]) });

    const edited = { ...(await valid()), description: 'Tiers, reworded.' };
    const replacing = await request(t.app).post('/v1/rules/validate').set(admin).send({ file: 'tiers/tiers-v1.json', content: edited }).expect(200);
    expect(replacing.body.withLoadedSet).toEqual({ valid: true, replaces: expect.stringMatching(/tiers\/tiers-v1\.json$/), issues: [] });
  });

  it('reports a file that is not JSON-safe or not a rule file at all', async () => {
    const res = await request(t.app).post('/v1/rules/validate').set(admin).send({ file: 'x.json', content: '{"id": "x", ' }).expect(200);
    expect(res.body).toMatchObject({ valid: false, issues: [expect.objectContaining({ file: 'x.json' })] });
    const other = await request(t.app).post('/v1/rules/validate').set(admin).send({ hello: 'world' }).expect(200);
    expect(other.body.valid).toBe(false);
  });
});

describe('POST /v1/rules/reload', () => {
  it('refuses a broken set with 422 and every problem, keeps the old set; a fixed set then loads', async () => {
    const before = await quote();
    expect(before.referrerCashback).toBe(95); // bronze 1% of 95.00 (100.00 less the 5% referee discount)
    const loadedBefore = (await request(t.app).get('/v1/rules/versions').set(admin).expect(200)).body.loaded;

    await rules.edit('referral/referral-v1.json', (content) => {
      content.rules[0].event.params.percent = 'lots';
    });
    const refused = await request(t.app).post('/v1/rules/reload').set(admin).expect(422);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 422, type: expect.stringMatching(/rule-set-invalid$/) });
    expect(refused.body.errors).toEqual([expect.objectContaining({ file: expect.stringMatching(/referral-v1\.json$/), pointer: '/rules/0/event/params/percent', detail: expect.any(String) })]);
    expect(await quote()).toEqual(before);
    expect((await request(t.app).get('/v1/rules/versions').set(admin).expect(200)).body.loaded).toEqual(loadedBefore);

    await rules.edit('referral/referral-v1.json', (content) => {
      content.rules[0].event.params.percent = 10;
    });
    const reloaded = await request(t.app).post('/v1/rules/reload').set(admin).expect(200);
    expect(reloaded.body).toMatchObject({ changed: true, previousHash: loadedBefore.hash });
    expect(reloaded.body.hash).not.toBe(loadedBefore.hash);
    const referral = reloaded.body.files.find((f: { id: string }) => f.id === 'referral');
    const oldReferral = loadedBefore.files.find((f: { id: string }) => f.id === 'referral');
    expect(referral.hash).not.toBe(oldReferral.hash);
    // 10% off 100.00 now; bronze 1% of the 90.00 left.
    expect(await quote()).toMatchObject({ refereeDiscount: 1000, total: 9000, referrerCashback: 90 });

    const metrics = await scrape();
    expect(metrics).toContain(`rule_set_info{id="referral",version="1",hash="${referral.hash.slice(0, 12)}"} 1`);
    expect(metrics).not.toContain(`hash="${oldReferral.hash.slice(0, 12)}"`);
    const history = (await request(t.app).get('/v1/rules/versions').set(admin).expect(200)).body.history;
    expect(history.filter((row: { ruleId: string }) => row.ruleId === 'referral')).toHaveLength(2);
  });
});
