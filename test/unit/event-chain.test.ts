/** Unit tests of the audit trail's keyed hash chain (no server, no database). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditChain, ChainedEventFields, legacyEventHash } from '../../src/items/event-chain';

const audit = new AuditChain('unit-test-audit-key');

/** `legacy` leading events use the plain SHA-256 link, the rest the keyed one. */
function chain(count: number, legacy = 0, by = audit) {
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
    const hash = seq <= legacy ? legacyEventHash(prev, fields) : by.eventHash(prev, fields);
    events.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return events;
}

describe('audit event hash chain', () => {
  it('an intact chain verifies (and an empty one too), legacy leading events included', () => {
    assert.equal(audit.firstBrokenLink(chain(4)), null);
    assert.equal(audit.firstBrokenLink([]), null);
    assert.equal(audit.firstBrokenLink(chain(4, 2), 2), null);
  });
  it('the hash does not depend on key order in details, but does on the key', () => {
    const [first] = chain(1);
    assert.match(first.hash, /^[0-9a-f]{64}$/);
    assert.equal(
      audit.eventHash('', { ...first, details: { nested: { a: 2, b: 1 }, n: 1 } }),
      first.hash,
    );
    assert.notEqual(new AuditChain('another-key').eventHash('', first), first.hash);
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
      assert.equal(audit.firstBrokenLink(events), 2);
    }
  });
  it('a removed, reordered or relinked event is found', () => {
    const removed = chain(4);
    removed.splice(1, 1);
    assert.equal(audit.firstBrokenLink(removed), 3);
    const swapped = chain(3);
    [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
    assert.equal(audit.firstBrokenLink(swapped), 3);
  });
  it('a chain rewritten with plain hashes, or with another key, does not verify', () => {
    assert.equal(
      audit.firstBrokenLink(chain(3, 3)),
      1,
      'legacy links are only accepted where the head says',
    );
    assert.equal(audit.firstBrokenLink(chain(3, 0, new AuditChain('forger'))), 1);
  });
  it("the head covers the newest event and the item's verdict", () => {
    const id = '00000000-0000-4000-8000-000000000001';
    const last = { seq: 3, hash: 'ab'.repeat(32) };
    const verdict = { status: 'approved', usable: true, finalOutput: { reply: 'x' } };
    const head = audit.head(id, last, 0, verdict);
    assert.equal(audit.headMatches(head, id, last, 0, verdict), true);
    assert.equal(audit.headMatches(head, id, last, 0, { ...verdict, status: 'rejected' }), false);
    assert.equal(audit.headMatches(head, id, { ...last, seq: 2 }, 0, verdict), false);
    assert.equal(
      audit.headMatches(head, id, last, 0, { ...verdict, finalOutput: { reply: 'y' } }),
      false,
    );
  });
});
