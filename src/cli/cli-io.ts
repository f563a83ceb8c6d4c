import { RuleSetInvalidError } from '../rules/rule-errors.ts';
import { formatIssue } from '../rules/safe-json.ts';
import { EventsFileError } from './read-events-file.ts';

/** Where a command writes, one line per call; the entry binds it to stdout/stderr. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs a command and turns the errors a marketer can fix (a bad rule set, a
 * bad events file) into their messages and exit code 1. Anything else is a bug
 * and keeps its stack trace.
 */
export async function runCommand(io: CliIo, command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (error) {
    if (error instanceof RuleSetInvalidError) {
      printIssues(io, error);
      return 1;
    }
    if (error instanceof EventsFileError) {
      for (const problem of error.problems) io.err(problem);
      return 1;
    }
    throw error;
  }
}

export function printIssues(io: CliIo, error: RuleSetInvalidError): void {
  for (const issue of error.issues) io.err(formatIssue(issue));
  io.err(`✗ ${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}; nothing was loaded`);
}
