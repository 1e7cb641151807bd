import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, apiKey, createQueue, sql, testContext, userApi } from '../support/harness';
import {
  APPROVE,
  BLOCK,
  claimItem,
  decide,
  FLAG,
  serverPerFile,
  submit,
} from '../review/review-support';

const ctx = testContext(__filename);
let admin: Api;
let alphaKey: Api;
let betaReadKey: Api;
let writeOnlyKey: Api;
let reviewer: Api & { user: { id: string } };
let analyst: Api;
const ids: Record<string, string> = {};
let beforeAll: string;
let betweenB1AndA3: string;

serverPerFile(ctx, async (started) => {
  admin = started.admin;
  await createQueue(admin, 'alpha', { labels: ['tone', 'hallucination'] });
  await createQueue(admin, 'beta');
  await createQueue(admin, 'pages');
  alphaKey = await apiKey(admin, ['alpha']);
  betaReadKey = await apiKey(admin, ['beta'], ['items:read']);
  writeOnlyKey = await apiKey(admin, ['*'], ['items:write']);
  reviewer = await userApi(admin, ['reviewer'], ['alpha', 'pages']);
  analyst = await userApi(admin, ['analyst']);

  beforeAll = new Date(Date.now() - 1000).toISOString();
  ids.a1 = (
    await submit(alphaKey, 'alpha', {
      externalId: 'order-1',
      model: { name: 'support-llm', version: 'v1' },
      confidence: FLAG,
      output: { reply: 'Your refund was sent on Monday.' },
    })
  ).id;
  ids.a2 = (
    await submit(alphaKey, 'alpha', {
      externalId: 'order-2',
      model: { name: 'other-llm', version: 'v2' },
      confidence: APPROVE,
      input: { messages: [{ role: 'user', content: 'Where is my parcel?' }] },
      output: { reply: 'Your parcel arrives tomorrow.' },
    })
  ).id;
  ids.b1 = (
    await submit(admin, 'beta', {
      externalId: 'order-1',
      model: { name: 'support-llm', version: 'v1' },
      confidence: BLOCK,
      output: { reply: 'We cannot refund lighthouse tickets.' },
    })
  ).id;
  await new Promise((r) => setTimeout(r, 20));
  betweenB1AndA3 = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 20));
  ids.a3 = (
    await submit(alphaKey, 'alpha', {
      externalId: 'order-3',
      model: { name: 'support-llm', version: 'v2' },
      confidence: FLAG,
      input: { messages: [{ role: 'user', content: 'Hello?' }] },
      output: { reply: 'Thanks for waiting.' },
    })
  ).id;
  // The reviewer rejects a1 with a label and a reason that only the review carries.
  const claimed = await claimItem(reviewer, 'alpha');
  assert.equal(claimed.id, ids.a1);
  const res = await decide(reviewer, ids.a1, {
    action: 'reject',
    labels: ['tone'],
    reason: 'Wrong date, sounds curt (zeppelin)',
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
});

