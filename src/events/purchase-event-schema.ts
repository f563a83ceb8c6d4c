import { QUOTE_BODY } from '../checkout/checkout-quote-schema.ts';
import type { CartItem, FraudSignals, ShopDiscount } from '../engine/purchase-input.ts';

/**
 * The events checkout posts, as JSON Schemas (draft 2020-12) that validate the
 * request, document it in OpenAPI and type it. Field names follow the quote's.
 * Money is integer minor units; unknown fields are refused so a typo is an
 * error rather than a silently different reward.
 */
const text = { type: 'string', minLength: 1, maxLength: 200 } as const;
const occurredAt = { type: 'string', format: 'date-time', description: 'ISO 8601 with offset; decides which rule versions apply.' } as const;
// A purchase's fields are the quote's, with the same bounds (which keep every sum the
// engine forms below 2^53): an order a quote accepts, the event accepts.
const order = QUOTE_BODY.properties;

/**
 * Client-chosen, unique per event; it is also the BullMQ job id, and BullMQ
 * refuses job ids that are plain integers or contain ":".
 */
export const EVENT_ID_SCHEMA = {
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$',
  not: { pattern: '^[0-9]+$' },
  description: 'Client-chosen unique id: letters, digits, ".", "_", "-", not only digits (UUIDs are fine).',
} as const;

export const PURCHASE_COMPLETED_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'orderId', 'userId', 'occurredAt', 'currency', 'items', 'discounts'],
  properties: {
    id: EVENT_ID_SCHEMA,
    type: { const: 'purchase.completed' },
    orderId: text,
    userId: order.userId,
    occurredAt,
    currency: order.currency,
    items: order.items,
    discounts: order.discounts,
    referralCode: order.referralCode,
    visitorId: order.visitorId,
    signals: order.signals,
  },
} as const;

/** No amount and no items means a full refund. */
export const PURCHASE_REFUNDED_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'orderId', 'occurredAt'],
  properties: {
    id: EVENT_ID_SCHEMA,
    type: { const: 'purchase.refunded' },
    orderId: text,
    occurredAt,
    amount: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Money returned to the customer, in minor units of the order currency.' },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: order.items.maxItems,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'quantity'],
        properties: { sku: order.items.items.properties.sku, quantity: order.items.items.properties.quantity },
      },
    },
  },
  not: { required: ['amount', 'items'] },
} as const;

export const PURCHASE_CANCELLED_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'orderId', 'occurredAt'],
  properties: { id: EVENT_ID_SCHEMA, type: { const: 'purchase.cancelled' }, orderId: text, occurredAt },
} as const;

/**
 * One schema for any event: the `type` picks the branch (if/then), so a bad
 * refund reports the refund's errors instead of three branches' worth.
 */
export const PURCHASE_EVENT_SCHEMA = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['purchase.completed', 'purchase.refunded', 'purchase.cancelled'] } },
  allOf: [
    { if: { properties: { type: { const: 'purchase.completed' } } }, then: PURCHASE_COMPLETED_SCHEMA },
    { if: { properties: { type: { const: 'purchase.refunded' } } }, then: PURCHASE_REFUNDED_SCHEMA },
    { if: { properties: { type: { const: 'purchase.cancelled' } } }, then: PURCHASE_CANCELLED_SCHEMA },
  ],
} as const;

export const MAX_BATCH_EVENTS = 1000;

export const EVENT_BATCH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['events'],
  properties: { events: { type: 'array', minItems: 1, maxItems: MAX_BATCH_EVENTS, items: PURCHASE_EVENT_SCHEMA } },
} as const;

export interface PurchaseCompletedEvent {
  id: string;
  type: 'purchase.completed';
  orderId: string;
  userId: string;
  occurredAt: string;
  currency: string;
  items: CartItem[];
  discounts: ShopDiscount[];
  referralCode?: string;
  visitorId?: string;
  signals?: FraudSignals;
}

export interface RefundedItem {
  sku: string;
  quantity: number;
}

export interface PurchaseRefundedEvent {
  id: string;
  type: 'purchase.refunded';
  orderId: string;
  occurredAt: string;
  amount?: number;
  items?: RefundedItem[];
}

export interface PurchaseCancelledEvent {
  id: string;
  type: 'purchase.cancelled';
  orderId: string;
  occurredAt: string;
}

export type PurchaseEvent = PurchaseCompletedEvent | PurchaseRefundedEvent | PurchaseCancelledEvent;
export type PurchaseEventType = PurchaseEvent['type'];
