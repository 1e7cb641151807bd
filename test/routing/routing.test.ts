import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routeSubmission, RoutingInput } from '../../src/routing/routing';
import type { Policy } from '../../src/routing/policy.types';

const policy = (over: Partial<Policy> = {}): Policy => ({
  autoApproveAt: 0.9,
  blockBelow: 0.5,
  auditSampleRate: 0,
  rules: [],
  ...over,
});
const input = (over: Partial<RoutingInput> = {}): RoutingInput => ({
  confidence: 0.73,
  model: { name: 'support-llm', version: '1' },
  input: { messages: [] },
  output: { reply: 'hello' },
  metadata: { amount: 40 },
  ...over,
});
const never = () => 1;

describe('routing thresholds', () => {
  it('approves at exactly autoApproveAt', () => {
    const d = routeSubmission(policy(), null, input({ confidence: 0.9 }), never);
    assert.equal(d.routing, 'approve');
    assert.deepEqual(
      d.reasons.map((r) => r.kind),
      ['threshold'],
    );
  });
  it('flags just below autoApproveAt', () => {
    assert.equal(
      routeSubmission(policy(), null, input({ confidence: 0.8999 }), never).routing,
      'flag',
    );
  });
  it('flags at exactly blockBelow', () => {
    const d = routeSubmission(policy(), null, input({ confidence: 0.5 }), never);
    assert.equal(d.routing, 'flag');
    assert.match(d.reasons[0].message, /between 0.5 and 0.9/);
  });
  it('blocks just below blockBelow', () => {
    const d = routeSubmission(policy(), null, input({ confidence: 0.4999 }), never);
    assert.equal(d.routing, 'block');
    assert.match(d.reasons[0].message, /below 0.5/);
  });
  it('handles the extremes 0 and 1', () => {
    assert.equal(routeSubmission(policy(), null, input({ confidence: 0 }), never).routing, 'block');
    assert.equal(
      routeSubmission(policy(), null, input({ confidence: 1 }), never).routing,
      'approve',
    );
  });
  it('with blockBelow equal to autoApproveAt there is no flag band', () => {
    const p = policy({ autoApproveAt: 0.7, blockBelow: 0.7 });
    assert.equal(routeSubmission(p, null, input({ confidence: 0.7 }), never).routing, 'approve');
    assert.equal(routeSubmission(p, null, input({ confidence: 0.69 }), never).routing, 'block');
  });
});

describe('rules and schema only make routing stricter', () => {
  const rule = (
    route: 'approve' | 'flag' | 'block',
    when: unknown = { '>': [{ var: 'metadata.amount' }, 1000] },
  ) => ({ name: `to ${route}`, when, route });

  it('a matching block rule blocks an otherwise approved item and is listed', () => {
    const d = routeSubmission(
      policy({ rules: [rule('block')] }),
      null,
      input({ confidence: 0.95, metadata: { amount: 5000 } }),
      never,
    );
    assert.equal(d.routing, 'block');
    assert.deepEqual(
      d.reasons.map((r) => [r.kind, r.rule]),
      [
        ['threshold', undefined],
        ['rule', 'to block'],
      ],
    );
  });
  it('a rule that does not match changes nothing', () => {
    const d = routeSubmission(
      policy({ rules: [rule('block')] }),
      null,
      input({ confidence: 0.95 }),
      never,
    );
    assert.equal(d.routing, 'approve');
    assert.equal(d.reasons.length, 1);
  });
  it('an approve rule cannot loosen a flag or a block', () => {
    const always = { '==': [1, 1] };
    assert.equal(
      routeSubmission(
        policy({ rules: [rule('approve', always)] }),
        null,
        input({ confidence: 0.6 }),
        never,
      ).routing,
      'flag',
    );
    assert.equal(
      routeSubmission(
        policy({ rules: [rule('approve', always)] }),
        null,
        input({ confidence: 0.1 }),
        never,
      ).routing,
      'block',
    );
  });
  it('a flag rule cannot loosen a block but tightens an approve', () => {
    const always = { '==': [1, 1] };
    assert.equal(
      routeSubmission(
        policy({ rules: [rule('flag', always)] }),
        null,
        input({ confidence: 0.1 }),
        never,
      ).routing,
      'block',
    );
    assert.equal(
      routeSubmission(
        policy({ rules: [rule('flag', always)] }),
        null,
        input({ confidence: 0.99 }),
        never,
      ).routing,
      'flag',
    );
  });
  it('the strictest of several matching rules wins and every cause is listed', () => {
    const always = { '==': [1, 1] };
    const p = policy({
      rules: [
        { name: 'a', when: always, route: 'flag' },
        { name: 'b', when: always, route: 'block' },
      ],
    });
    const d = routeSubmission(p, null, input({ confidence: 0.99 }), never);
    assert.equal(d.routing, 'block');
    assert.deepEqual(
      d.reasons.filter((r) => r.kind === 'rule').map((r) => r.rule),
      ['a', 'b'],
    );
  });
  it('rules see confidence, model, input, output and metadata', () => {
    const when = {
      and: [
        { '==': [{ var: 'model.name' }, 'support-llm'] },
        { in: ['refund', { var: 'output.reply' }] },
        { '<': [{ var: 'confidence' }, 0.99] },
      ],
    };
    const d = routeSubmission(
      policy({ rules: [{ name: 'refund talk', when, route: 'flag' }] }),
      null,
      input({ confidence: 0.95, output: { reply: 'your refund' } }),
      never,
    );
    assert.equal(d.routing, 'flag');
  });
  it('an output failing the schema is blocked with a schema reason', () => {
    const d = routeSubmission(
      policy(),
      { type: 'object', required: ['reply'] },
      input({ confidence: 0.99, output: { text: 'x' } }),
      never,
    );
    assert.equal(d.routing, 'block');
    const schema = d.reasons.find((r) => r.kind === 'schema');
    assert.ok(schema);
    assert.match(schema.message, /reply/);
  });
  it('an output passing the schema is unaffected', () => {
    assert.equal(
      routeSubmission(
        policy(),
        { type: 'object', required: ['reply'] },
        input({ confidence: 0.99 }),
        never,
      ).routing,
      'approve',
    );
  });
  it('a rule that throws while evaluating blocks rather than letting the output through', () => {
    // e.g. a rule stored before an operator was retired: evaluation throws "Unrecognized operation".
    const d = routeSubmission(
      policy({ rules: [{ name: 'broken', when: { retired_op: [1] }, route: 'flag' }] }),
      null,
      input({ confidence: 0.99 }),
      never,
    );
    assert.equal(d.routing, 'block');
    assert.match(d.reasons[1].message, /could not be evaluated/);
  });
});

