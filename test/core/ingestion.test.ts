import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  Api,
  apiKey,
  createQueue,
  serverPerFile,
  sql,
  submission,
  testContext,
} from '../support/harness';

const ctx = testContext(__filename);
let admin: Api;
let bot: Api;

before(async () => {
  // Submissions here carry loopback callbackUrls, which the SSRF guard refuses by default.
});

serverPerFile(
  ctx,
  async (started) => {
    ({ admin } = started);
    await createQueue(admin, 'support-replies', {
      policy: {
        autoApproveAt: 0.9,
        blockBelow: 0.5,
        auditSampleRate: 0,
        rules: [
          {
            name: 'large refund',
            when: { '>': [{ var: 'metadata.amount' }, 1000] },
            route: 'block',
          },
        ],
      },
      outputSchema: { type: 'object', required: ['reply'] },
      sla: { blockedSeconds: 900, onBlockedTimeout: 'reject', flaggedSeconds: 86400 },
    });
    await createQueue(admin, 'sampled', {
      policy: { autoApproveAt: 0.9, blockBelow: 0.5, auditSampleRate: 1 },
    });
    bot = await apiKey(admin, ['support-replies', 'sampled']);
  },
  { env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } },
);

describe('submission and routing', () => {
  it('flags a mid-confidence output and returns the whole item', async () => {
    const res = await bot.post(
      '/v1/queues/support-replies/items',
      submission({
        externalId: 'ticket-81-reply-1',
        callbackUrl: 'http://127.0.0.1:9000/verdict-hook',
      }),
    );
    assert.equal(res.status, 201);
    const item = res.body;
    for (const key of [
      'id',
      'queue',
      'externalId',
      'model',
      'input',
      'output',
      'confidence',
      'metadata',
      'routing',
      'reasons',
      'policyVersion',
      'status',
      'usable',
      'decidedBy',
      'finalOutput',
      'createdAt',
      'decidedAt',
      'slaDueAt',
    ]) {
      assert.ok(key in item, `item has ${key}`);
    }
    assert.equal(item.queue, 'support-replies');
    assert.deepEqual(item.model, { name: 'support-llm', version: '2026-10-01' });
    assert.equal(item.routing, 'flag');
    assert.deepEqual(item.reasons, [
      { kind: 'threshold', route: 'flag', message: 'confidence 0.73 is between 0.5 and 0.9' },
    ]);
    assert.equal(item.status, 'pending');
    assert.equal(item.usable, true);
    assert.equal(item.decidedBy, null);
    assert.equal(item.finalOutput, null);
    assert.equal(item.policyVersion, 1);
    const due = new Date(item.slaDueAt).getTime() - new Date(item.createdAt).getTime();
    assert.equal(due, 86400 * 1000);
  });
  it('approves at the threshold: final, usable, decided by policy', async () => {
    const res = await bot.post('/v1/queues/support-replies/items', submission({ confidence: 0.9 }));
    assert.equal(res.body.routing, 'approve');
    assert.equal(res.body.status, 'approved');
    assert.equal(res.body.usable, true);
    assert.equal(res.body.decidedBy, 'policy');
    assert.deepEqual(res.body.finalOutput, res.body.output);
    assert.ok(res.body.decidedAt);
    assert.equal(res.body.slaDueAt, null);
  });
  it('blocks low confidence: pending and not usable, with the blocked SLA', async () => {
    const res = await bot.post('/v1/queues/support-replies/items', submission({ confidence: 0.2 }));
    assert.equal(res.body.routing, 'block');
    assert.equal(res.body.usable, false);
    assert.equal(
      new Date(res.body.slaDueAt).getTime() - new Date(res.body.createdAt).getTime(),
      900 * 1000,
    );
  });
  it('rules and the output schema only make routing stricter and each cause is listed', async () => {
    const res = await bot.post(
      '/v1/queues/support-replies/items',
      submission({
        confidence: 0.95,
        metadata: { amount: 5000 },
        output: { text: 'no reply field' },
      }),
    );
    assert.equal(res.body.routing, 'block');
    assert.deepEqual(
      res.body.reasons.map((r: { kind: string }) => r.kind),
      ['threshold', 'rule', 'schema'],
    );
    assert.equal(res.body.reasons[1].rule, 'large refund');
  });
  it('samples approved items for audit without holding them back', async () => {
    const res = await bot.post('/v1/queues/sampled/items', submission({ confidence: 0.99 }));
    assert.equal(res.body.status, 'approved');
    assert.equal(res.body.usable, true);
    assert.ok(res.body.reasons.some((r: { kind: string }) => r.kind === 'sample'));
    const rows = await sql(ctx, 'SELECT review_state, review_class FROM items WHERE id = $1', [
      res.body.id,
    ]);
    assert.deepEqual(rows[0], { review_state: 'waiting', review_class: 'sample' });
  });
  it('accepts any JSON value as output and input', async () => {
    for (const output of ['plain text', 42, [1, 2], true, { nested: { deep: [null] } }]) {
      const res = await admin.post(
        '/v1/queues/sampled/items',
        submission({ output, input: 'a string input' }),
      );
      assert.equal(res.status, 201, JSON.stringify(output));
      assert.deepEqual(res.body.output, output);
      // As stored: read back, the values are the ones sent (a string stays a JSON string).
      const stored = await admin.get(`/v1/items/${res.body.id}`);
      assert.deepEqual([stored.body.output, stored.body.input], [output, 'a string input']);
    }
  });
  it('gives items ids that sort by submission time (UUIDv7)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await bot.post('/v1/queues/support-replies/items', submission());
      assert.equal(res.status, 201);
      ids.push(res.body.id);
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    assert.deepEqual([...ids].sort(), ids);
    // Postgres orders them the same way.
    const rows = await sql<{ id: string }>(
      ctx,
      'SELECT id FROM items WHERE id = ANY($1) ORDER BY id',
      [ids],
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      ids,
    );
  });
  it('404 for an unknown queue', async () => {
    assert.equal((await admin.post('/v1/queues/nope/items', submission())).status, 404);
  });
});

