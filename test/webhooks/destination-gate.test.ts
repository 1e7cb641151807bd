import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Admission, DestinationGate } from '../../src/webhooks/destination-gate';

function gate(now: { t: number }) {
  return new DestinationGate(
    { maxPerHost: 2, breakerFailures: 3, cooldownMs: 1_000 },
    () => now.t,
    () => 0,
  );
}
const admitted = (a: Admission) => {
  assert.equal(a.admitted, true);
  return a as Extract<Admission, { admitted: true }>;
};

describe('webhook destination gate', () => {
  it('limits attempts in flight per host, not across hosts', () => {
    const g = gate({ t: 0 });
    const a = admitted(g.enter('slow:1'));
    admitted(g.enter('slow:1'));
    const third = g.enter('slow:1');
    assert.deepEqual(third.admitted ? null : third.reason, 'busy');
    admitted(g.enter('fast:2'));
    a.done(true);
    admitted(g.enter('slow:1'));
  });

  it('opens after consecutive failures, probes once after the cooldown, doubles it on failure', () => {
    const now = { t: 0 };
    const g = gate(now);
    for (let i = 0; i < 3; i++) admitted(g.enter('down:1')).done(false);
    assert.equal(g.isOpen('down:1'), true);
    const refused = g.enter('down:1');
    assert.equal(refused.admitted, false);
    assert.ok(!refused.admitted && refused.retryAt >= 1_000, 'retried once the breaker half-opens');
    admitted(g.enter('up:1')).done(true);

    now.t = 1_000;
    const probe = admitted(g.enter('down:1'));
    assert.equal(g.enter('down:1').admitted, false, 'one probe at a time');
    assert.equal(probe.done(false), true, 'the failed probe re-opens the breaker');
    now.t = 2_500;
    assert.equal(g.isOpen('down:1'), true, 'for twice the cooldown');
    now.t = 3_000;
    admitted(g.enter('down:1')).done(true);
    assert.equal(g.isOpen('down:1'), false);
    for (let i = 0; i < 2; i++) admitted(g.enter('down:1')).done(false);
    assert.equal(g.isOpen('down:1'), false, 'a success resets the count');
  });

  it('keys destinations by host and port', () => {
    assert.equal(DestinationGate.hostOf('http://127.0.0.1:8080/hook'), '127.0.0.1:8080');
    assert.equal(DestinationGate.hostOf('https://Example.com/x'), 'example.com');
  });
});
