import { Injectable } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import type { Item } from '../items/item.entity';
import {
  ClientToServerEvents,
  LiveItemEvent,
  roomOf,
  ServerToClientEvents,
  toLiveItem,
} from './live.events';

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
  }

  item(event: LiveItemEvent, item: Item, actor?: string): void {
    this.toQueue(item.queueSlug, event, toLiveItem(item, actor));
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
