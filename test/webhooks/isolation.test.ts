/**
 * Webhook isolation: a receiver that never answers, next to a healthy one. The hanging host
 * may hold only a few delivery workers, and its breaker opens; the healthy host's deliveries
 * go out at once regardless of the backlog in front of them.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, Server, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  Api,
  createQueue,
  eventually,
  serverPerFile,
  submission,
  testContext,
} from '../support/harness';

const ctx = testContext(__filename);
let admin: Api;

/** A receiver that reads each delivery and then either answers 204 or never answers. */
class Receiver {
  readonly received: string[] = [];
  private readonly hanging: ServerResponse[] = [];
  private server!: Server;
  url = '';
  constructor(private readonly hang: boolean) {}

  async start() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.received.push((JSON.parse(body) as { id: string }).id);
        if (this.hang) this.hanging.push(res);
        else res.writeHead(204).end();
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/hook`;
  }

  stop() {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
  }
}

const hanging = new Receiver(true);
const healthy = new Receiver(false);

before(async () => {
  await Promise.all([hanging.start(), healthy.start()]);
});

serverPerFile(
  ctx,
  async (started) => {
    ({ admin } = started);
    await createQueue(admin, 'stuck', { webhookUrl: hanging.url });
    await createQueue(admin, 'fine', { webhookUrl: healthy.url });
  },
  {
    env: {
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_MAX_PER_HOST: '2',
      WEBHOOK_BREAKER_FAILURES: '3',
      WEBHOOK_BREAKER_COOLDOWN_MS: '60000',
    },
  },
);

after(async () => {
  hanging.stop();
  healthy.stop();
});

const approved = (n: number) => Array.from({ length: n }, () => submission({ confidence: 0.99 }));

void describe('a hanging webhook receiver', () => {
  void it('holds at most its per-host share and is paused by its breaker; the healthy receiver gets every delivery', async () => {
    // 200 auto-approved items for the hanging host: with one shared pool of workers and a 5 s
    // timeout per attempt, that backlog alone would take over a minute to get through.
    for (let i = 0; i < 2; i++) {
      const res = await admin.post('/v1/queues/stuck/items/batch', { items: approved(100) });
      assert.ok([200, 201, 207].includes(res.status), JSON.stringify(res.body).slice(0, 300));
    }
    await eventually(async () => hanging.received.length >= 2, 20_000);

    const res = await admin.post('/v1/queues/fine/items/batch', { items: approved(20) });
    const ids = (res.body.results as { id: string }[]).map((i) => i.id).sort();
    assert.equal(ids.length, 20);
    await eventually(async () => healthy.received.length >= ids.length, 20_000, 200);
    assert.deepEqual([...healthy.received].sort(), ids);

    // The hanging host saw only a handful of attempts: its per-host limit, then the breaker.
    assert.ok(
      hanging.received.length <= 2 + 3,
      `attempts at the hanging host: ${hanging.received.length}`,
    );
  });
});
