/** Socket.IO helpers for tests and benchmarks that watch /live as a reviewer's browser does. */
import { io, Socket } from 'socket.io-client';

export interface LiveClient {
  socket: Socket;
  /** Every event received so far, in order. */
  received: { event: string; data: any; at: number }[];
  subscribe(queue: string): Promise<{ ok: boolean; error?: string }>;
  unsubscribe(queue: string): Promise<{ ok: boolean; error?: string }>;
  /** Resolves with the first event (already received or future) that matches. */
  waitFor(event: string, match?: (data: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

export function liveSocket(
  baseUrl: string,
  token: string | undefined,
  transports: string[] = ['websocket'],
): Socket {
  return io(`${baseUrl}/live`, {
    auth: token === undefined ? {} : { token },
    transports,
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
  });
}

/** Connects; rejects with the server's refusal message if the handshake is refused. */
export async function connectLive(
  baseUrl: string,
  token: string | undefined,
  transports?: string[],
): Promise<LiveClient> {
  const socket = liveSocket(baseUrl, token, transports);
  const received: LiveClient['received'] = [];
  const waiters = new Set<() => void>();
  socket.onAny((event: string, data: unknown) => {
    received.push({ event, data, at: Date.now() });
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  const ack = (event: string, queue: string) =>
    socket.timeout(10_000).emitWithAck(event, { queue }) as Promise<{
      ok: boolean;
      error?: string;
    }>;
  return {
    socket,
    received,
    subscribe: (queue) => ack('subscribe', queue),
    unsubscribe: (queue) => ack('unsubscribe', queue),
    waitFor(event, match = () => true, timeoutMs = 10_000) {
      const find = () => received.find((r) => r.event === event && match(r.data))?.data;
      const found = find();
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = find();
          if (hit === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no ${event} within ${timeoutMs} ms; got: ${received.map((r) => r.event).join(', ')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: () => {
      socket.close();
    },
  };
}

/** Connects and expects a refusal; resolves with the refusal message. */
export async function refusedLive(baseUrl: string, token: string | undefined): Promise<string> {
  try {
    const client = await connectLive(baseUrl, token);
    client.close();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('connection was accepted');
}
