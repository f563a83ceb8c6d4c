import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createApplication } from '../../src/composition-root.ts';
import { createApp } from '../../src/api/app.ts';
import { Metrics } from '../../src/observability/metrics.ts';

/**
 * The bench's HTTP child process: the real service (what `npm start` builds)
 * on one port and, in the same process with the same createApp middleware
 * (request ids, logging, metrics, JSON parsing), the baselines on another:
 * POST /bench/constant parses the body and answers a constant;
 * GET /bench/rewards/:id is a primary-key lookup on the rewards table.
 * Prints one JSON line with both ports when ready.
 */
const config = loadConfig();
const logger = createLogger(config.logLevel);
const application = await createApplication(config, logger);
const { knex } = application;

const baseline = createApp({
  config,
  logger,
  metrics: new Metrics(),
  routes: [
    (api) => {
      api.route({ method: 'post', path: '/bench/constant', summary: 'bench baseline: parse the body, answer a constant', access: 'checkout', responses: { 200: { description: 'constant' } } }, (_req, res) => {
        res.json({ refereeDiscount: 0, total: 0, referrerCashback: 0 });
      });
      api.route({ method: 'get', path: '/bench/rewards/:id', summary: 'bench baseline: primary-key lookup', access: 'checkout', responses: { 200: { description: 'one reward' } } }, async (req, res) => {
        const row = await knex('rewards').where('id', String(req.params.id)).first('id', 'order_id', 'beneficiary_id', 'kind', 'currency', 'amount', 'granted_at');
        res.json(row ? { ...row, id: String(row.id), amount: Number(row.amount) } : null);
      });
    },
  ],
});

const api = application.app.listen(0, '127.0.0.1');
const base = baseline.listen(0, '127.0.0.1');
await Promise.all([once(api, 'listening'), once(base, 'listening')]);
process.stdout.write(`${JSON.stringify({ ready: true, apiPort: (api.address() as AddressInfo).port, baselinePort: (base.address() as AddressInfo).port })}\n`);

process.once('SIGTERM', () => {
  api.closeAllConnections();
  base.closeAllConnections();
  api.close();
  base.close();
  void application.close().then(() => process.exit(0));
});
