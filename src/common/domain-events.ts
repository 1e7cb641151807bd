import { Global, Injectable, Logger, Module } from '@nestjs/common';
import type { Item } from '../items/item.entity';
import { dependencyDown, isDependencyDown, warnOrOutage } from '../ops/outage-log';

/**
 * What happened to items, published after the transaction commits. Feature modules subscribe
 * (live updates, webhooks, SLA timers) so the code that changes an item need not know them.
 */
export interface DomainEventMap {
  /** New items were stored (one flush of submissions). */
  'items.submitted': { items: Item[] };
  /** An item changed state; `previousStatus` lets subscribers spot final-status changes. */
  'item.changed': { item: Item; previousStatus: Item['status']; change: ItemChange; actor: string };
  /**
   * Someone commented on an item (POST /v1/items/:id/comments), after the commit. `authorId` is
   * the user's id, null when an API key wrote it. Live updates forward it to the queue's room;
   * notifications listen for mentions.
   */
  'item.commented': {
    itemId: string;
    queueId: string;
    commentId: string;
    authorId: string | null;
    body: string;
  };
  /** A background export advanced or finished; live updates may forward it to the requester. */
  'export.progress': ExportProgress;
}

export interface ExportProgress {
  id: string;
  requestedBy: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  /** Share of records written, 0..1. */
  progress: number;
  rows: number;
}

export type ItemChange =
  | 'claimed'
  | 'released'
  | 'lease_expired'
  | 'decided'
  | 'escalated'
  | 'reported'
  | 'timed_out'
  | 'requeued';

type Listener<K extends keyof DomainEventMap> = (
  payload: DomainEventMap[K],
) => Promise<void> | void;

const LISTENER_TIMEOUT_MS = 3_000;
class ListenerTimeout extends Error {}

@Injectable()
export class DomainEvents {
  private readonly logger = new Logger('DomainEvents');
  private readonly listeners = new Map<keyof DomainEventMap, Listener<never>[]>();

  on<K extends keyof DomainEventMap>(name: K, listener: Listener<K>): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as Listener<never>);
    this.listeners.set(name, list);
  }

  /** Runs every listener; one failing listener is logged and never fails the caller. */
  async emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): Promise<void> {
    const list = (this.listeners.get(name) ?? []) as Listener<K>[];
    await Promise.all(
      list.map(async (listener) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          // A listener stuck on an unreachable dependency (BullMQ waits for a reconnect) must
          // not hold the caller: submissions wait on fan-outs past a backlog. The work it
          // stood for is repaired by the sweepers from Postgres.
          await Promise.race([
            listener(payload),
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(new ListenerTimeout(`no answer within ${LISTENER_TIMEOUT_MS} ms`)),
                LISTENER_TIMEOUT_MS,
              );
            }),
          ]);
        } catch (error) {
          if (error instanceof ListenerTimeout && isDependencyDown('redis')) {
            dependencyDown('redis', error);
            return;
          }
          warnOrOutage(
            this.logger,
            error,
            `listener for ${name} failed: ${(error as Error).message}`,
          );
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }
}

@Global()
@Module({ providers: [DomainEvents], exports: [DomainEvents] })
export class DomainEventsModule {}
