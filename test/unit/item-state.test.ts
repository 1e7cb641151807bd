/** Unit tests of the item status machine (pure: no server, no database). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  agree,
  assigned,
  canonicalJson,
  claimed,
  decided,
  type Decision,
  decisionRefusal,
  holderRefusal,
  isRefusal,
  type ItemFacts,
  leaseLapsed,
  needsRoundVotes,
  type Refusal,
  released,
  reported,
  slaDue,
  slaExpired,
  type StateChange,
  submitted,
  unassigned,
} from '../../src/items/item-state';
import type { RoutingDecision } from '../../src/routing/routing';

const now = new Date('2026-01-02T03:04:05Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

/** A claimed, pending-then-in-review flagged item held by u1 with a live lease. */
const item = (over: Partial<ItemFacts> = {}): ItemFacts =>
  Object.assign({} as ItemFacts, {
    id: 'item-1',
    queueId: 'q-1',
    queueSlug: 'support',
    status: 'in_review',
    routing: 'flag',
    output: { reply: 'hello' },
    finalOutput: null,
    usable: true,
    reasons: [],
    reviewState: 'claimed',
    reviewClass: 'flagged',
    reviewRank: 2,
    queuedAt: later(-600),
    claimedBy: 'u1',
    claimedAt: later(-30),
    leaseToken: 'tok',
    leaseExpiresAt: later(60),
    releasedBy: null,
    reviewedBy: [],
    slaDueAt: null,
    slaFiredAt: null,
    dbNow: now,
    ...over,
  });

const decision = (over: Partial<Decision> = {}): Decision => ({
  reviewerId: 'u1',
  actor: 'user:u1',
  lead: false,
  action: 'approve',
  labels: [],
  reason: null,
  comment: null,
  answers: null,
  ...over,
});

function change(outcome: StateChange | Refusal | null | { notYetMs: number }): StateChange {
  assert.ok(outcome && !isRefusal(outcome) && !('notYetMs' in outcome), 'expected a change');
  return outcome;
}

function refusal(outcome: unknown): Refusal {
  assert.ok(isRefusal(outcome), 'expected a refusal');
  return outcome;
}

describe('submitted', () => {
  const submission = {
    id: 'item-1',
    queueId: 'q-1',
    queueSlug: 'support',
    externalId: 'ext-1',
    bodyHash: 'h',
    modelName: 'm',
    modelVersion: null,
    input: null,
    output: { reply: 'hi' },
    confidence: 0.5,
    metadata: {},
    callbackUrl: null,
    policyVersion: 3,
  };
  const sla = { blockedSeconds: 100, flaggedSeconds: 40 };
  const route = (routing: RoutingDecision['routing'], sampled = false): RoutingDecision => ({
    routing,
    reasons: [{ kind: 'threshold', message: 'why' }],
    sampled,
  });

  it('an approved item is final at once, usable with its output, and out of the line', () => {
    const { item: i, events } = submitted(submission, route('approve'), sla, 'api-key:k', now);
    assert.deepEqual(
      [i.status, i.usable, i.decidedBy, i.decidedAt, i.reviewState, i.slaDueAt],
      ['approved', true, 'policy', now, 'none', null],
    );
    assert.deepEqual(i.finalOutput, { reply: 'hi' });
    // One audit event records the submission, its routing and that it waits for nobody.
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'submitted');
    assert.equal(events[0].actor, 'api-key:k');
    assert.deepEqual(events[0].details, {
      externalId: i.externalId,
      routing: 'approve',
      reasons: i.reasons,
      policyVersion: 3,
      reviewClass: null,
    });
  });
  it('a sampled approval stays approved but waits for an audit review', () => {
    const { item: i, events } = submitted(submission, route('approve', true), sla, 'a', now);
    assert.deepEqual(
      [i.status, i.reviewState, i.reviewClass, i.reviewRank, i.queuedAt],
      ['approved', 'waiting', 'sample', 3, now],
    );
    assert.equal(events.length, 1);
    assert.equal(events[0].details?.reviewClass, 'sample');
    assert.equal(events[0].details?.routing, 'approve');
  });
  it('a blocked item is pending, withheld, and gets the SLA deadline and its half-way warning', () => {
    const { item: i } = submitted(submission, route('block'), sla, 'a', now);
    assert.deepEqual(
      [i.status, i.usable, i.finalOutput, i.reviewClass, i.reviewRank],
      ['pending', false, null, 'blocked', 1],
    );
    assert.deepEqual([i.slaDueAt, i.slaWarnAt], [later(100), later(50)]);
  });
  it('a flagged item stays usable while it waits, on the flagged SLA (none when unset)', () => {
    const { item: i } = submitted(submission, route('flag'), sla, 'a', now);
    assert.deepEqual([i.usable, i.reviewClass, i.slaDueAt], [true, 'flagged', later(40)]);
    const untimed = submitted(
      submission,
      route('flag'),
      { ...sla, flaggedSeconds: null },
      'a',
      now,
    );
    assert.equal(untimed.item.slaDueAt, null);
  });
});

