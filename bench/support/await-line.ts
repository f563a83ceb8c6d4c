import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Resolves with the first JSON line on the child's stdout that `accept` takes. */
export function awaitLine(child: ChildProcess, accept: (message: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>> {
  const lines = createInterface({ input: child.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      lines.close();
      reject(new Error(`no matching line within ${timeoutMs} ms`));
    }, timeoutMs);
    lines.on('line', (line) => {
      try {
        const message = JSON.parse(line) as Record<string, unknown>;
        if (accept(message)) {
          clearTimeout(timer);
          lines.close();
          resolve(message);
        }
      } catch {
        // not JSON
      }
    });
  });
}
