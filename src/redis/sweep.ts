import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { warnOrOutage } from '../common/outage-log';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { REDIS, RedisKeys } from './redis-keys';

export interface SweepLock {
  redis: Redis;
  /** The (prefixed) Redis key that keeps a run to one instance at a time. */
  key: string;
  /** How long the lock holds: a little under the interval, so the next run may take it. */
  ms: number;
  /**
   * Without Redis, `run` sweeps anyway (safe when each row is re-checked under its own lock
   * in Postgres); `skip` waits for Redis to answer.
   */
  whenRedisDown: 'run' | 'skip';
}

export interface SweepOptions {
  /** Named in the warning when a run fails ("<name> failed: …"). */
  name: string;
  logger: Logger;
  /** Without one, every instance runs the work (which takes whatever lock it needs itself). */
  lock?: SweepLock;
  intervalMs: number;
  /** Also run once at start, not only after the first interval. */
  runAtStart?: boolean;
}

/**
 * The sweep mechanism every repair loop shares: every `intervalMs` on worker instances, never
 * overlapping itself in this process, at most one instance per interval through a `SET NX PX`
 * lock, failures logged (or counted as a dependency outage) and never thrown.
 */
export class Sweep {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly options: SweepOptions,
    private readonly work: () => Promise<unknown>,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.timer.unref();
    if (this.options.runAtStart) void this.runOnce();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One run now, if no run is under way here and no other instance holds the lock; true when it ran. */
  async runOnce(): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    const { lock, logger, name } = this.options;
    try {
      if (lock && !(await this.takeLock(lock))) return false;
      await this.work();
      return true;
    } catch (error) {
      warnOrOutage(logger, error, `${name} failed: ${(error as Error).message}`);
      return false;
    } finally {
      this.running = false;
    }
  }

  private async takeLock({ redis, key, ms, whenRedisDown }: SweepLock): Promise<boolean> {
    const taken = await redis.set(key, '1', 'PX', ms, 'NX').catch((error: unknown) => {
      if (whenRedisDown === 'run') return 'OK';
      throw error;
    });
    return taken === 'OK';
  }
}

/** How long the first sweeps wait for the Redis connection at start before running without it. */
const REDIS_WAIT_MS = 5_000;

/** How a service asks for a sweep; the interval and lock period come from the configuration. */
export type SweepPlan = {
  logger: Logger;
  /** Also run once at start, not only after the first interval. */
  runAtStart?: boolean;
} & (
  | {
      /** The lock key, under the Redis prefix. */
      lock: string;
      whenRedisDown: SweepLock['whenRedisDown'];
    }
  | {
      /** No shared lock: the work takes its own, so every worker instance runs it. */
      lock: null;
    }
);

/**
 * Makes the app's sweeps: each runs every SWEEP_INTERVAL_MS, holds its lock a little under
 * that, and runs only on worker instances (APP_ROLE worker or all), from bootstrap until the
 * app begins to shut down (before any service closes the connections a run would use).
 */
@Injectable()
export class Sweeps implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly all: Sweep[] = [];
  private started = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  every(name: string, plan: SweepPlan, work: () => Promise<unknown>): Sweep {
    const intervalMs = this.config.sweepIntervalMs;
    const sweep = new Sweep(
      {
        name,
        logger: plan.logger,
        intervalMs,
        runAtStart: plan.runAtStart,
        lock:
          plan.lock === null
            ? undefined
            : {
                redis: this.redis,
                key: this.keys.key(plan.lock),
                ms: Math.max(500, intervalMs - 100),
                whenRedisDown: plan.whenRedisDown,
              },
      },
      work,
    );
    this.all.push(sweep);
    if (this.started) sweep.start();
    return sweep;
  }

  onApplicationBootstrap(): void {
    if (this.config.appRole === 'api') return;
    this.started = true;
    const startAll = () => {
      if (this.started) for (const sweep of this.all) sweep.start();
    };
    if (this.redis.status === 'ready') return startAll();
    // A run before the connection is up would only log Redis as unavailable at every boot; wait
    // for it a little, then sweep anyway (sweeps that may run without Redis must not wait on it).
    const fallback = setTimeout(() => {
      this.redis.off('ready', onReady);
      startAll();
    }, REDIS_WAIT_MS);
    fallback.unref();
    const onReady = () => {
      clearTimeout(fallback);
      startAll();
    };
    this.redis.once('ready', onReady);
  }

  beforeApplicationShutdown(): void {
    this.started = false;
    for (const sweep of this.all) sweep.stop();
  }
}