describe('claimed', () => {
  it('audits the claim with the lease and says the item was waiting (pending before in_review)', () => {
    const { events, previous } = claimed(item(), 'user:u1', true);
    assert.deepEqual(events, [
      {
        type: 'claimed',
        actor: 'user:u1',
        details: { reviewClass: 'flagged', leaseExpiresAt: later(60), assigned: true },
        at: later(-30),
      },
    ]);
    assert.deepEqual(previous, { reviewState: 'waiting', reviewRank: 2, status: 'pending' });
    assert.equal(claimed(item({ status: 'escalated' }), 'a', false).previous.status, 'escalated');
    assert.equal('assigned' in claimed(item(), 'a', false).events[0].details!, false);
  });
});

describe('holding the lease', () => {
  it('the holder with a live lease may act', () => {
    assert.equal(holderRefusal(item(), 'u1'), null);
  });
  it('a decided item, someone else, or a lapsed lease is a conflict, each saying why', () => {
    const decidedItem = refusal(
      holderRefusal(item({ reviewState: 'none', status: 'approved' }), 'u1'),
    );
    assert.deepEqual(decidedItem, {
      refused: 'conflict',
      message: 'item is already decided (approved)',
    });
    assert.match(refusal(holderRefusal(item(), 'u2')).message, /do not hold the lease/);
    assert.match(
      refusal(holderRefusal(item({ leaseExpiresAt: now }), 'u1')).message,
      /expired at 2026-01-02T03:04:05.000Z/,
    );
  });
});

describe('released', () => {
  it('back in line in the same place, pending again, remembering who let it go', () => {
    const c = change(released(item(), 'u1', 'user:u1'));
    assert.deepEqual(
      [c.changes.status, c.changes.reviewState, c.changes.releasedBy, c.changes.leaseToken],
      ['pending', 'waiting', 'u1', null],
    );
    assert.equal(c.changes.queuedAt, undefined);
    assert.equal(c.change, 'released');
    assert.deepEqual(c.events[0].details, {
      reviewClass: 'flagged',
      why: 'released by the holder',
    });
  });
  it('only the holder may release', () => {
    assert.equal(refusal(released(item(), 'u2', 'user:u2')).refused, 'conflict');
  });
});

describe('lease lapsed', () => {
  it('does nothing for an item no longer claimed, or a timer of an earlier lease', () => {
    assert.equal(leaseLapsed(item({ reviewState: 'waiting' })), null);
    assert.equal(leaseLapsed(item({ leaseExpiresAt: now }), 'old-token'), null);
  });
  it('a timer early by the database clock is told how long to wait', () => {
    assert.deepEqual(leaseLapsed(item(), 'tok'), { notYetMs: 60_000 });
  });
  it('a lapsed lease returns the item to the line, audited as the system', () => {
    const c = change(leaseLapsed(item({ leaseExpiresAt: later(-1) })));
    assert.deepEqual([c.changes.reviewState, c.changes.releasedBy], ['waiting', null]);
    assert.deepEqual([c.change, c.actor], ['lease_expired', 'system']);
    assert.deepEqual(c.events[0].details, {
      holder: 'user:u1',
      expiredAt: later(-1),
      why: 'the lease was not extended in time',
    });
  });
});

