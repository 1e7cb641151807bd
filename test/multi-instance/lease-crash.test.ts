import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Api,
  apiKey,
  createQueue,
  RunningServer,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { connectLive, LiveClient } from '../support/live-client';

/**
 * kill -9 of the instance that granted a lease takes its lease timer with it; the Postgres sweep
 * on the surviving instance (every SWEEP_INTERVAL_MS, 1 s in tests) returns the item instead.
 */
const ctx = testContext(__filename);
let a: RunningServer;
let b: RunningServer;
let admin: Api;
let watcher: LiveClient | undefined;

// Registered first, so it runs first: the socket closes before the servers drain.
after(() => watcher?.close());

serverPerFile(
  ctx,
  (started) => {
    [a, b] = started.servers;
    admin = started.admin;
  },
  { instances: 2 },
);

void describe('a lease whose server was killed', () => {
  void it('returns to the queue within the sweep interval, heard on the other server', async () => {
    await createQueue(admin, 'orphan', { leaseSeconds: 2 });
    const product = await apiKey(admin, ['orphan']);
    const submitted = await product.post(
      '/v1/queues/orphan/items',
      submission({ confidence: 0.7 }),
    );
    assert.equal(submitted.status, 201);
    const id = submitted.body.id as string;
    watcher = await connectLive(b.url, admin.token);
    assert.deepEqual(await watcher.subscribe('orphan'), { ok: true });
    const holder = await userApi(admin, ['reviewer'], ['orphan']);
    const claim = await new Api(a.url, holder.token).post('/v1/queues/orphan/claim');
    assert.equal(claim.status, 200);
    assert.equal(claim.body.item.id, id);
    const expiresAt = Date.parse(claim.body.lease.expiresAt);
    await a.kill();

    await watcher.waitFor('item.released', (d) => d.id === id, 15_000);
    const late = Date.now() - expiresAt;
    // Lease end + one sweep interval (1 s) + a margin for a loaded machine.
    assert.ok(late < 4_000, `returned ${late} ms after the lease ended`);
    const other = await userApi(new Api(b.url, admin.token), ['reviewer'], ['orphan']);
    const again = await new Api(b.url, other.token).post('/v1/queues/orphan/claim');
    assert.equal(again.status, 200);
    assert.equal(again.body.item.id, id);
  });
});
