import type { RouteModule } from './app.ts';

export interface ReadinessCheck {
  name: string;
  /** Throws when the dependency is down; may return a note to show instead of "ok" (a dependency this mode does not use). */
  check(): Promise<void | string>;
}

/** /healthz: the process answers. /readyz: every dependency answers and a valid rule set is loaded. */
export function healthRoutes(checks: readonly ReadinessCheck[]): RouteModule {
  return (api) => {
    api.route(
      { method: 'get', path: '/healthz', summary: 'Liveness: the process is up', tags: ['operations'], access: 'public', responses: { 200: { description: 'up' } } },
      (_req, res) => res.json({ status: 'ok' }),
    );
    api.route(
      { method: 'get', path: '/readyz', summary: 'Readiness: PostgreSQL, Redis and a valid rule set', tags: ['operations'], access: 'public', responses: { 200: { description: 'ready' }, 503: { description: 'a dependency is down' } } },
      async (_req, res) => {
        const results = await Promise.all(
          checks.map(async ({ name, check }) => {
            try {
              return [name, (await withTimeout(check(), 2000)) ?? 'ok', true] as const;
            } catch (error) {
              return [name, `failing: ${(error as Error).message}`, false] as const;
            }
          }),
        );
        const ready = results.every(([, , ok]) => ok);
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results.map(([name, status]) => [name, status])) });
      },
    );
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
