import QRCode from 'qrcode';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PUBLIC_BASE_URL, SHOP_URL, WITH_KEYS, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let code: string;

beforeAll(async () => {
  // With keys set: share links and QR codes must still be public.
  t = await createTestApp(WITH_KEYS);
  const { ReferralCodeService } = await import('../../src/referrals/referral-code-service.ts');
  code = (await new ReferralCodeService(t.application.stores.referralCodes).getOrCreate('alice')).code.code;
});
afterAll(async () => {
  await t.close();
});

type Parser = Parameters<request.Test['parse']>[0];
const binary: Parser = (res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

const clicks = () => t.db.knex('link_clicks').orderBy('id');

describe('GET /r/:code', () => {
  it('records the click, sets the visitor cookie and redirects to the shop with ?ref=CODE', async () => {
    const res = await request(t.app).get(`/r/${code}`).expect(302);
    expect(res.headers.location).toBe(`${SHOP_URL}/?ref=${code}`);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!;
    const visitorId = /^rvid=([^;]+)/.exec(cookie)![1]!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=63072000/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Secure/); // PUBLIC_BASE_URL is https
    const rows = await clicks();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ code, visitor_id: visitorId });
  });

  it('keeps the visitor id it already set and accepts any case', async () => {
    const res = await request(t.app).get(`/r/${code.toLowerCase()}`).set('Cookie', 'other=1; rvid=visitor-0001').expect(302);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers.location).toBe(`${SHOP_URL}/?ref=${code}`);
    expect((await clicks()).at(-1)).toMatchObject({ code, visitor_id: 'visitor-0001' });
  });

  it('replaces a cookie value it could not have set', async () => {
    const res = await request(t.app).get(`/r/${code}`).set('Cookie', 'rvid=<script>').expect(302);
    expect((res.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^rvid=[0-9a-f-]{36};/);
  });

  it('redirects unknown, malformed and inactive codes to the shop without ref and records nothing', async () => {
    const before = (await clicks()).length;
    for (const path of ['/r/NOSUCHCODE', '/r/not-a-code!', `/r/${'A'.repeat(100)}`]) {
      const res = await request(t.app).get(path).expect(302);
      expect(res.headers.location).toBe(`${SHOP_URL}/`);
    }
    await t.db.knex('referral_codes').insert({ code: 'RETIRED2', user_id: 'old', active: false });
    expect((await request(t.app).get('/r/RETIRED2').expect(302)).headers.location).toBe(`${SHOP_URL}/`);
    expect(await clicks()).toHaveLength(before);
  });
});

describe('QR codes', () => {
  it('serves an SVG QR code of the share link', async () => {
    const res = await request(t.app).get(`/v1/referral-codes/${code}/qr.svg`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const svg = (res.body as Buffer).toString('utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toBe(await QRCode.toString(`${PUBLIC_BASE_URL}/r/${code}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
  });

  it('serves a PNG QR code of the share link', async () => {
    const res = await request(t.app).get(`/v1/referral-codes/${code.toLowerCase()}/qr.png`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect((res.body as Buffer).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('answers 404 for an unknown code', async () => {
    const res = await request(t.app).get('/v1/referral-codes/NOSUCHCODE/qr.svg').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
