/**
 * The submit bodies' fast paths against class-validator: on generated bodies (valid, invalid and
 * in between), the global pipe with fast paths must give exactly what the same pipe without them
 * gives (the same DTO, or the same 400 with the same messages), and a batch element the same DTO
 * as the element validation it replaces.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fast, jsonish, notString, outcome, stock } from '../support/fast-path-check';
import { SubmitBatchDto, SubmitItemDto } from '../../src/ingestion/ingestion.dto';
import { fastSubmitItem } from '../../src/ingestion/submission-check';

const text = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: max }),
    fc.string({ minLength: max - 2, maxLength: max + 2 }),
    fc.constant(''),
    fc.constant('😀'.repeat(100) + 'x'),
  );

const model = fc.oneof(
  { weight: 8, arbitrary: fc.record({ name: fc.string({ minLength: 1, maxLength: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ name: text(200) }) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        name: fc.oneof(text(200), notString),
        version: fc.oneof(text(200), notString),
        extra: jsonish,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constant(null), fc.array(fc.object())) },
);

const body = fc.record(
  {
    externalId: fc.oneof(
      { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
      { weight: 2, arbitrary: text(200) },
      { weight: 1, arbitrary: notString },
    ),
    model,
    input: jsonish,
    output: fc.oneof(
      { weight: 5, arbitrary: jsonish },
      { weight: 1, arbitrary: fc.constant(null) },
    ),
    confidence: fc.oneof(
      { weight: 10, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
      fc.double(),
      fc.constantFrom(0, 1, -0, 1.0000001, -1e-9),
      fc.constant('0.5'),
      fc.constant(null),
    ),
    metadata: fc.oneof(
      { weight: 8, arbitrary: fc.dictionary(fc.string(), jsonish) },
      { weight: 1, arbitrary: fc.oneof(fc.array(jsonish), fc.constant(null), fc.string()) },
    ),
    callbackUrl: fc.oneof(
      { weight: 5, arbitrary: fc.constant('https://example.com/hook') },
      fc.constantFrom(
        'http://127.0.0.1:9000/hook',
        'https://example.com/x?y=1',
        'https://hooks.internal/verdict',
        'ftp://example.com/x',
        'example.com/x',
        'not a url',
        '',
        `https://example.com/${'a'.repeat(1990)}`,
      ),
      fc.string(),
      notString,
    ),
    constructor: jsonish,
    unknownField: jsonish,
  },
  { requiredKeys: ['model', 'output', 'confidence'] },
);

describe('submit body fast paths', () => {
  it('the pipe with fast paths answers every submit body exactly as class-validator does', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(body, jsonish), async (b) => {
        const expected = await outcome(stock, JSON.stringify(b), SubmitItemDto);
        const actual = await outcome(fast, JSON.stringify(b), SubmitItemDto);
        assert.deepStrictEqual(actual, expected);
        if (expected.ok) accepted++;
      }),
      { numRuns: 3000 },
    );
    // Not vacuous: a good share of the generated bodies are valid.
    assert.ok(accepted > 300, `only ${accepted} valid bodies generated`);
  });

  it('hands free-form JSON over exactly as parsed, prototype-looking keys included', async () => {
    const raw =
      '{"model":{"name":"m","constructor":1},"output":{"constructor":{"x":1},"valueOf":2,"__proto__":{"y":1},"ok":true},"confidence":0.5,"metadata":{"toString":"c"}}';
    const expected = await outcome(stock, raw, SubmitItemDto);
    const actual = await outcome(fast, raw, SubmitItemDto);
    assert.deepStrictEqual(actual, expected);
    assert.ok(actual.ok);
    const dto = actual.value as SubmitItemDto;
    assert.deepStrictEqual(dto.output, JSON.parse(raw).output);
    assert.deepStrictEqual(dto.metadata, { toString: 'c' });
    assert.deepStrictEqual({ ...dto.model }, { name: 'm', version: undefined });
  });

  it('answers batch bodies exactly as class-validator does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ items: fc.array(jsonish, { minLength: 0, maxLength: 3 }), other: jsonish }),
          fc.record({ items: fc.oneof(jsonish, fc.constant(new Array(501).fill({}))) }),
          jsonish,
        ),
        async (b) => {
          assert.deepStrictEqual(
            await outcome(fast, JSON.stringify(b), SubmitBatchDto),
            await outcome(stock, JSON.stringify(b), SubmitBatchDto),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a batch element it accepts is the DTO the element validation builds', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const element = JSON.parse(JSON.stringify(b)) as unknown;
        const dto = fastSubmitItem(element);
        if (!dto) return;
        const expected = await outcome(stock, JSON.stringify(b), SubmitItemDto);
        assert.ok(expected.ok);
        assert.deepStrictEqual(dto, expected.value);
      }),
      { numRuns: 1000 },
    );
  });
});
