import { prng, type Random } from './prng.ts';

/**
 * A generated, replayable stream of purchase events over 60 users, for differential tests of the
 * event pipeline (test/integration/events-batching.test.ts): frequent buyers, referrers buying
 * alongside their referees, codes and share-link visits, borrowed fraud signals, redeliveries,
 * reused orders, refunds and cancellations (some before their purchase), dates under several
 * rule selections and a few under none.
 */
export const USERS = Array.from({ length: 60 }, (_, i) => `u-${String(i).padStart(2, '0')}`);
export const REFERRERS = USERS.slice(0, 12);
export const codeOf = (user: string) => `REF${user.slice(2)}`;
const emailOf = (user: string) => `${user}@mail.example`;
const deviceOf = (user: string) => `dev-${user}`;
const cardOf = (user: string) => `card-${user}`;
/** Visitors who clicked a referrer's share link (the test records the clicks): in March (stale by December) and late July. */
export const CLICKS = Array.from({ length: 10 }, (_, i) => ({ visitorId: `v-${i}`, referrer: REFERRERS[(i * 5) % REFERRERS.length]!, at: i % 2 ? '2026-07-25T10:00:00Z' : '2026-03-01T10:00:00Z' }));

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Dates under three rule selections: base rules (March), a campaign the test adds for August, the
 * holiday campaign (December). The stream runs through them in turn (`progress` from 0 to 1) as a shop's
 * would, with one event in twenty from another period (reported late, or early).
 */
function dateOf(r: Random, progress: number): string {
  const time = `T${pad(r.int(24))}:${pad(r.int(60))}:00Z`;
  if (r.next() < 0.01) return `2025-06-${pad(1 + r.int(28))}${time}`; // no rules in force: fails
  const period = r.next() < 0.06 ? r.int(3) : Math.floor(progress * 3);
  if (period === 0) return `2026-03-${pad(1 + r.int(28))}${time}`;
  if (period === 1) return `2026-08-${pad(1 + r.int(28))}${time}`;
  return `2026-12-${pad(21 + r.int(10))}${time}`;
}

function purchaseOf(r: Random, n: number, progress: number): Record<string, unknown> {
  // One purchase in five comes from 12 frequent buyers (the referrers among them): same-user events share batches.
  const userId = r.next() < 0.2 ? r.pick(USERS.slice(0, 12)) : r.pick(USERS);
  const how = r.next();
  const click = r.pick(CLICKS);
  const referrer = how < 0.45 ? r.pick(REFERRERS) : how < 0.6 ? click.referrer : undefined;
  const referral = how < 0.45 ? { referralCode: codeOf(referrer!).toLowerCase() } : how < 0.6 ? { visitorId: click.visitorId } : {};
  // Sometimes one of the buyer's signals is the referrer's own (self-referral), which only counts once the referrer has bought with it.
  const fraud = referrer && r.next() < 0.2 ? r.int(3) : -1;
  const signals = {
    email: fraud === 0 ? emailOf(referrer!) : emailOf(userId),
    deviceFingerprint: fraud === 1 ? deviceOf(referrer!) : deviceOf(userId),
    paymentFingerprint: fraud === 2 ? cardOf(referrer!) : cardOf(userId),
  };
  const items = Array.from({ length: 1 + r.int(2) }, (_, i) => ({ sku: `SKU-${i}`, category: r.pick(['shoes', 'bags', 'hats']), unitPrice: 1000 + 500 * r.int(40), quantity: 1 + r.int(2) }));
  return {
    id: `evt-${n}`,
    type: 'purchase.completed',
    orderId: `ord-${n}`,
    userId,
    occurredAt: dateOf(r, progress),
    currency: r.next() < 0.85 ? 'USD' : 'EUR',
    items,
    discounts: [],
    ...referral,
    signals,
  };
}

/**
 * ~440 events: purchases, a few redelivered (same id again later), a few reusing a reported order
 * under a new id, and refunds or cancellations of some orders, a third of them before their purchase.
 */
export function purchaseStream(seed: number): Array<Record<string, unknown>> {
  const r = prng(seed);
  const purchases = Array.from({ length: 380 }, (_, n) => purchaseOf(r, n, n / 380));
  const stream = [...purchases];
  const insertAfter = (anchor: Record<string, unknown>, event: Record<string, unknown>) => {
    const at = stream.indexOf(anchor) + 1;
    stream.splice(at + r.int(stream.length - at + 1), 0, event);
  };
  const insertBefore = (anchor: Record<string, unknown>, event: Record<string, unknown>) => stream.splice(r.int(stream.indexOf(anchor) + 1), 0, event);
  for (let i = 0; i < 8; i += 1) insertAfter(r.pick(purchases), r.pick(purchases));
  for (let i = 0; i < 4; i += 1) {
    const original = r.pick(purchases);
    insertAfter(original, { ...purchaseOf(r, 1000 + i, r.next()), orderId: original.orderId });
  }
  for (let i = 0; i < 30; i += 1) {
    const order = purchases[r.int(purchases.length)]!;
    const daysLater = new Date(Date.parse(order.occurredAt as string) + (1 + r.int(25)) * 86_400_000).toISOString();
    const kind = r.next();
    const event =
      kind < 0.2
        ? { id: `cancel-${i}`, type: 'purchase.cancelled', orderId: order.orderId, occurredAt: daysLater }
        : kind < 0.4
          ? { id: `refund-${i}`, type: 'purchase.refunded', orderId: order.orderId, occurredAt: daysLater }
          : { id: `refund-${i}`, type: 'purchase.refunded', orderId: order.orderId, occurredAt: daysLater, amount: 100 + r.int(2000) };
    if (r.next() < 0.35) insertBefore(order, event);
    else insertAfter(order, event);
  }
  return stream;
}

export function chunksOf(ids: readonly string[], r: Random): string[][] {
  const chunks: string[][] = [];
  for (let at = 0; at < ids.length; ) {
    const size = 1 + r.int(40);
    chunks.push(ids.slice(at, at + size));
    at += size;
  }
  return chunks;
}
