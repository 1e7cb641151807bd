import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePolicy, validateSla } from '../../src/routing/policy-validation';
import { checkOutputSchema } from '../../src/routing/output-schema';

const fields = (raw: unknown) => validatePolicy(raw).problems.map((p) => p.field);

describe('policy validation', () => {
  it('accepts the contract example and fills defaults', () => {
    const { policy, problems } = validatePolicy({
      autoApproveAt: 0.9,
      blockBelow: 0.5,
      auditSampleRate: 0.02,
      rules: [
        { name: 'large refund', when: { '>': [{ var: 'metadata.amount' }, 1000] }, route: 'block' },
      ],
    });
    assert.deepEqual(problems, []);
    assert.equal(policy?.rules.length, 1);
    assert.deepEqual(validatePolicy({}).policy, {
      autoApproveAt: 0.9,
      blockBelow: 0.5,
      auditSampleRate: 0,
      rules: [],
    });
  });
  it('refuses thresholds outside [0,1] and non-numbers, naming the field', () => {
    assert.deepEqual(fields({ autoApproveAt: 1.1 }), ['policy.autoApproveAt']);
    assert.deepEqual(fields({ blockBelow: -0.1 }), ['policy.blockBelow']);
    assert.deepEqual(fields({ auditSampleRate: 2 }), ['policy.auditSampleRate']);
    assert.deepEqual(fields({ autoApproveAt: '0.9' }), ['policy.autoApproveAt']);
  });
  it('refuses blockBelow greater than autoApproveAt', () => {
    assert.deepEqual(fields({ autoApproveAt: 0.4, blockBelow: 0.6 }), ['policy.blockBelow']);
  });
  it('refuses an unknown route, a malformed or unsafe JSON Logic expression', () => {
    assert.deepEqual(
      fields({ rules: [{ name: 'x', when: { '==': [1, 1] }, route: 'escalate' }] }),
      ['policy.rules[0].route'],
    );
    assert.deepEqual(fields({ rules: [{ name: 'x', when: { nope: [1] }, route: 'block' }] }), [
      'policy.rules[0].when',
    ]);
    assert.deepEqual(
      fields({ rules: [{ name: 'x', when: { '==': [1, 1], '>': [1, 0] }, route: 'block' }] }),
      ['policy.rules[0].when'],
    );
    assert.deepEqual(
      fields({
        rules: [{ name: 'x', when: { method: [{ var: 'output' }, 'toString'] }, route: 'block' }],
      }),
      ['policy.rules[0].when'],
    );
    assert.deepEqual(fields({ rules: [{ name: 'x', when: 'yes', route: 'block' }] }), [
      'policy.rules[0].when',
    ]);
    assert.deepEqual(fields({ rules: [{ name: '', when: { '==': [1, 1] }, route: 'block' }] }), [
      'policy.rules[0].name',
    ]);
  });
  it('refuses duplicate rule names and unknown fields', () => {
    const when = { '==': [1, 1] };
    assert.deepEqual(
      fields({
        rules: [
          { name: 'a', when, route: 'flag' },
          { name: 'a', when, route: 'block' },
        ],
      }),
      ['policy.rules[1].name'],
    );
    assert.deepEqual(fields({ autoApprove: 0.9 }), ['policy.autoApprove']);
  });
  it('reports every problem at once', () => {
    assert.equal(
      validatePolicy({ autoApproveAt: 5, blockBelow: 'x', rules: 'nope' }).problems.length,
      3,
    );
  });
});

describe('sla and output schema validation', () => {
  it('accepts a full sla and defaults a missing one', () => {
    assert.deepEqual(
      validateSla({ blockedSeconds: 900, onBlockedTimeout: 'escalate', flaggedSeconds: 86400 }).sla,
      {
        blockedSeconds: 900,
        onBlockedTimeout: 'escalate',
        flaggedSeconds: 86400,
      },
    );
    assert.deepEqual(validateSla(undefined).sla, {
      blockedSeconds: null,
      onBlockedTimeout: 'reject',
      flaggedSeconds: null,
    });
  });
  it('refuses bad sla values', () => {
    assert.deepEqual(
      validateSla({ blockedSeconds: 0 }).problems.map((p) => p.field),
      ['sla.blockedSeconds'],
    );
    assert.deepEqual(
      validateSla({ onBlockedTimeout: 'ignore' }).problems.map((p) => p.field),
      ['sla.onBlockedTimeout'],
    );
    assert.deepEqual(
      validateSla({ flaggedSeconds: 1.5 }).problems.map((p) => p.field),
      ['sla.flaggedSeconds'],
    );
  });
  it('compiles valid JSON Schemas and refuses invalid ones', () => {
    assert.equal(checkOutputSchema({ type: 'object', required: ['reply'] }), null);
    assert.match(checkOutputSchema({ type: 'objekt' })?.message ?? '', /not a valid JSON Schema/);
    assert.match(
      checkOutputSchema({ required: 'reply' })?.message ?? '',
      /not a valid JSON Schema/,
    );
    assert.match(checkOutputSchema([1])?.message ?? '', /must be a JSON Schema object/);
  });
});

describe('outputSchema regexes RE2 cannot run', () => {
  it('are refused, naming the pattern field', () => {
    const back = checkOutputSchema({
      properties: { reply: { type: 'string', pattern: '(a)\\1' } },
    });
    assert.equal(back?.field, 'outputSchema.properties.reply.pattern');
    assert.match(back?.message ?? '', /RE2/);
    const look = checkOutputSchema({ items: [{ patternProperties: { '^(?!secret)': {} } }] });
    assert.equal(look?.field, 'outputSchema.items[0].patternProperties["^(?!secret)"]');
    assert.equal(checkOutputSchema({ const: { pattern: '(a)\\1' } }), null, 'data, not a regex');
  });
});
