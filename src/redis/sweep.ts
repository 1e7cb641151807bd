import type { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { warnOrOutage } from '../common/outage-log';

export interface SweepOptions {
  /** Named in the warning when a run fails ("<name> failed: …"). */
  name: string;
  logger: Logger;
  redis: Redis;
  /** The (prefixed) Redis key that keeps a run to one instance at a time. */
  lockKey: string;
  /** How long the lock holds: a little under the interval, so the next run may take it. */
  lockMs: number;
  intervalMs: number;
  /**
   * Without Redis, `run` sweeps anyway (safe when each row is re-checked under its own lock
   * in Postgres); `skip` waits for Redis to answer.
   */
  whenRedisDown: 'run' | 'skip';
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
    const { redis, lockKey, lockMs, whenRedisDown, logger, name } = this.options;
    try {
      const lock = await redis.set(lockKey, '1', 'PX', lockMs, 'NX').catch((error: unknown) => {
        if (whenRedisDown === 'run') return 'OK';
        throw error;
      });
      if (lock !== 'OK') return false;
      await this.work();
      return true;
    } catch (error) {
      warnOrOutage(logger, error, `${name} failed: ${(error as Error).message}`);
      return false;
    } finally {
      this.running = false;
    }
  }
}
