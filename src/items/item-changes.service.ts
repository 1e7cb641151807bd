import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { BroadcastChannel, Broadcasts } from '../redis/broadcast';

/**
 * Wakes long-polls when an item changes, on whichever instance the change happened:
 * changes are published on a Redis channel and each instance resolves its local waiters.
 */
@Injectable()
export class ItemChangesService implements OnModuleDestroy {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly changes: BroadcastChannel;
  /** Set at shutdown: long-polls stop waiting and answer with the item's current state. */
  released = false;

  constructor(broadcasts: Broadcasts) {
    this.changes = broadcasts.channel('item-changed', (message) => {
      for (const id of message.split(',')) this.wake(id);
    });
  }

  private wake(id: string): void {
    const set = this.waiters.get(id);
    if (!set) return;
    this.waiters.delete(id);
    for (const resolve of set) resolve();
  }

  /** Changed items not yet announced to the other instances (sent at the end of this turn). */
  private unannounced: string[] = [];
  private announcing?: Promise<void>;

  /**
   * Announce that items changed; call after the transaction commits. Long-polls here wake at
   * once; the other instances hear of every item changed in this turn of the event loop in one
   * message (one PUBLISH, which every instance handles, instead of one per decision).
   */
  announce(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    for (const id of ids) {
      this.wake(id);
      this.unannounced.push(id);
    }
    return (this.announcing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const batch = this.unannounced;
      this.unannounced = [];
      this.announcing = undefined;
      return this.changes.send(batch.join(','));
    }));
  }

  /** Resolves when the item changes or after `ms`, whichever is first. */
  waitForChange(id: string, ms: number): { promise: Promise<void>; cancel: () => void } {
    if (this.released) return { promise: Promise.resolve(), cancel: () => undefined };
    let done!: () => void;
    const promise = new Promise<void>((resolve) => (done = resolve));
    const timer = setTimeout(() => finish(), ms);
    const finish = () => {
      clearTimeout(timer);
      this.waiters.get(id)?.delete(finish);
      if (this.waiters.get(id)?.size === 0) this.waiters.delete(id);
      done();
    };
    let set = this.waiters.get(id);
    if (!set) this.waiters.set(id, (set = new Set()));
    set.add(finish);
    return { promise, cancel: finish };
  }

  /** Wakes every waiting long-poll and makes new ones return at once (SIGTERM). */
  releaseWaiters(): void {
    this.released = true;
    for (const id of [...this.waiters.keys()]) this.wake(id);
  }

  onModuleDestroy(): void {
    for (const id of [...this.waiters.keys()]) this.wake(id);
  }
}
