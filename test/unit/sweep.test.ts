/** The shared sweep mechanism against the real Redis (a private key per run, no server). */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Sweep, SweepOptions } from '../../src/redis/sweep';
import { freePort, REDIS_URL } from '../support/harness';

const redis = new Redis(REDIS_URL);
const lockKey = `vt-sweep-test-${process.pid}-${Date.now()}:lock`;
after(async () => {
  await redis.del(lockKey);
  redis.disconnect();
});

const options = (over: Partial<SweepOptions> = {}): SweepOptions => ({
  name: 'test sweep',
  logger: new Logger('SweepTest'),
  redis,
  lockKey,
  lockMs: 5_000,
  intervalMs: 60_000,
  whenRedisDown: 'skip',
  ...over,
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