describe('idempotency by externalId', () => {
  it('replays return the same item with 200; a different body is 409', async () => {
    const body = submission({ externalId: 'idem-1' });
    const first = await bot.post('/v1/queues/support-replies/items', body);
    assert.equal(first.status, 201);
    for (let i = 0; i < 3; i++) {
      const again = await bot.post('/v1/queues/support-replies/items', body);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
    }
    const different = await bot.post('/v1/queues/support-replies/items', {
      ...body,
      confidence: 0.11,
    });
    assert.equal(different.status, 409);
    assert.match(different.body.message, /externalId/);
    const stored = await sql<{ confidence: number }>(
      ctx,
      "SELECT confidence FROM items WHERE external_id = 'idem-1'",
    );
    assert.deepEqual(stored, [{ confidence: 0.73 }]);
  });
  it('key order in the body does not matter', async () => {
    const a = await bot.post('/v1/queues/support-replies/items', {
      externalId: 'idem-order',
      confidence: 0.6,
      output: { reply: 'x', b: 1 },
      model: { name: 'm' },
    });
    const b = await bot.post('/v1/queues/support-replies/items', {
      model: { name: 'm' },
      output: { b: 1, reply: 'x' },
      confidence: 0.6,
      externalId: 'idem-order',
    });
    assert.equal(a.status, 201);
    assert.equal(b.status, 200);
    assert.equal(a.body.id, b.body.id);
  });
  it('25 simultaneous submissions of one externalId make one item', async () => {
    const body = submission({ externalId: 'concurrent-1' });
    const results = await Promise.all(
      Array.from({ length: 25 }, () => bot.post('/v1/queues/support-replies/items', body)),
    );
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    assert.equal(results.filter((r) => r.status === 200).length, 24);
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    const rows = await sql(ctx, "SELECT id FROM items WHERE external_id = 'concurrent-1'");
    assert.equal(rows.length, 1);
    const events = await sql(ctx, 'SELECT type FROM item_events WHERE item_id = $1 ORDER BY seq', [
      results[0].body.id,
    ]);
    assert.deepEqual(
      events.map((e) => e.type),
      ['submitted'],
    );
  });
  it('the same externalId in another queue is a different item', async () => {
    const a = await admin.post(
      '/v1/queues/support-replies/items',
      submission({ externalId: 'shared-key' }),
    );
    const b = await admin.post(
      '/v1/queues/sampled/items',
      submission({ externalId: 'shared-key' }),
    );
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.body.id, b.body.id);
  });
});

