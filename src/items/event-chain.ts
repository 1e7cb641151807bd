import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import stringify from 'safe-stable-stringify';

export interface ChainedEventFields {
  itemId: string;
  seq: number;
  type: string;
  actor: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** What the chain head covers besides the newest event: the item's verdict as stored. */
export interface ItemVerdictFields {
  status: string;
  usable: boolean;
  finalOutput: unknown;
}

function eventText(prevHash: string, e: ChainedEventFields): string {
  return [
    prevHash,
    e.itemId,
    e.seq,
    e.type,
    e.actor,
    e.createdAt.toISOString(),
    stringify(e.details),
  ].join('|');
}

/**
 * The plain SHA-256 link of events written before audit keying. Anyone who can write the table
 * can recompute these, so they are accepted only for an item's leading legacy events, and only
 * because the keyed chain head vouches for the newest hash (which covers them all).
 */
export function legacyEventHash(prevHash: string, e: ChainedEventFields): string {
  return createHash('sha256').update(eventText(prevHash, e)).digest('hex');
}

/**
 * Keyed audit hashes. The key (AUDIT_KEY, or one generated and kept in the settings table) never
 * sits in the items tables, so whoever can edit item_events or items cannot forge a valid link
 * or head: an edited or deleted event, a rewrite with recomputed hashes and a direct change of
 * status, usable or final_output are all caught by verify.
 */
export class AuditChain {
  private readonly key: Buffer;

  constructor(key: string) {
    this.key = createHmac('sha256', key).update('verdict:audit-chain:v1').digest();
  }

  /** The hash of one audit event: an HMAC of its content and the hash of the event before it. */
  eventHash(prevHash: string, e: ChainedEventFields): string {
    return createHmac('sha256', this.key).update(eventText(prevHash, e)).digest('hex');
  }

  /**
   * The head kept on the item row: covers the newest event (seq and hash), how many leading
   * events are legacy, and the item's status, usability and final output.
   */
  head(
    itemId: string,
    last: { seq: number; hash: string } | null,
    legacySeq: number,
    item: ItemVerdictFields,
  ): string {
    return createHmac('sha256', this.key)
      .update(
        [
          'head',
          itemId,
          last?.seq ?? 0,
          last?.hash ?? '',
          legacySeq,
          item.status,
          item.usable,
          stringify(item.finalOutput ?? null),
        ].join('|'),
      )
      .digest('hex');
  }

  /** Recomputes a chain; returns the first seq that does not verify, or null when all do. */
  firstBrokenLink(
    events: (ChainedEventFields & { prevHash: string; hash: string })[],
    legacySeq = 0,
  ): number | null {
    let prev = '';
    let expectedSeq = 1;
    for (const e of events) {
      const expected = e.seq <= legacySeq ? legacyEventHash(prev, e) : this.eventHash(prev, e);
      if (e.seq !== expectedSeq || e.prevHash !== prev || expected !== e.hash) return e.seq;
      prev = e.hash;
      expectedSeq += 1;
    }
    return null;
  }

  headMatches(
    stored: string,
    itemId: string,
    last: { seq: number; hash: string } | null,
    legacySeq: number,
    item: ItemVerdictFields,
  ): boolean {
    const expected = Buffer.from(this.head(itemId, last, legacySeq, item), 'hex');
    const given = Buffer.from(stored, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
