/** Unit tests of the routing building blocks: the JSON Logic whitelist and output schemas. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkJsonLogic, evaluateJsonLogic } from '../../src/routing/json-logic';
import {
  checkOutputSchema,
  compileOutputSchema,
  outputSchemaErrors,
} from '../../src/routing/output-schema';

describe('JSON Logic in policy rules', () => {
  it('accepts well-formed expressions and plain values', () => {
    assert.equal(checkJsonLogic({ and: [{ '>': [{ var: 'metadata.amount' }, 100] }, true] }), null);
    assert.equal(checkJsonLogic(true), null);
    assert.equal(checkJsonLogic([1, 'a', null]), null);
  });
  it('refuses operators that could run code or write logs, naming where they are', () => {
    assert.equal(
      checkJsonLogic({ and: [true, { method: [{ var: 'output' }, 'toString'] }] }),
      'when.and[1] uses unknown operator "method"',
    );
    assert.match(
      checkJsonLogic({ log: 'x' }, 'rules[0].when') ?? '',
      /^rules\[0\]\.when uses unknown operator "log"/,
    );
  });
  it('refuses an object that is not one operation', () => {
    assert.match(checkJsonLogic({ '==': [1, 1], '!=': [1, 2] }) ?? '', /exactly one operator key/);
    assert.match(checkJsonLogic({}) ?? '', /exactly one operator key/);
  });
  it('evaluates against the submission', () => {
    const data = { confidence: 0.4, metadata: { amount: 250 } };
    assert.equal(evaluateJsonLogic({ '>': [{ var: 'metadata.amount' }, 100] }, data), true);
    assert.equal(evaluateJsonLogic({ '<': [{ var: 'confidence' }, 0.3] }, data), false);
  });
});

describe('output schemas', () => {
  const schema = { type: 'object', required: ['reply'], properties: { reply: { type: 'string' } } };
  it('a passing value has no errors; a failing one names the output', () => {
    assert.equal(outputSchemaErrors(schema, { reply: 'hi' }), null);
    assert.match(
      outputSchemaErrors(schema, {}) ?? '',
      /^output must have required property 'reply'/,
    );
  });
  it('formats are known (ajv-formats)', () => {
    const email = { type: 'string', format: 'email' };
    assert.equal(outputSchemaErrors(email, 'a@example.com'), null);
    assert.notEqual(outputSchemaErrors(email, 'not an email'), null);
  });
  it('boolean schemas and the compile cache work', () => {
    assert.equal(outputSchemaErrors(true, 42), null);
    assert.notEqual(outputSchemaErrors(false, 42), null);
    assert.equal(compileOutputSchema({ ...schema }), compileOutputSchema(schema));
  });
  it('refuses what is not a JSON Schema', () => {
    assert.equal(checkOutputSchema(schema), null);
    const notSchema = {
      field: 'outputSchema',
      message: 'outputSchema must be a JSON Schema object',
    };
    assert.deepEqual(checkOutputSchema([]), notSchema);
    assert.deepEqual(checkOutputSchema('x'), notSchema);
    const invalid = checkOutputSchema({ type: 'nonsense' });
    assert.equal(invalid?.field, 'outputSchema');
    assert.match(invalid?.message ?? '', /^outputSchema is not a valid JSON Schema/);
  });
  it('refuses a pattern RE2 cannot run, naming where it is', () => {
    const problem = checkOutputSchema({ properties: { reply: { pattern: '(a)\\1' } } });
    assert.equal(problem?.field, 'outputSchema.properties.reply.pattern');
    assert.equal(outputSchemaErrors({ pattern: '^(a+)+$' }, 'a'.repeat(40) + 'b') !== null, true);
  });
});