describe('audit sampling', () => {
  it('samples an approved item when the draw falls under the rate', () => {
    const d = routeSubmission(
      policy({ auditSampleRate: 0.02 }),
      null,
      input({ confidence: 0.95 }),
      () => 0.01,
    );
    assert.equal(d.routing, 'approve');
    assert.equal(d.sampled, true);
    assert.equal(d.reasons.at(-1)?.kind, 'sample');
  });
  it('does not sample when the draw is at or above the rate', () => {
    assert.equal(
      routeSubmission(
        policy({ auditSampleRate: 0.02 }),
        null,
        input({ confidence: 0.95 }),
        () => 0.02,
      ).sampled,
      false,
    );
  });
  it('never samples flagged or blocked items (they are reviewed anyway)', () => {
    assert.equal(
      routeSubmission(policy({ auditSampleRate: 1 }), null, input({ confidence: 0.6 }), () => 0)
        .sampled,
      false,
    );
  });
  it('a rate of 1 samples every approved item, 0 none', () => {
    assert.equal(
      routeSubmission(
        policy({ auditSampleRate: 1 }),
        null,
        input({ confidence: 0.95 }),
        () => 0.999,
      ).sampled,
      true,
    );
    assert.equal(
      routeSubmission(policy({ auditSampleRate: 0 }), null, input({ confidence: 0.95 }), () => 0)
        .sampled,
      false,
    );
  });
});

describe('bounded evaluation', () => {
  const doubling = {
    reduce: [
      { var: 'input.list' },
      { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] },
      [1],
    ],
  };
  it('a rule whose intermediate values double per element is stopped and blocks the item', () => {
    const d = routeSubmission(
      policy({ rules: [{ name: 'doubling', when: doubling, route: 'flag' }] }),
      null,
      input({ confidence: 0.99, input: { list: Array.from({ length: 64 }, (_, i) => i) } }),
      never,
    );
    assert.equal(d.routing, 'block');
    assert.equal(d.reasons[1].kind, 'rule');
    assert.match(d.reasons[1].message, /rule "doubling" exceeded the evaluation budget/);
  });
  it('the same rule over a short list stays within the budget and is applied as written', () => {
    const d = routeSubmission(
      policy({
        rules: [{ name: 'small', when: { '>': [{ reduce: doubling.reduce }, 0] }, route: 'flag' }],
      }),
      null,
      input({ confidence: 0.99, input: { list: [1, 2, 3] } }),
      never,
    );
    assert.equal(d.routing, 'approve');
  });
  it('an operation count past the budget blocks too (map over map over a large list)', () => {
    const list = Array.from({ length: 400 }, (_, i) => i);
    const d = routeSubmission(
      policy({
        rules: [
          {
            name: 'quadratic',
            when: { some: [{ var: 'input.list' }, { some: [{ var: '' }, { '==': [1, 2] }] }] },
            route: 'flag',
          },
          {
            name: 'nested',
            when: {
              map: [{ var: 'input.list' }, { map: [{ merge: [list] }, { '+': [{ var: '' }, 1] }] }],
            },
            route: 'flag',
          },
        ],
      }),
      null,
      input({ confidence: 0.99, input: { list } }),
      never,
    );
    assert.equal(d.routing, 'block');
    assert.match(d.reasons.at(-1)!.message, /rule "nested" exceeded the evaluation budget/);
  });
});

describe('linear-time output schemas', () => {
  it('a catastrophic-backtracking pattern answers at once under RE2 semantics', () => {
    const schema = {
      type: 'object',
      properties: { reply: { type: 'string', pattern: '^(a+)+$' } },
    };
    const d = routeSubmission(
      policy(),
      schema,
      input({ confidence: 0.99, output: { reply: `${'a'.repeat(40)}!` } }),
      never,
    );
    assert.equal(d.routing, 'block');
    assert.equal(d.reasons[1].kind, 'schema');
    const ok = routeSubmission(
      policy(),
      schema,
      input({ confidence: 0.99, output: { reply: 'aaa' } }),
      never,
    );
    assert.equal(ok.routing, 'approve');
  });
  it('patternProperties run on RE2 too, with JavaScript syntax such as \\d and named groups', () => {
    const schema = {
      type: 'object',
      patternProperties: { '^(?<k>x)\\d+$': { type: 'number' } },
    };
    assert.equal(
      routeSubmission(policy(), schema, input({ confidence: 0.99, output: { x1: 2 } }), never)
        .routing,
      'approve',
    );
    assert.equal(
      routeSubmission(policy(), schema, input({ confidence: 0.99, output: { x1: 'no' } }), never)
        .routing,
      'block',
    );
  });
});
