/**
 * SSRF: webhookUrl and callbackUrl may not point into private or local networks, neither when
 * saved nor when delivered (checked against the address actually connected to), unless
 * WEBHOOK_ALLOW_PRIVATE_NETWORKS=true. Receivers are real local HTTP servers.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  adminApi,
  Api,
  apiKey,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  sql,
  submission,
  testContext,
} from '../support/harness';

/** A receiver that records paths; `/redirect` answers 302 to `/target`. */
class Receiver {
  readonly paths: string[] = [];
  private server!: Server;
  port = 0;

  async start() {
    this.server = createServer((req, res) => {
      this.paths.push(req.url ?? '/');
      req.resume();
      req.on('end', () => {
        if (req.url === '/redirect')
          res.writeHead(302, { location: `http://127.0.0.1:${this.port}/target` }).end();
        else res.writeHead(204).end();
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
  }

  stop() {
    this.server.closeAllConnections();
    this.server.close();
  }
}

const REFUSED = [
  'http://127.0.0.1:9/hook',
  'http://localhost:9/hook',
  'http://0.0.0.0/hook',
  'http://[::1]:9/hook',
  'http://[::]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://10.0.0.5/hook',
  'http://172.16.3.4/hook',
  'http://192.168.0.10/hook',
  'http://169.254.169.254/latest/meta-data',
  'http://100.64.0.1/hook',
  'http://[fd00::1]/hook',
  'http://[fe80::1]/hook',
  'http://224.0.0.1/hook',
];

const strict = testContext(`${__filename}-strict`);
const open = testContext(`${__filename}-open`);
const receiver = new Receiver();
let openServer: RunningServer; // WEBHOOK_ALLOW_PRIVATE_NETWORKS=true
let admin: Api;
let product: Api;

before(() => receiver.start());
serverPerFile(strict, async (started) => {
  admin = started.admin; // the default: private networks refused
  await createQueue(admin, 'guarded', { policy: { autoApproveAt: 0.9, blockBelow: 0.5 } });
  product = await apiKey(admin, ['guarded']);
});
serverPerFile(
  open,
  (started) => {
    openServer = started.server;
  },
  { env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } },
);
after(() => receiver.stop());

describe('refused when saved or submitted', () => {
  it('refuses every private or local address form as webhookUrl, with 400 naming the field', async () => {
    for (const url of REFUSED) {
      const created = await admin.post('/v1/queues', {
        slug: `q${Math.random().toString(36).slice(2, 8)}`,
        name: 'q',
        webhookUrl: url,
      });
      assert.equal(created.status, 400, `${url}: ${created.status}`);
      assert.match(created.body.message, /webhookUrl/, url);
      const patched = await admin.patch('/v1/queues/guarded', { webhookUrl: url });
      assert.equal(patched.status, 400, url);
    }
  });

  it('refuses them as callbackUrl, for single and batch submissions', async () => {
    for (const url of REFUSED) {
      const res = await product.post(
        '/v1/queues/guarded/items',
        submission({ callbackUrl: url, confidence: 0.99 }),
      );
      assert.equal(res.status, 400, `${url}: ${res.status}`);
      assert.match(res.body.message, /callbackUrl/, url);
    }
    const batch = await product.post('/v1/queues/guarded/items/batch', {
      items: [submission({ callbackUrl: 'http://127.0.0.1:1/x' }), submission()],
    });
    assert.equal(batch.status, 200);
    assert.equal(batch.body.results[0].error.statusCode, 400);
    assert.match(batch.body.results[0].error.message, /callbackUrl/);
    assert.ok(batch.body.results[1].id);
  });

  it('accepts a public address', async () => {
    const res = await product.post(
      '/v1/queues/guarded/items',
      submission({ callbackUrl: 'https://93.184.216.34/hook', confidence: 0.2 }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(
      (await admin.patch('/v1/queues/guarded', { webhookUrl: 'https://93.184.216.34/hook' }))
        .status,
      200,
    );
    assert.equal((await admin.patch('/v1/queues/guarded', { webhookUrl: null })).status, 200);
  });
});

describe('checked again at delivery', () => {
  it('an item stored with a loopback callbackUrl is not delivered: the attempt is logged as blocked_address', async () => {
    // A URL stored before the guard existed (or while the flag was on) is still refused.
    await createQueue(admin, 'stale');
    const staleKey = await apiKey(admin, ['stale']);
    for (const host of ['127.0.0.1', 'localhost']) {
      const item = await staleKey.post(
        '/v1/queues/stale/items',
        submission({ confidence: 0.2, externalId: `stale-${host}` }),
      );
      await sql(strict, 'UPDATE items SET callback_url = $2 WHERE id = $1', [
        item.body.id,
        `http://${host}:${receiver.port}/stale-${host}`,
      ]);
      const claimed = await admin.post('/v1/queues/stale/claim');
      assert.equal(claimed.body.item.id, item.body.id);
      assert.equal(
        (await admin.post(`/v1/items/${item.body.id}/decision`, { action: 'approve' })).status,
        200,
      );
      const attempts = await eventually(async () => {
        const res = await staleKey.get(`/v1/items/${item.body.id}/deliveries`);
        return res.body.deliveries.length > 0 && res.body.deliveries;
      }, 20_000);
      assert.equal(attempts.length, 1, 'not retried');
      assert.equal(attempts[0].succeeded, false);
      assert.equal(attempts[0].statusCode, null);
      assert.match(attempts[0].error, /^blocked_address/);
      assert.ok(!receiver.paths.includes(`/stale-${host}`), 'nothing reached the receiver');
    }
  });
});

describe('WEBHOOK_ALLOW_PRIVATE_NETWORKS=true', () => {
  it('allows loopback URLs and delivers to them; redirects are not followed', async () => {
    const openAdmin = await adminApi(openServer.url);
    await createQueue(openAdmin, 'local', {
      webhookUrl: `http://localhost:${receiver.port}/queue-hook`,
    });
    const key = await apiKey(openAdmin, ['local']);
    const hooked = await key.post('/v1/queues/local/items', submission({ confidence: 0.99 }));
    assert.equal(hooked.status, 201, JSON.stringify(hooked.body));
    await eventually(async () => receiver.paths.includes('/queue-hook'), 20_000);
    const redirected = await key.post(
      '/v1/queues/local/items',
      submission({ confidence: 0.99, callbackUrl: `http://127.0.0.1:${receiver.port}/redirect` }),
    );
    assert.equal(redirected.status, 201);
    const attempts = await eventually(async () => {
      const res = await key.get(`/v1/items/${redirected.body.id}/deliveries`);
      return res.body.deliveries.length > 0 && res.body.deliveries;
    }, 20_000);
    assert.equal(attempts[0].statusCode, 302);
    assert.equal(attempts[0].error, 'HTTP 302');
    assert.ok(!receiver.paths.includes('/target'), 'the redirect was not followed');
  });
});
