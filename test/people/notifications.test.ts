import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  adminApi,
  Api,
  createQueue,
  eventually,
  RunningServer,
  startServer,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { serverPerFileWithReceivers, type SlackPost } from './receivers';

const ctx = testContext(__filename);
const PUBLIC_URL = 'http://verdict.example';
const SECRET_OUTPUT = 'Your refund of 4711 was sent on Monday.';
const SECRET_PHRASE = 'refund of 4711';

/** The number of items a grouped message stands for, read from its header ("12 items blocked…"). */
function countOf(post: SlackPost): number {
  const header = post.json.blocks[0].text.text as string;
  return Number(/^(\d+) /.exec(header)?.[1] ?? NaN);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('notifications: Slack and email', () => {
  let server: RunningServer;
  let admin: Api;
  let lead: Api;
  let reviewer: Api;
  const { slack, smtp } = serverPerFileWithReceivers(
    ctx,
    async (started) => {
      ({ server, admin } = started);
      await createQueue(admin, 'support', {
        name: 'Support replies',
        policy: { autoApproveAt: 0.9, blockBelow: 0.5 },
        notifications: [
          {
            on: ['blocked', 'escalated'],
            slack: { webhookUrl: `${slack.url}/support` },
            email: { to: ['leads@example.com'] },
          },
        ],
      });
      lead = await userApi(admin, ['lead'], [], 'lena');
      reviewer = await userApi(admin, ['reviewer'], ['support'], 'rory');
    },
    (smtpUrl) => ({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      SMTP_URL: smtpUrl,
      MAIL_FROM: 'Verdict <verdict@example.com>',
      PUBLIC_URL,
      LOG_LEVEL: 'debug',
    }),
  );

  it('refuses malformed settings with 400 naming the field', async () => {
    const bad = await admin.patch('/v1/queues/support', {
      notifications: [{ on: ['blocked', 'exploded'], slack: { webhookUrl: `${slack.url}/x` } }],
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.fields.some((f: any) => f.field === 'notifications[0].on[1]'));
    const noChannel = await admin.patch('/v1/queues/support', {
      notifications: [{ on: ['blocked'] }],
    });
    assert.equal(noChannel.status, 400);
    assert.match(noChannel.body.message, /notifications\[0\] needs a channel/);
    const badMail = await admin.patch('/v1/queues/support', {
      notifications: [{ on: ['comment'], email: { to: ['not-an-address'] } }],
    });
    assert.equal(badMail.status, 400);
    assert.ok(badMail.body.fields.some((f: any) => f.field === 'notifications[0].email.to[0]'));
    // A reviewer sees that notifications exist, not where they go.
    const seen = await reviewer.get('/v1/queues/support');
    assert.equal(seen.body.notifications[0].slack.webhookUrl, '(hidden)');
    assert.deepEqual(seen.body.notifications[0].email.to, []);
  });

  it('a blocked item sends exactly one Slack message and one email, with routing, reasons, age and link, but not the output', async () => {
    const res = await admin.post(
      '/v1/queues/support/items',
      submission({ confidence: 0.2, output: { reply: SECRET_OUTPUT } }),
    );
    assert.equal(res.status, 201);
    const id = res.body.id as string;
    const [post] = await eventually(
      async () => slack.at('/support').length > 0 && slack.at('/support'),
      30_000,
    );
    const [mail] = await eventually(
      async () => smtp.to('leads@example.com').length > 0 && smtp.to('leads@example.com'),
      30_000,
    );

    // Block Kit: header, a section with queue/event/routing/age fields and the reasons, a button.
    const blocks = post.json.blocks as any[];
    assert.equal(post.json.text, blocks[0].text.text);
    assert.equal(blocks[0].type, 'header');
    assert.match(blocks[0].text.text, /^1 item blocked in Support replies, oldest \d+ s$/);
    const section = blocks.find((b) => b.type === 'section');
    const fields = section.fields.map((f: any) => f.text).join('\n');
    assert.match(fields, /\*Queue\*\nSupport replies/);
    assert.match(fields, /\*Routing\*\nblock/);
    assert.match(fields, /\*Age\*\n\d+ s/);
    assert.match(fields, /\*Event\*\nblocked/);
    assert.match(section.text.text, /threshold: confidence 0.2/);
    const actions = blocks.find((b) => b.type === 'actions');
    assert.equal(actions.elements[0].type, 'button');
    assert.equal(actions.elements[0].url, `${PUBLIC_URL}/items/${id}`);
    assert.match(JSON.stringify(blocks.at(-1)), /notifications\[0\]/);

    // Email: multipart text + HTML, clear subject, link, a footer naming the setting.
    assert.equal(mail.mail.subject, '[Verdict] ' + blocks[0].text.text);
    assert.match(mail.raw, /multipart\/alternative/);
    assert.ok(mail.mail.text && mail.mail.html, 'both text and HTML parts');
    assert.ok(mail.mail.text!.includes(`${PUBLIC_URL}/items/${id}`));
    assert.ok(String(mail.mail.html).includes(`href="${PUBLIC_URL}/items/${id}"`));
    assert.match(mail.mail.text!, /Routing: block/);
    assert.match(mail.mail.text!, /Reasons: threshold: confidence 0\.2/);
    assert.match(mail.mail.text!, /notifications\[0\] of "Support replies" \(support\)/);
    assert.equal(mail.mail.from?.value[0].address, 'verdict@example.com');
    assert.match(mail.raw, /List-Unsubscribe: <http:\/\/verdict\.example\/settings\/support>/);

    // includeContent is off: the output stays out of both. (The phrase, not "4711" alone: ids,
    // times and MIME boundaries can hold those digits by chance.)
    assert.ok(!JSON.stringify(post.json).includes(SECRET_PHRASE));
    assert.ok(!String(mail.mail.text).includes(SECRET_PHRASE));
    assert.ok(!String(mail.mail.html).includes(SECRET_PHRASE));
    // The SMTP password was used, and never written to the logs.
    assert.equal(smtp.logins.at(-1)?.password, 's3cret-pass');
    assert.ok(!server.logs.join('').includes('s3cret-pass'));

    // Exactly one per channel: nothing more arrives.
    await sleep(7_000);
    assert.equal(slack.at('/support').length, 1);
    assert.equal(smtp.to('leads@example.com').length, 1);
  });

  it('an escalation is its own event: one more message per channel', async () => {
    const item = await admin.post('/v1/queues/support/items', submission({ confidence: 0.7 }));
    assert.equal(item.body.routing, 'flag');
    // The blocked item of the test before comes first in line: decide it, then take ours.
    let claim = await reviewer.post('/v1/queues/support/claim');
    while (claim.body.item.id !== item.body.id) {
      await reviewer.post(`/v1/items/${claim.body.item.id}/decision`, { action: 'approve' });
      claim = await reviewer.post('/v1/queues/support/claim');
    }
    const decided = await reviewer.post(`/v1/items/${item.body.id}/decision`, {
      action: 'escalate',
      reason: 'not sure about the refund policy',
    });
    assert.equal(decided.status, 200);
    const posts = await eventually(async () => {
      const p = slack.at('/support').filter((x) => /escalated/.test(x.json.text));
      return p.length > 0 && p;
    }, 30_000);
    assert.match(posts[0].json.text, /^1 item escalated in Support replies/);
    await eventually(
      async () => smtp.to('leads@example.com').some((m) => /escalated/.test(m.mail.subject ?? '')),
      30_000,
    );
    await sleep(6_000);
    assert.equal(slack.at('/support').filter((x) => /escalated/.test(x.json.text)).length, 1);
    assert.equal(
      smtp.to('leads@example.com').filter((m) => /escalated/.test(m.mail.subject ?? '')).length,
      1,
    );
  });

  it('groups a burst of 50 blocked items: at most one message per minute, counting them all', async () => {
    await createQueue(admin, 'burst', {
      name: 'Burst queue',
      policy: { autoApproveAt: 0.9, blockBelow: 0.5 },
      notifications: [{ on: ['blocked'], slack: { webhookUrl: `${slack.url}/burst` } }],
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        admin.post('/v1/queues/burst/items', submission({ confidence: 0.1, externalId: `b-${i}` })),
      ),
    );
    assert.ok(results.every((r) => r.status === 201));
    const posts = await eventually(
      async () => {
        const p = slack.at('/burst');
        return p.reduce((n, x) => n + countOf(x), 0) >= 50 && p;
      },
      120_000,
      500,
    );
    assert.equal(
      posts.reduce((n, x) => n + countOf(x), 0),
      50,
    );
    assert.ok(posts.length <= 2, `${posts.length} messages for one burst`);
    assert.ok(countOf(posts[0]) > 1, 'the first message already groups items');
    assert.match(posts[0].json.text, /^\d+ items blocked in Burst queue, oldest \d+ s$/);
    if (posts.length === 2) assert.ok(posts[1].at - posts[0].at >= 55_000);
    // Ten items are listed; the rest are counted.
    assert.match(JSON.stringify(posts[0].json.blocks.at(-1)), /and \d+ more/);

    const log = await lead.get('/v1/queues/burst/notifications/deliveries');
    assert.equal(log.status, 200);
    assert.equal(
      log.body.deliveries.reduce((n: number, d: any) => n + d.itemCount, 0),
      50,
    );
    assert.ok(
      log.body.deliveries.every((d: any) => d.status === 'delivered' && d.channel === 'slack'),
    );
    assert.equal(log.body.deliveries[0].setting, 'notifications[0]');
    assert.ok(!JSON.stringify(log.body).includes('/burst'), 'the Slack path is not shown');
  });

  it('includeContent puts the output into the message', async () => {
    await createQueue(admin, 'content', {
      name: 'Content queue',
      policy: { autoApproveAt: 0.9, blockBelow: 0.5 },
      notifications: [
        { on: ['blocked'], slack: { webhookUrl: `${slack.url}/content` }, includeContent: true },
      ],
    });
    await admin.post(
      '/v1/queues/content/items',
      submission({ confidence: 0.1, output: { reply: SECRET_OUTPUT } }),
    );
    const [post] = await eventually(
      async () => slack.at('/content').length > 0 && slack.at('/content'),
      30_000,
    );
    assert.ok(JSON.stringify(post.json).includes(SECRET_PHRASE));
  });

  it('retries a failed Slack post and logs the attempts', async () => {
    slack.failFirst.set('/retry', 1);
    await createQueue(admin, 'retry', {
      name: 'Retry queue',
      policy: { autoApproveAt: 0.9, blockBelow: 0.5 },
      notifications: [{ on: ['blocked'], slack: { webhookUrl: `${slack.url}/retry` } }],
    });
    await admin.post('/v1/queues/retry/items', submission({ confidence: 0.1 }));
    await eventually(async () => slack.at('/retry').length === 1, 60_000);
    const log = await eventually(async () => {
      const res = await lead.get('/v1/queues/retry/notifications/deliveries');
      return res.body.deliveries[0]?.status === 'delivered' && res.body;
    }, 30_000);
    assert.equal(log.deliveries[0].attempts, 2);
  });

  it('sends a test message through a setting, on request of a lead only', async () => {
    const denied = await reviewer.post('/v1/queues/support/notifications/test', {
      index: 'nonsense',
    });
    assert.equal(denied.status, 403);
    const badIndex = await lead.post('/v1/queues/support/notifications/test', { index: 7 });
    assert.equal(badIndex.status, 400);
    assert.equal(badIndex.body.fields[0].field, 'index');
    const before = slack.at('/support').length;
    const res = await lead.post('/v1/queues/support/notifications/test', { index: 0 });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.deliveries.map((d: any) => [d.channel, d.kind, d.status]),
      [
        ['slack', 'test', 'delivered'],
        ['email', 'test', 'delivered'],
      ],
    );
    assert.equal(slack.at('/support').length, before + 1);
    assert.match(
      slack.at('/support').at(-1)!.json.text,
      /^Test message from Verdict for Support replies/,
    );
    await eventually(async () =>
      smtp.to('leads@example.com').some((m) => /Test message/.test(m.mail.subject ?? '')),
    );
    const forbidden = await reviewer.get('/v1/queues/support/notifications/deliveries');
    assert.equal(forbidden.status, 403);
  });

  it('refuses Slack URLs on private networks unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is true', async () => {
    const strict = await startServer(ctx, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
    try {
      const strictAdmin = await adminApi(strict.url);
      const res = await strictAdmin.patch('/v1/queues/support', {
        notifications: [{ on: ['blocked'], slack: { webhookUrl: 'http://10.1.2.3/hook' } }],
      });
      assert.equal(res.status, 400);
      assert.equal(res.body.fields[0].field, 'notifications[0].slack.webhookUrl');
    } finally {
      await strict.stop();
    }
  });
});
