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
const LABELS = ['hallucination', 'tone'];
const GUIDELINES =
  '## Approve when\n- the reply **answers** the question\n- no promises about refunds\n\n<script>window.pwned = true</script><img src=x onerror="window.pwned = true">';
const QUESTIONS = [
  { key: 'helpful', label: 'How helpful?', type: 'rating', min: 1, max: 5, required: true },
  {
    key: 'tone',
    label: 'Tone',
    type: 'single',
    options: ['friendly', 'neutral', 'rude'],
    required: true,
  },
];
const QUEUES = ['rubric', 'skip-three', 'prose', 'agent', 'settings-rubric'];
let server: RunningServer;
let admin: Api;
let product: Api;
let reviewer: Api & { user: { id: string; email: string } };
const browser = browserPerFile();

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'rubric', {
    labels: LABELS,
    guidelines: GUIDELINES,
    questions: QUESTIONS,
  });
  await createQueue(admin, 'skip-three', { labels: LABELS });
  await createQueue(admin, 'settings-rubric', {
    name: 'Settings rubric',
    sla: { blockedSeconds: 900, onBlockedTimeout: 'reject', flaggedSeconds: 86400 },
  });
  await createQueue(admin, 'prose', { labels: LABELS });
  await createQueue(admin, 'agent', {
    labels: LABELS,
    outputSchema: {
      type: 'object',
      required: ['toolCall'],
      properties: {
        toolCall: {
          type: 'object',
          required: ['name', 'args'],
          properties: {
            name: { const: 'refund' },
            args: {
              type: 'object',
              required: ['amount', 'note'],
              properties: { amount: { type: 'number', maximum: 100 }, note: { type: 'string' } },
            },
          },
        },
      },
    },
  });
  product = await apiKey(admin, QUEUES);
  reviewer = await userApi(admin, ['reviewer'], QUEUES, 'rubricreviewer');
});

const submit = (slug: string, overrides: Record<string, unknown> = {}) =>
  submitItem(product, slug, overrides);
const reviewerSession = () => signedInSession(browser(), server.url, reviewer.user.email);

const currentItemId = (page: Page) =>
  page.getByTestId('workspace').getAttribute('data-item-id') as Promise<string>;

