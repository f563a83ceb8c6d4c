import { loadConfigOrExit } from './config.ts';
import { createLogger } from './logger.ts';
import { createWorkerApplication } from './composition-root.ts';
import { createEventWorker, redisEvictionPolicy, scheduleConfirmations } from './events/event-worker.ts';
import { startMetricsServer, type MetricsServer } from './observability/metrics-server.ts';
import { reloadRulesOnSighup } from './rules/reload-on-signal.ts';

/** `npm run worker`: processes purchase events and confirms rewards whose hold ended. */
const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
if (!config.redisUrl || !config.databaseUrl) {
  logger.fatal(
    'workers need REDIS_URL and DATABASE_URL (PostgreSQL), shared with "npm start". Without them there is nothing to run here: "npm start" processes events itself, in-process, on the embedded database. For production set both, run "npm run migrate", then "npm start" and "npm run worker".',
  );
  process.exit(1);
}

try {
  const policy = await redisEvictionPolicy(config.redisUrl);
  if (policy !== 'noeviction') {
    logger.error(
      { maxmemoryPolicy: policy },
      `REDIS IS NOT SAFE FOR QUEUES: maxmemory-policy is "${policy}"; under memory pressure Redis will evict BullMQ jobs and events will wait for the recovery loop. Set "maxmemory-policy noeviction".`,
    );
  }
} catch (error) {
  logger.warn({ err: error }, 'could not read Redis maxmemory-policy; is Redis up?');
}

let application;
try {
  application = await createWorkerApplication(config, logger);
} catch (error) {
  logger.fatal({ err: error }, `cannot start: ${(error as Error).message}`);
  process.exit(1);
}
const { events, recovery, metrics } = application;
const worker = createEventWorker(events.batcher, events.lifecycle, config, logger, metrics);
await scheduleConfirmations(events.queue!, config.confirmEveryMs).catch((error) => logger.warn({ err: error }, 'could not schedule the confirmation sweep yet'));
recovery.start();
void worker.run();
logger.info({ concurrency: config.workerConcurrency, prefix: config.queuePrefix }, 'worker started');
let metricsServer: MetricsServer | undefined;
if (config.workerMetricsPort !== undefined) {
  // A taken port costs the metrics, not the worker: jobs matter more than their counters.
  metricsServer = await startMetricsServer(metrics, config.workerMetricsPort).catch((error: Error) => {
    logger.error({ err: error, port: config.workerMetricsPort }, 'worker metrics listener not started');
    return undefined;
  });
  if (metricsServer) logger.info({ port: metricsServer.port }, `worker metrics on http://localhost:${metricsServer.port}/metrics`);
}
reloadRulesOnSighup(application.rules, (ruleSet) => metrics.ruleSetLoaded(ruleSet.refs()), logger);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down: finishing jobs in flight');
    // close() waits for active jobs; anything it cannot finish is re-delivered after its lock
    // expires, and the database makes that re-delivery a no-op.
    void worker
      .close()
      .then(() => metricsServer?.close())
      .then(() => application.close())
      .then(() => process.exit(0))
      .catch((error) => {
        logger.error({ err: error }, 'unclean shutdown');
        process.exit(1);
      });
  });
}