describe('decided', () => {
  it('refuses in order: the lease, then escalating an escalation, then a non-lead on one', () => {
    assert.equal(
      refusal(decisionRefusal(item(), decision({ reviewerId: 'u2' }))).refused,
      'conflict',
    );
    const escalatedItem = item({ reviewClass: 'escalated', reviewRank: 0 });
    assert.deepEqual(decisionRefusal(escalatedItem, decision({ action: 'escalate' })), {
      refused: 'invalid',
      field: 'action',
      message: 'the item is already escalated: approve, reject or correct it',
    });
    assert.deepEqual(decisionRefusal(escalatedItem, decision()), {
      refused: 'forbidden',
      message: 'only leads and admins decide escalated items',
    });
    assert.equal(decisionRefusal(escalatedItem, decision({ lead: true })), null);
    assert.equal(refusal(decided(escalatedItem, decision(), 1)).refused, 'forbidden');
  });
  it('one required review: approve is final, usable with the output, the lease ended', () => {
    const c = change(decided(item(), decision({ labels: ['x'], comment: 'ok' }), 1));
    assert.deepEqual(
      [c.changes.status, c.changes.usable, c.changes.decidedBy, c.changes.decidedAt],
      ['approved', true, 'reviewer', now],
    );
    assert.deepEqual(c.changes.finalOutput, { reply: 'hello' });
    assert.deepEqual([c.changes.reviewState, c.changes.leaseToken], ['none', null]);
    assert.equal(c.change, 'decided');
    assert.deepEqual(c.events[0].details, {
      action: 'approve',
      labels: ['x'],
      reason: null,
      comment: 'ok',
      reviewClass: 'flagged',
      final: true,
      status: 'approved',
      why: 'one review required',
    });
    assert.deepEqual(
      [c.review?.reviewerId, c.review?.action, c.review?.reviewSeconds, c.review?.decidedAt],
      ['u1', 'approve', 30, now],
    );
  });
  it('confirming an already final item (a sample, a report) keeps its verdict and output', () => {
    const c = change(decided(item({ status: 'corrected', finalOutput: { a: 1 } }), decision(), 1));
    assert.equal(c.changes.status, undefined);
    assert.equal(c.changes.finalOutput, undefined);
    assert.equal(c.changes.reviewState, 'none');
    assert.equal(c.events[0].details!.status, 'corrected');
  });
  it('reject withholds the item; correct stores the corrected output', () => {
    const rejected = change(decided(item(), decision({ action: 'reject', reason: 'no' }), 1));
    assert.deepEqual(
      [rejected.changes.status, rejected.changes.usable, rejected.changes.finalOutput],
      ['rejected', false, null],
    );
    const fixed = { reply: 'fixed' };
    const corrected = change(
      decided(item(), decision({ action: 'correct', correctedOutput: fixed }), 1),
    );
    assert.deepEqual(
      [corrected.changes.status, corrected.changes.usable, corrected.changes.finalOutput],
      ['corrected', true, fixed],
    );
    assert.deepEqual(corrected.review?.correctedOutput, fixed);
    // Only a correction stores an output with the review.
    assert.equal(
      change(decided(item(), decision({ correctedOutput: fixed }), 1)).review?.correctedOutput,
      null,
    );
  });
  it('escalating puts the item first in line for leads; a final item keeps its status', () => {
    const c = change(decided(item(), decision({ action: 'escalate' }), 1));
    assert.deepEqual(
      [
        c.changes.status,
        c.changes.reviewState,
        c.changes.reviewClass,
        c.changes.reviewRank,
        c.changes.queuedAt,
      ],
      ['escalated', 'waiting', 'escalated', 0, now],
    );
    assert.deepEqual([c.change, c.events[0].type], ['escalated', 'escalated']);
    assert.equal(c.events[0].details!.why, 'the reviewer asked for a lead');
    const sample = item({ status: 'approved', reviewClass: 'sample' });
    assert.equal(
      change(decided(sample, decision({ action: 'escalate' }), 1)).changes.status,
      'approved',
    );
  });
  it('a lead settles an escalation whatever requiredReviews says', () => {
    const escalatedItem = item({ status: 'escalated', reviewClass: 'escalated', reviewRank: 0 });
    assert.equal(needsRoundVotes(escalatedItem, 'approve', 3), false);
    const c = change(decided(escalatedItem, decision({ lead: true }), 3));
    assert.equal(c.changes.status, 'approved');
    assert.equal(c.events[0].details!.why, 'a lead decided the escalated item');
  });
  it('consensus: votes are needed only for a non-escalated verdict with several reviews', () => {
    assert.equal(needsRoundVotes(item(), 'approve', 2), true);
    assert.equal(needsRoundVotes(item(), 'approve', 1), false);
    assert.equal(needsRoundVotes(item(), 'escalate', 2), false);
  });
  it('consensus: too few agreeing reviews send the item back in line for the next reviewer', () => {
    const c = change(
      decided(item(), decision(), 3, [{ action: 'approve', correctedOutput: null }]),
    );
    assert.deepEqual(
      [c.change, c.changes.status, c.changes.reviewState, c.changes.releasedBy],
      ['requeued', 'pending', 'waiting', null],
    );
    assert.equal(c.events[0].details!.final, false);
    assert.equal(c.events[0].details!.votes, 2);
    assert.equal(c.events[0].details!.why, 'waiting for 1 more agreeing review(s)');
  });
  it('consensus: enough agreeing reviews make the decision final', () => {
    const c = change(
      decided(item(), decision(), 2, [{ action: 'approve', correctedOutput: null }]),
    );
    assert.equal(c.changes.status, 'approved');
    assert.equal(c.events[0].details!.why, '2 of 2 required reviewers agreed');
  });
  it('consensus: disagreement escalates, with the votes in a system event', () => {
    const fixed = { reply: 'fixed' };
    const c = change(
      decided(item(), decision({ action: 'correct', correctedOutput: fixed }), 2, [
        { action: 'correct', correctedOutput: { reply: 'other' } },
      ]),
    );
    assert.deepEqual([c.change, c.changes.status], ['escalated', 'escalated']);
    assert.deepEqual(
      c.events.map((e) => [e.type, e.actor]),
      [
        ['decided', 'user:u1'],
        ['escalated', 'system'],
      ],
    );
    assert.deepEqual(c.events[1].details, {
      why: 'reviewers disagreed',
      votes: ['correct', 'correct'],
    });
  });
});

