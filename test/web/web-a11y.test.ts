/**
 * Every page of the web app, on a desktop (1440 px) and phones (390 and 360 px): axe-core finds no
 * serious or critical WCAG 2.2 A/AA violation, and nothing scrolls sideways on the phone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
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
import { browserPerFile, signIn } from '../support/browser';

const ctx = testContext(__filename);
const AXE = require.resolve('axe-core/axe.min.js');
const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
  { name: 'phone', width: 360, height: 740 },
];
let server: RunningServer;
let admin: Api;
const browser = browserPerFile();
let itemId: string;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'support-replies', {
    name: 'Support replies',
    labels: ['hallucination', 'tone', 'policy'],
    outputSchema: { type: 'object', required: ['reply'] },
    guidelines: '## Approve when\n- the reply **answers** the question\n- it is polite',
    questions: [
      { key: 'helpful', label: 'How helpful?', type: 'rating', min: 1, max: 5, required: true },
      { key: 'tone', label: 'Tone', type: 'single', options: ['friendly', 'neutral', 'rude'] },
      { key: 'issues', label: 'Issues', type: 'multi', options: ['facts', 'format'] },
      { key: 'safe', label: 'Safe to send?', type: 'boolean' },
      { key: 'note', label: 'Anything else', type: 'text' },
    ],
  });
  const key = await apiKey(admin, ['support-replies']);
  const reasonsLong =
    'A very long reply that goes on and on without any spaces in it: ' + 'x'.repeat(300);
  for (const [confidence, reply] of [
    [0.2, 'Your refund was **sent** on Monday.\n\n- one\n- two'],
    [0.7, reasonsLong],
    [0.72, 'Third'],
  ] as const) {
    const res = await key.post('/v1/queues/support-replies/items', {
      ...submission({ confidence, output: { reply } }),
      input: {
        messages: [
          { role: 'user', content: 'Where is my refund? I ordered it a long time ago.' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { type: 'function', function: { name: 'lookup', arguments: '{"id":"A-1"}' } },
            ],
          },
        ],
      },
    });
    assert.equal(res.status, 201);
    itemId = res.body.id as string;
  }
  // One escalated item for the Escalated page.
  const reviewer = await userApi(admin, ['reviewer'], ['support-replies']);
  const claim = await reviewer.post('/v1/queues/support-replies/claim');
  assert.equal(claim.status, 200);
  await reviewer.post(`/v1/items/${claim.body.item.id}/decision`, {
    action: 'escalate',
    reason: 'not sure',
  });
});

async function audit(page: Page, where: string, problems: string[], phone: boolean) {
  await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate(`axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    }).then((r) => r.violations)`)) as Violation[];
  for (const v of violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    problems.push(
      `${where}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
        .slice(0, 4)
        .map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`.replace(/\s+/g, ' '))
        .join(' | ')}`,
    );
  }
  if (phone) {
    const overflow = (await page.evaluate(
      `[document.documentElement.scrollWidth, window.innerWidth, [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && getComputedStyle(e).position !== 'fixed').slice(0, 3).map((e) => e.tagName + '.' + String(e.className).slice(0, 60))]`,
    )) as [number, number, string[]];
    if (overflow[0] > overflow[1])
      problems.push(
        `${where}: page is ${overflow[0]} px wide on a ${overflow[1]} px screen (${overflow[2].join(', ')})`,
      );
  }
}

/** Waits for the page's main content, then audits it. */
async function visit(
  page: Page,
  path: string,
  ready: (page: Page) => Promise<unknown>,
  where: string,
  problems: string[],
  phone: boolean,
) {
  await page.goto(path);
  await ready(page);
  // Let fonts, transitions and late queries settle before measuring.
  await page.waitForTimeout(300);
  await audit(page, `${where} ${path}`, problems, phone);
}

void describe('accessibility and small screens', () => {
  for (const viewport of VIEWPORTS) {
    void it(`every page at ${viewport.width} px: no serious or critical axe violation${viewport.name === 'phone' ? ', no sideways scrolling' : ''}`, async () => {
      const phone = viewport.name === 'phone';
      const context = await browser().newContext({
        baseURL: server.url,
        viewport: { width: viewport.width, height: viewport.height },
        // axe-core is injected as an inline script, which the app's CSP rightly refuses; the
        // audit is about the pages, so this context alone ignores the policy.
        bypassCSP: true,
      });
      const page = await context.newPage();
      const problems: string[] = [];
      const where = `${viewport.width}px`;
      try {
        await page.goto('/login');
        await page.getByLabel('Email').waitFor();
        await audit(page, `${where} /login`, problems, phone);
        await signIn(page, ADMIN.email, ADMIN.password);

        const heading = (name: RegExp | string) => (p: Page) =>
          p.getByRole('heading', { name }).first().waitFor();
        await visit(page, '/queues', heading(/Queues/), where, problems, phone);
        await visit(page, '/escalated', heading(/Escalated/), where, problems, phone);
        await visit(page, '/settings', heading(/settings/i), where, problems, phone);
        await visit(
          page,
          '/settings/support-replies',
          heading('Settings · Support replies'),
          where,
          problems,
          phone,
        );
        await visit(page, '/analytics', heading(/Analytics/), where, problems, phone);
        await visit(page, '/users', heading(/Users/), where, problems, phone);
        await visit(page, '/api-keys', heading(/API keys/), where, problems, phone);
        await visit(page, '/items', heading('Items'), where, problems, phone);
        await visit(
          page,
          `/items/${itemId}`,
          (p) => p.getByRole('heading', { level: 2 }).first().waitFor(),
          where,
          problems,
          phone,
        );
        await visit(page, '/no-such-page', heading(/not found/i), where, problems, phone);

        // The review workspace with an item open (guidelines, questions, conversation).
        await page.goto('/review/support-replies');
        await page.getByRole('button', { name: 'Start reviewing' }).click();
        // On a timeout, say what the page showed instead (an error, an empty queue, a loader).
        await page
          .getByTestId('workspace')
          .waitFor()
          .catch(async (error: Error) => {
            const shown = (
              await page
                .locator('main')
                .innerText()
                .catch(() => '?')
            ).slice(0, 600);
            throw new Error(`${error.message}\nthe page showed: ${shown}`);
          });
        await page.getByTestId('guidelines').waitFor();
        await page.waitForTimeout(300);
        await audit(page, `${where} /review (item open)`, problems, phone);
        if (phone) {
          // The decision buttons are reachable: on screen or scrolled to, never cut off.
          const approve = page.getByRole('button', { name: 'Approve', exact: true });
          await approve.scrollIntoViewIfNeeded();
          const box = await approve.boundingBox();
          assert.ok(box && box.x >= 0 && box.x + box.width <= viewport.width, 'Approve on screen');
          // Navigation collapses behind a burger that opens it.
          const nav = page.getByRole('navigation', { name: 'Main' });
          await page.getByRole('button', { name: 'Open navigation' }).click();
          await nav.getByRole('link', { name: 'Queues' }).waitFor();
          await audit(page, `${where} navigation open`, problems, phone);
          await nav.getByRole('link', { name: 'Queues' }).click();
          await page.waitForURL('**/queues');
        }
        // The correction editor open.
        await page.goto('/review/support-replies');
        await page.getByTestId('workspace').waitFor();
        await page.locator('body').press('c');
        await page.getByTestId('correction-diff').waitFor();
        await audit(page, `${where} /review (correcting)`, problems, phone);
      } finally {
        await context.close();
      }
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  }
});
