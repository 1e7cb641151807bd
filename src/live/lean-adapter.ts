import { MessageType, type Adapter, type BroadcastOptions } from 'socket.io-adapter';
import type { Namespace } from 'socket.io';

/** The parts of socket.io-adapter's ClusterAdapter (0.2–2.x) that this file relies on. */
interface ClusterAdapterInternals {
  uid: string;
  broadcast(packet: unknown, opts: BroadcastOptions): Promise<void> | void;
  _encode(packet: unknown, packetOpts: unknown): unknown[];
  onRawMessage?(rawMessage: { uid?: string }, offset: string): void;
  onMessage?(message: ClusterMessage, offset?: string): unknown;
}

interface ClusterMessage {
  uid?: string;
  type?: number;
  data?: { packet?: { data?: unknown[] }; opts?: { rooms?: unknown[] } };
}

/**
 * The room instances send each other batches through (LiveEmitter.items): a broadcast to it
 * travels the adapter's stream like any other, in order with them, and no socket ever joins it
 * (sockets only join `queue:<slug>` rooms), so nothing is delivered to sockets as it is.
 */
export const BATCH_ROOM = 'verdict:batches';

/**
 * An adapter that hands batches broadcast to BATCH_ROOM by other instances to `onBatch`, and
 * tells `onRemoteBroadcast` of every other broadcast from another instance once delivered here.
 */
export interface BatchingAdapter {
  onBatch?: (payload: unknown) => void;
  onRemoteBroadcast?: (event: unknown, rooms: unknown[]) => void;
}

/** Whether this adapter delivers BATCH_ROOM broadcasts to onBatch (leanAdapter installed it). */
export const deliversBatches = (adapter: unknown): adapter is BatchingAdapter =>
  typeof adapter === 'object' && adapter !== null && BATCHES in adapter;

const BATCHES = Symbol('verdict batches');

type AdapterFactory = (nsp: Namespace) => Adapter;

/**
 * Two pieces of work the Redis streams adapter does for every live event that no one can tell
 * apart from not doing them, skipped:
 *
 * - the local copy of a broadcast is encoded (a recursive binary check plus JSON.stringify of the
 *   packet) before the adapter looks for sockets in the rooms: with nobody in the room on this
 *   instance the encoding is thrown away. The check runs in the same synchronous step as the
 *   adapter's own lookup, so a socket that joins the room in between cannot be missed.
 * - every instance reads its own XADDs back from the stream, JSON-parses them, and only then
 *   drops them as its own (ClusterAdapter.onMessage ignores its own uid first thing): the uid is
 *   now compared before parsing.
 *
 * The message published to Redis, and so what every other instance receives, is unchanged.
 */
export function leanAdapter(factory: AdapterFactory): AdapterFactory {
  // A plain function, not an arrow: socket.io calls the adapter factory with `new`.
  return function leanAdapterFor(nsp: Namespace): Adapter {
    const adapter = factory(nsp);
    const internals = adapter as unknown as Partial<ClusterAdapterInternals>;
    // These are socket.io-adapter internals: an adapter without them is used as it is.
    if (typeof internals.broadcast !== 'function' || typeof internals._encode !== 'function')
      return adapter;
    const broadcast = internals.broadcast.bind(adapter);
    const encode = internals._encode.bind(adapter);
    const pending = new WeakMap<object, BroadcastOptions>();
    internals.broadcast = (packet, opts) => {
      if (packet && typeof packet === 'object') pending.set(packet, opts);
      return broadcast(packet, opts);
    };
    internals._encode = (packet, packetOpts) => {
      const opts = packet && typeof packet === 'object' ? pending.get(packet) : undefined;
      if (opts && !hasLocalReceivers(adapter, opts)) return [];
      return encode(packet, packetOpts);
    };
    const onRawMessage = internals.onRawMessage?.bind(adapter);
    if (onRawMessage)
      internals.onRawMessage = (rawMessage, offset) => {
        if (rawMessage?.uid === internals.uid) return;
        onRawMessage(rawMessage, offset);
      };
    const onMessage = internals.onMessage?.bind(adapter);
    if (onMessage) {
      const batching = adapter as Adapter & BatchingAdapter & { [BATCHES]: true };
      batching[BATCHES] = true;
      internals.onMessage = (message, offset) => {
        const remoteBroadcast =
          message?.type === MessageType.BROADCAST && message.uid !== internals.uid;
        const sent = remoteBroadcast ? message.data?.opts?.rooms : undefined;
        const rooms = Array.isArray(sent) ? sent : undefined;
        // packet.data is [event name, payload].
        const data = message?.data?.packet?.data;
        if (rooms?.includes(BATCH_ROOM)) {
          batching.onBatch?.(data?.[1]);
          return;
        }
        const result = onMessage(message, offset);
        if (rooms) batching.onRemoteBroadcast?.(data?.[0], rooms);
        return result;
      };
    }
    return adapter;
  };
}

/** Whether a broadcast with these options reaches any socket connected to this instance. */
function hasLocalReceivers(adapter: Adapter, opts: BroadcastOptions): boolean {
  // To everyone (Verdict always names a room, but stay exact if that ever changes).
  if (opts.rooms.size === 0) return true;
  for (const room of opts.rooms) if ((adapter.rooms.get(room)?.size ?? 0) > 0) return true;
  return false;
}
