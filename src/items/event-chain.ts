import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';

export interface ChainedEventFields {
  itemId: string;
  seq: number;
  type: string;
  actor: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** The hash of one audit event, covering its content and the hash of the event before it. */
export function eventHash(prevHash: string, e: ChainedEventFields): string {
  return createHash('sha256')
    .update(
      [
        prevHash,
        e.itemId,
        e.seq,
        e.type,
        e.actor,
        e.createdAt.toISOString(),
        stringify(e.details),
      ].join('|'),
    )
    .digest('hex');
}

/** Recomputes a chain; returns the first seq that does not verify, or null when all do. */
export function firstBrokenLink(
  events: (ChainedEventFields & { prevHash: string; hash: string })[],
): number | null {
  let prev = '';
  let expectedSeq = 1;
  for (const e of events) {
    if (e.seq !== expectedSeq || e.prevHash !== prev || eventHash(prev, e) !== e.hash) return e.seq;
    prev = e.hash;
    expectedSeq += 1;
  }
  return null;
}