describe('batch submission', () => {
  it('returns one result per input in order, errors in place', async () => {
    const res = await bot.post('/v1/queues/support-replies/items/batch', {
      items: [
        submission({ confidence: 0.95, externalId: 'b-1' }),
        { model: { name: 'm' }, output: 'x', confidence: '0.5' },
        submission({ confidence: 0.1 }),
        submission({ externalId: 'b-1', confidence: 0.2 }),
        'not an object',
      ],
    });
    assert.equal(res.status, 200);
    const r = res.body.results;
    assert.equal(r.length, 5);
    assert.equal(r[0].routing, 'approve');
    assert.equal(r[1].error.statusCode, 400);
    assert.match(r[1].error.message, /confidence/);
    assert.equal(r[2].routing, 'block');
    assert.equal(r[3].error.statusCode, 409);
    assert.equal(r[4].error.statusCode, 400);
  });
  it('one element Postgres could not store does not fail its neighbours', async () => {
    const res = await bot.post('/v1/queues/support-replies/items/batch', {
      items: [
        submission({ externalId: 'nb-1' }),
        submission({ input: 'x\ud800y' }),
        submission({ externalId: 'nb-2', input: 'emoji 😀 ok' }),
      ],
    });
    assert.equal(res.status, 200);
    assert.ok(res.body.results[0].id);
    assert.equal(res.body.results[1].error.statusCode, 400);
    assert.equal(res.body.results[2].input, 'emoji 😀 ok');
  });
  it('refuses an empty batch and one over 500', async () => {
    assert.equal(
      (await bot.post('/v1/queues/support-replies/items/batch', { items: [] })).status,
      400,
    );
    const big = Array.from({ length: 501 }, () => submission());
    const res = await bot.post('/v1/queues/support-replies/items/batch', { items: big });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /500/);
  });
  it('stores 500 items in one call', async () => {
    const res = await bot.post('/v1/queues/support-replies/items/batch', {
      items: Array.from({ length: 500 }, (_, i) => submission({ externalId: `bulk-${i}` })),
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.results.filter((x: { id?: string }) => x.id).length, 500);
    const [{ n }] = await sql<{ n: string }>(
      ctx,
      "SELECT count(*) AS n FROM items WHERE external_id LIKE 'bulk-%'",
    );
    assert.equal(Number(n), 500);
  });
});

