import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { eventHash, firstBrokenLink } from './event-chain';
import { ItemEvent, ItemEventType } from './item-event.entity';

export interface NewItemEvent {
  type: ItemEventType;
  actor: string;
  details?: Record<string, unknown>;
  at?: Date;
}

/** The audit trail. Append inside the transaction that changes the item, while its row is locked. */
@Injectable()
export class ItemEventsService {
  constructor(@InjectRepository(ItemEvent) private readonly events: Repository<ItemEvent>) {}

  /** Builds the first events of new items (no earlier link to read). */
  static firstEvents(itemId: string, events: NewItemEvent[]): Partial<ItemEvent>[] {
    let prev = '';
    return events.map((e, i) => {
      const row = {
        itemId,
        seq: i + 1,
        type: e.type,
        actor: e.actor,
        details: e.details ?? {},
        createdAt: e.at ?? new Date(),
      };
      const hash = eventHash(prev, row);
      const out = { ...row, prevHash: prev, hash };
      prev = hash;
      return out;
    });
  }

  async append(manager: EntityManager, itemId: string, events: NewItemEvent[]): Promise<void> {
    if (events.length === 0) return;
    const last = await manager.findOne(ItemEvent, { where: { itemId }, order: { seq: 'DESC' } });
    const rows = ItemEventsService.chain(itemId, last ?? null, events);
    await manager.save(rows.map((r) => manager.create(ItemEvent, r)));
  }

  /**
   * The rows that extend an item's chain after `last` (its newest event, or null). For callers
   * that read the newest link together with the item row and write in one statement.
   */
  static chain(itemId: string, last: { seq: number; hash: string } | null, events: NewItemEvent[]) {
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
      const hash = eventHash(prev, row);
      const out = { ...row, prevHash: prev, hash };
      prev = hash;
      return out;
    });
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

  async verify(itemId: string) {
    const rows = await this.events.find({ where: { itemId }, order: { seq: 'ASC' } });
    const broken = firstBrokenLink(rows);
    return { itemId, events: rows.length, valid: broken === null, firstInvalidSeq: broken };
  }
}
