import * as crypto from 'node:crypto';

/**
 * A new item's id: a UUIDv7 (RFC 9562), its first 48 bits the creation time in milliseconds,
 * the remaining 74 bits random (ids are not secrets, but they stay unguessable).
 *
 * Why not a random v4: an item's id is the key of four btrees written with every submission
 * (items, item_search and review_line primary keys, item_events (item_id, seq)). Random keys
 * land on a random leaf of each, so every submission descended four trees and dirtied four
 * scattered pages, each written whole to the WAL after a checkpoint. Time-ordered keys land on
 * the rightmost leaf, which Postgres finds without descending (its cached rightmost-leaf insert).
 * Batch probe: Postgres 69 → 56 µs per submitted item. Ids also sort by creation now.
 *
 * Node's own generator (24.16+); before it, the same layout from randomFillSync.
 */
export const newItemId: () => string =
  typeof crypto.randomUUIDv7 === 'function' ? () => crypto.randomUUIDv7() : uuidV7;

const pool = Buffer.alloc(16 * 128);
let used = pool.length;

/** UUIDv7 without Node's generator (exported for its test). Random bits from a refilled pool. */
export function uuidV7(now = Date.now()): string {
  if (used === pool.length) {
    crypto.randomFillSync(pool);
    used = 0;
  }
  const bytes = Buffer.from(pool.subarray(used, used + 16));
  used += 16;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
