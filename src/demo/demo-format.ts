import { exponentOf, isKnownCurrency, POINTS } from '../money/currency.ts';

/** Where the demo writes, one line per call. */
export type Out = (line: string) => void;

const WIDTH = 72;

/** "── 3. The friend's cart ────…" */
export function section(out: Out, title: string): void {
  out('');
  out(`── ${title} ${'─'.repeat(Math.max(3, WIDTH - title.length - 4))}`);
}

/** Label/value pairs with the values in one column. */
export function pairs(out: Out, rows: ReadonlyArray<readonly [string, string]>): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) out(`  ${label.padEnd(width)}  ${value}`);
}

/** A table with a header row; numbers (and money) are right-aligned. */
export function table(out: Out, header: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => /^-?[A-Z]{0,3}\s?-?[\d.,]+( points)?$/.test(row[i] ?? '')));
  const line = (cells: readonly string[]) => `  ${cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  out(line(header));
  out(`  ${widths.map((w) => '─'.repeat(w)).join('  ')}`);
  for (const row of rows) out(line(row));
}

/** Minor units in major units with the currency: 8990 USD → "USD 89.90", 1500 JPY → "JPY 1,500", 100 PTS → "100 points". */
export function money(minor: number | string | bigint, currency: string): string {
  const amount = BigInt(minor);
  if (currency === POINTS) return `${group((amount < 0n ? -amount : amount).toString(), amount < 0n)} points`;
  const exponent = isKnownCurrency(currency) ? exponentOf(currency) : 2;
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(-exponent)}` : '';
  return `${currency} ${group(whole, negative)}${fraction}`;
}

function group(whole: string, negative: boolean): string {
  return `${negative ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}