void describe('reviewing with guidelines and questions', () => {
  void it('shows the guidelines as sanitised markdown and toggles them with G', async () => {
    await submit('rubric', { output: { reply: 'Guidelines item' } });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'rubric');
      const guidelines = s.page.getByTestId('guidelines');
      await guidelines.getByRole('heading', { name: 'Approve when' }).waitFor();
      await guidelines.locator('strong').getByText('answers').waitFor();
      assert.equal(await guidelines.locator('script').count(), 0);
      assert.equal(await guidelines.locator('img[onerror]').count(), 0);
      assert.equal(await s.page.evaluate('window.pwned === true'), false);

      await s.page.locator('body').press('g');
      await guidelines.waitFor({ state: 'detached' });
      await s.page.locator('body').press('g');
      await guidelines.getByRole('heading', { name: 'Approve when' }).waitFor();
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('answers a rating and a single-choice question from the keyboard', async () => {
    await submit('rubric', { output: { reply: 'Rubric item' } });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'rubric');
      await s.page.getByTestId('output').getByText('Rubric item').waitFor();
      const id = await currentItemId(s.page);
      // Approving without the required answers says which one is missing.
      await s.page.locator('body').press('a');
      await s.page.getByRole('alert').getByText('Answer “How helpful?” to approve').waitFor();

      await s.page.locator('body').press('q');
      await s.page.keyboard.press('4');
      // Focus moved on to the tone question: 2 picks its second option, not the label "tone".
      // A locator poll, not a string predicate (the app's CSP forbids the eval it needs).
      await s.page.locator('[data-question="tone"]:focus-within').waitFor();
      await s.page.keyboard.press('2');
      const helpful = s.page.getByTestId('question-helpful').getByRole('radio', { name: '4' });
      assert.equal(await helpful.isChecked(), true);
      const neutral = s.page.getByTestId('question-tone').getByRole('radio', { name: /neutral/ });
      assert.equal(await neutral.isChecked(), true);
      assert.equal(
        await s.page.getByRole('checkbox', { name: /tone/ }).isChecked(),
        false,
        'the number key answered the question instead of toggling a label',
      );

      await s.page.locator('body').press('a');
      await s.page.getByTestId('empty-queue').waitFor();
      const item = await admin.get(`/v1/items/${id}`);
      assert.equal(item.body.status, 'approved');
      assert.deepEqual(item.body.reviews[0].answers, { helpful: 4, tone: 'neutral' });
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('Skip visits three different items in a row', async () => {
    for (const n of [1, 2, 3, 4]) await submit('skip-three', { output: { reply: `Item ${n}` } });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'skip-three');
      const seen = [await currentItemId(s.page)];
      for (let i = 0; i < 3; i++) {
        await s.page.locator('body').press('s');
        await s.page
          .locator(`[data-testid="workspace"]:not([data-item-id="${seen.at(-1)}"])`)
          .waitFor();
        seen.push(await currentItemId(s.page));
      }
      assert.equal(new Set(seen).size, 4, `four different items: ${seen.join(', ')}`);
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('corrects a prose field by typing into it and shows a word diff', async () => {
    const reply = 'Your refund was sent on Monday.\nIt should arrive soon.';
    const item = await submit('prose', { output: { reply, ticket: 81 } });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'prose');
      // Line breaks inside the JSON string show as line breaks, not "\n".
      await s.page.getByTestId('output').getByText('It should arrive soon.').waitFor();
      await s.page.locator('body').press('c');
      const field = s.page.getByTestId('correction-field-reply');
      await field.waitFor();
      // Nothing is wrong before the first edit.
      assert.equal(await s.page.getByText(/same as the original/).count(), 0);
      await field.click();
      await s.page.keyboard.press('Control+End');
      await s.page.keyboard.type(' Thank you for waiting.');
      const diff = s.page.getByTestId('correction-diff');
      await diff.locator('ins.diff-added').getByText('Thank you for waiting.').waitFor();
      assert.equal(await diff.locator('del.diff-removed').count(), 0, 'nothing removed');
      // Ctrl+Enter without a label: the app points at the labels, and Ctrl+Enter works from there.
      await s.page.keyboard.press('Control+Enter');
      await s.page.getByText('Choose at least one label to correct this item.').waitFor();
      await s.page.keyboard.press('Space');
      await s.page.keyboard.press('Control+Enter');
      await s.page.getByTestId('empty-queue').waitFor();
      const decided = await admin.get(`/v1/items/${item.id}`);
      assert.equal(decided.body.status, 'corrected');
      assert.deepEqual(decided.body.finalOutput, {
        reply: `${reply} Thank you for waiting.`,
        ticket: 81,
      });
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('shows a tool call as an action and corrects its arguments field by field', async () => {
    const item = await submit('agent', {
      input: {
        messages: [
          { role: 'user', content: 'I was charged twice, please refund 250.' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'c1',
                type: 'function',
                function: { name: 'lookup_order', arguments: '{"orderId":"A-17"}' },
              },
            ],
          },
          { role: 'tool', content: '{"total": 250}' },
        ],
      },
      output: { toolCall: { name: 'refund', args: { amount: 250, note: 'double charge' } } },
      confidence: 0.2,
    });
    const s = await reviewerSession();
    try {
      await startReviewing(s.page, 'agent');
      const out = s.page.getByTestId('output');
      await out.getByTestId('tool-name').getByText('refund').waitFor();
      await out.getByTestId('tool-arg-amount').getByText('250').waitFor();
      await out.getByTestId('tool-arg-note').getByText('double charge').waitFor();
      const conversation = s.page.getByRole('list', { name: 'Conversation' });
      await conversation.getByText('I was charged twice, please refund 250.').waitFor();
      await conversation.getByTestId('message-tool-call').getByText('lookup_order').waitFor();
      await conversation.getByText('A-17').waitFor();

      await s.page.locator('body').press('c');
      const amount = s.page.getByLabel('amount');
      await amount.fill('100');
      await s.page.getByTestId('correction-field-note').fill('double charge, capped');
      await s.page.getByRole('checkbox', { name: /hallucination/ }).check();
      await s.page.getByTestId('correction-diff').getByText('capped').waitFor();
      await s.page.getByRole('button', { name: /Save correction/ }).click();
      await s.page.getByTestId('empty-queue').waitFor();
      const decided = await admin.get(`/v1/items/${item.id}`);
      assert.equal(decided.body.status, 'corrected');
      assert.deepEqual(decided.body.finalOutput, {
        toolCall: { name: 'refund', args: { amount: 100, note: 'double charge, capped' } },
      });
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });
});

void describe('queue settings for reviewer guidance', () => {
  void it('edits guidelines with a preview and questions with a form, warns about unsaved changes and shows the history', async () => {
    const s = await openSession(browser(), server.url);
    try {
      await signIn(s.page, ADMIN.email, ADMIN.password);
      await s.page.goto('/settings/settings-rubric');
      await s.page.getByRole('heading', { name: 'Settings · Settings rubric' }).waitFor();
      // Durations are shown in the unit people think in.
      assert.equal(await s.page.getByLabel('Blocked SLA', { exact: true }).inputValue(), '15');
      assert.equal(await s.page.getByLabel('Flagged SLA', { exact: true }).inputValue(), '1');

      // Invalid JSON in the schema is named as such, next to the field.
      await s.page.getByLabel('Output schema').fill('{"type": ');
      await s.page.getByRole('button', { name: 'Save settings' }).click();
      await s.page.getByText(/The output schema is not valid JSON/).waitFor();
      await s.page.getByLabel('Output schema').fill('');

      // Guidelines with a preview.
      await s.page
        .getByRole('textbox', { name: 'Guidelines' })
        .fill('## Be strict\n- check **dates**');
      await s.page.getByRole('tab', { name: 'Preview' }).click();
      await s.page
        .getByTestId('guidelines-preview')
        .getByRole('heading', { name: 'Be strict' })
        .waitFor();
      await s.page.getByRole('tab', { name: 'Write' }).click();

      // A rating question and a single-choice question, by form.
      await s.page.getByRole('button', { name: 'Add a question' }).click();
      const first = s.page.getByTestId('question-editor-0');
      await first.getByLabel('Question 1', { exact: true }).fill('How accurate?');
      await first.getByLabel('Key').fill('accurate');
      await first.getByLabel('Required to approve, reject or correct').check();
      await s.page.getByRole('button', { name: 'Add a question' }).click();
      const second = s.page.getByTestId('question-editor-1');
      await second.getByLabel('Question 2', { exact: true }).fill('Tone');
      await second.getByLabel('Key').fill('tone');
      await second.getByLabel('Kind of answer').click();
      await s.page.getByRole('option', { name: 'One choice' }).click();
      const options = second.getByLabel('Options');
      await options.fill('friendly');
      await options.press('Enter');
      await s.page.getByRole('button', { name: 'Save guidelines and questions' }).click();
      // One option is not a choice: said next to the field, nothing saved.
      await second.getByText('List at least two options').waitFor();
      await options.fill('rude');
      await options.press('Enter');

      // Leaving with unsaved changes asks first.
      await s.page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Queues' })
        .click();
      const dialog = s.page.getByRole('dialog', { name: 'Leave without saving?' });
      await dialog.getByRole('button', { name: 'Stay on this page' }).click();
      assert.ok(s.page.url().endsWith('/settings/settings-rubric'));

      await s.page.getByRole('button', { name: 'Save guidelines and questions' }).click();
      await s.page.getByText('Saved as a new policy version.').waitFor();
      const queue = (await admin.get('/v1/queues/settings-rubric')).body;
      assert.equal(queue.guidelines, '## Be strict\n- check **dates**');
      assert.deepEqual(queue.questions, [
        { key: 'accurate', label: 'How accurate?', type: 'rating', min: 1, max: 5, required: true },
        {
          key: 'tone',
          label: 'Tone',
          type: 'single',
          options: ['friendly', 'rude'],
          required: false,
        },
      ]);
      const history = s.page.getByTestId('policy-version-2');
      await history.getByText('Guidelines added').waitFor();
      await history.getByText('Question “How accurate?” added').waitFor();
      await s.page.getByTestId('unsaved-changes').waitFor({ state: 'detached' });
      // Saved: the menu leaves without asking.
      await s.page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Queues' })
        .click();
      await s.page.waitForURL('**/queues');
      assertNoConsoleErrors(s, '400');
    } finally {
      await s.close();
    }
  });
});
