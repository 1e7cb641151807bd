import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adminApi,
  Api,
  apiKey,
  createQueue,
  RunningServer,
  serverPerFile,
  ServersStarted,
  submission,
  testContext,
  userApi,
} from '../support/harness';

/** kill -9 under submission load: whatever the server acknowledged survives and can be reviewed. */
const ctx = testContext(__filename);
let server: RunningServer;
let restart: ServersStarted['restart'];

serverPerFile(ctx, (started) => {
  ({ server, restart } = started);
});

void describe('a server killed under load', () => {
  void it('keeps every acknowledged item, reviewable after restart', async () => {
    const admin = await adminApi(server.url);
    await createQueue(admin, 'crashy');
    const product = await apiKey(admin, ['crashy']);
    const acked = new Map<string, { id: string; routing: string }>();
    let stop = false;
    let sent = 0;
    const senders = Array.from({ length: 8 }, async (_, w) => {
      for (let n = 0; !stop; n++) {
        const externalId = `crash-${w}-${n}`;
        sent++;
        try {
          const res = await product.post(
            '/v1/queues/crashy/items',
            submission({ externalId, confidence: [0.1, 0.7, 0.95][n % 3] }),
          );
          if (res.status >= 200 && res.status < 300)
            acked.set(externalId, { id: res.body.id, routing: res.body.routing });
        } catch {
          return; // connection refused or reset: the server is gone
        }
      }
    });
    while (acked.size < 150) await new Promise((r) => setTimeout(r, 20));
    await server.kill();
    stop = true;
    await Promise.all(senders);
    assert.ok(sent > acked.size, 'some requests were in flight when the server died');

    server = await restart();
    const api = new Api(server.url, product.token);
    for (const [externalId, { id }] of acked) {
      const res = await api.get(`/v1/items/${id}`);
      assert.equal(res.status, 200, `${externalId} (${id}) was acknowledged but is gone`);
    }
    // A product system retrying after the crash gets the same items, not second copies.
    const sample = [...acked.entries()].slice(-5);
    for (const [externalId, { id }] of sample) {
      const n = Number(externalId.split('-')[2]);
      const replay = await api.post(
        '/v1/queues/crashy/items',
        submission({ externalId, confidence: [0.1, 0.7, 0.95][n % 3] }),
      );
      assert.equal(replay.status, 200);
      assert.equal(replay.body.id, id);
    }

    // Every acknowledged item that awaits review can be claimed and decided.
    const reviewer = await userApi(await adminApi(server.url), ['lead']);
    const toReview = new Set(
      [...acked.values()].filter((v) => v.routing !== 'approve').map((v) => v.id),
    );
    const reviewed = new Set<string>();
    for (;;) {
      const claim = await reviewer.post('/v1/queues/crashy/claim');
      if (claim.status === 204) break;
      assert.equal(claim.status, 200);
      reviewed.add(claim.body.item.id);
      assert.equal(
        (await reviewer.post(`/v1/items/${claim.body.item.id}/decision`, { action: 'approve' }))
          .status,
        200,
      );
    }
    for (const id of toReview)
      assert.ok(reviewed.has(id), `acknowledged item ${id} could not be reviewed`);
  });
});
