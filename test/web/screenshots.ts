/**
 * Takes the README screenshots (docs/screenshots/*.png) at 1280×800 from a seeded server.
 * Not a test: run `npm run build:web && npx tsc -p tsconfig.json && node dist/test/web/screenshots.js`.
 */
import { join } from 'node:path';
import {
  ADMIN,
  adminApi,
  apiKey,
  createQueue,
  dropTestState,
  startServer,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { launchBrowser, openSession, signIn } from '../support/browser';

const OUT = join(__dirname, '..', '..', '..', 'docs', 'screenshots');

async function main() {
  const ctx = testContext('/screenshots.test.js');
  const server = await startServer(ctx);
  const browser = await launchBrowser();
  try {
    const admin = await adminApi(server.url);
    await createQueue(admin, 'support-replies', {
      name: 'Support replies',
      policy: {
        autoApproveAt: 0.9,
        blockBelow: 0.5,
        auditSampleRate: 0.05,
        rules: [
          {
            name: 'large refund',
            when: { '>': [{ var: 'metadata.amount' }, 1000] },
            route: 'block',
          },
        ],
      },
      outputSchema: {
        type: 'object',
        required: ['reply'],
        properties: { reply: { type: 'string' } },
      },
      labels: ['hallucination', 'tone', 'policy', 'format'],
      sla: { blockedSeconds: 900, onBlockedTimeout: 'escalate', flaggedSeconds: 86400 },
    });
    await createQueue(admin, 'product-descriptions', {
      name: 'Product descriptions',
      labels: ['inaccurate', 'style'],
    });
    await createQueue(admin, 'ticket-triage', { name: 'Ticket triage' });
    const product = await apiKey(admin, ['*']);
    const send = (slug: string, body: Record<string, unknown>) =>
      product.post(`/v1/queues/${slug}/items`, submission(body));

    await send('support-replies', {
      externalId: 'ticket-8812-reply-1',
      input: {
        messages: [
          {
            role: 'system',
            content: 'You are a support agent for Acme Outdoor. Be concise and accurate.',
          },
          {
            role: 'user',
            content: 'Hi, I returned my tent two weeks ago. Where is my refund of 1,240 EUR?',
          },
        ],
      },
      output: {
        reply: 'Your refund of 1,240 EUR was sent on Monday and should arrive within 2 days.',
      },
      confidence: 0.64,
      metadata: { amount: 1240, locale: 'en', channel: 'email', customerTier: 'gold' },
    });
    for (let i = 0; i < 7; i++) {
      await send('support-replies', {
        externalId: `ticket-88${20 + i}-reply-1`,
        confidence: 0.55 + i * 0.04,
        output: { reply: `Thanks for reaching out! (${i})` },
      });
    }
    for (let i = 0; i < 4; i++)
      await send('product-descriptions', { confidence: 0.3 + i * 0.1, output: `Description ${i}` });
    await send('ticket-triage', { confidence: 0.95, output: { queue: 'billing' } });

    // One item already with a reviewer, one escalated by a colleague.
    const colleague = await userApi(admin, ['reviewer'], ['product-descriptions'], 'sam');
    await colleague.post('/v1/queues/product-descriptions/claim');
    const second = await colleague.post('/v1/queues/product-descriptions/claim');
    const escalatedId = second.status === 200 ? (second.body.item.id as string) : null;
    if (second.status === 200)
      await colleague.post(`/v1/items/${second.body.item.id}/decision`, {
        action: 'escalate',
        reason: 'unsure about the warranty claim',
      });

    const s = await openSession(browser, server.url);
    await signIn(s.page, ADMIN.email, ADMIN.password);
    await s.page.goto('/queues');
    await s.page.getByTestId('pending-support-replies').getByText('8').waitFor();
    await s.page.waitForTimeout(1500);
    await s.page.screenshot({ path: join(OUT, 'queues.png') });

    await s.page.goto('/review/support-replies');
    await s.page.getByRole('button', { name: 'Start reviewing' }).click();
    await s.page.getByTestId('output').waitFor();
    await s.page.getByRole('checkbox', { name: /hallucination/ }).check();
    await s.page.keyboard.press('c');
    await s.page
      .getByLabel('Corrected output')
      .fill(
        '{\n  "reply": "Your refund of 1,240 EUR was approved today; it will reach your card within 5 working days."\n}',
      );
    await s.page.getByLabel('Corrected output').blur();
    await s.page.evaluate('window.scrollTo(0, 0)');
    await s.page.waitForTimeout(500);
    await s.page.screenshot({ path: join(OUT, 'review.png') });

    await s.page.goto('/items?search=refund');
    await s.page.getByRole('table', { name: 'Search results' }).waitFor();
    await s.page.waitForTimeout(500);
    await s.page.screenshot({ path: join(OUT, 'items.png') });

    if (escalatedId) {
      await s.page.goto(`/items/${escalatedId}`);
      await s.page
        .getByLabel('Add a comment')
        .fill(
          'Checked the terms: **not covered**. See [warranty terms](https://example.com/warranty).',
        );
      await s.page.getByRole('button', { name: 'Post comment' }).click();
      await s.page.getByTestId('comment').waitFor();
      await s.page.getByTestId('chain-verify').waitFor();
      await s.page.waitForTimeout(500);
      await s.page.evaluate('window.scrollTo(0, 0)');
      await s.page.screenshot({ path: join(OUT, 'item.png') });
    }
    await s.close();
    console.log(`screenshots written to ${OUT}`);
  } finally {
    await browser.close();
    await server.stop();
    await dropTestState(ctx);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
