import { Injectable } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { Item } from '../items/item.entity';
import {
  ClientToServerEvents,
  LIVE_ITEM_EVENTS,
  LiveItemEntry,
  LiveItemEvent,
  roomOf,
  slugOfRoom,
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

/** Item events per stream message at most (a submission flush is up to a thousand). */
const MAX_BATCH = 1_000;

/**
 * The only way anything is sent on /live. Emits to a queue's room go through the Redis streams
 * adapter, so subscribers connected to any instance receive them.
 */
@Injectable()
export class LiveEmitter {
  private nsp?: LiveNamespace;
  private readonly remoteListeners: ((slug: string) => void)[] = [];

  attach(nsp: LiveNamespace): void {
    this.nsp = nsp;
    const adapter = nsp.adapter;
    if (!deliversBatches(adapter)) return;
    // Another instance's batch: its sockets got theirs there; these are for the sockets here.
    adapter.onBatch = (payload) => {
      const entries = payload as LiveItemEntry[];
      this.emitLocally(entries);
      if (Array.isArray(entries))
        this.heard(new Set(entries.map((e: unknown) => (Array.isArray(e) ? e[0] : undefined))));
    };
    adapter.onRemoteBroadcast = (event, rooms) => {
      if (!LIVE_ITEM_EVENTS.has(event)) return;
      const slugs = rooms.map(slugOfRoom).filter((slug): slug is string => slug !== null);
      this.heard(new Set(slugs));
    };
  }

  /**
   * Whether this instance hears of the item events other instances emit (the lean adapter's
   * hooks are in place). Then each instance can keep per-queue work, like the queue.stats
   * count, to the queues someone watches here.
   */
  get hearsOtherInstances(): boolean {
    return deliversBatches(this.nsp?.adapter);
  }

  /** `listener` learns the queue of every item event another instance emits. */
  onOtherInstanceItemEvent(listener: (slug: string) => void): void {
    this.remoteListeners.push(listener);
  }

  /** Whether a socket connected to this instance is subscribed to the queue. */
  watchedHere(slug: string): boolean {
    return (this.nsp?.adapter.rooms.get(roomOf(slug))?.size ?? 0) > 0;
  }

  private heard(slugs: Set<unknown>): void {
    for (const slug of slugs)
      if (typeof slug === 'string') for (const listener of this.remoteListeners) listener(slug);
  }

  item(event: LiveItemEvent, item: Item, actor?: string): void {
    const nsp = this.nsp;
    if (!nsp) return;
    if (!deliversBatches(nsp.adapter)) {
      this.toQueue(item.queueSlug, event, toLiveItem(item, actor));
      return;
    }
    this.send([[item.queueSlug, event, toLiveItem(item, actor)]]);
  }

  /**
   * Many item events at once (a submission flush: up to a thousand items). Each socket still
   * gets one event per item, in order. Without the lean adapter's batch hook: one emit per item.
   */
  items(entries: { event: LiveItemEvent; item: Item }[]): void {
    const nsp = this.nsp;
    if (!nsp || entries.length === 0) return;
    if (!deliversBatches(nsp.adapter)) {
      for (const { event, item } of entries) this.item(event, item);
      return;
    }
    this.send(
      entries.map(({ event, item }): LiveItemEntry => [item.queueSlug, event, toLiveItem(item)]),
    );
  }

  /** Item events on their way to the other instances, sent together at the end of this turn. */
  private outgoing: LiveItemEntry[] = [];
  private flushing?: NodeJS.Immediate;

  /**
   * Item events go to this instance's sockets at once, and to the other instances as one message
   * on the adapter's stream per turn of the event loop (setImmediate), whatever emitted them: a
   * submission flush, or the claims and decisions of many reviewers answered in the same turn.
   * One stream entry per item event was a fifth of a batch submission's CPU, and with reviewers
   * looping two XADDs (and reading both back) per review cycle. Everything this instance
   * broadcasts goes through the same stream in order (toQueue sends what waits here first), so
   * the order between events holds on every instance.
   */
  private send(live: LiveItemEntry[]): void {
    this.emitLocally(live);
    for (const entry of live) this.outgoing.push(entry);
    if (this.outgoing.length >= MAX_BATCH) this.flush();
    else this.flushing ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    const nsp = this.nsp;
    if (!nsp || this.outgoing.length === 0) return;
    const batch = this.outgoing;
    this.outgoing = [];
    // Not a ServerToClientEvents event: no socket is in BATCH_ROOM to receive it.
    (nsp.to(BATCH_ROOM) as unknown as { emit(event: string, payload: unknown): void }).emit(
      'live:items',
      batch,
    );
  }

  /**
   * Entries from another instance arrive through Redis: anything but [slug, item event, object]
   * is skipped, so a malformed message can neither throw inside the adapter's stream reader nor
   * emit a name Socket.IO reserves.
   */
  private emitLocally(entries: LiveItemEntry[]): void {
    const nsp = this.nsp;
    if (!nsp || !Array.isArray(entries)) return;
    for (const entry of entries) {
      if (!Array.isArray(entry)) continue;
      const [slug, event, item] = entry;
      if (typeof slug !== 'string' || !LIVE_ITEM_EVENTS.has(event) || typeof item !== 'object')
        continue;
      nsp.local.to(roomOf(slug)).emit(event, item);
    }
  }

  toQueue<E extends keyof ServerToClientEvents>(
    slug: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    // Item events emitted before this one reach the other instances before it.
    this.flush();
    this.nsp?.to(roomOf(slug)).emit(event, ...args);
  }

  /** To the queue's subscribers connected to this instance only. */
  toQueueHere<E extends keyof ServerToClientEvents>(
    slug: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    this.nsp?.local.to(roomOf(slug)).emit(event, ...args);
  }

  toSocket<E extends keyof ServerToClientEvents>(
    socket: LiveSocket,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    socket.emit(event, ...args);
  }
}
