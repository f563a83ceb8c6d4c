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

it('the first run of a newcomer: `npm start` with no database or Redis, then `npm run demo` against it, exits 0', async () => {
  const port = await closedPort();
  // No DATABASE_URL or REDIS_URL: the embedded PostgreSQL (in memory here) and events processed in the server.
  const env = { ...process.env, DATABASE_URL: '', REDIS_URL: '', PGLITE_DIR: 'memory://', PORT: String(port), LOG_LEVEL: 'warn', API_KEYS: '', NODE_ENV: 'development' };
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`${url}/healthz`).then((res) => res.ok, () => false))) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error('npm start did not come up');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const demo = spawn(process.execPath, ['--import', 'tsx', 'src/demo/demo-cli.ts'], { env: { ...process.env, DEMO_BASE_URL: url, DEMO_API_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    demo.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => demo.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('redis: not used (in-process mode)');
    expect(stdout).toMatch(/Alice would earn\s+USD 1\.09 cashback/);
    expect(stdout).toContain('7. Where to look next');
    // In-process mode: the server processed the events, so its own /metrics counts them.
    expect(stdout).toContain('events_processed_total{type="purchase.refunded"} 1');
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => (server.exitCode !== null ? resolve(undefined) : server.once('exit', resolve)));
  }
}, 90_000);
