import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeaseTimers } from '../../src/review/lease-timers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inMs = (ms: number) => new Date(Date.now() + ms);

/** A due callback that records which (item, token) fired. */
function recorder() {
  const fired: string[] = [];
  const due = (itemId: string, token: string) => {
    fired.push(`${itemId}/${token}`);
    return Promise.resolve();
  };
  return { fired, due };
}

void describe('LeaseTimers', () => {
  void it('fires once at the lease end (plus a small margin), with the lease token', async () => {
    const timers = new LeaseTimers();
    const { fired, due } = recorder();
    timers.arm('a', 't1', inMs(50), due);
    await sleep(40);
    assert.deepEqual(fired, []);
    await sleep(200);
    assert.deepEqual(fired, ['a/t1']);
  });

  void it('keeps one timer per item: an extension replaces the earlier one', async () => {
    const timers = new LeaseTimers();
    const { fired, due } = recorder();
    timers.arm('a', 't1', inMs(20), due);
    timers.arm('a', 't1', inMs(150), due);
    await sleep(150);
    assert.deepEqual(fired, [], 'the first timer was replaced');
    await sleep(200);
    assert.deepEqual(fired, ['a/t1']);
  });

  void it('a retry after an early firing does not replace a timer armed meanwhile', async () => {
    const timers = new LeaseTimers();
    const { fired, due } = recorder();
    timers.arm('a', 't2', inMs(150), due);
    timers.arm('a', 't1', inMs(10), due, { replace: false });
    await sleep(100);
    assert.deepEqual(fired, []);
    await sleep(200);
    assert.deepEqual(fired, ['a/t2']);
  });

  void it('clear with a token drops only that lease’s timer; shutdown drops all and arms no more', async () => {
    const timers = new LeaseTimers();
    const { fired, due } = recorder();
    timers.arm('a', 't2', inMs(30), due);
    timers.clear('a', 't1');
    timers.arm('b', 't1', inMs(30), due);
    timers.clear('b', 't1');
    timers.arm('c', 't1', inMs(30), due);
    timers.beforeApplicationShutdown();
    timers.arm('d', 't1', inMs(10), due);
    await sleep(200);
    assert.deepEqual(fired, [], 'c and d were dropped at shutdown, b was cleared');
    const again = new LeaseTimers();
    again.arm('a', 't2', inMs(30), due);
    again.clear('a', 't1');
    await sleep(200);
    assert.deepEqual(fired, ['a/t2'], 'a stale token does not clear a newer lease’s timer');
  });
});
