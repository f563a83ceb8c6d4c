import type { Knex } from 'knex';
import type { Express } from 'express';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { openDatabase } from './db/open-database.ts';
import { RuleRegistry } from './rules/rule-registry.ts';
import { loadRuleSet } from './rules/rule-set-loader.ts';
import { RuleVersionStore } from './rules/rule-version-store.ts';
import { createApp, type RouteModule } from './api/app.ts';
import { Metrics } from './observability/metrics.ts';
import { healthRoutes, type ReadinessCheck } from './api/health-routes.ts';
import { RedisPing } from './api/redis-ping.ts';
import { PurchaseContextLoader } from './referrals/purchase-context-loader.ts';
import { ReferralCodeStore } from './referrals/referral-code-store.ts';
import { ReferralCodeService } from './referrals/referral-code-service.ts';
import { ShareLinks } from './referrals/share-links.ts';
import { referralCodeRoutes } from './referrals/referral-code-routes.ts';
import { shareLinkRoutes } from './referrals/share-link-routes.ts';
import { EventInboxStore } from './events/event-inbox-store.ts';
import { EventProcessingStore } from './events/event-processing-store.ts';
import { OrderStore } from './events/order-store.ts';
import { CampaignBudgetStore } from './events/campaign-budget-store.ts';
import { EVENTS_QUEUE, EventQueue, redisOptions } from './events/event-queue.ts';
import type { EventDispatcher } from './events/event-dispatcher.ts';
import { InProcessDispatcher } from './events/in-process-dispatcher.ts';
import { InboxFailedJobs } from './events/inbox-failed-jobs.ts';
import { EventIngestService } from './events/event-ingest-service.ts';
import { EventStatusService } from './events/event-status-service.ts';
import { FailedJobsService } from './events/failed-jobs-service.ts';
import { PurchaseProcessor } from './events/purchase-processor.ts';
import { PurchaseWriteStore } from './events/purchase-write-store.ts';
import { RefundProcessor } from './events/refund-processor.ts';
import { EventProcessor } from './events/event-processor.ts';
import { EventBatcher } from './events/event-batcher.ts';
import { RecoveryLoop, type RecoveryOptions } from './events/recovery-loop.ts';
import { eventRoutes, failedJobRoutes } from './events/event-routes.ts';
import { RewardLedgerStore } from './rewards/reward-ledger-store.ts';
import { ReferralStatusStore } from './rewards/referral-status-store.ts';
import { RewardLifecycleService } from './rewards/reward-lifecycle-service.ts';
import { CheckoutQuoteService } from './checkout/checkout-quote-service.ts';
import { checkoutQuoteRoutes } from './checkout/checkout-quote-routes.ts';
import { ReferralHistoryStore } from './referrals/referral-history-store.ts';
import { ReferralHistoryService } from './referrals/referral-history-service.ts';
import { referralHistoryRoutes } from './referrals/referral-history-routes.ts';
import { RewardHistoryStore } from './rewards/reward-history-store.ts';
import { RewardHistoryService } from './rewards/reward-history-service.ts';
import { rewardHistoryRoutes } from './rewards/reward-history-routes.ts';
import { RuleAdminService } from './rules/rule-admin-service.ts';
import { ruleAdminRoutes } from './rules/rule-admin-routes.ts';
import { RuleReloadBus } from './rules/rule-reload-bus.ts';
import { reloadAndLog } from './rules/reload-on-signal.ts';
import type { RuleSet } from './rules/rule-set.ts';
import { queueDashboard } from './api/queue-dashboard.ts';

/**
 * The composition root: every store and service is constructed here and
 * nowhere else. server.ts, worker.ts and the tests call these functions.
 */
export interface Stores {
  ruleVersions: RuleVersionStore;
  referralCodes: ReferralCodeStore;
  purchaseContext: PurchaseContextLoader;
  referralHistory: ReferralHistoryStore;
  rewardHistory: RewardHistoryStore;
}

export function createStores(knex: Knex): Stores {
  return {
    ruleVersions: new RuleVersionStore(knex),
    referralCodes: new ReferralCodeStore(knex),
    purchaseContext: new PurchaseContextLoader(knex),
    referralHistory: new ReferralHistoryStore(knex),
    rewardHistory: new RewardHistoryStore(knex),
  };
}

export interface Services {
  rules: RuleRegistry;
  referralCodes: ReferralCodeService;
  shareLinks: ShareLinks;
  quotes: CheckoutQuoteService;
  referralHistory: ReferralHistoryService;
  rewardHistory: RewardHistoryService;
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
  const referralHistory = new ReferralHistoryService(stores.referralHistory, referralCodes, shareLinks, rules);
  const rewardHistory = new RewardHistoryService(stores.rewardHistory);
  return { rules, referralCodes, shareLinks, quotes, referralHistory, rewardHistory };
}

