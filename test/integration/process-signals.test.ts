import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { obliterateQueue } from '../support/queue-cleanup.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTempRules, type TempRules } from '../support/temp-rules.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = `test-${randomUUID()}`;
let db: TestDatabase;
let rules: TempRules;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  db = await createTestDatabase();
  rules = await createTempRules();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await obliterateQueue(REDIS_URL, QUEUE_PREFIX).catch(() => undefined);
  await db?.drop();
  await rules?.remove();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function start(script: string, env: Record<string, string>): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL, QUEUE_PREFIX, LOG_LEVEL: 'warn', API_KEYS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The log (pino, on stdout) and anything on stderr, to explain a failure.
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, exited, output: () => output };
}

async function waitForOk(url: string, exited: Promise<unknown>, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`the process exited before ${url} answered:\n${output()}`);
    const ok = await fetch(url).then((res) => res.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 30 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopWithin(process: ReturnType<typeof start>, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const sentAt = Date.now();
  process.child.kill('SIGTERM');
  const result = await Promise.race([process.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms))]);
  if (result === 'timeout') throw new Error(`still running ${ms} ms after SIGTERM:\n${process.output()}`);
  expect(Date.now() - sentAt).toBeLessThan(ms);
  return result;
}

it('npm start: SIGTERM closes the HTTP server, the queue, Redis and the database, and exits 0', async () => {
  const port = await freePort();
  const server = start('src/server.ts', { PORT: String(port) });
  await waitForOk(`http://127.0.0.1:${port}/healthz`, server.exited, server.output);
  // A keep-alive connection left open by a client must not hold the shutdown.
  await fetch(`http://127.0.0.1:${port}/readyz`, { headers: { connection: 'keep-alive' } });
  expect(await stopWithin(server, 8000)).toEqual({ code: 0, signal: null });
}, 60_000);

it('npm run worker: SIGTERM closes the worker, its metrics listener, the queue and the database, and exits 0', async () => {
  const port = await freePort();
  const worker = start('src/worker.ts', { WORKER_METRICS_PORT: String(port) });
  await waitForOk(`http://127.0.0.1:${port}/metrics`, worker.exited, worker.output);
  expect(await stopWithin(worker, 8000)).toEqual({ code: 0, signal: null });
}, 60_000);

it('npm run worker: SIGHUP loads RULES_DIR again; an invalid set is refused and the current one stays', async () => {
  const port = await freePort();
  const worker = start('src/worker.ts', { WORKER_METRICS_PORT: String(port), RULES_DIR: rules.dir, LOG_LEVEL: 'error' });
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  await waitForOk(metricsUrl, worker.exited, worker.output);
  const referralHash = async () => /^rule_set_info\{id="referral",version="1",hash="([0-9a-f]{12})"\} 1$/m.exec(await (await fetch(metricsUrl)).text())?.[1];
  const before = await referralHash();
  expect(before).toMatch(/^[0-9a-f]{12}$/);

  await rules.edit('referral/referral-v1.json', (content) => {
    content.rules[0].event.params.percent = 'lots';
  });
  worker.child.kill('SIGHUP');
  const deadline = Date.now() + 10_000;
  while (!worker.output().includes('NOT reloaded') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(worker.output()).toMatch(/rule set NOT reloaded \(SIGHUP\)/);
  expect(worker.output()).toContain('/rules/0/event/params/percent');
  expect(await referralHash()).toBe(before);

  await rules.edit('referral/referral-v1.json', (content) => {
    content.rules[0].event.params.percent = 10;
  });
  worker.child.kill('SIGHUP');
  let after = before;
  while (after === before && Date.now() < deadline + 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    after = await referralHash();
  }
  expect(after).toMatch(/^[0-9a-f]{12}$/);
  expect(after).not.toBe(before);
  expect(await stopWithin(worker, 8000)).toEqual({ code: 0, signal: null });
}, 60_000);
