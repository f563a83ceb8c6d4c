import autocannon from 'autocannon';

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx answers plus connection errors and timeouts: any makes the figure invalid. */
  failures: number;
}

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/**
 * autocannon at `connections` for `seconds`, cycling through `requests` so
 * every connection sends varied bodies / paths (a fixed request would measure
 * a cache, not the service).
 */
export async function load(port: number, requests: readonly LoadRequest[], options: { connections?: number; seconds?: number } = {}): Promise<LoadFigures> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: options.connections ?? 50,
    duration: options.seconds ?? 10,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          const chosen = requests[next++ % requests.length]!;
          return { ...request, method: chosen.method, path: chosen.path, ...(chosen.body !== undefined ? { body: chosen.body } : {}) };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
