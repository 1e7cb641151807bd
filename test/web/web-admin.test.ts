import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ADMIN,
  Api,
  apiKey,
  createQueue,
  RunningServer,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { assertNoConsoleErrors, browserPerFile, signedInSession } from '../support/browser';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
const browser = browserPerFile();

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'support-replies', { name: 'Support replies', labels: ['tone'] });
  await createQueue(admin, 'escalations', { name: 'Escalations', labels: ['tone'] });
});

const adminSession = () => signedInSession(browser(), server.url, ADMIN.email, ADMIN.password);

void describe('lead and admin pages', () => {
  void it('edits the policy, showing the server’s validation message next to the field', async () => {
    const s = await adminSession();
    try {
      await s.page.goto('/settings/support-replies');
      const autoApprove = s.page.getByLabel('Auto-approve at');
      const blockBelow = s.page.getByLabel('Block below');
      await autoApprove.fill('0.4');
      await blockBelow.fill('0.6');
      await s.page.getByRole('button', { name: 'Save policy' }).click();
      await s.page.getByText('Block below must not be greater than Auto-approve at.').waitFor();
      assert.equal(await blockBelow.getAttribute('aria-invalid'), 'true');
      assert.notEqual(await autoApprove.getAttribute('aria-invalid'), 'true');

      await autoApprove.fill('0.85');
      await blockBelow.fill('0.3');
      await s.page
        .getByLabel('Rules')
        .fill('[{"name": "bad", "when": {"no-such-op": [1]}, "route": "block"}]');
      await s.page.getByRole('button', { name: 'Save policy' }).click();
      await s.page
        .getByText(/Rule 1: when uses unknown operator/)
        .first()
        .waitFor();
      assert.equal(await s.page.getByLabel('Rules').getAttribute('aria-invalid'), 'true');

      await s.page
        .getByLabel('Rules')
        .fill(
          '[{"name": "large refund", "when": {">": [{"var": "metadata.amount"}, 1000]}, "route": "block"}]',
        );
      await s.page.getByLabel('Audit sample rate').fill('0.1');
      await s.page.getByRole('button', { name: 'Save policy' }).click();
      await s.page.getByText('Saved as a new policy version.').waitFor();
      const queue = (await admin.get('/v1/queues/support-replies')).body;
      assert.equal(queue.policyVersion, 2);
      assert.deepEqual(
        {
          a: queue.policy.autoApproveAt,
          b: queue.policy.blockBelow,
          s: queue.policy.auditSampleRate,
        },
        { a: 0.85, b: 0.3, s: 0.1 },
      );
      assert.equal(queue.policy.rules[0].name, 'large refund');

      // Settings: a lease of no time at all is refused next to its field, then saved. Durations
      // are entered in minutes/hours/days: 300 s shows as 5 minutes.
      const lease = s.page.getByLabel('Lease', { exact: true });
      assert.equal(await lease.inputValue(), '5');
      await lease.fill('0');
      const labels = s.page.getByRole('combobox', { name: 'Labels' });
      await labels.fill('hallucination');
      await labels.press('Enter');
      await s.page.getByRole('button', { name: 'Save settings' }).click();
      await s.page.getByText('Enter a number above 0.').waitFor();
      assert.equal(await lease.getAttribute('aria-invalid'), 'true');
      await lease.fill('1');
      await s.page.getByRole('button', { name: 'Save settings' }).click();
      await s.page.getByText('Saved.', { exact: true }).waitFor();
      const saved = (await admin.get('/v1/queues/support-replies')).body;
      assert.equal(saved.leaseSeconds, 60);
      assert.deepEqual(saved.labels, ['tone', 'hallucination']);
      assertNoConsoleErrors(s, '400');
    } finally {
      await s.close();
    }
  });

  void it('creates an API key shown once with a copy button, and revokes it', async () => {
    const s = await adminSession();
    try {
      await s.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: server.url,
      });
      await s.page.goto('/api-keys');
      await s.page.getByRole('button', { name: 'New API key' }).click();
      const dialog = s.page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('support bot');
      await dialog.getByRole('checkbox', { name: 'Support replies (support-replies)' }).check();
      await dialog.getByRole('button', { name: 'Create key' }).click();
      const key = (await dialog.getByTestId('new-api-key').textContent())!.trim();
      assert.match(key, /^vk_/);
      await dialog.getByRole('button', { name: 'Copy key' }).click();
      await dialog.getByRole('button', { name: 'Copied' }).waitFor();
      assert.equal(await s.page.evaluate('navigator.clipboard.readText()'), key);

      const product = admin.as(key);
      assert.equal(
        (await product.post('/v1/queues/support-replies/items', submission())).status,
        201,
      );

      await dialog.getByRole('button', { name: 'Done' }).click();
      await s.page.getByRole('cell', { name: 'support bot', exact: true }).waitFor();
      assert.equal(await s.page.getByText(key).count(), 0, 'the key is not shown again');
      await s.page.getByRole('button', { name: 'Revoke support bot' }).click();
      await s.page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
      await s.page.getByText('revoked', { exact: true }).waitFor();
      assert.equal(
        (await product.post('/v1/queues/support-replies/items', submission())).status,
        401,
      );
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('creates a user and changes their roles and queues', async () => {
    const s = await adminSession();
    try {
      await s.page.goto('/users');
      await s.page.getByRole('button', { name: 'New user' }).click();
      const dialog = s.page.getByRole('dialog');
      await dialog.getByLabel('Email').fill('new.reviewer@verdict.test');
      await dialog.getByLabel('Name').fill('New Reviewer');
      await dialog.getByLabel('Password').fill('password-123');
      await dialog.getByRole('checkbox', { name: 'Support replies (support-replies)' }).check();
      await dialog.getByRole('button', { name: 'Create user' }).click();
      await s.page.getByRole('cell', { name: 'new.reviewer@verdict.test', exact: true }).waitFor();

      await s.page.getByRole('button', { name: 'Edit new.reviewer@verdict.test' }).click();
      const edit = s.page.getByRole('dialog');
      await edit.getByRole('checkbox', { name: 'Lead' }).check();
      await edit.getByRole('button', { name: 'Save user' }).click();
      await edit.waitFor({ state: 'detached' });
      const users = (await admin.get('/v1/users')).body as {
        email: string;
        roles: string[];
        queues: string[];
      }[];
      const created = users.find((u) => u.email === 'new.reviewer@verdict.test')!;
      assert.deepEqual(created.roles.sort(), ['lead', 'reviewer']);
      assert.deepEqual(created.queues, ['support-replies']);
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('lists escalated items, and a lead’s decision on one is final', async () => {
    const product = await apiKey(admin, ['escalations']);
    const item = (
      await product.post(
        '/v1/queues/escalations/items',
        submission({ output: { reply: 'Unsure one' } }),
      )
    ).body as { id: string };
    const reviewer = await userApi(admin, ['reviewer'], ['escalations'], 'esc');
    const claim = await reviewer.post('/v1/queues/escalations/claim');
    assert.equal(claim.status, 200);
    const escalated = await reviewer.post(`/v1/items/${item.id}/decision`, {
      action: 'escalate',
      reason: 'warranty question',
    });
    assert.equal(escalated.status, 200, JSON.stringify(escalated.body));

    const s = await adminSession();
    try {
      await s.page.goto('/escalated');
      const section = s.page.getByRole('region', { name: 'Escalated in Escalations' });
      await section
        .getByRole('table')
        .getByText(/confidence 0.73/)
        .waitFor();
      await section.getByRole('button', { name: 'Review escalated in Escalations' }).click();
      await s.page.getByTestId('output').getByText('Unsure one').waitFor();
      await s.page.getByText('warranty question', { exact: false }).waitFor();
      assert.equal(await s.page.getByRole('button', { name: /Escalate/ }).count(), 0);
      await s.page.keyboard.press('a');
      await s.page.getByTestId('empty-queue').waitFor();
      const final = (await admin.get(`/v1/items/${item.id}`)).body;
      assert.equal(final.status, 'approved');
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });
});