describe('bad input', () => {
  const refused: [string, unknown, RegExp][] = [
    ['confidence as a string', submission({ confidence: '0.5' }), /confidence/],
    ['confidence above 1', submission({ confidence: 1.01 }), /confidence/],
    ['confidence below 0', submission({ confidence: -0.01 }), /confidence/],
    ['confidence missing', { model: { name: 'm' }, output: 'x' }, /confidence/],
    ['model missing', { output: 'x', confidence: 0.5 }, /model/],
    [
      'model.name empty',
      submission({ model: { name: '' } }),
      /^(?!.*model\.model)model\.name must not be empty/,
    ],
    [
      'model.name not a string',
      submission({ model: { name: 7 } }),
      /^(?!.*model\.model)model\.name.*must be a string/,
    ],
    [
      'model.version not a string',
      submission({ model: { name: 'm', version: 1 } }),
      /^model\.version/,
    ],
    ['model as a string', submission({ model: 'gpt' }), /model/],
    ['output missing', { model: { name: 'm' }, confidence: 0.5 }, /output/],
    ['output null', submission({ output: null }), /output/],
    ['metadata an array', submission({ metadata: [1] }), /metadata/],
    ['metadata a string', submission({ metadata: 'x' }), /metadata/],
    ['externalId too long', submission({ externalId: 'x'.repeat(201) }), /externalId/],
    ['externalId a number', submission({ externalId: 5 }), /externalId/],
    ['callbackUrl not http', submission({ callbackUrl: 'ftp://example.com/x' }), /callbackUrl/],
    ['callbackUrl garbage', submission({ callbackUrl: 'not a url' }), /callbackUrl/],
    ['NUL in output', submission({ output: { reply: 'a\u0000b' } }), /output/],
    ['NUL in a metadata key', submission({ metadata: { 'a\u0000': 1 } }), /metadata/],
    ['an unpaired surrogate in input', submission({ input: '\ud800' }), /input.*unpaired/],
    [
      'an unpaired surrogate in a metadata key',
      submission({ metadata: { '\udc00x': 1 } }),
      /metadata/,
    ],
    [
      'very deep nesting',
      submission({ input: JSON.parse('['.repeat(200) + ']'.repeat(200)) }),
      /input/,
    ],
  ];
  for (const [name, body, pattern] of refused) {
    it(`refuses ${name} with 400 naming the field`, async () => {
      const res = await bot.post('/v1/queues/support-replies/items', body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.body.message, pattern);
    });
  }
  it('refuses malformed JSON with 400 and a non-JSON body with 415', async () => {
    const bad = await bot.request('POST', '/v1/queues/support-replies/items', '{"model": ', {});
    assert.equal(bad.status, 400);
    const text = await bot.request('POST', '/v1/queues/support-replies/items', 'model=x', {
      'content-type': 'text/plain',
    });
    assert.equal(text.status, 415);
  });
  it('refuses a body over 1 MiB with 413', async () => {
    const res = await bot.post(
      '/v1/queues/support-replies/items',
      submission({ output: { reply: 'x'.repeat(1024 * 1024 + 10) } }),
    );
    assert.equal(res.status, 413);
  });
  it('strips unknown fields instead of storing them', async () => {
    const res = await bot.post('/v1/queues/support-replies/items', {
      ...submission(),
      surprise: 'field',
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.surprise, undefined);
  });
  it('stored nothing for any refused body', async () => {
    const [{ n }] = await sql<{ n: string }>(
      ctx,
      "SELECT count(*) AS n FROM items WHERE output::text LIKE '%a\\\\u0000b%' OR confidence > 1 OR confidence < 0",
    );
    assert.equal(Number(n), 0);
  });
});

describe('reading items', () => {
  it('GET /v1/items/:id returns the item with its reviews; items:read keys and users only', async () => {
    const created = await bot.post('/v1/queues/support-replies/items', submission());
    const res = await bot.get(`/v1/items/${created.body.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.id, created.body.id);
    assert.deepEqual(res.body.reviews, []);
    assert.equal((await bot.get('/v1/items/00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await bot.get('/v1/items/not-a-uuid')).status, 400);
    const other = await apiKey(admin, ['sampled'], ['items:read']);
    assert.equal((await other.get(`/v1/items/${created.body.id}`)).status, 403);
  });
  it('waitSeconds answers at once for a final item and after the wait for an undecided one', async () => {
    const approved = await bot.post(
      '/v1/queues/support-replies/items',
      submission({ confidence: 0.99 }),
    );
    const quick = Date.now();
    const res = await bot.get(`/v1/items/${approved.body.id}?waitSeconds=30`);
    assert.equal(res.status, 200);
    assert.ok(Date.now() - quick < 5000);
    const pending = await bot.post('/v1/queues/support-replies/items', submission());
    const started = Date.now();
    const held = await bot.get(`/v1/items/${pending.body.id}?waitSeconds=1`);
    assert.equal(held.status, 200);
    assert.equal(held.body.status, 'pending');
    assert.ok(Date.now() - started >= 900, 'held for about the wait');
  });
  it('refuses a waitSeconds over 60 or not a number', async () => {
    const created = await bot.post('/v1/queues/support-replies/items', submission());
    assert.equal((await bot.get(`/v1/items/${created.body.id}?waitSeconds=61`)).status, 400);
    assert.equal((await bot.get(`/v1/items/${created.body.id}?waitSeconds=soon`)).status, 400);
  });
  it('lists with filters and a cursor, newest first, without gaps or repeats', async () => {
    await createQueue(admin, 'listing');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push(
        (
          await admin.post(
            '/v1/queues/listing/items',
            submission({ confidence: i % 2 ? 0.95 : 0.6 }),
          )
        ).body.id,
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } =
        await admin.get(`/v1/queues/listing/items?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse());
    const flagged = await admin.get('/v1/queues/listing/items?routing=flag');
    assert.equal(flagged.body.items.length, 4);
    const approved = await admin.get('/v1/queues/listing/items?status=approved');
    assert.equal(approved.body.items.length, 3);
    assert.equal((await admin.get('/v1/queues/listing/items?status=bogus')).status, 400);
    assert.equal((await admin.get('/v1/queues/listing/items?limit=0')).status, 400);
    const capped = await admin.get('/v1/queues/listing/items?limit=5000');
    assert.equal(capped.status, 200);
    assert.equal(capped.body.items.length, 7);
    assert.equal((await admin.get('/v1/queues/listing/items?cursor=%%%')).status, 400);
  });
});

describe('audit trail', () => {
  it('records submission and routing with a verifiable hash chain', async () => {
    const created = await bot.post(
      '/v1/queues/support-replies/items',
      submission({ confidence: 0.2 }),
    );
    const res = await admin.get(`/v1/items/${created.body.id}/events`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.events.map((e: { type: string }) => e.type),
      ['submitted'],
    );
    // The one event carries the routing and the review class the item waits in.
    assert.equal(res.body.events[0].details.routing, 'block');
    assert.equal(res.body.events[0].details.reviewClass, 'blocked');
    assert.match(res.body.events[0].actor, /^api-key:/);
    const verify = await admin.get(`/v1/items/${created.body.id}/events/verify`);
    assert.equal(verify.body.valid, true);
    await sql(
      ctx,
      'UPDATE item_events SET details = \'{"routing":"approve"}\' WHERE item_id = $1 AND seq = 1',
      [created.body.id],
    );
    const tampered = await admin.get(`/v1/items/${created.body.id}/events/verify`);
    assert.equal(tampered.body.valid, false);
    assert.equal(tampered.body.firstInvalidSeq, 1);
  });
});
