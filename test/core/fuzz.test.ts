import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  Api,
  adminApi,
  createQueue,
  dropTestState,
  RunningServer,
  sql,
  startServer,
  submission,
  testContext,
} from '../support/harness';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
/** Ids of every item a 2xx answer gave back (a replay returns an id already seen). */
const acknowledged = new Set<string>();

before(async () => {
  server = await startServer(ctx);
  admin = await adminApi(server.url);
  await createQueue(admin, 'fuzz', {
    outputSchema: { type: 'object' },
    policy: { rules: [{ name: 'r', when: { '>': [{ var: 'metadata.n' }, 1] }, route: 'flag' }] },
  });
});
after(async () => {
  await server?.stop();
  await dropTestState(ctx);
});

/**
 * CI replays one fixed seed so a landing never hinges on a new draw; local runs explore new seeds
 * (fast-check prints the seed and the shrunk counterexample when a property fails).
 */
const seed = process.env.CI ? { seed: 20261122 } : {};

const json = fc.jsonValue({ maxDepth: 4 });
const nasty = fc.oneof(
  json,
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '\u0000',
    '0.5',
    '',
    'NaN',
    '<script>',
    '\ud800',
    '1e999',
    null,
    -1,
    2,
    1e308,
    [],
    {},
  ),
);
/** A valid submission with one field replaced, dropped or added. */
const mutated = fc
  .tuple(
    fc.constantFrom(
      'model',
      'output',
      'confidence',
      'metadata',
      'externalId',
      'callbackUrl',
      'input',
      'extra',
    ),
    nasty,
    fc.boolean(),
  )
  .map(([field, value, drop]) => {
    const body: Record<string, unknown> = { ...submission() };
    if (drop) delete body[field];
    else body[field] = value;
    return body;
  });
const body = fc.oneof(mutated, json, fc.dictionary(fc.string(), nasty));

function collectIds(status: number, response: unknown, batch: boolean): void {
  if (status >= 300) return;
  if (!batch) {
    acknowledged.add((response as { id: string }).id);
    return;
  }
  for (const r of (response as { results: { id?: string }[] }).results)
    if (r.id) acknowledged.add(r.id);
}

describe('random bodies', () => {
  it('the submit route answers only 2xx for valid bodies and 4xx otherwise, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await admin.post('/v1/queues/fuzz/items', b);
        assert.ok(
          res.status < 500,
          `status ${res.status} for ${JSON.stringify(b)}: ${JSON.stringify(res.body)}`,
        );
        if (res.status >= 400) assert.equal(typeof res.body.message, 'string');
        collectIds(res.status, res.body, false);
      }),
      { numRuns: 300, ...seed },
    );
  });
  it('the batch route answers per element and never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(body, { minLength: 1, maxLength: 20 }).map((items) => ({ items })),
          json,
        ),
        async (b) => {
          const res = await admin.post('/v1/queues/fuzz/items/batch', b);
          assert.ok(res.status < 500, `status ${res.status} for ${JSON.stringify(b)}`);
          if (res.status === 200) {
            for (const r of res.body.results)
              assert.ok(r.id || (r.error && r.error.statusCode < 500), JSON.stringify(r));
          }
          collectIds(res.status, res.body, true);
        },
      ),
      { numRuns: 150, ...seed },
    );
  });
  it('raw bytes that are not JSON are refused with 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1 }),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (text, type) => {
          const res = await admin.request('POST', '/v1/queues/fuzz/items', text, {
            'content-type': type,
          });
          assert.ok(res.status < 500, `status ${res.status}`);
          collectIds(res.status, res.body, false);
        },
      ),
      { numRuns: 100, ...seed },
    );
  });
  it('the server is still healthy and stored exactly what it acknowledged', async () => {
    assert.equal((await new Api(server.url).get('/health')).status, 200);
    const stored = await sql<{ id: string }>(ctx, 'SELECT id FROM items');
    assert.deepEqual(new Set(stored.map((r) => r.id)), acknowledged);
  });
});
