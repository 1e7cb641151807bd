import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { AuditChain, type ItemVerdictFields } from './event-chain';
import { ItemEvent } from './item-event.entity';
import type { Item } from './item.entity';
import type { NewItemEvent } from './item-state';

export type ChainLink = { seq: number; hash: string } | null;

/** What an item row stores about its audit chain, for writers that update the row. */
export interface AuditColumns {
  auditHead: string;
  auditLegacySeq: number;
}

/**
 * The audit trail's hashing and reading. The item store (item-store.ts) appends inside the
 * transaction that changes the item, while its row is locked, and writes the item's new chain
 * head (auditColumns) in the same transaction: the head is what makes a deleted last event or a
 * change made to the item outside Verdict detectable.
 */
@Injectable()
export class ItemEventsService {
  readonly chainKey: AuditChain;

  constructor(
    @InjectRepository(ItemEvent) private readonly events: Repository<ItemEvent>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.chainKey = new AuditChain(config.auditKey);
  }

  /**
   * The rows that extend an item's chain after `last` (its newest event, or null). For callers
   * that read the newest link together with the item row and write in one statement.
   */
  chain(itemId: string, last: ChainLink, events: NewItemEvent[]) {
    let prev = last?.hash ?? '';
    let seq = last?.seq ?? 0;
    return events.map((e) => {
      seq += 1;
      // Postgres keeps microseconds, JS milliseconds: truncate so the stored time hashes the same.
      const row = {
        itemId,
        seq,
        type: e.type,
        actor: e.actor,
        details: e.details ?? {},
        createdAt: new Date((e.at ?? new Date()).getTime()),
      };
      const hash = this.chainKey.eventHash(prev, row);
      const out = { ...row, prevHash: prev, hash };
      prev = hash;
      return out;
    });
  }

  /**
   * The head columns for an item whose newest event is `last` (after any events being written)
   * and whose verdict is `item`. An item from before audit keying (no head yet) keeps its
   * existing events as legacy links: everything up to `previousLast` was hashed unkeyed.
   */
  auditColumns(
    item: ItemVerdictFields & { id: string; auditHead?: string | null; auditLegacySeq?: number },
    previousLast: ChainLink,
    last: ChainLink,
  ): AuditColumns {
    const legacySeq = item.auditHead ? (item.auditLegacySeq ?? 0) : (previousLast?.seq ?? 0);
    return {
      auditHead: this.chainKey.head(item.id, last, legacySeq, item),
      auditLegacySeq: legacySeq,
    };
  }

  async list(itemId: string) {
    const rows = await this.events.find({ where: { itemId }, order: { seq: 'ASC' } });
    return rows.map((e) => ({
      seq: e.seq,
      type: e.type,
      actor: e.actor,
      details: e.details,
      createdAt: e.createdAt,
      prevHash: e.prevHash,
      hash: e.hash,
    }));
  }

  /**
   * Recomputes the chain and checks the item's head against its newest event and its current
   * status, usability and final output. An item never sealed (from before audit keying, before
   * the start-up sealing reached it) is checked as a plain chain and reported as legacy.
   */
  async verify(item: Item, sealed: boolean) {
    const rows = await this.events.find({ where: { itemId: item.id }, order: { seq: 'ASC' } });
    const legacySeq = item.auditHead ? (item.auditLegacySeq ?? 0) : Number.MAX_SAFE_INTEGER;
    const broken = this.chainKey.firstBrokenLink(rows, legacySeq);
    const newest = rows.length
      ? { seq: rows[rows.length - 1].seq, hash: rows[rows.length - 1].hash }
      : null;
    const headValid = item.auditHead
      ? this.chainKey.headMatches(item.auditHead, item.id, newest, legacySeq, item)
      : null;
    // Once every legacy item has been sealed, an item without a head lost it outside Verdict.
    const headMissing = !item.auditHead && sealed;
    const problem =
      broken !== null
        ? `event ${broken} does not match its hash chain`
        : headValid === false
          ? 'the chain head does not match the newest event and the item as stored (an event was removed, or the item was changed outside Verdict)'
          : headMissing
            ? 'the item has no chain head (removed outside Verdict)'
            : null;
    return {
      itemId: item.id,
      events: rows.length,
      valid: problem === null,
      firstInvalidSeq: broken,
      headValid: headMissing ? false : headValid,
      legacy: !item.auditHead && !sealed,
      problem,
    };
  }
}
