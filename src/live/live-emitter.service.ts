import { Injectable } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { Item } from '../items/item.entity';
import {
  ClientToServerEvents,
  LiveItemEntry,
  LiveItemEvent,
  roomOf,
  ServerToClientEvents,
  toLiveItem,
} from './live.events';
import { BATCH_ROOM, deliversBatches } from './lean-adapter';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;
export type LiveSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  LiveSocketData
>;
export interface LiveSocketData {
  token: string;
  userId: string;
}

/**
 * The only way anything is sent on /live. Emits to a queue's room go through the Redis streams
 * adapter, so subscribers connected to any instance receive them.
 */
@Injectable()
export class LiveEmitter {
  private nsp?: LiveNamespace;

  attach(nsp: LiveNamespace): void {
    this.nsp = nsp;
    if (deliversBatches(nsp.adapter))
      // Another instance's batch: its sockets got theirs there; these are for the sockets here.
      nsp.adapter.onBatch = (entries) => this.emitLocally(entries as LiveItemEntry[]);
  }

  item(event: LiveItemEvent, item: Item, actor?: string): void {
    this.toQueue(item.queueSlug, event, toLiveItem(item, actor));
  }

  /**
   * Many item events at once (a submission flush: up to a thousand items). Each socket still
   * gets one event per item, in order, but the other instances get them as one message on the
   * adapter's stream instead of one stream entry each, which was a fifth of a batch
   * submission's CPU. It travels the same stream as single emits, so the order between them
   * holds on every instance. Without the lean adapter's batch hook: one emit per item.
   */
  items(entries: { event: LiveItemEvent; item: Item }[]): void {
    const nsp = this.nsp;
    if (!nsp || entries.length === 0) return;
    if (!deliversBatches(nsp.adapter)) {
      for (const { event, item } of entries) this.item(event, item);
      return;
    }
    const live = entries.map(({ event, item }): LiveItemEntry => [
      item.queueSlug,
      event,
      toLiveItem(item),
    ]);
    this.emitLocally(live);
    // Not a ServerToClientEvents event: no socket is in BATCH_ROOM to receive it.
    (nsp.to(BATCH_ROOM) as unknown as { emit(event: string, payload: unknown): void }).emit(
      'live:items',
      live,
    );
  }

  private emitLocally(entries: LiveItemEntry[]): void {
    const nsp = this.nsp;
    if (!nsp || !Array.isArray(entries)) return;
    for (const [slug, event, item] of entries) nsp.local.to(roomOf(slug)).emit(event, item);
  }

  toQueue<E extends keyof ServerToClientEvents>(
    slug: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    this.nsp?.to(roomOf(slug)).emit(event, ...args);
  }

  toSocket<E extends keyof ServerToClientEvents>(
    socket: LiveSocket,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    socket.emit(event, ...args);
  }
}
