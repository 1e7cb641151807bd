import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ADMIN,
  Api,
  createQueue,
  RunningServer,
  serverPerFile,
  testContext,
  userApi,
} from '../support/harness';
import { assertNoConsoleErrors, browserPerFile, openSession, signIn } from '../support/browser';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
const browser = browserPerFile();

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'support-replies', { name: 'Support replies' });
  await createQueue(admin, 'other-queue', { name: 'Other queue' });
});

void describe('signing in', () => {
  void it('refuses a wrong password, then signs in and shows every admin section', async () => {
    const s = await openSession(browser(), server.url);
    try {
      await s.page.goto('/');
      await s.page.waitForURL('**/login');
      await s.page.getByLabel('Email').fill(ADMIN.email);
      await s.page.getByLabel('Password').fill('not-the-password');
      await s.page.getByRole('button', { name: 'Sign in' }).click();
      await s.page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();

      await s.page.getByLabel('Password').fill(ADMIN.password);
      await s.page.getByRole('button', { name: 'Sign in' }).click();
      await s.page.waitForURL('**/queues');
      const nav = s.page.getByRole('navigation', { name: 'Main' });
      for (const section of [
        'Queues',
        'Items',
        'Escalated',
        'Queue settings',
        'Analytics',
        'Users',
        'API keys',
      ]) {
        await nav.getByRole('link', { name: section, exact: true }).waitFor();
      }
      await s.page.getByText('Support replies', { exact: true }).waitFor();
      // The refused login is the only error the console may show.
      assertNoConsoleErrors(s, '401');
    } finally {
      await s.close();
    }
  });

  void it('shows a reviewer only their queues and the reviewing sections', async () => {
    const reviewer = await userApi(admin, ['reviewer'], ['support-replies'], 'rita');
    const s = await openSession(browser(), server.url);
    try {
      await signIn(s.page, reviewer.user.email, 'password-123');
      await s.page.waitForURL('**/queues');
      const nav = s.page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Queues', exact: true }).waitFor();
      const links = await nav.getByRole('link').allTextContents();
      assert.deepEqual(links, ['Queues', 'Items']);
      await s.page.getByText('Support replies', { exact: true }).waitFor();
      assert.equal(await s.page.getByText('Other queue', { exact: true }).count(), 0);
      assert.equal(await s.page.getByRole('button', { name: 'New queue' }).count(), 0);
      await s.page
        .getByTestId('queue-support-replies')
        .getByRole('button', { name: 'Start reviewing' })
        .waitFor();
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('sends an analyst to analytics', async () => {
    const analyst = await userApi(admin, ['analyst'], [], 'anna');
    const s = await openSession(browser(), server.url);
    try {
      await signIn(s.page, analyst.user.email, 'password-123');
      await s.page.waitForURL('**/analytics');
      const nav = s.page.getByRole('navigation', { name: 'Main' });
      // The URL changes before the navigation has rendered; wait for it, then read it whole.
      await nav.getByRole('link', { name: 'Analytics', exact: true }).waitFor();
      const links = await nav.getByRole('link').allTextContents();
      assert.deepEqual(links, ['Items', 'Analytics']);
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('opens a deep link after sign-in, and reloads it', async () => {
    const s = await openSession(browser(), server.url);
    try {
      await s.page.goto('/settings/support-replies');
      await s.page.waitForURL('**/login');
      await signIn(s.page, ADMIN.email, ADMIN.password);
      await s.page.waitForURL('**/settings/support-replies');
      await s.page.getByRole('heading', { name: 'Settings · Support replies' }).waitFor();
      await s.page.reload();
      await s.page.getByRole('heading', { name: 'Settings · Support replies' }).waitFor();
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('returns to sign-in when the session ends, then back to the same place', async () => {
    const s = await openSession(browser(), server.url);
    try {
      await signIn(s.page, ADMIN.email, ADMIN.password);
      await s.page.goto('/users');
      await s.page.getByRole('table', { name: 'Users' }).waitFor();
      // The token stops being valid (as when it expires); the next API call gets a 401.
      await s.page.evaluate("localStorage.setItem('verdict.token', 'expired.token.value')");
      await s.page.getByRole('link', { name: 'API keys', exact: true }).click();
      await s.page.waitForURL('**/login');
      await s.page.getByText('Sign in again to continue where you left off.').waitFor();
      await signIn(s.page, ADMIN.email, ADMIN.password);
      await s.page.waitForURL('**/api-keys');
      await s.page.getByRole('heading', { name: 'API keys' }).waitFor();
      assertNoConsoleErrors(s, '401');
    } finally {
      await s.close();
    }
  });

  void it('signs out', async () => {
    const s = await openSession(browser(), server.url);
    try {
      await signIn(s.page, ADMIN.email, ADMIN.password);
      await s.page.getByRole('button', { name: 'Sign out' }).click();
      await s.page.waitForURL('**/login');
      await s.page.goto('/queues');
      await s.page.waitForURL('**/login');
      assert.equal(await s.page.evaluate("localStorage.getItem('verdict.token')"), null);
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });
});
