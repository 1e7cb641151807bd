import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN,
  Api,
  createQueue,
  RunningServer,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { browserPerFile, openSession, signIn, unexpectedProblems } from '../support/browser';
import { SlackReceiver } from './receivers';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
const browser = browserPerFile();
const slack = new SlackReceiver();

before(async () => {
  await slack.start();
});

serverPerFile(
  ctx,
  async (started) => {
    ({ server, admin } = started);
    await createQueue(admin, 'support-replies', {
      name: 'Support replies',
      policy: { autoApproveAt: 0.9, blockBelow: 0.5 },
    });
  },
  { env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } },
);

after(async () => {
  slack.stop();
});

void describe('reaching people in the web app', () => {
  void it('a lead sets up a Slack notification and sends a test message from queue settings', async () => {
    const s = await openSession(browser(), server.url);
    try {
      await signIn(s.page, ADMIN.email, ADMIN.password);
      await s.page.goto('/settings/support-replies');
      const panel = s.page.getByRole('region', { name: 'Notifications' });
      await panel.getByRole('button', { name: 'Add a notification' }).click();
      await panel.getByLabel('Escalated').check();
      await panel.getByLabel('Slack incoming-webhook URL').fill(`${slack.url}/from-browser`);
      await panel.getByRole('button', { name: 'Save notifications' }).click();
      await panel.getByText('Notifications saved.').waitFor();
      const saved = await admin.get('/v1/queues/support-replies');
      assert.deepEqual(saved.body.notifications, [
        {
          on: ['blocked', 'escalated'],
          slack: { webhookUrl: `${slack.url}/from-browser` },
          includeContent: false,
        },
      ]);
      await panel.getByRole('button', { name: 'Send a test message' }).click();
      await panel.getByText('test message sent').waitFor();
      assert.equal(slack.at('/from-browser').length, 1);
      assert.match(slack.at('/from-browser')[0].json.text, /^Test message from Verdict/);
      // The delivery log shows it.
      await panel
        .getByRole('table', { name: 'Notification deliveries' })
        .getByText('delivered')
        .waitFor();
      assert.deepEqual(unexpectedProblems(s), []);
    } finally {
      await s.close();
    }
  });

  void it('a lead assigns an escalated item, and a reviewer sees "Assigned to me"', async () => {
    const lead = await userApi(admin, ['lead'], [], 'leah');
    const reviewer = await userApi(admin, ['reviewer'], ['support-replies'], 'ravi');
    const item = await admin.post(
      '/v1/queues/support-replies/items',
      submission({ confidence: 0.7, externalId: 'assign-me' }),
    );
    const escalated = await admin.post(
      '/v1/queues/support-replies/items',
      submission({ confidence: 0.7, externalId: 'escalate-me' }),
    );
    // Ravi escalates the first item he gets; the other waits.
    const claim = await reviewer.post('/v1/queues/support-replies/claim');
    await reviewer.post(`/v1/items/${claim.body.item.id}/decision`, {
      action: 'escalate',
      reason: 'unsure',
    });
    const waiting = claim.body.item.id === item.body.id ? escalated.body.id : item.body.id;
    // Assign the still-waiting item to Ravi through the API, the escalated one in the browser.
    assert.equal(
      (await lead.post(`/v1/items/${waiting}/assign`, { userId: reviewer.user.id })).status,
      200,
    );

    const leadSession = await openSession(browser(), server.url);
    try {
      await signIn(leadSession.page, 'leah@verdict.test', 'password-123');
      await leadSession.page.goto('/escalated');
      const table = leadSession.page.getByRole('table', {
        name: 'Escalated items in Support replies',
      });
      await table.getByLabel('Assign to').click();
      await leadSession.page.getByRole('option', { name: 'leah' }).click();
      await table.getByRole('button', { name: 'Assign' }).click();
      await table.getByText('Assigned to').waitFor();
      const stored = await admin.get(`/v1/items/${claim.body.item.id}`);
      assert.equal(stored.body.assignedTo.name, 'leah');
      assert.deepEqual(unexpectedProblems(leadSession), []);
    } finally {
      await leadSession.close();
    }

    const s = await openSession(browser(), server.url);
    try {
      await signIn(s.page, 'ravi@verdict.test', 'password-123');
      await s.page.goto('/queues');
      const mine = s.page.getByRole('table', { name: 'Items assigned to me' });
      const externalId = waiting === item.body.id ? 'assign-me' : 'escalate-me';
      await mine.getByText(externalId).waitFor();
      await mine.getByRole('button', { name: 'Review' }).click();
      await s.page.waitForURL(/\/review\/support-replies/);
      assert.deepEqual(unexpectedProblems(s), []);
    } finally {
      await s.close();
    }
  });
});
