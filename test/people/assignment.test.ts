import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Api,
  apiKey,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { connectLive } from '../support/live-client';

const ctx = testContext(__filename);

describe('assignment: a lead reserves a waiting item for one reviewer', () => {
  let a: RunningServer;
  let b: RunningServer;
  let admin: Api;
  let lead: Api & { user: { id: string } };
  let ann: Api & { user: { id: string } };
  let bob: Api & { user: { id: string } };
  let annOnB: Api;
  let outsider: Api & { user: { id: string } };

  serverPerFile(
    ctx,
    async (started) => {
      [a, b] = started.servers;
      admin = started.admin;
      // leaseSeconds 3: a reservation lapses after 12 s.
      await createQueue(admin, 'line', {
        policy: { autoApproveAt: 0.9, blockBelow: 0.5 },
        leaseSeconds: 3,
      });
      await createQueue(admin, 'other', {});
      lead = await userApi(admin, ['lead'], [], 'lead-lee');
      ann = await userApi(admin, ['reviewer'], ['line'], 'ann');
      bob = await userApi(admin, ['reviewer'], ['line'], 'bob');
      outsider = await userApi(admin, ['reviewer'], ['other'], 'otto');
      annOnB = new Api(b.url, ann.token);
    },
    { instances: 2 },
  );

  const submit = async (confidence: number, externalId: string) => {
    const res = await admin.post('/v1/queues/line/items', submission({ confidence, externalId }));
    assert.equal(res.status, 201);
    return res.body.id as string;
  };

  it('refuses what cannot be assigned: 403 for reviewers whatever the body, 400 for a user who cannot review the queue, 409 for an item not waiting', async () => {
    const id = await submit(0.7, 'refuse-1');
    assert.equal((await ann.post(`/v1/items/${id}/assign`, { userId: 'nonsense' })).status, 403);
    const bad = await lead.post(`/v1/items/${id}/assign`, { userId: 'nonsense' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.fields[0].field, 'userId');
    const notHers = await lead.post(`/v1/items/${id}/assign`, { userId: outsider.user.id });
    assert.equal(notHers.status, 400);
    assert.equal(notHers.body.fields[0].field, 'userId');
    const claimed = await bob.post('/v1/queues/line/claim');
    assert.equal(claimed.body.item.id, id);
    const busy = await lead.post(`/v1/items/${id}/assign`, { userId: ann.user.id });
    assert.equal(busy.status, 409);
    await bob.post(`/v1/items/${id}/decision`, { action: 'approve' });
    assert.equal((await lead.post(`/v1/items/${id}/assign`, { userId: ann.user.id })).status, 409);
  });

  it("the assignee's next claim takes it first; nobody else's claim gets it, on any instance", async () => {
    const live = await connectLive(b.url, lead.token!);
    assert.deepEqual(await live.subscribe('line'), { ok: true });
    const blocked = await submit(0.1, 'order-blocked');
    const flagged = await submit(0.7, 'order-flagged');
    const reserved = await submit(0.7, 'order-reserved');

    const res = await lead.post(`/v1/items/${reserved}/assign`, { userId: ann.user.id });
    assert.equal(res.status, 200);
    assert.equal(res.body.assignedTo.id, ann.user.id);
    assert.equal(res.body.assignedTo.name, 'ann');
    const event = await live.waitFor('item.assigned', (e) => e.id === reserved);
    assert.deepEqual(event.assignedTo, { id: ann.user.id, name: 'ann' });
    live.close();

    // Ann's list of assignments, and the item as everyone sees it.
    const mine = await ann.get('/v1/queues/line/items?assignedTo=me');
    assert.deepEqual(
      mine.body.items.map((i: any) => i.id),
      [reserved],
    );
    assert.deepEqual((await bob.get('/v1/queues/line/items?assignedTo=me')).body.items, []);
    const key = await apiKey(admin, ['line'], ['items:read']);
    const seenByKey = await key.get(`/v1/items/${reserved}`);
    assert.match(seenByKey.body.assignedTo.id, /^rv_[0-9a-f]{32}$/);
    assert.equal(seenByKey.body.assignedTo.name, null);

    // Bob, claiming concurrently on both instances, never gets the reserved item.
    const bobOnB = new Api(b.url, bob.token);
    const claims = await Promise.all([
      bob.post('/v1/queues/line/claim'),
      bobOnB.post('/v1/queues/line/claim'),
    ]);
    const got = claims.filter((c) => c.status === 200).map((c) => c.body.item.id);
    assert.deepEqual(got.sort(), [blocked, flagged].sort());
    assert.equal((await bobOnB.post('/v1/queues/line/claim')).status, 204);

    // Ann gets her reservation first, from the other instance.
    const hers = await annOnB.post('/v1/queues/line/claim');
    assert.equal(hers.status, 200);
    assert.equal(hers.body.item.id, reserved);
    assert.equal(hers.body.item.assignedTo, null, 'a claim settles the reservation');

    const events = await lead.get(`/v1/items/${reserved}/events`);
    const types = events.body.events.map((e: any) => e.type);
    assert.deepEqual(types.slice(-2), ['assigned', 'claimed']);
    const assigned = events.body.events.find((e: any) => e.type === 'assigned');
    assert.equal(assigned.actor, `user:${lead.user.id}`);
    assert.equal(assigned.details.to, `user:${ann.user.id}`);
    for (const c of [...claims, hers])
      if (c.status === 200)
        await new Api(a.url, c === hers ? ann.token : bob.token).post(
          `/v1/items/${c.body.item.id}/decision`,
          { action: 'approve' },
        );
  });

  it('before escalations too: a lead assigned an item takes it before the escalated ones', async () => {
    const escalated = await submit(0.7, 'esc-1');
    const claim = await bob.post('/v1/queues/line/claim');
    assert.equal(claim.body.item.id, escalated);
    await bob.post(`/v1/items/${escalated}/decision`, { action: 'escalate', reason: 'unsure' });
    const forLead = await submit(0.7, 'esc-2');
    await admin.post(`/v1/items/${forLead}/assign`, { userId: lead.user.id });
    const first = await lead.post('/v1/queues/line/claim');
    assert.equal(first.body.item.id, forLead);
    const second = await lead.post('/v1/queues/line/claim');
    assert.equal(second.body.item.id, escalated);
    // An escalated item can only be reserved for a lead or admin.
    await lead.request('DELETE', `/v1/items/${escalated}/lease`);
    const toReviewer = await admin.post(`/v1/items/${escalated}/assign`, { userId: ann.user.id });
    assert.equal(toReviewer.status, 400);
    await lead.post('/v1/queues/line/claim');
    await lead.post(`/v1/items/${escalated}/decision`, { action: 'approve' });
    await lead.post(`/v1/items/${forLead}/decision`, { action: 'approve' });
  });

  it('DELETE gives the item back to everyone, audited', async () => {
    const id = await submit(0.7, 'unassign-1');
    await lead.post(`/v1/items/${id}/assign`, { userId: ann.user.id });
    assert.equal((await bob.post('/v1/queues/line/claim')).status, 204);
    assert.equal((await lead.request('DELETE', `/v1/items/${id}/assign`)).status, 204);
    const claim = await bob.post('/v1/queues/line/claim');
    assert.equal(claim.body.item.id, id);
    const events = await lead.get(`/v1/items/${id}/events`);
    assert.deepEqual(events.body.events.map((e: any) => e.type).slice(-3), [
      'assigned',
      'unassigned',
      'claimed',
    ]);
    await bob.post(`/v1/items/${id}/decision`, { action: 'approve' });
  });

  it('assigns in bulk, item by item', async () => {
    const one = await submit(0.7, 'bulk-1');
    const two = await submit(0.7, 'bulk-2');
    const decided = await submit(0.95, 'bulk-approved');
    assert.equal(
      (await ann.post('/v1/items/assign', { itemIds: [one], userId: ann.user.id })).status,
      403,
    );
    assert.equal(
      (await lead.post('/v1/items/assign', { itemIds: [], userId: ann.user.id })).status,
      400,
    );
    const res = await lead.post('/v1/items/assign', {
      itemIds: [one, two, decided],
      userId: ann.user.id,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.results.map((r: any) => [r.id, r.item?.assignedTo?.id ?? r.error.statusCode]),
      [
        [one, ann.user.id],
        [two, ann.user.id],
        [decided, 409],
      ],
    );
    const mine = await ann.get('/v1/queues/line/items?assignedTo=me');
    assert.deepEqual(mine.body.items.map((i: any) => i.id).sort(), [one, two].sort());
    for (const id of [one, two])
      assert.equal((await lead.request('DELETE', `/v1/items/${id}/assign`)).status, 204);
    for (let n = 0; n < 2; n++) {
      const c = await bob.post('/v1/queues/line/claim');
      await bob.post(`/v1/items/${c.body.item.id}/decision`, { action: 'approve' });
    }
  });

  it('documents the routes in /docs-json', async () => {
    const doc = await new Api(a.url).get('/docs-json');
    assert.ok(doc.body.paths['/v1/items/{id}/assign'].post);
    assert.ok(doc.body.paths['/v1/items/{id}/assign'].delete);
    assert.ok(doc.body.paths['/v1/items/assign'].post);
    assert.ok(doc.body.paths['/v1/queues/{slug}/notifications/test'].post);
    assert.ok(doc.body.paths['/v1/queues/{slug}/notifications/deliveries'].get);
    assert.ok(doc.body.components.schemas.ItemDto.properties.assignedTo);
    assert.deepEqual(
      Object.keys(doc.body.components.schemas.NotificationRuleDto.properties).sort(),
      ['email', 'includeContent', 'on', 'slack'],
    );
  });

  it('a reservation not claimed within leaseSeconds × 4 lapses back to everyone, with no timer', async () => {
    const id = await submit(0.7, 'lapse-1');
    const res = await lead.post(`/v1/items/${id}/assign`, { userId: ann.user.id });
    const until = new Date(res.body.assignedTo.until).getTime();
    assert.ok(until - Date.now() > 8_000 && until - Date.now() <= 12_500);
    assert.equal((await bob.post('/v1/queues/line/claim')).status, 204);
    const claim = await eventually(
      async () => {
        const c = await bob.post('/v1/queues/line/claim');
        return c.status === 200 && c;
      },
      30_000,
      500,
    );
    assert.equal(claim.body.item.id, id);
    assert.ok(Date.now() >= until - 1_000);
  });
});
