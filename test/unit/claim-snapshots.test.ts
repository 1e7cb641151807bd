import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClaimSnapshots } from '../../src/items/claim-snapshots';
import { Item } from '../../src/items/item.entity';

function item(id: string): Item {
  return Object.assign(new Item(), { id, status: 'in_review', output: { reply: id } });
}

const link = { seq: 2, hash: 'h2' };
const claimedAt = new Date('2026-11-30T10:00:00.000Z');

void describe('ClaimSnapshots', () => {
  void it('gives the claimed item back once, with its chain link and the database time now', () => {
    const snapshots = new ClaimSnapshots();
    snapshots.remember(item('a'), link, true, claimedAt, 1_000, 100);
    const taken = snapshots.take('a', 1_250.4);
    assert.ok(taken instanceof Item);
    assert.equal(taken.id, 'a');
    assert.deepEqual(taken.lastEvent, link);
    assert.equal(taken.hadReviews, true);
    // 250.4 ms after the transaction began here, plus the millisecond Postgres may keep beyond
    // claimed_at: the estimate is never behind the database.
    assert.equal(taken.dbNow.getTime(), claimedAt.getTime() + 251);
    assert.equal(snapshots.take('a', 1_300), undefined, 'used once');
    assert.equal(snapshots.size, 0);
  });

  void it('never estimates a time before the claim, whatever the local clock says', () => {
    const snapshots = new ClaimSnapshots();
    snapshots.remember(item('a'), link, false, claimedAt, 5_000, 1);
    assert.equal(snapshots.take('a', 4_000)?.dbNow.getTime(), claimedAt.getTime() + 1);
  });

  void it('hands out a copy: a plan changing it leaves the next claim of the item alone', () => {
    const snapshots = new ClaimSnapshots();
    const claimed = item('a');
    snapshots.remember(claimed, link, false, claimedAt, 0, 1);
    const taken = snapshots.take('a', 1)!;
    taken.status = 'approved';
    assert.equal(claimed.status, 'in_review');
  });

  void it('forgets an item another writer changed', () => {
    const snapshots = new ClaimSnapshots();
    snapshots.remember(item('a'), link, false, claimedAt, 0, 10);
    snapshots.remember(item('b'), link, false, claimedAt, 0, 10);
    snapshots.forget('a');
    assert.equal(snapshots.take('a'), undefined);
    assert.equal(snapshots.take('b')?.id, 'b');
  });

  void it('keeps the newest within its count and payload bounds, and no oversized item at all', () => {
    const snapshots = new ClaimSnapshots(3, 1_000);
    for (const id of ['a', 'b', 'c', 'd'])
      snapshots.remember(item(id), link, false, claimedAt, 0, 10);
    assert.equal(snapshots.size, 3);
    assert.equal(snapshots.take('a'), undefined, 'the oldest went first');
    snapshots.remember(item('big'), link, false, claimedAt, 0, 1_001);
    assert.equal(snapshots.take('big'), undefined, 'larger than the whole budget: not kept');
    snapshots.remember(item('e'), link, false, claimedAt, 0, 990);
    // b, c and d (30 bytes) and e (990) exceed 1 000 bytes: the oldest two make room.
    assert.equal(snapshots.take('b'), undefined);
    assert.equal(snapshots.take('c'), undefined);
    assert.equal(snapshots.take('d')?.id, 'd');
    assert.equal(snapshots.take('e')?.id, 'e');
  });

  void it('counts a claim of the same item again once (a re-claim replaces the snapshot)', () => {
    const snapshots = new ClaimSnapshots(2, 100);
    snapshots.remember(item('a'), link, false, claimedAt, 0, 60);
    snapshots.remember(item('a'), { seq: 4, hash: 'h4' }, false, claimedAt, 0, 60);
    assert.equal(snapshots.size, 1);
    assert.deepEqual(snapshots.take('a')?.lastEvent, { seq: 4, hash: 'h4' });
  });
});