async function found(api: Api, query: string): Promise<string[]> {
  const res = await api.get(`/v1/items${query}`);
  assert.equal(res.status, 200, `${query}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.ok('nextCursor' in res.body);
  return (res.body.items as { id: string }[]).map((i) => i.id);
}

const named = (...names: string[]) => names.map((n) => ids[n]);

void describe('GET /v1/items: filters', () => {
  void it('lists everything an admin may see, newest first', async () => {
    const all = await found(admin, '?limit=200');
    assert.deepEqual(all, named('a3', 'b1', 'a2', 'a1'));
  });

  void it('filters by queue, externalId, status, routing and model', async () => {
    assert.deepEqual(await found(admin, '?queue=beta'), named('b1'));
    assert.deepEqual(await found(admin, '?externalId=order-1'), named('b1', 'a1'));
    assert.deepEqual(await found(admin, '?status=rejected'), named('a1'));
    assert.deepEqual(await found(admin, '?status=approved'), named('a2'));
    assert.deepEqual(await found(admin, '?routing=block'), named('b1'));
    assert.deepEqual(await found(admin, '?routing=flag'), named('a3', 'a1'));
    assert.deepEqual(await found(admin, '?model=support-llm'), named('a3', 'b1', 'a1'));
    assert.deepEqual(await found(admin, '?model=support-llm%40v2'), named('a3'));
  });

  void it('filters by label and reviewer (user id, "me" or pseudonym)', async () => {
    assert.deepEqual(await found(admin, '?label=tone'), named('a1'));
    assert.deepEqual(await found(admin, '?label=hallucination'), []);
    assert.deepEqual(await found(admin, `?reviewer=${reviewer.user.id}`), named('a1'));
    assert.deepEqual(await found(reviewer, '?reviewer=me'), named('a1'));
    assert.deepEqual(await found(admin, '?reviewer=me'), []);
    // API keys see reviewers as pseudonyms and can filter by them.
    const item = await alphaKey.get(`/v1/items?externalId=order-1`);
    assert.equal(item.status, 200);
    const exported = await admin.get('/v1/feedback/export?format=jsonl&queue=alpha');
    // One line of jsonl is also one JSON document, which the test client parses.
    const first = (
      typeof exported.body === 'string'
        ? JSON.parse(exported.body.trim().split('\n')[0])
        : exported.body
    ) as { reviewer: string };
    const pseudonym = first.reviewer;
    assert.match(pseudonym, /^rv_[0-9a-f]{32}$/);
    assert.deepEqual(await found(alphaKey, `?reviewer=${pseudonym}`), named('a1'));
  });

  void it('filters by a time range, inclusive', async () => {
    assert.deepEqual(await found(admin, `?since=${betweenB1AndA3}`), named('a3'));
    assert.deepEqual(await found(admin, `?until=${betweenB1AndA3}`), named('b1', 'a2', 'a1'));
    assert.deepEqual(
      await found(admin, `?since=${beforeAll}&until=${betweenB1AndA3}&queue=alpha`),
      named('a2', 'a1'),
    );
    const a3 = (await admin.get(`/v1/items/${ids.a3}`)).body as { createdAt: string };
    assert.deepEqual(
      await found(admin, `?since=${a3.createdAt}&until=${a3.createdAt}`),
      named('a3'),
    );
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(
      (await found(admin, `?until=${today}`)).length,
      4,
      'a date alone is the whole day',
    );
  });

  void it('finds text in input, output, reasons and review reasons', async () => {
    assert.deepEqual(await found(admin, '?q=parcel'), named('a2'), 'input and output');
    assert.deepEqual(await found(admin, '?q=lighthouse'), named('b1'), 'output');
    assert.deepEqual(await found(admin, '?q=REFUND'), named('b1', 'a1'), 'case-insensitive');
    assert.deepEqual(await found(admin, '?q=zeppelin'), named('a1'), 'a review reason');
    assert.deepEqual(await found(admin, '?q=between'), named('a3', 'a1'), 'routing reasons');
    assert.deepEqual(await found(admin, '?q=%22refund%20was%20sent%22'), named('a1'), 'a phrase');
    assert.deepEqual(await found(admin, '?q=refund%20-lighthouse'), named('a1'), 'an exclusion');
    assert.deepEqual(await found(admin, '?q=nothing-like-this'), []);
  });

  void it('combines filters', async () => {
    assert.deepEqual(await found(admin, '?externalId=order-1&queue=alpha'), named('a1'));
    assert.deepEqual(await found(admin, '?model=support-llm&status=pending'), named('a3', 'b1'));
    assert.deepEqual(await found(admin, '?model=support-llm%40v1&status=pending'), named('b1'));
    assert.deepEqual(await found(admin, '?q=refund&queue=beta'), named('b1'));
    assert.deepEqual(await found(admin, '?q=refund&routing=flag&label=tone'), named('a1'));
    assert.deepEqual(await found(admin, '?q=refund&status=approved'), []);
    assert.deepEqual(await found(admin, '?status=&routing=&q='), named('a3', 'b1', 'a2', 'a1'));
  });
});

void describe('GET /v1/items: the search document', () => {
  void it('finds a reported reason at once, and a claim or decision leaves the document unwritten', async () => {
    await createQueue(admin, 'searched');
    const key = await apiKey(admin, ['searched']);
    const lead = await userApi(admin, ['lead'], ['searched']);
    const item = await submit(key, 'searched', {
      confidence: APPROVE,
      output: { reply: 'The armadillo ships on Friday.' },
    });
    assert.deepEqual(await found(admin, '?q=armadillo'), [item.id]);
    const reported = await key.post(`/v1/items/${item.id}/reports`, {
      reason: 'the quokka was never mentioned',
    });
    assert.equal(reported.status, 201, JSON.stringify(reported.body));
    assert.deepEqual(await found(admin, '?q=quokka'), [item.id]);

    // The document is stored once per change of its text: a status change does not rewrite it.
    const version = async () =>
      (
        await sql<{ v: string }>(
          ctx,
          'SELECT xmin::text AS v FROM item_search WHERE item_id = $1',
          [item.id],
        )
      )[0].v;
    const before = await version();
    assert.equal((await claimItem(lead, 'searched')).id, item.id);
    assert.equal((await decide(lead, item.id, { action: 'approve' })).status, 200);
    assert.equal(await version(), before);
    assert.deepEqual(await found(admin, '?q=armadillo%20quokka'), [item.id]);
  });
});

void describe('GET /v1/items: who finds what', () => {
  void it('never shows a reviewer another queue’s item', async () => {
    assert.deepEqual(await found(reviewer, '?externalId=order-1'), named('a1'));
    assert.deepEqual(await found(reviewer, '?q=refund'), named('a1'));
    assert.deepEqual(await found(reviewer, ''), named('a3', 'a2', 'a1'));
    const res = await reviewer.get('/v1/items?queue=beta');
    assert.equal(res.status, 403);
  });

  void it('shows an API key only its queues, and only with items:read', async () => {
    assert.deepEqual(await found(alphaKey, '?externalId=order-1'), named('a1'));
    assert.deepEqual(await found(betaReadKey, '?externalId=order-1'), named('b1'));
    assert.deepEqual(await found(betaReadKey, '?q=refund'), named('b1'));
    assert.equal((await betaReadKey.get('/v1/items?queue=alpha')).status, 403);
    assert.equal((await writeOnlyKey.get('/v1/items')).status, 403);
  });

  void it('shows analysts every queue', async () => {
    assert.deepEqual(await found(analyst, '?externalId=order-1'), named('b1', 'a1'));
  });
});

void describe('GET /v1/items: validation', () => {
  const cases: [string, string][] = [
    ['?status=lost', 'status'],
    ['?routing=maybe', 'routing'],
    ['?since=yesterday', 'since'],
    ['?until=2026-13-45', 'until'],
    ['?limit=0', 'limit'],
    ['?limit=ten', 'limit'],
    ['?cursor=bm9wZQ', 'cursor'],
    ['?reviewer=bob', 'reviewer'],
    ['?status=pending&status=approved', 'status'],
    [`?q=${'x'.repeat(501)}`, 'q'],
  ];
  for (const [query, field] of cases) {
    void it(`refuses ${query.slice(0, 40)} naming ${field}`, async () => {
      const res = await admin.get(`/v1/items${query}`);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.ok(
        (res.body.fields as { field: string }[]).some((f) => f.field === field),
        JSON.stringify(res.body),
      );
      assert.match(res.body.message, new RegExp(field));
    });
  }

  void it('answers 404 for an unknown queue', async () => {
    const res = await admin.get('/v1/items?queue=nope');
    assert.equal(res.status, 404);
    assert.match(res.body.message, /nope/);
  });

  void it('keeps the per-queue list working', async () => {
    const res = await admin.get('/v1/queues/alpha/items?status=rejected');
    assert.equal(res.status, 200);
    assert.deepEqual(
      (res.body.items as { id: string }[]).map((i) => i.id),
      named('a1'),
    );
  });
});

void describe('GET /v1/items: pages', () => {
  void it('pages newest first without duplicates or gaps while items arrive', async () => {
    const original: string[] = [];
    for (let i = 0; i < 23; i++)
      original.unshift((await submit(admin, 'pages', { externalId: `p-${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } =
        await reviewer.get(`/v1/items?queue=pages&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200);
      seen.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
      pages += 1;
      // Newer items arrive between pages (in the same queue, and elsewhere).
      await submit(admin, 'pages', { externalId: `late-${pages}` });
    } while (cursor);
    assert.equal(pages, 5);
    assert.deepEqual(seen, original, 'every item once, newest first');
    // Across queues too: the same walk over the whole search.
    const everything: string[] = [];
    cursor = null;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } =
        await admin.get(`/v1/items?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      everything.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
      await submit(admin, 'beta', { externalId: `late-beta-${everything.length}` });
    } while (cursor);
    assert.equal(new Set(everything).size, everything.length, 'no duplicates');
    for (const id of [...original, ...named('a1', 'a2', 'a3', 'b1')])
      assert.ok(everything.includes(id), 'no gaps');
  });
});

void describe('OpenAPI', () => {
  void it('documents search, comments and redelivery', async () => {
    const doc = (await new Api(admin.baseUrl).get('/docs-json')).body as {
      paths: Record<
        string,
        Record<string, { summary?: string; responses: Record<string, unknown> }>
      >;
      components: { schemas: Record<string, { properties: Record<string, { type?: string }> }> };
    };
    const search = doc.paths['/v1/items'].get;
    assert.ok(search.summary);
    assert.ok(search.responses['200'] && search.responses['400'] && search.responses['403']);
    assert.ok(doc.paths['/v1/items/{id}/comments'].get.summary);
    assert.ok(doc.paths['/v1/items/{id}/comments'].post.responses['201']);
    assert.ok(doc.paths['/v1/items/{id}/deliveries/redeliver'].post.responses['202']);
    for (const name of ['CommentDto', 'CommentListDto', 'CreateCommentDto', 'ItemEventsDto'])
      assert.ok(doc.components.schemas[name], name);
    assert.notEqual(doc.components.schemas.ItemEventsDto.properties.events.type, 'object');
  });
});
