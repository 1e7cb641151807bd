/** Unit tests of the audit trail's hash chain (no server, no database). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainedEventFields, eventHash, firstBrokenLink } from '../../src/items/event-chain';

function chain(count: number) {
  const events: (ChainedEventFields & { prevHash: string; hash: string })[] = [];
  let prev = '';
  for (let seq = 1; seq <= count; seq++) {
    const fields: ChainedEventFields = {
      itemId: '00000000-0000-4000-8000-000000000001',
      seq,
      type: seq === 1 ? 'item.submitted' : 'item.decided',
      actor: seq === 1 ? 'key:k1' : 'user:u1',
      details: { n: seq, nested: { b: 1, a: 2 } },
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
    };
    const hash = eventHash(prev, fields);
    events.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return events;
}

describe('audit event hash chain', () => {
  it('an intact chain verifies (and an empty one too)', () => {
    assert.equal(firstBrokenLink(chain(4)), null);
    assert.equal(firstBrokenLink([]), null);
  });
  it('the hash is a sha-256 hex digest that does not depend on key order in details', () => {
    const [first] = chain(1);
    assert.match(first.hash, /^[0-9a-f]{64}$/);
    assert.equal(
      eventHash('', { ...first, details: { nested: { a: 2, b: 1 }, n: 1 } }),
      first.hash,
    );
  });
  it('every field is covered: changing any one breaks the link at that event', () => {
    const edits: ((e: ChainedEventFields) => void)[] = [
      (e) => (e.type = 'item.reported'),
      (e) => (e.actor = 'user:someone-else'),
      (e) => (e.details = { n: 99 }),
      (e) => (e.createdAt = new Date(0)),
      (e) => (e.itemId = '00000000-0000-4000-8000-000000000002'),
    ];
    for (const edit of edits) {
      const events = chain(3);
      edit(events[1]);
      assert.equal(firstBrokenLink(events), 2);
    }
  });
  it('a removed, reordered or relinked event is found', () => {
    const removed = chain(4);
    removed.splice(1, 1);
    assert.equal(firstBrokenLink(removed), 3);
    const swapped = chain(3);
    [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
    assert.equal(firstBrokenLink(swapped), 3);
    const relinked = chain(3);
    relinked[2].prevHash = relinked[0].hash;
    assert.equal(firstBrokenLink(relinked), 3);
  });
});
