import { Command } from 'commander';
import { processIo, runCommand } from './cli-io.ts';
import { diffCommand } from './diff-command.ts';
import { simulateCommand } from './simulate-command.ts';
import { validateCommand } from './validate-command.ts';

/**
 * The marketers' CLI: `npm run rules -- <command>`. Each command lives in its
 * own module and returns an exit code; this file only wires them to commander.
 */
const program = new Command()
  .name('rules')
  .description('Check, simulate and compare the referral program rule files (see rules/README.md).')
  .showHelpAfterError();

program
  .command('validate')
  .description('Check a rules folder (or one rule file); prints every problem as file#pointer: message.')
  .argument('[path]', 'rules folder or a single rule file', 'rules')
  .action(async (path: string) => exit(await runCommand(processIo, () => validateCommand(processIo, path))));

program
  .command('simulate')
  .description('Evaluate the purchases of a JSONL file and print each result and the totals.')
  .requiredOption('--events <file>', 'JSONL file: one purchase per line (see rules/samples/purchases.jsonl)')
  .option('--rules <dir>', 'rules folder', 'rules')
  .option('--json', 'print one JSON object per line instead of text')
  .action(async (options: { events: string; rules: string; json?: boolean }) =>
    exit(await runCommand(processIo, () => simulateCommand(processIo, options))));

program
  .command('diff')
  .description('Evaluate the same purchases under two rules folders and show what changes.')
  .requiredOption('--from <dir>', 'rules folder before the change')
  .requiredOption('--to <dir>', 'rules folder after the change')
  .requiredOption('--events <file>', 'JSONL file: one purchase per line')
  .option('--json', 'print one JSON object per line instead of text')
  .action(async (options: { from: string; to: string; events: string; json?: boolean }) =>
    exit(await runCommand(processIo, () => diffCommand(processIo, options))));

function exit(code: number): void {
  process.exitCode = code;
}

// `… | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

await program.parseAsync();
