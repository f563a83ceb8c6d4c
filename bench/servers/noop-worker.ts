import { Worker } from 'bullmq';
import { redisOptions } from '../../src/events/event-queue.ts';

/**
 * The pipeline's baseline: a BullMQ worker whose jobs do nothing, with the
 * production worker's connection options and the concurrency under test.
 * Prints `{"ready":true}` once connected and `{"done":n}` when n jobs completed.
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const target = Number(process.env.BENCH_JOBS);
let completed = 0;
const worker = new Worker(process.env.BENCH_QUEUE!, async () => undefined, {
  connection: redisOptions(redisUrl, 'worker'),
  prefix: process.env.QUEUE_PREFIX!,
  concurrency: Number(process.env.WORKER_CONCURRENCY),
});
worker.on('completed', () => {
  if (++completed === target) process.stdout.write(`${JSON.stringify({ done: completed })}\n`);
});
worker.on('error', (error) => process.stderr.write(`noop worker: ${error.message}\n`));
await worker.waitUntilReady();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
