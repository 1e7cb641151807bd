import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Api,
  apiKey,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  testContext,
  userApi,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';
import { claimItem, decide, events, FLAG, submit } from './review-support';

/**
 * Leases lapse on time from the instance that granted or extended them, not from the Postgres
 * sweep: the sweep runs here only every 60 s, so anything prompt below is the lease timer.
 */
const ctx = testContext(__filename);
let one: RunningServer;
let two: RunningServer;
let admin: Api;
const watchers: LiveClient[] = [];

// Registered first, so it runs first: sockets close before the servers drain.
after(() => watchers.forEach((w) => w.close()));

serverPerFile(
  ctx,
  (started) => {
    [one, two] = started.servers;
    admin = started.admin;
  },
  { instances: 2, env: { SWEEP_INTERVAL_MS: '60000' } },
);

/** The same user, signed in on the other server. */
const on = (server: RunningServer, api: Api) => new Api(server.url, api.token);

async function status(id: string): Promise<string> {
  return (await admin.get(`/v1/items/${id}`)).body.status as string;
}

void describe('lease timers', () => {
  void it('a lease not extended lapses after leaseSeconds, and sockets on the other server hear item.released', async () => {
    await createQueue(admin, 'prompt', { leaseSeconds: 1 });
    const key = await apiKey(admin, ['prompt']);
    const item = await submit(key, 'prompt', { confidence: FLAG });
    const watcher = await connectLive(two.url, admin.token);
    watchers.push(watcher);
    assert.deepEqual(await watcher.subscribe('prompt'), { ok: true });
    const reviewer = await userApi(admin, ['reviewer'], ['prompt']);
    const claimedAt = Date.now();
    assert.equal((await claimItem(on(one, reviewer), 'prompt')).id, item.id);
    const released = await watcher.waitFor('item.released', (d) => d.id === item.id, 10_000);
    const took = Date.now() - claimedAt;
    assert.ok(took >= 900, `released after ${took} ms, before the lease ended`);
    assert.ok(took < 5_000, `released after ${took} ms: the timer did not fire`);
    assert.equal(released.status, 'pending');
    assert.equal(await status(item.id), 'pending');
    const lapsed = (await events(admin, item.id)).filter((e) => e.type === 'lease_expired');
    assert.equal(lapsed.length, 1);
    assert.equal((await decide(on(one, reviewer), item.id, { action: 'approve' })).status, 409);
  });

  void it('an extension on the other server holds: the first server’s timer does not cut it short', async () => {
    await createQueue(admin, 'extend', { leaseSeconds: 2 });
    const key = await apiKey(admin, ['extend']);
    const item = await submit(key, 'extend', { confidence: FLAG });
    const reviewer = await userApi(admin, ['reviewer'], ['extend']);
    assert.equal((await claimItem(on(one, reviewer), 'extend')).id, item.id);
    await new Promise((r) => setTimeout(r, 1_000));
    const extended = await on(two, reviewer).post(`/v1/items/${item.id}/lease`);
    assert.equal(extended.status, 200);
    const expiresAt = Date.parse(extended.body.expiresAt);
    // Past the first lease's end (server one's timer has fired), before the extended one's.
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now() - 600)));
    assert.equal(await status(item.id), 'in_review', 'the extended lease still holds');
    // Then the extended lease lapses on time too (server two armed its own timer).
    await eventually(async () => (await status(item.id)) === 'pending', 4_000, 50);
    assert.ok(Date.now() < expiresAt + 3_000, 'lapsed promptly after the extended expiry');
  });

  void it('a decision or a release ends the lease for good: no lapse follows', async () => {
    await createQueue(admin, 'settled', { leaseSeconds: 1 });
    const key = await apiKey(admin, ['settled']);
    const decided = await submit(key, 'settled', { confidence: FLAG });
    const released = await submit(key, 'settled', { confidence: FLAG });
    const reviewer = await userApi(admin, ['reviewer'], ['settled']);
    const other = await userApi(admin, ['reviewer'], ['settled']);
    assert.equal((await claimItem(on(one, reviewer), 'settled')).id, decided.id);
    // Decided on the other server: server one's timer fires later and must find nothing to do.
    assert.equal((await decide(on(two, reviewer), decided.id, { action: 'approve' })).status, 200);
    assert.equal((await claimItem(on(one, reviewer), 'settled')).id, released.id);
    assert.equal((await on(one, reviewer).delete(`/v1/items/${released.id}/lease`)).status, 204);
    // Someone else claims it again at once: that lease, not the released one, decides its fate.
    assert.equal((await claimItem(on(two, other), 'settled')).id, released.id);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(await status(decided.id), 'approved');
    const decidedTrail = (await events(admin, decided.id)).map((e) => e.type);
    assert.ok(!decidedTrail.includes('lease_expired'), decidedTrail.join(', '));
    // The second claim's own lease (1 s, not extended) lapses on time, once.
    await eventually(async () => (await status(released.id)) === 'pending', 4_000, 50);
    const trail = (await events(admin, released.id)).map((e) => e.type);
    assert.equal(trail.filter((t) => t === 'lease_expired').length, 1, trail.join(', '));
  });
});