export function createRoutes(services: Services, config: Readonly<Config>): RouteModule[] {
  return [
    referralCodeRoutes(services.referralCodes, services.shareLinks, config.apiKeys),
    shareLinkRoutes(services.referralCodes, services.shareLinks, config.publicBaseUrl.startsWith('https:')),
    checkoutQuoteRoutes(services.quotes),
    referralHistoryRoutes(services.referralHistory),
    rewardHistoryRoutes(services.rewardHistory),
  ];
}

/** Stores of the purchase-event pipeline and the reward ledger (issue 4). */
export interface EventStores {
  inbox: EventInboxStore;
  processing: EventProcessingStore;
  orders: OrderStore;
  /** What purchases write, every table in one statement per batch. */
  purchaseWrites: PurchaseWriteStore;
  budgets: CampaignBudgetStore;
  ledger: RewardLedgerStore;
  referralStatus: ReferralStatusStore;
}

export function createEventStores(knex: Knex): EventStores {
  return {
    inbox: new EventInboxStore(knex),
    processing: new EventProcessingStore(),
    orders: new OrderStore(),
    purchaseWrites: new PurchaseWriteStore(),
    budgets: new CampaignBudgetStore(),
    ledger: new RewardLedgerStore(knex),
    referralStatus: new ReferralStatusStore(),
  };
}

export interface EventServices {
  stores: EventStores;
  /** How stored events reach the processor: the BullMQ queue with REDIS_URL, else this process. */
  dispatcher: EventDispatcher;
  /** The BullMQ queue; undefined in in-process mode (no REDIS_URL). */
  queue: EventQueue | undefined;
  /** In-process mode only: runs events and the confirmation sweep one at a time in this process. */
  inProcess: InProcessDispatcher | undefined;
  ingest: EventIngestService;
  status: EventStatusService;
  failedJobs: Pick<FailedJobsService, 'list' | 'retry'>;
  processor: EventProcessor;
  /** What the BullMQ worker hands its jobs to: the events of concurrent jobs applied in one transaction. */
  batcher: EventBatcher;
  lifecycle: RewardLifecycleService;
}

export function createEventServices(knex: Knex, stores: EventStores, rules: RuleRegistry, contexts: PurchaseContextLoader, config: Readonly<Config>, logger: Logger, metrics?: Metrics): EventServices {
  const purchases = new PurchaseProcessor(knex, rules, contexts, stores.orders, stores.budgets, stores.purchaseWrites, stores.processing, metrics);
  const refunds = new RefundProcessor(knex, stores.orders, stores.ledger, stores.referralStatus, stores.processing, stores.inbox);
  const processor = new EventProcessor(stores.inbox, purchases, refunds, logger, metrics);
  const lifecycle = new RewardLifecycleService(knex, stores.ledger, stores.referralStatus);
  const queue = config.redisUrl ? new EventQueue(config.redisUrl, config, logger) : undefined;
  const inProcess = queue ? undefined : new InProcessDispatcher(processor, lifecycle, logger, { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs, confirmEveryMs: config.confirmEveryMs }, metrics);
  const dispatcher: EventDispatcher = queue ?? inProcess!;
  return {
    stores,
    dispatcher,
    queue,
    inProcess,
    ingest: new EventIngestService(stores.inbox, dispatcher, metrics),
    status: new EventStatusService(stores.inbox, stores.ledger),
    failedJobs: queue ? new FailedJobsService(queue, stores.inbox) : new InboxFailedJobs(stores.inbox, dispatcher),
    processor,
    batcher: new EventBatcher(processor, { concurrency: config.workerConcurrency }),
    lifecycle,
  };
}

export function eventRouteModules(events: EventServices): RouteModule[] {
  return [eventRoutes(events.ingest, events.status), failedJobRoutes(events.failedJobs)];
}

