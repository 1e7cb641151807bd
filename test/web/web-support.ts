/** Steps the reviewer-facing browser tests share. */
import type { Page } from 'playwright-core';

/** Opens the review workspace of a queue and claims, as a reviewer would. */
export async function startReviewing(page: Page, slug: string): Promise<void> {
  await page.goto(`/review/${slug}`);
  await page.getByRole('button', { name: 'Start reviewing' }).click();
  await page.getByTestId('workspace').waitFor();
}