describe('agreement between reviewers', () => {
  it('same action agrees; corrections also need the same output, whatever the key order', () => {
    const vote = (action: 'approve' | 'reject' | 'correct', correctedOutput: unknown = null) => ({
      action,
      correctedOutput,
    });
    assert.equal(agree(vote('approve'), vote('approve', 1)), true);
    assert.equal(agree(vote('approve'), vote('reject')), false);
    assert.equal(agree(vote('correct', { a: 1, b: 2 }), vote('correct', { b: 2, a: 1 })), true);
    assert.equal(agree(vote('correct', { a: 1 }), vote('correct', { a: 2 })), false);
  });
  it('canonical JSON ignores key order', () => {
    assert.equal(
      canonicalJson({ b: [1, { d: 1, c: 2 }], a: null }),
      canonicalJson({ a: null, b: [1, { c: 2, d: 1 }] }),
    );
  });
});

describe('reported', () => {
  const report = { message: 'wrong', labels: ['fact'] };
  it('a final item goes back to review as a report, keeping its verdict', () => {
    const c = reported(item({ status: 'approved', reviewState: 'none' }), report, 'api-key:k');
    assert.deepEqual(
      [c.changes.reviewState, c.changes.reviewClass, c.changes.reviewRank, c.changes.queuedAt],
      ['waiting', 'report', 3, now],
    );
    assert.equal(c.changes.status, undefined);
    assert.deepEqual(c.changes.reasons, [{ kind: 'report', message: 'wrong', labels: ['fact'] }]);
    assert.deepEqual(c.events[0].details, {
      reason: 'wrong',
      labels: ['fact'],
      why: 'back in review',
    });
  });
  it('a rejected item records the report only; one in review just gains the reason', () => {
    const rejected = reported(item({ status: 'rejected', reviewState: 'none' }), report, 'a');
    assert.equal(rejected.changes.reviewState, undefined);
    assert.equal(rejected.events[0].details!.why, 'already rejected: recorded only');
    const inReview = reported(item(), { message: 'wrong', labels: [] }, 'a');
    assert.equal(inReview.changes.reviewState, undefined);
    assert.deepEqual(inReview.changes.reasons, [{ kind: 'report', message: 'wrong' }]);
    assert.equal(inReview.events[0].details!.why, 'already in review: reason added');
  });
});

