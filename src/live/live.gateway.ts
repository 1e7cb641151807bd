import { Inject, Logger, NotFoundException, OnApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type Redis from 'ioredis';
import { canSeeQueue } from '../auth/access';
import { PrincipalResolver } from '../auth/principal-resolver.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { QueuesService } from '../queues/queues.service';
import { createPatientRedis, RedisKeys } from '../redis/redis.module';
import { leanAdapter } from './lean-adapter';
import { LiveEmitter, type LiveNamespace, type LiveSocket } from './live-emitter.service';
import { roomOf, type SubscribeAck } from './live.events';
import { LiveUpdatesService } from './live-updates.service';

/**
 * The Redis streams adapter (0.3.1) subscribes on a duplicate of the client it is given without
 * handling the reply's promise. A shutdown in the moment between that SUBSCRIBE and Redis's
 * answer (a worker stopped right after it started) rejected it unhandled and the process exited
 * with 1 instead of 0. Errors on that connection are the adapter's own business (it ignores
 * them), so its SUBSCRIBE promises are marked handled; callers still get the same promise.
 */
function withHandledSubscribes(client: Redis): Redis {
  const duplicate = client.duplicate.bind(client);
  client.duplicate = ((...args: Parameters<Redis['duplicate']>) => {
    const copy = duplicate(...args);
    const subscribe = copy.subscribe.bind(copy) as (...a: unknown[]) => Promise<unknown>;
    copy.subscribe = ((...a: unknown[]) => {
      const reply = subscribe(...a);
      reply.catch(() => undefined);
      return reply;
    }) as Redis['subscribe'];
    return copy;
  }) as Redis['duplicate'];
  return client;
}

function tokenOf(socket: LiveSocket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token) return auth.token;
  const header = socket.handshake.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** The `sub` of a JWT without verifying it: only ever used to refuse early, never to admit. */
function unverifiedSubject(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      sub?: unknown;
    };
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Socket.IO namespace /live. The handshake must carry a user's access token; clients then
 * subscribe to the queues they may see and receive item and stats events for them.
 */
@WebSocketGateway({ namespace: '/live' })
export class LiveGateway implements OnGatewayInit<LiveNamespace>, OnApplicationShutdown {
  private readonly logger = new Logger('Live');
  private redis?: Redis;
  private nsp?: LiveNamespace;
  /** Open sockets per user on this instance (LIVE_MAX_SOCKETS_PER_USER caps it). */
  private readonly socketsPerUser = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: RedisKeys,
    private readonly principals: PrincipalResolver,
    private readonly queues: QueuesService,
    private readonly emitter: LiveEmitter,
    private readonly updates: LiveUpdatesService,
  ) {}

  afterInit(nsp: LiveNamespace): void {
    this.nsp = nsp;
    // Streams (not pub/sub) so a Redis blip delays packets instead of dropping them.
    // Auto-pipelining sends the many XADDs of one submission flush in a single write.
    this.redis = createPatientRedis(this.config.redisUrl, 'verdict-live', {
      enableAutoPipelining: true,
    });
    nsp.server.adapter(
      leanAdapter(
        createAdapter(withHandledSubscribes(this.redis), {
          streamName: this.keys.key('socket.io'),
          channelPrefix: this.keys.key('socket.io'),
          sessionKeyPrefix: this.keys.key('sio-session:'),
          onlyPlaintext: true,
        }),
      ),
    );
    nsp.use((socket, next) => {
      void this.authenticate(socket as LiveSocket).then(
        (error) => next(error),
        (error: Error) => next(new Error(`authentication failed: ${error.message}`)),
      );
    });
    this.emitter.attach(nsp);
    // Tokens revoked (password, roles, queues, disabled): that user's sockets here close at once;
    // the client reconnects with a new token and subscribes to what it may see now.
    this.principals.onUserChanged((userId) => {
      for (const socket of nsp.sockets.values())
        if (socket.data.userId === userId) socket.disconnect(true);
    });
    // Tell clients to reconnect elsewhere at once rather than hold the HTTP drain open.
    process.once('SIGTERM', () => nsp.local.disconnectSockets(true));
  }

  private async authenticate(socket: LiveSocket): Promise<Error | undefined> {
    const token = tokenOf(socket);
    if (!token) return new Error('unauthorized: handshake auth.token is required');
    // A user already at the cap is refused before any database work, so a flood stays cheap.
    const claimed = unverifiedSubject(token);
    if (claimed && this.atCap(claimed)) return this.capError();
    const principal = token.startsWith('vk_') ? null : await this.principals.resolveFresh(token);
    if (!principal || principal.kind !== 'user')
      return new Error('unauthorized: invalid or expired access token');
    if (this.atCap(principal.id)) return this.capError();
    socket.data.token = token;
    socket.data.userId = principal.id;
    const userId = principal.id;
    // Counted here, before the connection completes, so concurrent handshakes cannot overshoot.
    this.socketsPerUser.set(userId, (this.socketsPerUser.get(userId) ?? 0) + 1);
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      const left = (this.socketsPerUser.get(userId) ?? 1) - 1;
      if (left > 0) this.socketsPerUser.set(userId, left);
      else this.socketsPerUser.delete(userId);
    };
    socket.once('disconnect', release);
    // A client that went away during the handshake never connects, so never disconnects either.
    setTimeout(() => {
      if (!socket.connected) release();
    }, 2_000).unref();
    return undefined;
  }

  private atCap(userId: string): boolean {
    return (this.socketsPerUser.get(userId) ?? 0) >= this.config.liveMaxSocketsPerUser;
  }

  private capError(): Error {
    return new Error(
      `too many live connections: at most ${this.config.liveMaxSocketsPerUser} per user on each server; close another tab or window`,
    );
  }

  @SubscribeMessage('subscribe')
  async subscribe(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: unknown,
  ): Promise<SubscribeAck> {
    const slug = (body as { queue?: unknown } | null)?.queue;
    if (typeof slug !== 'string' || !slug) return { ok: false, error: 'queue is required' };
    try {
      // Re-resolved (cached for seconds) so a disabled user cannot keep subscribing on an old socket.
      const principal = await this.principals.resolve(socket.data.token);
      if (!principal) return { ok: false, error: 'unauthorized: access token no longer valid' };
      const queue = await this.queues.findBySlug(slug).catch((error: unknown) => {
        if (error instanceof NotFoundException) return null;
        throw error;
      });
      if (!queue) return { ok: false, error: `queue "${slug}" not found` };
      if (!canSeeQueue(principal, slug))
        return { ok: false, error: `not allowed to see queue "${slug}"` };
      await socket.join(roomOf(slug));
      // After the ack, so the client has its listeners in place: the current numbers to start from.
      setImmediate(() => void this.updates.sendStats(socket, slug, queue.id));
      return { ok: true };
    } catch (error) {
      this.logger.warn(`subscribe failed: ${(error as Error).message}`);
      return { ok: false, error: 'temporarily unavailable, try again' };
    }
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: unknown,
  ): Promise<SubscribeAck> {
    const slug = (body as { queue?: unknown } | null)?.queue;
    if (typeof slug !== 'string' || !slug) return { ok: false, error: 'queue is required' };
    await socket.leave(roomOf(slug));
    return { ok: true };
  }

  onApplicationShutdown(): void {
    this.nsp?.local.disconnectSockets(true);
    this.redis?.disconnect();
    this.logger.debug('closed');
  }
}
