import express, { type Express, type Router } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { ApiRouter } from './api-router.ts';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { buildOpenApi } from './openapi.ts';
import { mountDocs } from './docs-routes.ts';
import type { Metrics } from '../observability/metrics.ts';

/** A feature's routes: each feature folder exports one of these, wired in the composition root. */
export type RouteModule = (api: ApiRouter) => void;

export interface AppOptions {
  config: Readonly<Config>;
  logger: Logger;
  routes: readonly RouteModule[];
  metrics: Metrics;
  /** Public routes that are not part of the JSON API (share-link redirects, QR images, health). */
  publicRoutes?: readonly RouteModule[];
  /** Routers outside the JSON API that check their own access (the queue dashboard). */
  mounts?: readonly Router[];
}

export function createApp({ config, logger, routes, metrics, publicRoutes = [], mounts = [] }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
    }),
  );
  app.use(metrics.httpMiddleware());
  app.use(express.json({ limit: config.bodyLimit, strict: true }));

  const api = new ApiRouter(config.apiKeys);
  for (const module of [...publicRoutes, ...routes]) module(api);
  app.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApi(api.routes(), config.publicBaseUrl));
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  mountDocs(app);
  for (const mount of mounts) app.use(mount);
  app.use(api.router);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
