import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

export interface BenchChild {
  process: ChildProcess;
  /** The first JSON line the child printed (its "ready" message). */
  ready: Record<string, unknown>;
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB(): Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs a TypeScript entry point as `node --import tsx <script>` (so the pid is
 * the process doing the work, not a tsx wrapper) and waits for its first
 * stdout JSON line that `readyWhen` accepts (default: `{"ready":true,…}`; pino
 * lines work too, e.g. the worker's "worker started").
 */
export interface ChildOptions {
  readyWhen?: (message: Record<string, unknown>) => boolean;
  /** BENCH_PROFILE=<dir> in the bench's environment adds `--cpu-prof --cpu-prof-dir=<dir>`. */
  profile?: boolean;
  timeoutMs?: number;
}

export async function startChild(script: string, env: Record<string, string>, options: ChildOptions = {}): Promise<BenchChild> {
  const { readyWhen = (m) => m.ready === true, timeoutMs = 60_000 } = options;
  const profile = options.profile && process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      try {
        const message = JSON.parse(line) as Record<string, unknown>;
        if (readyWhen(message)) {
          clearTimeout(timer);
          resolve(message);
        }
      } catch {
        // not ours
      }
    });
  });
  return {
    process: child,
    ready,
    async peakRssMiB() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kib / 1024;
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
