import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ADMIN,
  Api,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { assertNoConsoleErrors, browserPerFile, signedInSession } from '../support/browser';
import { decideAll, PlannedDecision } from '../analytics/decisions';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
let analyst: Api & { user: { email: string } };
const browser = browserPerFile();

const CONFIDENCES = [
  0.05, 0.15, 0.22, 0.35, 0.41, 0.48, 0.55, 0.62, 0.68, 0.74, 0.77, 0.83, 0.88, 0.93, 0.97,
];

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  // Everything below 1 reaches a reviewer, so every item gets a human verdict.
  await createQueue(admin, 'answers', {
    name: 'Answers',
    policy: { autoApproveAt: 1, blockBelow: 0.3, auditSampleRate: 0, rules: [] },
    labels: ['wrong'],
  });
  const res = await admin.post('/v1/queues/answers/items/batch', {
    items: CONFIDENCES.map((confidence, k) => submission({ confidence, externalId: `a${k}` })),
  });
  assert.equal(res.status, 200);
  const plan = new Map<string, PlannedDecision>();
  res.body.results.forEach((item: any, k: number) =>
    plan.set(
      item.id,
      CONFIDENCES[k] > 0.5 || k % 3 === 0
        ? { action: 'approve' }
        : { action: 'reject', labels: ['wrong'] },
    ),
  );
  await decideAll(admin, 'answers', plan);
  analyst = await userApi(admin, ['analyst'], [], 'anna');
});

void describe('analytics in the web app', () => {
  void it('draws the reliability diagram from the calibration data', async () => {
    const s = await signedInSession(browser(), server.url, analyst.user.email);
    try {
      await s.page.goto('/analytics');
      const diagram = s.page.getByTestId('reliability-diagram');
      await diagram.waitFor();
      const calibration = (await analyst.get('/v1/analytics/calibration')).body;
      const nonEmpty = calibration.bins.filter((b: any) => b.count > 0);
      assert.equal(calibration.reviewed, CONFIDENCES.length);
      await s.page
        .getByTestId('reliability-bar')
        .nth(nonEmpty.length - 1)
        .waitFor();
      assert.equal(await s.page.getByTestId('reliability-bar').count(), nonEmpty.length);
      await s.page
        .getByTestId('calibration-reviewed')
        .getByText(String(CONFIDENCES.length))
        .waitFor();
      // The numbers behind the bars, as a table: one row per bin with its count.
      const rows = s.page.getByTestId('calibration-table').locator('tbody tr');
      assert.equal(await rows.count(), calibration.bins.length);
      for (const [i, bin] of calibration.bins.entries()) {
        assert.equal(
          (await rows.nth(i).locator('td').nth(1).textContent())?.trim(),
          String(bin.count),
        );
      }
      await s.page.locator('label').filter({ hasText: /^5$/ }).click();
      // Row 5 exists in the 10-bin table too: wait for the table to shrink, not for a row.
      // Polled through Playwright's locator rather than a page-evaluated string: the app's CSP
      // forbids eval, which a string predicate needs.
      await eventually(
        async () =>
          (await s.page.getByTestId('calibration-table').locator('tbody tr').count()) === 5,
        15_000,
      );
      assert.equal(await s.page.getByTestId('calibration-table').locator('tbody tr').count(), 5);
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('previews the split and the estimated error as the threshold slider moves', async () => {
    const s = await signedInSession(browser(), server.url, analyst.user.email);
    try {
      await s.page.goto('/analytics');
      await s.page
        .getByRole('textbox', { name: 'Queue' })
        .or(s.page.getByLabel('Queue', { exact: true }))
        .first()
        .click();
      await s.page.getByRole('option', { name: 'Answers' }).click();
      const preview = s.page.getByTestId('threshold-preview');
      // Saved policy: autoApproveAt 1, blockBelow 0.3 → nothing auto-approved.
      const expectAt = async (a: number, b: number) => {
        const sim = (
          await analyst.post('/v1/queues/answers/policy/simulate', {
            autoApproveAt: a,
            blockBelow: b,
          })
        ).body;
        await preview.getByText(`Approve ${sim.approve} (`).waitFor();
        await preview.getByText(`Flag ${sim.flag} (`).waitFor();
        await preview.getByText(`Block ${sim.block} (`).waitFor();
        return sim;
      };
      await expectAt(1, 0.3);
      const thumb = s.page.getByRole('slider', { name: 'Auto-approve at' });
      await thumb.focus();
      // Each arrow press moves 0.01: 1.00 → 0.80.
      for (let i = 0; i < 20; i += 1) await thumb.press('ArrowLeft');
      const sim = await expectAt(0.8, 0.3);
      assert.ok(sim.approve > 0 && sim.reviewed > 0);
      await preview
        .getByText(/Estimated auto-approve error .* \(95% upper bound .*\) from \d+ reviewed items/)
        .waitFor();
      await s.page.getByTestId('recommendation').waitFor();
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('shows the preview in the policy editor as thresholds are typed', async () => {
    const s = await signedInSession(browser(), server.url, ADMIN.email, ADMIN.password);
    try {
      await s.page.goto('/settings/answers');
      await s.page.getByLabel('Auto-approve at').fill('0.6');
      const sim = (
        await admin.post('/v1/queues/answers/policy/simulate', {
          autoApproveAt: 0.6,
          blockBelow: 0.3,
        })
      ).body;
      await s.page.getByTestId('threshold-preview').getByText(`Approve ${sim.approve} (`).waitFor();
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('lists drift per model version and runs a background export to completion', async () => {
    const s = await signedInSession(browser(), server.url, analyst.user.email);
    try {
      await s.page.goto('/analytics');
      await s.page.getByTestId('drift-table').getByText('support-llm').first().waitFor();
      await s.page.getByRole('button', { name: 'Run in background' }).click();
      await s.page
        .getByTestId('export-job')
        .getByText(`Export done: ${CONFIDENCES.length} records`)
        .waitFor({ timeout: 20_000 });
      await s.page.getByRole('button', { name: 'Download file' }).waitFor();
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });
});
