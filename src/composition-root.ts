import type { Knex } from 'knex';
import type { Express } from 'express';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createKnex } from './db/create-knex.ts';
import { assertMigrated } from './db/migrations.ts';
import { RuleRegistry } from './rules/rule-registry.ts';
import { loadRuleSet } from './rules/rule-set-loader.ts';
import { RuleVersionStore } from './rules/rule-version-store.ts';
import { createApp, type RouteModule } from './api/app.ts';
import { Metrics } from './observability/metrics.ts';
import { healthRoutes, type ReadinessCheck } from './api/health-routes.ts';
import { PurchaseContextLoader } from './referrals/purchase-context-loader.ts';
import { ReferralCodeStore } from './referrals/referral-code-store.ts';
import { ReferralCodeService } from './referrals/referral-code-service.ts';
import { ShareLinks } from './referrals/share-links.ts';
import { referralCodeRoutes } from './referrals/referral-code-routes.ts';
import { shareLinkRoutes } from './referrals/share-link-routes.ts';
import { CheckoutQuoteService } from './checkout/checkout-quote-service.ts';
import { checkoutQuoteRoutes } from './checkout/checkout-quote-routes.ts';

/**
 * The composition root: every store and service is constructed here and
 * nowhere else. server.ts, worker.ts and the tests call these functions.
 */
export interface Stores {
  ruleVersions: RuleVersionStore;
  referralCodes: ReferralCodeStore;
  purchaseContext: PurchaseContextLoader;
}

export function createStores(knex: Knex): Stores {
  return {
    ruleVersions: new RuleVersionStore(knex),
    referralCodes: new ReferralCodeStore(knex),
    purchaseContext: new PurchaseContextLoader(knex),
  };
}

export interface Services {
  rules: RuleRegistry;
  referralCodes: ReferralCodeService;
  shareLinks: ShareLinks;
  quotes: CheckoutQuoteService;
}

export function createServices(stores: Stores, config: Readonly<Config>): Services {
  const rules = new RuleRegistry(async () => {
    const ruleSet = await loadRuleSet(config.rulesDir);
    await stores.ruleVersions.record(ruleSet);
    return ruleSet;
  });
  const referralCodes = new ReferralCodeService(stores.referralCodes);
  const shareLinks = new ShareLinks(config.publicBaseUrl, config.shopUrl);
  const quotes = new CheckoutQuoteService(rules, stores.purchaseContext);
  return { rules, referralCodes, shareLinks, quotes };
}

export function createRoutes(services: Services, config: Readonly<Config>): RouteModule[] {
  return [
    referralCodeRoutes(services.referralCodes, services.shareLinks, config.apiKeys),
    shareLinkRoutes(services.referralCodes, services.shareLinks, config.publicBaseUrl.startsWith('https:')),
    checkoutQuoteRoutes(services.quotes),
  ];
}

export interface Application {
  app: Express;
  knex: Knex;
  stores: Stores;
  services: Services;
  close(): Promise<void>;
}

/**
 * Connects, refuses an unmigrated database or an invalid rule set (the error
 * says which and how to fix it), and builds the HTTP app.
 */
export async function createApplication(config: Readonly<Config>, logger: Logger): Promise<Application> {
  const knex = createKnex(config.databaseUrl);
  try {
    await assertMigrated(knex);
    const stores = createStores(knex);
    const services = createServices(stores, config);
    const ruleSet = await services.rules.reload();
    logger.info({ rulesDir: config.rulesDir, files: ruleSet.files.length, hash: ruleSet.hash }, 'rule set loaded');
    const metrics = new Metrics();
    metrics.ruleSetLoaded(ruleSet.refs());
    const checks: ReadinessCheck[] = [
      { name: 'postgres', check: async () => void (await knex.raw('SELECT 1')) },
      { name: 'rules', check: async () => void services.rules.get() },
    ];
    const app = createApp({ config, logger, metrics, routes: createRoutes(services, config), publicRoutes: [healthRoutes(checks)] });
    return { app, knex, stores, services, close: () => knex.destroy() };
  } catch (error) {
    await knex.destroy();
    throw error;
  }
}
