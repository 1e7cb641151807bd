import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { once } from 'node:events';
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

interface Received {
  path: string;
  body: string;
  json: any;
  signature: string;
  headers: IncomingMessage['headers'];
}

/** A product system's webhook endpoint: records every POST; answers 500 to the first `failFirst[path]` ones. */
class Receiver {
  readonly received: Received[] = [];
  readonly failFirst = new Map<string, number>();
  /** Paths whose first request gets no answer at all. */
  readonly hangFirst = new Set<string>();
  private server!: Server;
  url = '';

  async start() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({
          path,
          body,
          json: JSON.parse(body),
          signature: String(req.headers['verdict-signature']),
          headers: req.headers,
        });
        const left = this.failFirst.get(path) ?? 0;
        if (this.hangFirst.delete(path)) return;
        if (left > 0) {
          this.failFirst.set(path, left - 1);
          res.writeHead(500).end('try later');
        } else res.writeHead(204).end();
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  at(path: string) {
    return this.received.filter((r) => r.path === path);
  }

  stop() {
    this.server.closeAllConnections();
    this.server.close();
  }
}

function verify(secret: string, r: Received): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.signature);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${r.body}`).digest('hex');
  return expected === match[2] && Math.abs(Date.now() / 1000 - Number(match[1])) < 300;
}

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
let product: Api;
const receiver = new Receiver();
let secret: string;
let hookedSecret: string;

before(async () => {
  await receiver.start();
  // The receiver is on loopback, which the SSRF guard refuses unless told otherwise.
});

serverPerFile(
  ctx,
  async (started) => {
    ({ server, admin } = started);
    secret = (await createQueue(admin, 'hooks', { labels: ['wrong'] })).webhookSecret;
    hookedSecret = (
      await createQueue(admin, 'hooked', { webhookUrl: `${receiver.url}/queue-hook` })
    ).webhookSecret;
    product = await apiKey(admin, ['hooks', 'hooked']);
  },
  { env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } },
);

after(async () => {
  receiver.stop();
});

void describe('webhooks', () => {
  void it('POSTs an auto-approved item to its callbackUrl at once, signed with the queue secret', async () => {
    const res = await product.post(
      '/v1/queues/hooks/items',
      submission({ confidence: 0.99, callbackUrl: `${receiver.url}/auto` }),
    );
    assert.equal(res.status, 201);
    const [hit] = await eventually(async () =>
      receiver.at('/auto').length > 0 ? receiver.at('/auto') : undefined,
    );
    assert.equal(hit.json.id, res.body.id);
    assert.equal(hit.json.status, 'approved');
    assert.equal(hit.json.decidedBy, 'policy');
    assert.deepEqual(hit.json.finalOutput, res.body.output);
    assert.equal(hit.headers['content-type'], 'application/json');
    assert.ok(verify(secret, hit), `signature ${hit.signature} does not verify`);
    assert.ok(!verify(hookedSecret, hit), 'another queue secret must not verify');
  });

  void it('retries a failing receiver with backoff and records every attempt', async () => {
    receiver.failFirst.set('/flaky', 2);
    const res = await product.post(
      '/v1/queues/hooks/items',
      submission({ confidence: 0.95, callbackUrl: `${receiver.url}/flaky` }),
    );
    await eventually(async () => receiver.at('/flaky').length >= 3, 30_000, 200);
    const hits = receiver.at('/flaky');
    assert.equal(hits.length, 3);
    for (const hit of hits) assert.ok(verify(secret, hit));
    assert.equal(
      new Set(hits.map((h) => h.headers['verdict-delivery'])).size,
      1,
      'all attempts announce the same change',
    );

    const deliveries = await eventually(async () => {
      const list = await product.get(`/v1/items/${res.body.id}/deliveries`);
      return list.body.deliveries?.length === 3 ? list : undefined;
    });
    assert.equal(deliveries.status, 200);
    const attempts = deliveries.body.deliveries;
    assert.deepEqual(
      attempts.map((d: any) => d.attempt),
      [1, 2, 3],
    );
    assert.deepEqual(
      attempts.map((d: any) => d.statusCode),
      [500, 500, 204],
    );
    assert.deepEqual(
      attempts.map((d: any) => d.succeeded),
      [false, false, true],
    );
    assert.equal(attempts[0].url, `${receiver.url}/flaky`);

    const events = await product.get(`/v1/items/${res.body.id}/events`);
    const types = events.body.events.map((e: any) => e.type);
    assert.deepEqual(
      types.filter((t: string) => t.startsWith('webhook')),
      ['webhook_failed', 'webhook_failed', 'webhook_delivered'],
    );
    assert.equal((await product.get(`/v1/items/${res.body.id}/events/verify`)).body.valid, true);
  });

  void it('gives up on a receiver that does not answer within 5 s, and retries', async () => {
    receiver.hangFirst.add('/slow');
    const res = await product.post(
      '/v1/queues/hooks/items',
      submission({ confidence: 0.95, callbackUrl: `${receiver.url}/slow` }),
    );
    const attempts = await eventually(
      async () => {
        const list = await product.get(`/v1/items/${res.body.id}/deliveries`);
        return list.body.deliveries?.length === 2 ? list.body.deliveries : undefined;
      },
      30_000,
      250,
    );
    assert.equal(attempts[0].succeeded, false);
    assert.equal(attempts[0].statusCode, null);
    assert.match(attempts[0].error, /5 s/);
    assert.ok(attempts[0].durationMs >= 4_900);
    assert.equal(attempts[1].succeeded, true);
  });

  void it("falls back to the queue's webhookUrl, and sends nothing when there is no URL at all", async () => {
    const hooked = await product.post('/v1/queues/hooked/items', submission({ confidence: 0.99 }));
    const silent = await product.post('/v1/queues/hooks/items', submission({ confidence: 0.99 }));
    const [hit] = await eventually(async () =>
      receiver.at('/queue-hook').length > 0 ? receiver.at('/queue-hook') : undefined,
    );
    assert.equal(hit.json.id, hooked.body.id);
    assert.ok(verify(hookedSecret, hit));
    const none = await product.get(`/v1/items/${silent.body.id}/deliveries`);
    assert.deepEqual(none.body, { itemId: silent.body.id, deliveries: [] });
  });

  void it('announces a reviewer decision, and again when a report overturns an approval', async () => {
    const lead = await userApi(admin, ['lead']);
    const blocked = await product.post(
      '/v1/queues/hooks/items',
      submission({ confidence: 0.1, callbackUrl: `${receiver.url}/decided` }),
    );
    assert.equal(receiver.at('/decided').length, 0, 'nothing is final yet');
    const claim = await lead.post('/v1/queues/hooks/claim');
    assert.equal(claim.body.item.id, blocked.body.id);
    const corrected = { reply: 'Your refund was sent on Tuesday.' };
    const decision = await lead.post(`/v1/items/${blocked.body.id}/decision`, {
      action: 'correct',
      correctedOutput: corrected,
      labels: ['wrong'],
    });
    assert.equal(decision.status, 200);
    const [first] = await eventually(async () =>
      receiver.at('/decided').length > 0 ? receiver.at('/decided') : undefined,
    );
    assert.equal(first.json.status, 'corrected');
    assert.deepEqual(first.json.finalOutput, corrected);
    assert.ok(verify(secret, first));

    const approved = await product.post(
      '/v1/queues/hooks/items',
      submission({ confidence: 0.97, callbackUrl: `${receiver.url}/overturned` }),
    );
    await eventually(async () => receiver.at('/overturned').length === 1);
    assert.equal(
      (
        await product.post(`/v1/items/${approved.body.id}/reports`, {
          reason: 'customer says the date is wrong',
        })
      ).status,
      201,
    );
    const reclaim = await lead.post('/v1/queues/hooks/claim');
    assert.equal(reclaim.body.item.id, approved.body.id);
    assert.equal(
      (
        await lead.post(`/v1/items/${approved.body.id}/decision`, {
          action: 'reject',
          labels: ['wrong'],
        })
      ).status,
      200,
    );
    const hits = await eventually(async () =>
      receiver.at('/overturned').length === 2 ? receiver.at('/overturned') : undefined,
    );
    assert.deepEqual(
      hits.map((h) => h.json.status),
      ['approved', 'rejected'],
    );
    assert.equal(hits[1].json.usable, false);
    assert.notEqual(hits[0].headers['verdict-delivery'], hits[1].headers['verdict-delivery']);
  });

  void it('lets only readers of the item list its deliveries', async () => {
    const item = await product.post('/v1/queues/hooks/items', submission({ confidence: 0.99 }));
    const outsider = await userApi(admin, ['reviewer'], ['hooked']);
    assert.equal((await outsider.get(`/v1/items/${item.body.id}/deliveries`)).status, 403);
    assert.equal(
      (await new Api(server.url).get(`/v1/items/${item.body.id}/deliveries`)).status,
      401,
    );
    assert.equal(
      (await admin.get('/v1/items/00000000-0000-4000-8000-000000000000/deliveries')).status,
      404,
    );
  });

  void it('rotates the signing secret for admins and leads only', async () => {
    const reviewer = await userApi(admin, ['reviewer'], ['hooked']);
    assert.equal((await reviewer.post('/v1/queues/hooked/webhook-secret')).status, 403);
    const rotated = await admin.post('/v1/queues/hooked/webhook-secret');
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.webhookSecret, hookedSecret);
    const before = receiver.at('/queue-hook').length;
    await product.post('/v1/queues/hooked/items', submission({ confidence: 0.99 }));
    const hit = await eventually(async () => receiver.at('/queue-hook')[before]);
    assert.ok(verify(rotated.body.webhookSecret, hit));
    assert.ok(!verify(hookedSecret, hit));
  });
});
