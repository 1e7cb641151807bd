/** Unit tests of the pure decision rules (no server, no database). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  agree,
  canonicalJson,
  decisionProblems,
  escalationChanges,
  finalChanges,
  requeueChanges,
} from '../../src/review/decision-rules';
import type { Item } from '../../src/items/item.entity';
import type { Queue } from '../../src/queues/queue.entity';
import type { DecisionDto } from '../../src/review/review.dto';

const queue = (over: Partial<Queue> = {}): Queue =>
  Object.assign(new (class {})() as Queue, {
    labels: [],
    outputSchema: null,
    ...over,
  });
const item = (over: Partial<Item> = {}): Item =>
  Object.assign({} as Item, {
    status: 'pending',
    output: { reply: 'hello' },
    finalOutput: null,
    usable: false,
    ...over,
  });
const dto = (over: Partial<DecisionDto>): DecisionDto => over as DecisionDto;
const fields = (problems: { field: string }[]) => problems.map((p) => p.field);
const now = new Date('2026-01-02T03:04:05Z');

describe('decision body rules', () => {
  it('an approval needs nothing more', () => {
    assert.deepEqual(decisionProblems(dto({ action: 'approve' }), queue(), { a: 1 }), []);
  });
  it('rejecting needs a reason when the queue has no labels', () => {
    assert.deepEqual(fields(decisionProblems(dto({ action: 'reject' }), queue(), {})), ['reason']);
    assert.deepEqual(
      fields(decisionProblems(dto({ action: 'reject', reason: '   ' }), queue(), {})),
      ['reason'],
    );
    assert.deepEqual(decisionProblems(dto({ action: 'reject', reason: 'wrong' }), queue(), {}), []);
  });
  it("rejecting needs one of the queue's labels when it has some, and only those", () => {
    const q = queue({ labels: ['tone', 'fact'] });
    const missing = decisionProblems(dto({ action: 'reject', reason: 'x' }), q, {});
    assert.deepEqual(fields(missing), ['labels']);
    assert.match(missing[0].message, /tone, fact/);
    const unknown = decisionProblems(dto({ action: 'reject', labels: ['nope'] }), q, {});
    assert.deepEqual(fields(unknown), ['labels']);
    assert.match(unknown[0].message, /"nope"/);
    assert.deepEqual(decisionProblems(dto({ action: 'reject', labels: ['fact'] }), q, {}), []);
  });
  it('labels on a queue without labels are refused, naming that the queue defines none', () => {
    const [problem] = decisionProblems(dto({ action: 'approve', labels: ['x'] }), queue(), {});
    assert.equal(problem.field, 'labels');
    assert.match(problem.message, /defines no labels/);
  });
  it('a correction needs an output that differs from the original (key order aside)', () => {
    const output = { a: 1, b: 2 };
    const base = { action: 'correct' as const, reason: 'r' };
    assert.deepEqual(fields(decisionProblems(dto(base), queue(), output)), ['correctedOutput']);
    const same = decisionProblems(
      dto({ ...base, correctedOutput: { b: 2, a: 1 } }),
      queue(),
      output,
    );
    assert.match(same[0].message, /must differ/);
    assert.deepEqual(
      decisionProblems(dto({ ...base, correctedOutput: { a: 2 } }), queue(), output),
      [],
    );
  });
  it("a correction must match the queue's outputSchema", () => {
    const q = queue({
      outputSchema: {
        type: 'object',
        required: ['reply'],
        properties: { reply: { type: 'string' } },
      },
    });
    const [problem] = decisionProblems(
      dto({ action: 'correct', reason: 'r', correctedOutput: { reply: 5 } }),
      q,
      { reply: 'x' },
    );
    assert.equal(problem.field, 'correctedOutput');
    assert.match(problem.message, /correctedOutput/);
    assert.doesNotMatch(problem.message, /\boutput\b/);
  });
  it('text Postgres cannot store (U+0000) is refused, naming the field', () => {
    const problems = decisionProblems(dto({ action: 'approve', comment: 'a\u0000b' }), queue(), {});
    assert.deepEqual(fields(problems), ['comment']);
  });
  it('reports every problem at once', () => {
    const problems = decisionProblems(
      dto({ action: 'correct', labels: ['nope'], comment: '\u0000' }),
      queue({ labels: ['tone'] }),
      {},
    );
    assert.deepEqual(fields(problems).sort(), ['comment', 'correctedOutput', 'labels']);
  });
});

describe('agreement between reviewers', () => {
  it('same action agrees; corrections also need the same output, whatever the key order', () => {
    assert.equal(
      agree(
        { action: 'approve', correctedOutput: null },
        { action: 'approve', correctedOutput: 1 },
      ),
      true,
    );
    assert.equal(
      agree(
        { action: 'approve', correctedOutput: null },
        { action: 'reject', correctedOutput: null },
      ),
      false,
    );
    assert.equal(
      agree(
        { action: 'correct', correctedOutput: { a: 1, b: 2 } },
        { action: 'correct', correctedOutput: { b: 2, a: 1 } },
      ),
      true,
    );
    assert.equal(
      agree(
        { action: 'correct', correctedOutput: { a: 1 } },
        { action: 'correct', correctedOutput: { a: 2 } },
      ),
      false,
    );
  });
  it('canonical JSON ignores key order', () => {
    assert.equal(
      canonicalJson({ b: [1, { d: 1, c: 2 }], a: null }),
      canonicalJson({ a: null, b: [1, { c: 2, d: 1 }] }),
    );
  });
});

describe('item state after a decision', () => {
  it('approve makes a pending item usable with its own output, and ends the lease', () => {
    const changes = finalChanges(
      item({ leaseToken: 't' } as Partial<Item>),
      'approve',
      null,
      now,
      'reviewer',
    );
    assert.equal(changes.status, 'approved');
    assert.equal(changes.usable, true);
    assert.deepEqual(changes.finalOutput, { reply: 'hello' });
    assert.equal(changes.decidedAt, now);
    assert.equal(changes.decidedBy, 'reviewer');
    assert.equal(changes.leaseToken, null);
    assert.equal(changes.claimedBy, null);
    assert.equal(changes.reviewState, 'none');
  });
  it('approving an already final item (a sample or a report) keeps its verdict and output', () => {
    const changes = finalChanges(item({ status: 'corrected' }), 'approve', null, now, 'reviewer');
    assert.equal(changes.status, undefined);
    assert.equal(changes.finalOutput, undefined);
    assert.equal(changes.reviewState, 'none');
  });
  it('reject makes it unusable; correct stores the corrected output; timeouts say so', () => {
    const rejected = finalChanges(item(), 'reject', null, now, 'timeout');
    assert.deepEqual(
      [rejected.status, rejected.usable, rejected.finalOutput, rejected.decidedBy],
      ['rejected', false, null, 'timeout'],
    );
    const corrected = finalChanges(item(), 'correct', { reply: 'fixed' }, now, 'reviewer');
    assert.deepEqual(
      [corrected.status, corrected.usable, corrected.finalOutput],
      ['corrected', true, { reply: 'fixed' }],
    );
  });
  it('escalation puts the item first in line; a final item keeps its status', () => {
    const pending = escalationChanges(item({ status: 'in_review' }), now);
    assert.equal(pending.status, 'escalated');
    assert.equal(pending.reviewState, 'waiting');
    assert.equal(pending.reviewClass, 'escalated');
    assert.equal(pending.reviewRank, 0);
    assert.equal(pending.queuedAt, now);
    assert.equal(escalationChanges(item({ status: 'approved' }), now).status, 'approved');
  });
  it('a requeue hands the item back as pending, remembering who let it go', () => {
    const back = requeueChanges(item({ status: 'in_review' }), 'user-1');
    assert.deepEqual(
      [back.status, back.reviewState, back.releasedBy, back.leaseToken],
      ['pending', 'waiting', 'user-1', null],
    );
    assert.equal(requeueChanges(item({ status: 'escalated' }), null).status, 'escalated');
  });
});
