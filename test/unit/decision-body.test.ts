/** Unit tests of the decision body rules (no server, no database). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decisionProblems } from '../../src/review/decision-body';
import type { Queue } from '../../src/queues/queue.entity';
import type { DecisionDto } from '../../src/review/review.dto';

const queue = (over: Partial<Queue> = {}): Queue =>
  Object.assign(new (class {})() as Queue, {
    labels: [],
    outputSchema: null,
    ...over,
  });
const dto = (over: Partial<DecisionDto>): DecisionDto => over as DecisionDto;
const fields = (problems: { field: string }[]) => problems.map((p) => p.field);

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