export interface Application {
  app: Express;
  knex: Knex;
  stores: Stores;
  services: Services;
  events: EventServices;
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * What the API and the worker share: stores, services, the rule set (loaded
 * and checked before anything else starts), this process's metrics and the
 * event pipeline.
 */
async function createCore(knex: Knex, config: Readonly<Config>, logger: Logger) {
  const stores = createStores(knex);
  const services = createServices(stores, config);
  const ruleSet = await services.rules.reload();
  logger.info({ rulesDir: config.rulesDir, files: ruleSet.files.length, hash: ruleSet.hash }, 'rule set loaded');
  const metrics = new Metrics();
  metrics.ruleSetLoaded(ruleSet.refs());
  const events = createEventServices(knex, createEventStores(knex), services.rules, stores.purchaseContext, config, logger, metrics);
  return { stores, services, metrics, events };
}

/**
 * Connects (migrating the embedded database; refusing an unmigrated
 * PostgreSQL), refuses an invalid rule set (the error says which and how to
 * fix it), and builds the HTTP app. In in-process mode (no REDIS_URL) it also
 * starts the recovery loop and the confirmation sweep in this process.
 */
export async function createApplication(config: Readonly<Config>, logger: Logger, options: { recovery?: RecoveryOptions } = {}): Promise<Application> {
  const knex = await openDatabase(config, logger);
  try {
    const { stores, services, metrics, events } = await createCore(knex, config, logger);
    const queue = events.queue;
    if (queue) metrics.watchQueue(EVENTS_QUEUE, () => queue.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized', 'waiting-children'));
    const inProcess = events.inProcess;
    // Same queue label in both modes, so one dashboard serves both.
    if (inProcess) metrics.watchQueue(EVENTS_QUEUE, () => inProcess.counts());
    metrics.watchBudgets(() => events.stores.budgets.list(knex));
    const reloadBus = listenForReloads(services.rules, metrics, config, logger);
    const ruleAdmin = new RuleAdminService(services.rules, stores.ruleVersions, (loaded) => {
      metrics.ruleSetLoaded(loaded.refs());
      void reloadBus?.announce(loaded.hash);
    });
    const redis = config.redisUrl ? new RedisPing(config.redisUrl) : undefined;
    const checks: ReadinessCheck[] = [
      { name: 'postgres', check: async () => void (await knex.raw('SELECT 1')) },
      { name: 'rules', check: async () => void services.rules.get() },
      { name: 'redis', check: async () => (redis ? redis.check() : 'not used (in-process mode)') },
    ];
    const recovery = events.inProcess ? new RecoveryLoop(events.stores.inbox, events.inProcess, logger, options.recovery) : undefined;
    recovery?.start();
    events.inProcess?.startConfirmations();
    const app = createApp({ config, logger, metrics, routes: [...createRoutes(services, config), ...eventRouteModules(events), ruleAdminRoutes(ruleAdmin)], publicRoutes: [healthRoutes(checks)], mounts: queue ? [queueDashboard([queue.queue], config.apiKeys)] : [] });
    return { app, knex, stores, services, events, metrics, close: async () => { redis?.close(); reloadBus?.close(); await recovery?.stop(); await events.dispatcher.close(); await knex.destroy(); } };
  } catch (error) {
    await knex.destroy();
    throw error;
  }
}

export interface WorkerApplication {
  knex: Knex;
  rules: RuleRegistry;
  events: EventServices;
  recovery: RecoveryLoop;
  /** This worker's own registry: processed and failed events, job durations, rewards granted. */
  metrics: Metrics;
  close(): Promise<void>;
}

/**
 * What `npm run worker` runs: the same stores and rules as the API, without
 * HTTP. Needs DATABASE_URL and REDIS_URL; without them the server processes
 * events itself.
 */
export async function createWorkerApplication(config: Readonly<Config>, logger: Logger, recovery: RecoveryOptions = {}): Promise<WorkerApplication> {
  if (!config.databaseUrl || !config.redisUrl) throw new Error('workers need DATABASE_URL and REDIS_URL; without them "npm start" processes events in the server process');
  // Connections in use: the batches in flight (4), events applied one by one (refunds, retries), the
  // recovery loop and the confirmation sweep; not one per job, since jobs' events are batched.
  const knex = await openDatabase(config, logger, { min: 0, max: Math.max(4, Math.min(config.workerConcurrency + 4, 20)) });
  try {
    const { services, metrics, events } = await createCore(knex, config, logger);
    const loop = new RecoveryLoop(events.stores.inbox, events.dispatcher, logger, recovery);
    const reloadBus = listenForReloads(services.rules, metrics, config, logger);
    return {
      knex,
      rules: services.rules,
      events,
      recovery: loop,
      metrics,
      close: async () => {
        reloadBus?.close();
        await loop.stop();
        await events.dispatcher.close();
        await knex.destroy();
      },
    };
  } catch (error) {
    await knex.destroy();
    throw error;
  }
}

/**
 * With Redis, every process hears about an admin's rule reload and loads
 * RULES_DIR too (see RuleReloadBus); without Redis there is one process.
 */
function listenForReloads(rules: RuleRegistry, metrics: Metrics, config: Readonly<Config>, logger: Logger): RuleReloadBus | undefined {
  if (!config.redisUrl) return undefined;
  const bus = new RuleReloadBus(`${config.queuePrefix}:rules-reload`, redisOptions(config.redisUrl, 'producer'), redisOptions(config.redisUrl, 'worker'), logger);
  const onLoaded = (ruleSet: RuleSet) => metrics.ruleSetLoaded(ruleSet.refs());
  bus.listen(() => void reloadAndLog(rules, onLoaded, logger, 'announced by another process')).catch((error: unknown) => logger.warn({ err: error }, 'not listening for rule reloads'));
  return bus;
}
