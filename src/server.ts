import { loadConfigOrExit } from './config.ts';
import { createLogger } from './logger.ts';
import { createApplication } from './composition-root.ts';
import { reloadRulesOnSighup } from './rules/reload-on-signal.ts';
import { describeRuntime } from './runtime-mode.ts';

/** `npm start`: the HTTP service. */
const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
if (config.apiKeys.length === 0) logger.warn('API_KEYS is not set: every route is open (allowed only outside production)');
const runtime = describeRuntime(config);
logger.info({ database: runtime.database, events: runtime.events }, `database: ${runtime.database}; events: ${runtime.events}`);
if (runtime.production) logger.info(runtime.production);

let application;
try {
  application = await createApplication(config, logger);
} catch (error) {
  logger.fatal({ err: error }, `cannot start: ${(error as Error).message}`);
  process.exit(1);
}
const server = application.app.listen(config.port, () => logger.info({ port: config.port, url: config.publicBaseUrl }, 'listening'));
const { services, metrics } = application;
reloadRulesOnSighup(services.rules, (ruleSet) => metrics.ruleSetLoaded(ruleSet.refs()), logger);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      application.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'unclean shutdown');
          process.exit(1);
        },
      );
    });
    // Keep-alive sockets would hold close() open; give in-flight requests a moment.
    setTimeout(() => server.closeAllConnections(), 5000).unref();
  });
}
