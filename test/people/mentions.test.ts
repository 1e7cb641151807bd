/**
 * Comment and @mention notifications. These use POST /v1/items/:id/comments, which the
 * `explorer` branch adds: run after that branch is merged.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, createQueue, eventually, submission, testContext, userApi } from '../support/harness';
import { serverPerFileWithReceivers } from './receivers';

const ctx = testContext(__filename);

describe('comments and @mentions reach people', () => {
  let admin: Api;
  const { slack, smtp } = serverPerFileWithReceivers(
    ctx,
    async (started) => {
      admin = started.admin;
      await createQueue(admin, 'talk', {
        name: 'Talk queue',
        notifications: [{ on: ['comment'], slack: { webhookUrl: `${slack.url}/talk` } }],
      });
      await createQueue(admin, 'secret', { name: 'Secret queue' });
    },
    (smtpUrl) => ({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      SMTP_URL: smtpUrl,
      PUBLIC_URL: 'http://verdict.example',
    }),
  );

  it('a comment sends one Slack message (without its text), and @name emails that user only', async () => {
    const ada = await userApi(admin, ['reviewer'], ['talk'], 'ada');
    await userApi(admin, ['reviewer'], ['secret'], 'eve');
    const item = await admin.post('/v1/queues/talk/items', submission({ confidence: 0.7 }));
    const comment = await ada.post(`/v1/items/${item.body.id}/comments`, {
      body: 'Looks wrong to me, @admin@verdict.test please check. Also @eve.',
    });
    assert.equal(comment.status, 201);

    const [post] = await eventually(
      async () => slack.at('/talk').length > 0 && slack.at('/talk'),
      30_000,
    );
    assert.match(post.json.text, /^1 new comment in Talk queue/);
    assert.ok(!JSON.stringify(post.json).includes('Looks wrong'), 'includeContent is off');

    const [mail] = await eventually(
      async () => smtp.to('admin@verdict.test').length > 0 && smtp.to('admin@verdict.test'),
      30_000,
    );
    assert.equal(mail.mail.subject, '[Verdict] ada mentioned you in Talk queue');
    assert.match(mail.mail.text!, /Looks wrong to me/);
    assert.ok(mail.mail.text!.includes(`http://verdict.example/items/${item.body.id}`));
    // Eve cannot see the queue: no mail for her, however she is named.
    await new Promise((r) => setTimeout(r, 6_000));
    assert.equal(smtp.to('eve@verdict.test').length, 0);
    assert.equal(smtp.to('admin@verdict.test').length, 1);
    assert.equal(slack.at('/talk').length, 1);
  });
});
