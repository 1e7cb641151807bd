import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
import { assertNoConsoleErrors, browserPerFile, signedInSession } from '../support/browser';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
let product: Api;
let lead: Api & { user: { id: string; email: string } };
let reviewer: Api & { user: { id: string; email: string } };
const browser = browserPerFile();

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'support', { name: 'Support', labels: ['tone'] });
  await createQueue(admin, 'escalations', { name: 'Escalations', labels: ['tone'] });
  product = await apiKey(admin, ['support', 'escalations']);
  lead = await userApi(admin, ['lead'], [], 'dana');
  reviewer = await userApi(admin, ['reviewer'], ['support', 'escalations'], 'robin');
});

const submit = (slug: string, overrides: Record<string, unknown> = {}) =>
  submitItem(product, slug, overrides);
const session = (who: { user: { email: string } }) =>
  signedInSession(browser(), server.url, who.user.email);

void describe('items in the web app', () => {
  void it('finds an item by externalId from the search box and opens it', async () => {
    await submit('support', { externalId: 'other-ticket', output: { reply: 'Not this one.' } });
    const item = await submit('support', {
      externalId: 'ticket-4711-reply-1',
      output: { reply: 'Your refund left on Monday.' },
    });
    const s = await session(lead);
    try {
      await s.page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Items', exact: true })
        .click();
      await s.page.waitForURL('**/items');
      await s.page.getByLabel('Search', { exact: true }).fill('ticket-4711-reply-1');
      await s.page.getByRole('button', { name: 'Search', exact: true }).click();
      // The search is in the URL, so it can be shared.
      await s.page.waitForURL((url) => url.searchParams.get('search') === 'ticket-4711-reply-1');
      const exact = s.page.getByRole('table', { name: 'Exact matches' });
      await exact.getByRole('link', { name: 'ticket-4711-reply-1' }).click();
      await s.page.waitForURL(`**/items/${item.id}`);
      await s.page.getByRole('heading', { name: 'ticket-4711-reply-1' }).waitFor();
      await s.page.getByTestId('output').getByText('Your refund left on Monday.').waitFor();
      await s.page.getByTestId('fact-policy-version').getByText('1').waitFor();
      // A shared link opens the same search.
      await s.page.goto('/items?queue=support&search=ticket-4711-reply-1');
      await exact.getByRole('link', { name: 'ticket-4711-reply-1' }).waitFor();
      await s.page.getByRole('table', { name: 'Search results' }).waitFor();
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('lists submit, claim and decision in the timeline with their actors', async () => {
    const item = await submit('support', {
      externalId: 'timeline-1',
      output: { reply: 'Refund sent Monday.' },
    });
    const claimed = await reviewer.post('/v1/queues/support/claim');
    assert.equal(claimed.status, 200);
    // Earlier items in the line are decided too, until this one is the one claimed.
    let current = claimed.body.item.id as string;
    while (current !== item.id) {
      await reviewer.post(`/v1/items/${current}/decision`, { action: 'approve' });
      current = (await reviewer.post('/v1/queues/support/claim')).body.item.id as string;
    }
    const decided = await reviewer.post(`/v1/items/${item.id}/decision`, {
      action: 'correct',
      labels: ['tone'],
      correctedOutput: { reply: 'Refund sent Tuesday.' },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const s = await session(lead);
    try {
      await s.page.goto(`/items/${item.id}`);
      const trail = s.page.getByRole('table', { name: 'Audit trail' });
      await trail.getByTestId('event-submitted').getByText('test key (API key)').waitFor();
      await trail.getByTestId('event-claimed').getByText('robin').waitFor();
      await trail.getByTestId('event-decided').getByText('robin').waitFor();
      await s.page
        .getByTestId('chain-verify')
        .getByText(/chain verified/)
        .waitFor();
      // The correction as a diff, and the review with its reviewer.
      await s.page.getByTestId('final-diff').getByText('"reply": "Refund sent Tuesday."').waitFor();
      await s.page.getByRole('table', { name: 'Reviews' }).getByText('robin').waitFor();
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('shows a comment posted in one browser in another without reload', async () => {
    const item = await submit('support', { externalId: 'comments-1' });
    const leadSession = await session(lead);
    const reviewerSession = await session(reviewer);
    try {
      await reviewerSession.page.goto(`/items/${item.id}`);
      await reviewerSession.page.getByText('No comments yet.').waitFor();
      await reviewerSession.page.getByLabel('Live updates connected').waitFor();
      await leadSession.page.goto(`/items/${item.id}`);
      await leadSession.page
        .getByLabel('Add a comment')
        .fill(
          'Please **double-check** the date. See [the policy](https://example.com/policy) <img src=x onerror="window.hacked=1">',
        );
      await leadSession.page.getByRole('button', { name: 'Post comment' }).click();
      await leadSession.page.getByTestId('comment').getByText('double-check').waitFor();

      const thread = reviewerSession.page.getByRole('list', { name: 'Comment thread' });
      const comment = thread.getByTestId('comment');
      await comment.getByText('double-check').waitFor({ timeout: 20_000 });
      await comment.getByText('dana').waitFor();
      // Markdown is rendered; raw HTML is shown as text, never run; links are safe.
      assert.equal(await comment.locator('strong').textContent(), 'double-check');
      const link = comment.getByRole('link', { name: 'the policy' });
      assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
      assert.equal(await comment.locator('img').count(), 0);
      await comment.getByText('<img src=x', { exact: false }).waitFor();
      assert.equal(
        await reviewerSession.page.evaluate(() => (globalThis as { hacked?: unknown }).hacked),
        undefined,
      );
      assertNoConsoleErrors(leadSession);
      assertNoConsoleErrors(reviewerSession);
    } finally {
      await leadSession.close();
      await reviewerSession.close();
    }
  });

  void it('round-trips an escalation note and the lead’s reply', async () => {
    const item = await submit('escalations', {
      externalId: 'esc-1',
      output: { reply: 'The warranty covers water damage.' },
    });
    const reviewerSession = await session(reviewer);
    const leadSession = await session(lead);
    try {
      const rp = reviewerSession.page;
      await rp.goto('/review/escalations');
      await rp.getByRole('button', { name: 'Start reviewing' }).click();
      await rp.getByTestId('output').getByText('The warranty covers water damage.').waitFor();
      // Escalating asks for a note first.
      await rp.getByRole('button', { name: /Escalate/ }).click();
      await rp
        .getByRole('alert')
        .getByText(/note for the lead/)
        .waitFor();
      await rp.getByLabel(/Comment/).fill('Not sure water damage is covered; please check.');
      await rp.getByRole('button', { name: /Escalate/ }).click();
      await rp.getByTestId('empty-queue').waitFor();
      const escalated = (await admin.get(`/v1/items/${item.id}`)).body;
      assert.equal(escalated.status, 'escalated');

      const lp = leadSession.page;
      await lp.goto('/escalated');
      const section = lp.getByRole('region', { name: 'Escalated in Escalations' });
      const note = section.getByTestId('escalation-note');
      await note.getByText('Not sure water damage is covered; please check.').waitFor();
      await note.getByText(/robin/).waitFor();
      await section.getByRole('link', { name: 'esc-1' }).click();
      await lp.waitForURL(`**/items/${item.id}`);
      const top = lp.getByTestId('escalation-note');
      await top.getByText('Not sure water damage is covered; please check.').waitFor();
      await top.getByText(/Escalated by robin/).waitFor();

      // The reviewer finds the item among those they reviewed; the lead's reply reaches them live.
      await rp
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Items' })
        .click();
      // Controlled by the URL: the box shows the new state once the navigation lands. A click
      // that lands while the page is still settling can be lost, so click until the URL says so
      // (never twice within 2 s, which would toggle it back off).
      await rp.waitForURL((url) => url.pathname === '/items');
      await eventually(
        async () => {
          if (new URL(rp.url()).searchParams.get('reviewer') === 'me') return true;
          await rp.getByLabel('Reviewed by me').click();
          return false;
        },
        30_000,
        2_000,
      );
      await rp
        .getByRole('table', { name: 'Search results' })
        .getByRole('link', { name: 'esc-1' })
        .click();
      await rp.waitForURL(`**/items/${item.id}`);
      await rp
        .getByTestId('escalation-note')
        .getByText(/Escalated by robin \(you\)/)
        .waitFor();
      await rp.getByText('No comments yet.').waitFor();
      await rp.getByLabel('Live updates connected').waitFor();
      await lp.getByLabel('Add a comment').fill('It is not covered: reject with label tone.');
      await lp.getByRole('button', { name: 'Post comment' }).click();
      await rp
        .getByTestId('comment')
        .getByText('It is not covered: reject with label tone.')
        .waitFor({ timeout: 20_000 });
      await rp.getByTestId('comment').getByText('dana').waitFor();
      // The queue count links to the items behind it.
      await lp.goto('/escalated');
      await lp.getByRole('link', { name: 'All escalated items in Escalations' }).click();
      await lp.waitForURL(
        (url) =>
          url.pathname === '/items' &&
          url.searchParams.get('queue') === 'escalations' &&
          url.searchParams.get('status') === 'escalated',
      );
      await lp.getByRole('table', { name: 'Search results' }).getByText('esc-1').waitFor();
      assertNoConsoleErrors(reviewerSession);
      assertNoConsoleErrors(leadSession);
    } finally {
      await reviewerSession.close();
      await leadSession.close();
    }
  });
});