describe('SLA', () => {
  it('is due only once, when its deadline has passed by the database clock', () => {
    assert.equal(slaDue(item()), null);
    assert.equal(slaDue(item({ slaDueAt: later(-1), slaFiredAt: later(-1) })), null);
    assert.deepEqual(slaDue(item({ slaDueAt: later(5) })), { notYetMs: 5000 });
    assert.equal(slaDue(item({ slaDueAt: now })), true);
  });
  it('a flagged item is escalated, voiding the holder’s lease, and marked dealt with', () => {
    const c = slaExpired(item({ slaDueAt: now }), 'reject');
    assert.deepEqual(
      [c.changes.status, c.changes.reviewClass, c.changes.leaseToken, c.changes.slaFiredAt],
      ['escalated', 'escalated', null, now],
    );
    assert.deepEqual([c.change, c.actor, c.quiet], ['timed_out', 'timeout', undefined]);
    assert.deepEqual(c.events[0].details, {
      action: 'escalate',
      slaDueAt: now,
      routing: 'flag',
      voidedLeaseOf: 'user:u1',
      why: 'flagged item unreviewed when its SLA ran out',
      status: 'escalated',
    });
  });
  it("a blocked item is decided by the queue's onBlockedTimeout, as the timeout", () => {
    const blocked = item({ routing: 'block', status: 'pending', reviewState: 'waiting' });
    const rejected = slaExpired(blocked, 'reject');
    assert.deepEqual(
      [rejected.changes.status, rejected.changes.decidedBy, rejected.changes.usable],
      ['rejected', 'timeout', false],
    );
    assert.equal('voidedLeaseOf' in rejected.events[0].details!, false);
    assert.equal(slaExpired(blocked, 'approve').changes.status, 'approved');
    assert.equal(slaExpired(blocked, 'escalate').changes.status, 'escalated');
  });
  it('a final item, or an escalated one it would only escalate again, is quietly settled', () => {
    for (const moot of [item({ status: 'approved' }), item({ status: 'escalated' })]) {
      const c = slaExpired(moot, 'reject');
      assert.deepEqual([c.quiet, c.events, c.changes], [true, [], { slaFiredAt: now }]);
    }
  });
});

describe('assigned', () => {
  const waiting = item({ status: 'pending', reviewState: 'waiting', claimedBy: null });
  const to = { id: 'u2', name: 'Bo', lead: false };
  const by = { id: 'lead-1', actor: 'user:lead-1' };
  it('reserves a waiting item for four leases, quietly, naming whom it replaces', () => {
    const c = change(assigned({ ...waiting, assignedTo: 'u3' }, to, by, 60));
    assert.deepEqual(c.changes, {
      assignedTo: 'u2',
      assignedToName: 'Bo',
      assignedUntil: later(240),
      assignedBy: 'lead-1',
    });
    assert.equal(c.quiet, true);
    assert.deepEqual(c.events[0].details, {
      to: 'user:u2',
      until: later(240),
      replaces: 'user:u3',
    });
  });
  it('refuses items not waiting (409), escalations for non-leads and past reviewers (400)', () => {
    assert.deepEqual(assigned(item(), to, by, 60), {
      refused: 'conflict',
      message: 'item is being reviewed right now; only waiting items can be assigned',
    });
    assert.deepEqual(assigned(item({ reviewState: 'none', status: 'approved' }), to, by, 60), {
      refused: 'conflict',
      message: 'item is not waiting for review (approved)',
    });
    const escalatedItem = { ...waiting, reviewRank: 0 };
    assert.equal(refusal(assigned(escalatedItem, to, by, 60)).refused, 'invalid');
    assert.equal(isRefusal(assigned(escalatedItem, { ...to, lead: true }, by, 60)), false);
    assert.deepEqual(assigned({ ...waiting, reviewedBy: ['u2'] }, to, by, 60), {
      refused: 'invalid',
      field: 'userId',
      message: 'Bo has already reviewed this item',
    });
  });
  it('unassigning audits only an existing reservation, noting when it had lapsed', () => {
    assert.equal(unassigned(waiting, 'user:lead-1'), null);
    const lapsed = change(
      unassigned({ ...waiting, assignedTo: 'u2', assignedUntil: later(-1) }, 'user:lead-1'),
    );
    assert.deepEqual(lapsed.changes, {
      assignedTo: null,
      assignedToName: null,
      assignedUntil: null,
      assignedBy: null,
    });
    assert.deepEqual(lapsed.events[0].details, { from: 'user:u2', lapsedAt: later(-1) });
    const live = change(unassigned({ ...waiting, assignedTo: 'u2', assignedUntil: later(1) }, 'a'));
    assert.deepEqual(live.events[0].details, { from: 'user:u2' });
  });
});
