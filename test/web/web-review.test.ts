import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  Api,
  apiKey,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  submit as submitItem,
  testContext,
  userApi,
} from '../support/harness';
import {
  assertNoConsoleErrors,
  browserPerFile,
  openSession,
  signIn,
  signedInSession,
} from '../support/browser';
import { startReviewing } from './web-support';

const ctx = testContext(__filename);
const QUEUES = [
  'live-counts',
  'keyboard',
  'corrections',
  'xss',
  'short-lease',
  'active-lease',
  'skipping',
  'sla',
  'resume',
];
const LABELS = ['hallucination', 'tone', 'policy', 'format'];
const SCHEMA = { type: 'object', required: ['reply'], properties: { reply: { type: 'string' } } };
let server: RunningServer;
let admin: Api;
let product: Api;
let reviewer: Api & { user: { id: string; email: string } };
const browser = browserPerFile();

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  for (const slug of QUEUES) {
    await createQueue(admin, slug, {
      name: slug.replace('-', ' '),
      labels: LABELS,
      outputSchema: SCHEMA,
      leaseSeconds: slug.endsWith('-lease') ? 10 : 300,
      ...(slug === 'sla'
        ? { sla: { blockedSeconds: 1, onBlockedTimeout: 'reject', flaggedSeconds: null } }
        : {}),
    });
  }
  product = await apiKey(admin, QUEUES);
  reviewer = await userApi(admin, ['reviewer'], QUEUES, 'reviewer');
});

const submit = (slug: string, overrides: Record<string, unknown> = {}) =>
  submitItem(product, slug, overrides);
const reviewerSession = () => signedInSession(browser(), server.url, reviewer.user.email);

const output = (page: Page) => page.getByTestId('output');

