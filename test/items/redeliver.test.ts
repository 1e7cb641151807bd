import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import {
  Api,
  apiKey,
  createQueue,
  eventually,
  serverPerFile,
  testContext,
  userApi,
} from '../support/harness';
import { APPROVE, events, FLAG, submit } from '../review/review-support';

const ctx = testContext(__filename);
let admin: Api;
let receiverUrl: string;
let key: Api;
let reviewer: Api;
let receiver: Server;
const received: { status: string; delivery: string }[] = [];

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({
        status: (JSON.parse(body) as { status: string }).status,
        delivery: String(req.headers['verdict-delivery']),
      });
      res.writeHead(204).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
});

serverPerFile(
  ctx,
  async (started) => {
    ({ admin } = started);
    await createQueue(admin, 'hooks', { webhookUrl: receiverUrl });
    key = await apiKey(admin, ['hooks']);
    reviewer = await userApi(admin, ['reviewer'], ['hooks']);
  },
  { env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } },
);

after(async () => {
  receiver?.close();
});

void describe('POST /v1/items/:id/deliveries/redeliver', () => {
  void it('sends a delivered item again, listed and audited', async () => {
    const item = await submit(key, 'hooks', { confidence: APPROVE });
    await eventually(() => Promise.resolve(received.length === 1), 30_000);
    const res = await admin.post(`/v1/items/${item.id}/deliveries/redeliver`);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.match(res.body.deliveryKey, /redelivery/);
    await eventually(() => Promise.resolve(received.length === 2), 30_000);
    assert.equal(received[1].status, 'approved');
    assert.equal(received[1].delivery, res.body.deliveryKey);
    const deliveries = await admin.get(`/v1/items/${item.id}/deliveries`);
    assert.equal(
      (deliveries.body.deliveries as { succeeded: boolean }[]).filter((d) => d.succeeded).length,
      2,
    );
    const trail = await events(admin, item.id);
    const asked = trail.find((e) => e.type === 'webhook_redelivery_requested');
    assert.ok(asked);
    assert.match(asked.actor, /^user:/);
  });

  void it('is for leads and admins, and only for final items', async () => {
    const pending = await submit(key, 'hooks', { confidence: FLAG });
    assert.equal((await reviewer.post(`/v1/items/${pending.id}/deliveries/redeliver`)).status, 403);
    assert.equal((await key.post(`/v1/items/${pending.id}/deliveries/redeliver`)).status, 403);
    const res = await admin.post(`/v1/items/${pending.id}/deliveries/redeliver`);
    assert.equal(res.status, 409);
    assert.match(res.body.message, /final/);
  });
});
