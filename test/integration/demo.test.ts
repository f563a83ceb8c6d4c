import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DemoError } from '../../src/demo/demo-http.ts';
import { runDemo } from '../../src/demo/run-demo.ts';
import { ADMIN_KEY, SHOP_URL, WITH_KEYS } from '../support/test-app.ts';
import { createEventTestKit, type EventTestKit } from '../support/event-test-kit.ts';

let t: EventTestKit;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  t = await createEventTestKit(WITH_KEYS);
  await t.startWorker();
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});

/** A port nothing listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

it('tells the whole story over HTTP: code, click, quote, purchase, history, partial refund', async () => {
  const lines: string[] = [];
  const summary = await runDemo({ baseUrl, apiKey: ADMIN_KEY, out: (line) => lines.push(line) });
  const text = lines.join('\n');

  expect(summary).toMatchObject({ purchaseStatus: 'processed', refundStatus: 'processed', quotedCashback: 109 });
  expect(text).toContain(`code                     ${summary.code}`);
  expect(text).toMatch(new RegExp(`GET /r/${summary.code}\\s+302`));
  expect(text).toContain(`Location         ${SHOP_URL}/?ref=${summary.code}`);
  expect(text).toMatch(/visitor cookie\s+rvid=[0-9a-f-]{36}/);
  expect(text).toMatch(/subtotal\s+USD 115\.70/);
  expect(text).toMatch(/referral discount\s+-USD 5\.78/);
  expect(text).toMatch(/total to pay\s+USD 109\.92/);
  expect(text).toMatch(/Alice would earn\s+USD 1\.09 cashback \(bronze, 1%\)/);
  expect(text).toMatch(/rule files\s+.*referral@1/);
  expect(text).toMatch(/tier\s+bronze \(1% cashback\)/);
  expect(text).toContain('/docs');
  expect(text).toContain('/metrics');

  // What the demo printed is what the ledger holds.
  const [reward] = await t.db.knex('rewards').where({ order_id: summary.orderId, beneficiary_id: summary.alice }).select('id', 'amount');
  expect(Number(reward.amount)).toBe(109);
  const reversed = await t.db.knex('reward_entries').where({ reward_id: reward.id, entry_type: 'reverse' }).sum<{ sum: string }[]>('amount as sum');
  const cents = Number(reversed[0]!.sum);
  expect(cents).toBeGreaterThan(0);
  expect(cents).toBeLessThan(109);
  expect(text).toMatch(new RegExp(`cashback\\s+${summary.alice}\\s+USD 1\\.09\\s+USD 0\\.${String(109 - cents).padStart(2, '0')}\\s+USD 0\\.${String(cents).padStart(2, '0')}`));
});

it('runs again against the same service (fresh ids each run)', async () => {
  const first = await runDemo({ baseUrl, apiKey: ADMIN_KEY, out: () => undefined });
  const second = await runDemo({ baseUrl, apiKey: ADMIN_KEY, out: () => undefined });
  expect(second.code).not.toBe(first.code);
});

it('says what to do when the service is not there, or wants a key', async () => {
  const port = await closedPort();
  await expect(runDemo({ baseUrl: `http://127.0.0.1:${port}`, out: () => undefined })).rejects.toThrow(DemoError);
  await expect(runDemo({ baseUrl: `http://127.0.0.1:${port}`, out: () => undefined })).rejects.toThrow(new RegExp(`cannot reach the service at http://127.0.0.1:${port}.*\\n.*npm start`));
  await expect(runDemo({ baseUrl, out: () => undefined })).rejects.toThrow(/401.*\n.*DEMO_API_KEY/);
});

it('npm run demo exits 1 with the message when the service is not reachable', async () => {
  const port = await closedPort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo/demo-cli.ts'], { env: { ...process.env, DEMO_BASE_URL: `http://127.0.0.1:${port}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  expect(stderr).toContain(`demo stopped: cannot reach the service at http://127.0.0.1:${port}`);
}, 30_000);
