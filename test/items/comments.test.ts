import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectLive } from '../support/live-client';
import { Api, apiKey, createQueue, testContext, userApi } from '../support/harness';
import {
  chainVerifies,
  claimItem,
  decide,
  events,
  FLAG,
  serverPerFile,
  submit,
} from '../review/review-support';

const ctx = testContext(__filename);
let admin: Api;
let key: Api;
let otherKey: Api;
let lead: Api & { user: { id: string } };
let reviewer: Api & { user: { id: string } };
let outsider: Api;
let itemId: string;

serverPerFile(ctx, async (started) => {
  admin = started.admin;
  await createQueue(admin, 'talk');
  await createQueue(admin, 'elsewhere');
  key = await apiKey(admin, ['talk']);
  otherKey = await apiKey(admin, ['elsewhere']);
  lead = await userApi(admin, ['lead'], [], 'dana');
  reviewer = await userApi(admin, ['reviewer'], ['talk'], 'robin');
  outsider = await userApi(admin, ['reviewer'], ['elsewhere']);
  itemId = (await submit(key, 'talk', { confidence: FLAG, externalId: 'talk-1' })).id;
});

function readJsonl(body: unknown): Record<string, any>[] {
  if (typeof body !== 'string') return [body as Record<string, any>];
  return body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, any>);
}

void describe('item comments', () => {
  void it('refuses a body that is missing, empty, too long or not a string, naming body', async () => {
    for (const body of [
      {},
      { body: '' },
      { body: '   ' },
      { body: 'x'.repeat(5001) },
      { body: 42 },
      { body: ['hi'] },
      { body: null },
    ]) {
      const res = await reviewer.post(`/v1/items/${itemId}/comments`, body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 40));
      assert.deepEqual(
        (res.body.fields as { field: string }[]).map((f) => f.field),
        ['body'],
      );
      assert.match(res.body.message, /body/);
    }
    const max = await reviewer.post(`/v1/items/${itemId}/comments`, { body: 'é'.repeat(5000) });
    assert.equal(max.status, 201, '5000 characters are fine');
  });

  void it('checks access before the body, and hides other queues', async () => {
    assert.equal((await outsider.post(`/v1/items/${itemId}/comments`, {})).status, 403);
    assert.equal((await outsider.get(`/v1/items/${itemId}/comments`)).status, 403);
    assert.equal((await otherKey.post(`/v1/items/${itemId}/comments`, { body: 'hi' })).status, 403);
    const missing = await reviewer.post('/v1/items/00000000-0000-4000-8000-000000000000/comments', {
      body: 'hi',
    });
    assert.equal(missing.status, 404);
  });

  void it('keeps the thread in order with authors, live to the queue, in the audit trail', async () => {
    const watcher = await connectLive(reviewer.baseUrl, reviewer.token);
    try {
      assert.deepEqual(await watcher.subscribe('talk'), { ok: true });
      const posted = await lead.post(`/v1/items/${itemId}/comments`, {
        body: 'Why escalate this? **Sent Monday** is right.',
      });
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      assert.deepEqual(posted.body.author, { id: lead.user.id, name: 'dana', kind: 'user' });
      const live = await watcher.waitFor('item.commented', (c) => c.id === posted.body.id, 20_000);
      assert.equal(live.itemId, itemId);
      assert.equal(live.queue, 'talk');
      assert.equal(live.body, 'Why escalate this? **Sent Monday** is right.');
      assert.deepEqual(live.author, { id: lead.user.id, name: 'dana', kind: 'user' });
    } finally {
      watcher.close();
    }
    const reply = await reviewer.post(`/v1/items/${itemId}/comments`, {
      body: 'Customer says Tuesday.',
    });
    assert.equal(reply.status, 201);
    const thread = await reviewer.get(`/v1/items/${itemId}/comments`);
    assert.equal(thread.status, 200);
    const last = (thread.body.comments as any[]).slice(-2);
    assert.deepEqual(
      last.map((c) => [c.author.name, c.body]),
      [
        ['dana', 'Why escalate this? **Sent Monday** is right.'],
        ['robin', 'Customer says Tuesday.'],
      ],
    );
    for (const c of thread.body.comments as any[]) {
      assert.ok(c.id && c.createdAt);
      assert.equal(typeof c.author.id, 'string');
    }
    const trail = await events(admin, itemId);
    const commented = trail.filter((e) => e.type === 'commented');
    assert.equal(commented.length, 3);
    assert.equal(commented[1].actor, `user:${lead.user.id}`);
    assert.equal(
      commented[1].details.commentId,
      (await lead.get(`/v1/items/${itemId}/comments`)).body.comments[1].id,
    );
    await chainVerifies(admin, itemId);
  });

  void it('lets API keys read (people as pseudonyms) and write (as the key)', async () => {
    const thread = await key.get(`/v1/items/${itemId}/comments`);
    assert.equal(thread.status, 200);
    for (const c of thread.body.comments as any[]) {
      assert.match(c.author.id, /^rv_[0-9a-f]{32}$/);
      assert.equal(c.author.name, c.author.id);
    }
    const posted = await key.post(`/v1/items/${itemId}/comments`, {
      body: 'Customer reopened the ticket.',
    });
    assert.equal(posted.status, 201);
    assert.deepEqual(posted.body.author, { id: null, name: 'test key', kind: 'apiKey' });
    const trail = await events(admin, itemId);
    assert.match(trail[trail.length - 1].actor, /^api-key:/);
  });

  void it('is found by q and exported with the decision records', async () => {
    const res = await admin.get('/v1/items?q=reopened');
    assert.deepEqual(
      (res.body.items as { id: string }[]).map((i) => i.id),
      [itemId],
    );
    const claimed = await claimItem(reviewer, 'talk');
    assert.equal(claimed.id, itemId);
    assert.equal((await decide(reviewer, itemId, { action: 'approve' })).status, 200);
    const exported = await admin.get('/v1/feedback/export?format=jsonl&queue=talk');
    assert.equal(exported.status, 200);
    const [record] = readJsonl(exported.body);
    assert.equal(record.itemId, itemId);
    const comments = record.comments as { author: string; body: string; createdAt: string }[];
    assert.equal(comments.length, 4);
    assert.equal(comments[3].author, 'api-key:test key');
    assert.equal(comments[2].author, record.reviewer, 'the reviewer under the same pseudonym');
    assert.match(comments[1].author, /^rv_[0-9a-f]{32}$/);
    assert.equal(comments[2].body, 'Customer says Tuesday.');
    assert.ok(!Number.isNaN(Date.parse(comments[2].createdAt)));
    const csv = await admin.get('/v1/feedback/export?format=csv&queue=talk');
    assert.equal(csv.status, 200);
  });
});
