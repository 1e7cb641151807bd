/** The shared sweep mechanism against the real Redis (a private key per run, no server). */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import type { AppConfig } from '../../src/config/config';
import { RedisKeys } from '../../src/redis/redis-keys';
import { Sweep, SweepLock, SweepOptions, Sweeps } from '../../src/redis/sweep';
import { freePort, REDIS_URL } from '../support/harness';

const redis = new Redis(REDIS_URL);
const lockKey = `vt-sweep-test-${process.pid}-${Date.now()}:lock`;
after(async () => {
  await redis.del(lockKey);
  redis.disconnect();
});

const options = (over: Partial<SweepLock> = {}): SweepOptions => ({
  name: 'test sweep',
  logger: new Logger('SweepTest'),
  lock: { redis, key: lockKey, ms: 5_000, whenRedisDown: 'skip', ...over },
  intervalMs: 60_000,
});

describe('Sweep', () => {
  it('one instance per lock period; a run never overlaps itself', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = new Sweep(options(), async () => {
      runs += 1;
      await gate;
    });
    const second = new Sweep(options(), async () => {
      runs += 1;
    });
    const running = first.runOnce();
    assert.equal(await first.runOnce(), false, 'still running here');
    assert.equal(await second.runOnce(), false, 'another instance holds the lock');
    release();
    assert.equal(await running, true);
    assert.equal(runs, 1);
    await redis.del(lockKey);
    assert.equal(await second.runOnce(), true, 'the lock is free again');
    assert.equal(runs, 2);
  });

  it('a failing run is reported, not thrown', async () => {
    await redis.del(lockKey);
    const sweep = new Sweep(options(), () => Promise.reject(new Error('boom')));
    assert.equal(await sweep.runOnce(), false);
  });

  it('without Redis, sweeps that are safe to run everywhere still run; the others wait', async () => {
    const port = await freePort();
    const down = new Redis({
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    down.on('error', () => undefined);
    try {
      let runs = 0;
      const work = async () => {
        runs += 1;
      };
      assert.equal(
        await new Sweep(options({ redis: down, whenRedisDown: 'run' }), work).runOnce(),
        true,
      );
      assert.equal(
        await new Sweep(options({ redis: down, whenRedisDown: 'skip' }), work).runOnce(),
        false,
      );
      assert.equal(runs, 1);
    } finally {
      down.disconnect();
    }
  });
});

describe('Sweeps', () => {
  const prefix = `vt-sweeps-test-${process.pid}-${Date.now()}`;
  const config = (appRole: AppConfig['appRole'], sweepIntervalMs = 200) =>
    ({ appRole, sweepIntervalMs, redisPrefix: prefix }) as AppConfig;
  const sweepsFor = (c: AppConfig) => new Sweeps(c, redis, new RedisKeys(c));
  const logger = new Logger('SweepsTest');
  after(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  });

  it('workers run each sweep every interval from bootstrap until shutdown begins', async () => {
    const sweeps = sweepsFor(config('worker'));
    let runs = 0;
    sweeps.every('ticking', { logger, lock: null, runAtStart: true }, async () => {
      runs += 1;
    });
    assert.equal(runs, 0, 'nothing runs before bootstrap');
    sweeps.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(runs, 1, 'ran once at start');
    await new Promise((r) => setTimeout(r, 450));
    assert.ok(runs >= 2, `ran again on the interval (${runs})`);
    sweeps.beforeApplicationShutdown();
    const stopped = runs;
    await new Promise((r) => setTimeout(r, 450));
    assert.equal(runs, stopped, 'no runs once shutdown began');
  });

  it('the first runs wait for the Redis connection to be up', async () => {
    const late = new Redis(REDIS_URL, { lazyConnect: true });
    try {
      const cfg = config('worker', 60_000);
      const sweeps = new Sweeps(cfg, late, new RedisKeys(cfg));
      let runs = 0;
      sweeps.every('patient', { logger, lock: null, runAtStart: true }, async () => {
        runs += 1;
      });
      sweeps.onApplicationBootstrap();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(runs, 0, 'no run while Redis is not connected yet');
      await late.connect();
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(runs, 1, 'ran once the connection was ready');
      sweeps.beforeApplicationShutdown();
    } finally {
      late.disconnect();
    }
  });

  it('API-only instances never sweep', async () => {
    const sweeps = sweepsFor(config('api'));
    let runs = 0;
    sweeps.every('idle', { logger, lock: null, runAtStart: true }, async () => {
      runs += 1;
    });
    sweeps.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 450));
    assert.equal(runs, 0);
    sweeps.beforeApplicationShutdown();
  });

  it('the lock lives under the prefix and holds a little under the interval', async () => {
    const sweeps = sweepsFor(config('worker', 2_000));
    let runs = 0;
    const sweep = sweeps.every(
      'locked',
      { logger, lock: 'the-lock', whenRedisDown: 'skip' },
      async () => {
        runs += 1;
      },
    );
    assert.equal(await sweep.runOnce(), true);
    const ttl = await redis.pttl(`${prefix}:the-lock`);
    assert.ok(ttl > 1_500 && ttl <= 1_900, `lock ttl ${ttl}`);
    assert.equal(await sweep.runOnce(), false, 'held until it lapses');
    assert.equal(runs, 1);
  });
});