void describe('reviewer web app', () => {
  void it('updates a queue count live when an item is submitted through the API', async () => {
    const s = await reviewerSession();
    try {
      const pending = s.page.getByTestId('pending-live-counts');
      await pending.getByText('0', { exact: true }).waitFor();
      await s.page.getByLabel('Live updates connected').waitFor();
      await submit('live-counts');
      await pending.getByText('1', { exact: true }).waitFor({ timeout: 10_000 });
      await submit('live-counts', { confidence: 0.2 });
      await pending.getByText('2', { exact: true }).waitFor({ timeout: 10_000 });
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('highlights SLA breaches on the overview as they happen', async () => {
    const s = await reviewerSession();
    try {
      const breaches = s.page.getByTestId('sla-breaches-sla');
      await breaches.getByText('0', { exact: true }).waitFor();
      const item = await submit('sla', { confidence: 0.2 });
      // Blocked for longer than blockedSeconds: the timeout rejects it and the overview says so.
      await breaches.getByText('1 breached').waitFor({ timeout: 15_000 });
      const decided = await admin.get(`/v1/items/${item.id}`);
      assert.equal(decided.body.decidedBy, 'timeout');
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('claims, decides with the keyboard and loads the next item at once', async () => {
    const first = await submit('keyboard', {
      output: { reply: 'First reply: refund sent Monday.' },
    });
    const second = await submit('keyboard', {
      output: { reply: 'Second reply: refund sent Tuesday.' },
      model: { name: 'support-llm', version: '2026-11-02' },
      metadata: { amount: 40, locale: 'de' },
    });
    const s = await reviewerSession();
    try {
      await s.page
        .getByTestId('queue-keyboard')
        .getByRole('button', { name: 'Start reviewing' })
        .click();
      await output(s.page).getByText('First reply: refund sent Monday.').waitFor();
      // Routing, reasons, confidence, model and the chat input are all on screen.
      await s.page.getByTestId('routing').getByText('flagged').waitFor();
      await s.page.getByTestId('reasons').getByText('confidence 0.73', { exact: false }).waitFor();
      await s.page
        .getByRole('list', { name: 'Conversation' })
        .getByText('Where is my refund?')
        .waitFor();
      await s.page.getByRole('button', { name: 'Approve', exact: true }).waitFor();

      await s.page.keyboard.press('a');
      await output(s.page).getByText('Second reply: refund sent Tuesday.').waitFor();
      await s.page.getByTestId('model').getByText('support-llm · 2026-11-02').waitFor();
      await s.page.getByTestId('metadata').getByText('de', { exact: true }).waitFor();
      const approved = await admin.get(`/v1/items/${first.id}`);
      assert.equal(approved.body.status, 'approved');
      assert.equal(approved.body.decidedBy, 'reviewer');

      // Rejecting needs a label: the app says so instead of sending.
      await s.page.keyboard.press('r');
      await s.page
        .getByRole('alert')
        .getByText('Choose at least one label to reject this item.')
        .waitFor();
      await s.page.locator('body').press('2');
      assert.equal(await s.page.getByRole('checkbox', { name: /tone/ }).isChecked(), true);
      await s.page.locator('body').press('r');
      await s.page.getByTestId('empty-queue').waitFor();
      const rejected = await admin.get(`/v1/items/${second.id}`);
      assert.equal(rejected.body.status, 'rejected');
      assert.deepEqual(rejected.body.reviews.at(-1).labels, ['tone']);

      // The empty queue picks up a new item as soon as it arrives.
      const third = await submit('keyboard', { output: { reply: 'Third reply, arrived later.' } });
      await output(s.page).getByText('Third reply, arrived later.').waitFor({ timeout: 10_000 });
      const claimed = await admin.get(`/v1/items/${third.id}`);
      assert.equal(claimed.body.status, 'in_review');
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('skips an item: it goes back to the queue and the next one loads', async () => {
    const a = await submit('skipping', { output: { reply: 'Item A' } });
    await submit('skipping', { output: { reply: 'Item B' } });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'skipping');
      await output(s.page).getByText('Item A').waitFor();
      await s.page.keyboard.press('s');
      await output(s.page).getByText('Item B').waitFor();
      const skipped = await admin.get(`/v1/items/${a.id}`);
      assert.equal(skipped.body.status, 'pending');
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('opens a queue from its own address, /queues/<slug>, signed in or not', async () => {
    const s = await openSession(browser(), server.url);
    try {
      // Signed out: the deep link survives the sign-in page.
      await s.page.goto('/queues/keyboard');
      await s.page.waitForURL('**/login');
      await signIn(s.page, reviewer.user.email, 'password-123');
      await s.page.waitForURL('**/review/keyboard');
      await s.page.getByRole('heading', { name: 'Reviewing keyboard' }).waitFor();
      // It opens the queue; it does not claim an item by itself.
      await s.page.getByRole('button', { name: 'Start reviewing' }).waitFor();
      assert.equal(await s.page.getByText('Page not found').count(), 0);

      // Signed in, from the queue list: Back returns there, not to the redirecting address.
      await s.page.goto('/queues');
      await s.page.getByTestId('queue-keyboard').waitFor();
      await s.page.goto('/queues/keyboard');
      await s.page.waitForURL('**/review/keyboard');
      await s.page.goBack();
      await s.page.waitForURL((url) => url.pathname === '/queues');
      await s.page.getByTestId('queue-keyboard').waitFor();
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('keeps the reviewer’s place across a reload and an ended session', async () => {
    const item = await submit('resume', { output: { reply: 'Hold my place' } });
    await submit('resume', { output: { reply: 'Next in line' } });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'resume');
      await output(s.page).getByText('Hold my place').waitFor();
      await s.page.reload();
      await output(s.page).getByText('Hold my place').waitFor();
      await s.page.getByText('Picked up where you left off.').waitFor();

      // The token stops working (as when it expires) while the reviewer decides.
      await s.page.evaluate("localStorage.setItem('verdict.token', 'expired.token.value')");
      await s.page.keyboard.press('a');
      await s.page.waitForURL('**/login');
      await s.page.getByText('Sign in again to continue where you left off.').waitFor();
      await signIn(s.page, reviewer.user.email, 'password-123');
      await s.page.waitForURL('**/review/resume');
      await output(s.page).getByText('Hold my place').waitFor();
      await s.page.keyboard.press('a');
      await output(s.page).getByText('Next in line').waitFor();
      assert.equal((await admin.get(`/v1/items/${item.id}`)).body.status, 'approved');
      assertNoConsoleErrors(s, '401');
    } finally {
      await s.close();
    }
  });

  void it('corrects with the editor, checking the schema in the browser, and the API shows the correction', async () => {
    const item = await submit('corrections', {
      output: { reply: 'Your refund was sent on Monday.' },
    });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'corrections');
      await output(s.page).getByText('Your refund was sent on Monday.').waitFor();
      await s.page.keyboard.press('c');
      // Object outputs open as one field per field; raw JSON is one click away.
      await s.page.getByTestId('correction-field-reply').waitFor();
      await s.page.getByText('Raw JSON').click();
      const editor = s.page.getByLabel('Corrected output');
      await editor.waitFor();
      const save = s.page.getByRole('button', { name: /Save correction/ });

      await editor.fill('{"reply": ');
      await s.page.getByText(/Not valid JSON/).waitFor();
      assert.equal(await save.isDisabled(), true);

      await editor.fill('{"reply": 42}');
      await s.page.getByText('output/reply must be string').waitFor();
      assert.equal(await save.isDisabled(), true);

      await editor.fill('{\n  "reply": "Your refund was sent on Tuesday."\n}');
      const diff = s.page.getByTestId('correction-diff');
      // A word diff: only the changed word is marked.
      await diff.locator('.diff-removed').getByText('Monday').waitFor();
      await diff.locator('.diff-added').getByText('Tuesday').waitFor();
      await s.page.getByRole('checkbox', { name: /hallucination/ }).check();
      await editor.press('Control+Enter');
      await s.page.getByTestId('empty-queue').waitFor();

      const corrected = await admin.get(`/v1/items/${item.id}`);
      assert.equal(corrected.body.status, 'corrected');
      assert.deepEqual(corrected.body.finalOutput, { reply: 'Your refund was sent on Tuesday.' });
      assert.deepEqual(corrected.body.reviews.at(-1).labels, ['hallucination']);
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('shows HTML and script in inputs and outputs as text, never running them', async () => {
    const payloads = [
      '<img src=x onerror="window.__pwned=1;alert(1)">',
      '<script>window.__pwned=2;alert(2)</script>',
      '<svg onload="window.__pwned=3">',
    ];
    await submit('xss', {
      input: { messages: [{ role: 'user', content: payloads[0] }], system: payloads[1] },
      output: `${payloads[1]}${payloads[0]}`,
      metadata: { note: payloads[2], nested: { html: payloads[0] } },
      model: { name: payloads[2], version: payloads[1] },
    });
    await submit('xss', { input: payloads[2], output: { reply: payloads[0] } });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'xss');
      await output(s.page).getByText(`${payloads[1]}${payloads[0]}`).waitFor();
      await s.page.getByRole('list', { name: 'Conversation' }).getByText(payloads[0]).waitFor();
      await s.page.getByTestId('metadata').getByText(payloads[2]).waitFor();
      await s.page.keyboard.press('a');
      // The second item: a plain-string input and a JSON output holding the payload.
      await s.page.getByTestId('input').getByText(payloads[2]).waitFor();
      await output(s.page).getByText(payloads[0], { exact: true }).waitFor();
      // Give any injected handler time to fire before looking for its effects.
      await s.page.waitForTimeout(500);
      assert.equal(await s.page.evaluate('typeof window.__pwned'), 'undefined');
      assert.equal(await s.page.locator('img[src="x"], svg[onload], main script').count(), 0);
      assert.deepEqual(s.dialogs, []);
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('warns before an idle reviewer’s lease expires, and keeps it when asked', async () => {
    const item = await submit('short-lease', { output: { reply: 'Lease me' } });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'short-lease');
      await output(s.page).getByText('Lease me').waitFor();
      await s.page.getByRole('timer').waitFor();
      const warning = s.page
        .getByRole('alert')
        .filter({ hasText: 'Your lease is about to expire' });
      await warning.waitFor({ timeout: 12_000 });
      const before = (await admin.get(`/v1/items/${item.id}`)).body.review.leaseExpiresAt as string;
      await warning.getByRole('button', { name: 'Keep reviewing' }).click();
      await warning.waitFor({ state: 'detached' });
      const extended = await eventually(async () => {
        const now = (await admin.get(`/v1/items/${item.id}`)).body.review.leaseExpiresAt as string;
        return Date.parse(now) > Date.parse(before) && now;
      });
      assert.ok(extended);
      // Left alone again, the warning returns and then the lease runs out.
      await warning.waitFor({ timeout: 12_000 });
      await s.page
        .getByText('Your lease expired, so the item went back to the queue.')
        .waitFor({ timeout: 12_000 });
      await eventually(
        async () => (await admin.get(`/v1/items/${item.id}`)).body.status === 'pending',
        10_000,
      );
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('extends the lease by itself while the reviewer keeps working', async () => {
    const item = await submit('active-lease', { output: { reply: 'Busy reviewer' } });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'active-lease');
      await output(s.page).getByText('Busy reviewer').waitFor();
      const first = (await admin.get(`/v1/items/${item.id}`)).body.review.leaseExpiresAt as string;
      // Typing a comment for longer than the whole 10-second lease.
      const comment = s.page.getByLabel('Comment (optional)');
      for (let i = 0; i < 14; i++) {
        await comment.pressSequentially('.');
        await s.page.waitForTimeout(1000);
      }
      const now = (await admin.get(`/v1/items/${item.id}`)).body;
      assert.equal(now.status, 'in_review');
      assert.equal(now.review.claimedBy, reviewer.user.id);
      assert.ok(
        Date.parse(now.review.leaseExpiresAt) > Date.parse(first),
        'the lease was extended',
      );
      assert.equal(await s.page.getByText('Your lease expired').count(), 0);
      await s.page.getByRole('button', { name: 'Approve', exact: true }).click();
      await s.page.getByTestId('empty-queue').waitFor();
      assert.equal((await admin.get(`/v1/items/${item.id}`)).body.status, 'approved');
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });
});
