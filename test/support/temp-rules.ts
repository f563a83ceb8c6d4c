import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempRules {
  dir: string;
  /** Reads a JSON rule file (relative to the folder), lets `change` edit it, writes it to `as` (default: in place). */
  edit(file: string, change: (content: Record<string, any>) => void, as?: string): Promise<void>;
  remove(): Promise<void>;
}

/** A copy of the shipped rules/ (without samples) that a test may change freely. */
export async function createTempRules(): Promise<TempRules> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rules-'));
  await cp('rules', dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}samples`) && !source.endsWith('.md') });
  return {
    dir,
    async edit(file, change, as = file) {
      const content = JSON.parse(await readFile(path.join(dir, file), 'utf8'));
      change(content);
      await writeFile(path.join(dir, as), JSON.stringify(content, null, 2));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
