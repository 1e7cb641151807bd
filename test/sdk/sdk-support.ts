/**
 * Shared by the @verdict/client tests: one real Verdict server per file (loopback webhooks
 * allowed), a reviewer who decides over REST, and a local webhook receiver that verifies every
 * delivery with the SDK's own verifyWebhook.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { verifyWebhook, VerdictClient, type Item } from '@verdict/client';
import {
  Api,
  apiKey,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  TestContext,
} from '../support/harness';

export interface SdkEnv {
  server: RunningServer;
  admin: Api;
  /** a fresh queue with its own product key and SDK client */
  queue(slug: string, extra?: Record<string, unknown>): Promise<SdkQueue>;
}

export interface SdkQueue {
  slug: string;
  webhookSecret: string;
  key: string;
  client: VerdictClient;
}

/** Tool queues: everything below 0.9 is held for a person (nothing is merely flagged). */
export const TOOL_POLICY = { autoApproveAt: 0.9, blockBelow: 0.9 };

/** The refund rule the tool tests share: a refund over 100 is held for a person. */
export const LARGE_REFUND = {
  name: 'large refund',
  when: { '>': [{ var: 'output.toolCall.args.amount' }, 100] },
  route: 'block',
};

export function sdkServerPerFile(ctx: TestContext): SdkEnv {
  const env = {} as SdkEnv;
  serverPerFile(
    ctx,
    (started) => {
      ({ server: env.server, admin: env.admin } = started);
    },
    { env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } },
  );
  env.queue = async (slug, extra = {}) => {
    const created = await createQueue(env.admin, slug, { policy: TOOL_POLICY, ...extra });
    const key = (await apiKey(env.admin, [slug])).token!;
    return {
      slug,
      webhookSecret: created.webhookSecret,
      key,
      client: new VerdictClient({ baseUrl: env.server.url, apiKey: key }),
    };
  };
  return env;
}

/**
 * For the enclosing suite: a webhook receiver, then a queue (with `extra`) that delivers to it,
 * handed to `made` once created. The receiver stops after the suite.
 */
export function queueWithReceiver(
  env: SdkEnv,
  slug: string,
  extra: Record<string, unknown>,
  made: (queue: SdkQueue) => void,
): WebhookReceiver {
  let secret = '';
  const receiver = new WebhookReceiver(() => secret);
  before(async () => {
    await receiver.start();
    const queue = await env.queue(slug, { ...extra, webhookUrl: receiver.url });
    secret = queue.webhookSecret;
    made(queue);
  });
  after(() => receiver.stop());
  return receiver;
}

/**
 * A reviewer over REST: waits until an item of the queue is waiting (claim answers 200), then
 * decides it. Returns the decided item.
 */
export async function reviewerDecides(
  reviewer: Api,
  slug: string,
  decision: Record<string, unknown>,
  expectId?: string,
): Promise<Item> {
  const claimed = await eventually(async () => {
    const res = await reviewer.post(`/v1/queues/${slug}/claim`);
    return res.status === 200 ? (res.body.item as Item) : undefined;
  }, 60_000);
  if (expectId) assert.equal(claimed.id, expectId, 'the reviewer was handed the held call');
  const res = await reviewer.post(`/v1/items/${claimed.id}/decision`, decision);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as Item;
}

export interface Delivery {
  raw: string;
  header: string;
  item: Item;
}

/** A product's webhook endpoint on loopback: keeps the raw body and verifies it with the SDK. */
export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly secret: () => string) {}

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const header = String(req.headers['verdict-signature'] ?? '');
        try {
          const item = verifyWebhook({ body: raw, header, secret: this.secret() });
          this.deliveries.push({ raw: raw.toString('utf8'), header, item });
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/hook`;
  }

  /** The first verified delivery about an item in a final state. */
  async deliveryFor(id: string): Promise<Delivery> {
    return eventually(async () => this.deliveries.find((d) => d.item.id === id), 60_000);
  }

  stop() {
    this.server.closeAllConnections();
    this.server.close();
  }
}
