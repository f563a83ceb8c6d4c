import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventTestKit, purchase, type EventTestKit } from '../support/event-test-kit.ts';

// A private Redis for this file: stopping the machine's shared Redis would break every other test.
let redis: ChildProcess | undefined;
let port: number;
let t: EventTestKit;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolve(p));
    });
  });
}

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      probe.stdout.on('data', (chunk) => (out += chunk));
      probe.on('exit', () => resolve(out.includes('PONG')));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error('private redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (!child || child.exitCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

beforeAll(async () => {
  port = await freePort();
  await startRedis();
  t = await createEventTestKit({ REDIS_URL: `redis://127.0.0.1:${port}` });
  await t.referralCode('ALICE5', 'u-alice');
  await t.startWorker();
  t.worker!.recovery.start();
});
afterAll(async () => {
  await t?.close().catch(() => undefined);
  await stopRedis();
});

it('events posted while Redis is down are all accepted, and all processed once Redis returns', { timeout: 60_000 }, async () => {
  // Warm up: the queue works.
  const first = purchase({ referralCode: 'ALICE5' });
  await t.post(first).expect(202);
  await t.settle();

  await stopRedis();
  const events = Array.from({ length: 50 }, () => purchase({ referralCode: 'ALICE5' }));
  const started = Date.now();
  const answers = await Promise.all(events.map((e) => t.post(e)));
  expect(answers.map((r) => r.status)).toEqual(events.map(() => 202));
  // The producer fails fast: an outage does not hold requests for long.
  expect(Date.now() - started).toBeLessThan(5000);
  expect(Number((await t.db.knex('purchase_events').where({ status: 'accepted' }).first(t.db.knex.raw('count(*)::int AS c'))).c)).toBe(50);

  // Redis returns empty (no persistence): only the inbox knows about the events.
  await startRedis();
  await t.settle(30_000);
  const processed = await t.db.knex('event_processing').whereIn('event_id', events.map((e) => e.id as string));
  expect(processed).toHaveLength(50);
  expect(await t.db.knex('rewards').whereIn('event_id', events.map((e) => e.id as string))).toHaveLength(50);
});
