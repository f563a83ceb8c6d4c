import { readFile } from 'node:fs/promises';
import type { ErrorObject } from 'ajv';
import { DomainError } from '../domain-error.ts';
import type { PurchaseInput } from '../engine/purchase-input.ts';
import { isKnownCurrency, POINTS } from '../money/currency.ts';
import { suggestion } from '../rules/did-you-mean.ts';
import { createAjv } from '../validation/create-ajv.ts';
import { PURCHASE_LINE_SCHEMA } from './purchase-line-schema.ts';

/** One purchase from an events file, with where it came from. */
export interface PurchaseLine {
  /** The line's "id", else its order id, else "line N": how the CLI names it. */
  label: string;
  /** 1-based line number in the file. */
  line: number;
  input: PurchaseInput;
}

/** The events file could not be read or has bad lines; nothing was evaluated. */
export class EventsFileError extends DomainError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'), 'events-file-invalid');
  }
}

type LineContent = PurchaseInput & { id?: string };

// Typed as a guard for LineContent; the schema and the interface are kept in step by hand.
const validateLine = createAjv({ verbose: true }).compile<LineContent>(PURCHASE_LINE_SCHEMA);

/**
 * Reads a JSONL file of purchases (one PurchaseInput plus optional "id" per
 * line; blank lines are skipped) and checks every line.
 * @throws EventsFileError listing every bad line as "file:N: problem".
 */
export async function readEventsFile(file: string): Promise<PurchaseLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new EventsFileError([`${file}: cannot read the events file: ${(error as Error).message}`]);
  }
  return parsePurchaseLines(file, text);
}

export function parsePurchaseLines(file: string, text: string): PurchaseLine[] {
  const purchases: PurchaseLine[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const checked = checkLine(raw);
    if (Array.isArray(checked)) {
      problems.push(...checked.map((problem) => `${file}:${line}: ${problem}`));
      return;
    }
    const { id, ...input } = checked;
    purchases.push({ label: id ?? input.order.orderId ?? `line ${line}`, line, input });
  });
  if (problems.length > 0) throw new EventsFileError(problems);
  if (purchases.length === 0) throw new EventsFileError([`${file}: no purchases in the file (one JSON object per line)`]);
  return purchases;
}

function checkLine(raw: string): LineContent | string[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return [`not valid JSON: ${(error as Error).message}`];
  }
  if (!validateLine(value)) return [...new Set((validateLine.errors ?? []).map(describeError))];
  const problems = meaningProblems(value);
  return problems.length > 0 ? problems : value;
}

/** What the schema cannot say: known currencies, safe totals, facts the engine needs. */
function meaningProblems(event: LineContent): string[] {
  const { order, context } = event;
  const problems: string[] = [];
  if (!isKnownCurrency(order.currency) || order.currency === POINTS) {
    problems.push(`order.currency: unknown currency "${order.currency}"; use an ISO 4217 code such as "USD"`);
  }
  // The engine sums these as JS numbers; past 2^53 they would silently lose units.
  const subtotal = order.items.reduce((sum, item) => sum + BigInt(item.unitPrice) * BigInt(item.quantity), 0n);
  if (subtotal > BigInt(Number.MAX_SAFE_INTEGER)) problems.push(`order.items: the subtotal ${subtotal} is too large`);
  const discounts = order.discounts.reduce((sum, discount) => sum + BigInt(discount.amount), 0n);
  if (discounts > BigInt(Number.MAX_SAFE_INTEGER)) problems.push(`order.discounts: the total ${discounts} is too large`);
  if (context.referee.priorOrderCount > 0 && !context.referee.firstOrderAt) {
    problems.push('context.referee.firstOrderAt: required when priorOrderCount is above 0 (it decides the first-year cashback)');
  }
  const referral = context.referral;
  if (referral?.source === 'link' && !referral.clickedAt && !referral.boundAt) {
    problems.push('context.referral.clickedAt: required for a "link" referral that is not bound yet (it decides the attribution window)');
  }
  return problems;
}

function describeError(error: ErrorObject): string {
  const path = readablePath(error.instancePath);
  return path ? `${path}: ${describeProblem(error)}` : describeProblem(error);
}

function describeProblem(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `missing required property "${String(params.missingProperty)}"`;
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return `unknown property "${extra}"${allowed.length > 0 ? suggestion(extra, allowed) : ''}`;
    }
    case 'format':
      return `must be an ISO 8601 date-time with an offset, e.g. "2026-03-10T09:15:00-05:00", got ${JSON.stringify(error.data)}`;
    case 'type':
      return `must be ${String(params.type).split(',').join(' or ')}, got ${JSON.stringify(error.data)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(error.data)}`;
    default:
      return `${error.message ?? 'is invalid'}, got ${JSON.stringify(error.data)}`;
  }
}

/** "/order/items/0/unitPrice" → "order.items[0].unitPrice", as the line reads. */
function readablePath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}
