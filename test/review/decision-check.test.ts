/**
 * The decision body's fast path against class-validator: on generated bodies (valid, invalid and
 * in between), the global pipe with fast paths must give exactly what the same pipe without them
 * gives: the same DTO, or the same 400 with the same messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fast, jsonish, notString, outcome, stock } from '../support/fast-path-check';
// Registers the fast path, as the decisions service's import of it does in the app.
import { fastDecision } from '../../src/review/decision-body';
import { DecisionDto } from '../../src/review/review.dto';

const text = (max: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
    fc.string({ minLength: max - 2, maxLength: max + 2 }),
    fc.constant(''),
    fc.constant('😀'.repeat(Math.floor(max / 2)) + 'x'),
  );
const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));

const answers = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(fc.string(), fc.oneof(scalar, fc.array(scalar))) },
  { weight: 2, arbitrary: fc.dictionary(fc.string(), jsonish) },
  fc.constantFrom(
    '{"__proto__":{"a":1}}',
    '{"constructor":1,"toString":"x"}',
    '{"prototype":false,"helpful":4}',
  ),
  jsonish,
);

const body = fc.record(
  {
    action: fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom('approve', 'reject', 'correct', 'escalate') },
      fc.constantFrom('APPROVE', 'skip', '', 'constructor'),
      notString,
    ),
    correctedOutput: fc.oneof(jsonish, fc.constant(null)),
    labels: fc.oneof(
      { weight: 6, arbitrary: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }) },
      fc.array(fc.string(), { minLength: 99, maxLength: 102 }),
      fc.array(fc.oneof(fc.string(), notString), { maxLength: 3 }),
      fc.string(),
      notString,
    ),
    reason: fc.oneof({ weight: 4, arbitrary: text(2000) }, notString),
    answers,
    comment: fc.oneof({ weight: 4, arbitrary: text(5000) }, notString),
    constructor: jsonish,
    unknownField: jsonish,
  },
  { requiredKeys: [] },
);

/** The body as JSON text; answers given as text are spliced in raw (a "__proto__" own key). */
function raw(b: Record<string, unknown>): string {
  if (typeof b.answers !== 'string' || !b.answers.startsWith('{"')) return JSON.stringify(b);
  const { answers: text, ...rest } = b;
  const head = JSON.stringify(rest);
  return head === '{}' ? `{"answers":${text}}` : `${head.slice(0, -1)},"answers":${text}}`;
}

describe('decision body fast path', () => {
  it('the pipe with fast paths answers every decision body exactly as class-validator does', async () => {
    let accepted = 0;
    let fastOnes = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 5, arbitrary: body }, jsonish), async (b) => {
        const text =
          typeof b === 'object' && b !== null && !Array.isArray(b)
            ? raw(b as Record<string, unknown>)
            : JSON.stringify(b);
        const expected = await outcome(stock, text, DecisionDto);
        const actual = await outcome(fast, text, DecisionDto);
        assert.deepStrictEqual(actual, expected);
        if (expected.ok) accepted++;
        if (fastDecision(JSON.parse(text))) fastOnes++;
      }),
      { numRuns: 3000 },
    );
    // Not vacuous: a good share of the generated bodies are valid, and many of those go fast.
    // About half of the generated bodies carry a `constructor` key (the record's optional field)
    // or a `prototype` answer, which take the slow path by design, so "many" is a third: the
    // share is ~0.5 with a spread of ~0.02, and "more than half" failed one run in a few.
    assert.ok(accepted > 300, `only ${accepted} valid bodies generated`);
    assert.ok(fastOnes > accepted / 3, `only ${fastOnes} of ${accepted} valid bodies went fast`);
  });

  it('takes the usual decision bodies, and hands correctedOutput over exactly as parsed', async () => {
    for (const text of [
      '{"action":"approve"}',
      '{"action":"reject","labels":["hallucination"],"reason":"wrong date","comment":"c"}',
      '{"action":"escalate","answers":{"helpful":4,"tone":"friendly","tags":["a","b"],"ok":true}}',
      '{"action":"correct","labels":["x"],"correctedOutput":{"constructor":{"x":1},"__proto__":{"y":1},"reply":"fixed"}}',
    ]) {
      assert.ok(fastDecision(JSON.parse(text)), text);
      const expected = await outcome(stock, text, DecisionDto);
      const actual = await outcome(fast, text, DecisionDto);
      assert.ok(actual.ok, text);
      assert.deepStrictEqual(actual, expected);
    }
    const corrected = await outcome(
      fast,
      '{"action":"correct","correctedOutput":{"__proto__":{"y":1},"reply":"fixed"}}',
      DecisionDto,
    );
    assert.ok(corrected.ok);
    assert.deepStrictEqual(
      (corrected.value as DecisionDto).correctedOutput,
      JSON.parse('{"__proto__":{"y":1},"reply":"fixed"}'),
    );
  });

  it('leaves every rejection to class-validator, messages included', async () => {
    for (const text of [
      '{}',
      '{"action":"skip"}',
      '{"action":"approve","labels":"x"}',
      '{"action":"approve","labels":[1]}',
      `{"action":"approve","reason":"${'r'.repeat(2001)}"}`,
      `{"action":"approve","comment":"${'c'.repeat(5001)}"}`,
    ]) {
      assert.equal(fastDecision(JSON.parse(text)), undefined, text);
      const actual = await outcome(fast, text, DecisionDto);
      assert.ok(!actual.ok && actual.status === 400, text);
      assert.deepStrictEqual(actual, await outcome(stock, text, DecisionDto));
    }
  });
});
