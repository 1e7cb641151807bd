/**
 * @verdict/client against a real Verdict server: idempotent retries, long-poll waits, webhook
 * verification of real deliveries, and the errors a product system sees.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createConnection, createServer, Server, Socket } from 'node:net';
import {
  VerdictClient,
  VerdictError,
  verifyWebhook,
  WebhookVerificationError,
  type Item,
} from '@verdict/client';
import { testContext } from '../support/harness';
import { reviewerDecides, sdkServerPerFile, WebhookReceiver } from './sdk-support';

const ctx = testContext(__filename);
const env = sdkServerPerFile(ctx);

const submission = (confidence: number, extra: Record<string, unknown> = {}) => ({
  model: { name: 'support-llm', version: '2026-10-01' },
  input: { messages: [{ role: 'user', content: 'Where is my refund?' }] },
  output: { reply: 'Your refund was sent on Monday.' },
  confidence,
  ...extra,
});

/**
 * A TCP proxy in front of the server that forwards the first connection's request but drops the
 * connection as the answer comes back: the server acted, the client saw a network error.
 */
class DroppingProxy {
  private server!: Server;
  connections = 0;
  url = '';
  constructor(private readonly upstreamPort: number) {}

  async start() {
    this.server = createServer((client: Socket) => {
      const n = ++this.connections;
      const upstream = createConnection(this.upstreamPort, '127.0.0.1');
      client.pipe(upstream);
      if (n === 1) {
        upstream.once('data', () => {
          client.destroy();
          upstream.destroy();
        });
      } else upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  stop() {
    this.server.close();
  }
}

describe('VerdictClient', () => {
  it('retries a submission whose connection dropped and ends with one item', async () => {
    const q = await env.queue('dropped');
    const proxy = new DroppingProxy(env.server.port);
    await proxy.start();
    try {
      const client = new VerdictClient({ baseUrl: proxy.url, apiKey: q.key, retryBaseMs: 50 });
      const item = await client.submit(q.slug, submission(0.95));
      assert.equal(item.status, 'approved');
      assert.ok(item.externalId, 'the SDK generated an idempotency key');
      assert.ok(proxy.connections >= 2, 'the first connection was dropped and the call retried');
      const listed = await env.admin.get(`/v1/queues/${q.slug}/items`);
      assert.equal(listed.body.items.length, 1, 'the retry did not create a second item');
      assert.equal(listed.body.items[0].id, item.id);
    } finally {
      proxy.stop();
    }
  });

  it('submits a batch with one result per input, in order', async () => {
    const q = await env.queue('batched', { policy: { autoApproveAt: 0.9, blockBelow: 0.5 } });
    const results = await q.client.submitBatch(q.slug, [
      submission(0.95),
      submission(0.7),
      { ...submission(0.5), confidence: 'high' as unknown as number },
    ]);
    assert.equal(results.length, 3);
    assert.equal((results[0] as Item).routing, 'approve');
    assert.equal((results[1] as Item).routing, 'flag');
    assert.ok('error' in results[2] && results[2].error.statusCode === 400);
  });

  it('waitForDecision is released by a reviewer’s decision', async () => {
    const q = await env.queue('released');
    const held = await q.client.submit(q.slug, submission(0.2));
    assert.equal(held.routing, 'block');
    assert.equal(held.usable, false);
    const waiting = q.client.waitForDecision(held.id, { timeoutSeconds: 120 });
    await reviewerDecides(env.admin, q.slug, { action: 'approve' }, held.id);
    const decided = await waiting;
    assert.equal(decided.id, held.id);
    assert.equal(decided.status, 'approved');
    assert.equal(decided.decidedBy, 'reviewer');
    assert.equal(decided.reviews?.[0]?.action, 'approve');
  });

  it('waitForDecision returns the latest state when its time runs out', async () => {
    const q = await env.queue('timed-out');
    const held = await q.client.submit(q.slug, submission(0.2));
    const latest = await q.client.waitForDecision(held.id, { timeoutSeconds: 2 });
    assert.equal(latest.id, held.id);
    assert.equal(latest.status, 'pending');
    assert.equal(latest.usable, false);
  });

  it('reports an output and the item goes back to review', async () => {
    const q = await env.queue('reported');
    const item = await q.client.submit(q.slug, submission(0.95));
    await q.client.report(item.id, { reason: 'Customer says the date is wrong.' });
    const after = await q.client.getItem(item.id);
    assert.ok(after.reasons.some((r) => r.kind === 'report'));
    assert.equal(after.usable, true, 'a reported output stays usable until a reviewer rejects it');
  });

  it('throws VerdictError with status, message, fields and request id', async () => {
    const q = await env.queue('errors');
    await assert.rejects(
      q.client.submit(q.slug, { ...submission(0.5), confidence: '0.5' as unknown as number }),
      (err: unknown) => {
        assert.ok(err instanceof VerdictError);
        assert.equal(err.status, 400);
        assert.match(err.message, /confidence/);
        assert.ok(
          err.fields?.some((f) => f.field === 'confidence'),
          JSON.stringify(err.fields),
        );
        assert.ok(err.requestId, 'the request id is there for support');
        return true;
      },
    );
    await assert.rejects(q.client.getItem('6f1d1f5e-8c0e-4a43-9d1e-2a3f1b9c0d11'), {
      name: 'VerdictError',
      status: 404,
    });
    const stranger = new VerdictClient({ baseUrl: env.server.url, apiKey: 'vk_not-a-key' });
    await assert.rejects(stranger.submit(q.slug, submission(0.5)), { status: 401 });
    const elsewhere = await env.queue('errors-elsewhere');
    await assert.rejects(elsewhere.client.submit(q.slug, submission(0.5)), { status: 403 });
  });
});

describe('verifyWebhook', () => {
  let secret = '';
  const receiver = new WebhookReceiver(() => secret);
  before(() => receiver.start());
  after(() => receiver.stop());

  it('accepts a real delivery and refuses a tampered body and a stale timestamp', async () => {
    const q = await env.queue('hooked', { webhookUrl: receiver.url });
    secret = q.webhookSecret;
    const held = await q.client.submit(q.slug, submission(0.2));
    await reviewerDecides(env.admin, q.slug, { action: 'reject', reason: 'Wrong date.' }, held.id);
    const delivery = await receiver.deliveryFor(held.id);
    assert.equal(delivery.item.status, 'rejected');

    const again = verifyWebhook({ body: delivery.raw, header: delivery.header, secret });
    assert.equal(again.id, held.id);

    const tampered = delivery.raw.replace('"rejected"', '"approved"');
    assert.notEqual(tampered, delivery.raw);
    assert.throws(
      () => verifyWebhook({ body: tampered, header: delivery.header, secret }),
      (err: unknown) => err instanceof WebhookVerificationError && err.reason === 'bad_signature',
    );
    assert.throws(
      () => verifyWebhook({ body: delivery.raw, header: delivery.header, secret: 'other' }),
      { name: 'WebhookVerificationError', reason: 'bad_signature' },
    );
    assert.throws(
      () =>
        verifyWebhook({
          body: delivery.raw,
          header: delivery.header,
          secret,
          now: Date.now() + 10 * 60 * 1000,
        }),
      { name: 'WebhookVerificationError', reason: 'stale_timestamp' },
    );
    assert.throws(() => verifyWebhook({ body: delivery.raw, header: undefined, secret }), {
      reason: 'missing_header',
    });
  });
});
