/** Steps the reviewer-facing browser tests share: a signed-in session, starting to review. */
import type { Browser, Page } from 'playwright-core';
import { openSession, signIn, type BrowserSession } from '../support/browser';

/** A new session signed in as `email` (test users' password unless told otherwise). */
export async function signedInSession(
  browser: Browser,
  baseUrl: string,
  email: string,
  password = 'password-123',
): Promise<BrowserSession> {
  const s = await openSession(browser, baseUrl);
  await signIn(s.page, email, password);
  return s;
}

/** Opens the review workspace of a queue and claims, as a reviewer would. */
export async function startReviewing(page: Page, slug: string): Promise<void> {
  await page.goto(`/review/${slug}`);
  await page.getByRole('button', { name: 'Start reviewing' }).click();
  await page.getByTestId('workspace').waitFor();
}
