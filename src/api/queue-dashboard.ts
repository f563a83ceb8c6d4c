import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { ApiKey } from '../config.ts';
import { requireScope } from './auth.ts';

/** Where the dashboard lives. */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board under /admin/queues, admin scope only. Besides `Authorization:
 * Bearer <admin key>` it takes HTTP Basic with the admin key as the password:
 * a browser asks for it once and sends it with the page's own API calls,
 * which a Bearer header typed into curl cannot do.
 */
export function queueDashboard(queues: readonly Queue[], keys: readonly ApiKey[]): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    // Read-only: a browser re-sends Basic credentials on its own, so a write
    // action here could be triggered cross-site. Retries go through
    // POST /v1/admin/failed-jobs/{id}/retry, which takes only a Bearer key.
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Referral events' } },
  });
  const router = express.Router();
  router.use(QUEUE_DASHBOARD_PATH, basicAsApiKey, requireScope('admin', keys), serverAdapter.getRouter() as Router, askForBasic);
  return router;
}

/** `Authorization: Basic base64(any-user:key)` → the key, as if sent in X-Api-Key. */
const basicAsApiKey: RequestHandler = (req, _res, next) => {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.header('authorization') ?? '');
  if (match) {
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    delete req.headers.authorization;
    req.headers['x-api-key'] = password;
  }
  next();
};

/** A 401 here invites the browser to ask for the key; the error handler still answers problem+json. */
const askForBasic: ErrorRequestHandler = (error, _req, res, next) => {
  if ((error as { status?: number }).status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="queue dashboard: any user name, the admin API key as password", charset="UTF-8"');
  next(error);
};
