/**
 * Browser tests drive Debian's chromium through playwright-core (never a downloaded browser)
 * against a real server that serves the built web app (npm run build:web, then startServer).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const VIEWPORT = { width: 1280, height: 800 };

/** Fails early, with the fix, when the web app was not built before the server started. */
export function assertWebAppBuilt(): void {
  const index = join(__dirname, '..', '..', '..', 'web', 'dist', 'index.html');
  assert.ok(
    existsSync(index),
    `web/dist/index.html is missing: run "npm run build:web" before the browser tests`,
  );
}

/** A fresh browser; chromium.launch gives each launch its own temporary profile. */
export function launchBrowser(): Promise<Browser> {
  assertWebAppBuilt();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** One browser for the whole file: launched before its tests, closed after them. */
export function browserPerFile(): () => Browser {
  // Checked now, while the file loads: failing in a before hook instead left the file's server
  // running, so the file (and the whole run) waited forever instead of failing.
  assertWebAppBuilt();
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is only there inside tests');
    return browser;
  };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  problems: string[];
  /** Dialogs (alert/confirm/prompt) the page tried to open. */
  dialogs: string[];
  close(): Promise<void>;
}

/**
 * A new context and page at 1280×800 that records console errors, uncaught exceptions and
 * dialogs. `expectedProblems` filters messages a test provokes on purpose (a refused login).
 */
export async function openSession(browser: Browser, baseUrl: string): Promise<BrowserSession> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: VIEWPORT });
  const page = await context.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  return { context, page, problems, dialogs, close: () => context.close() };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  if (!page.url().endsWith('/login')) await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

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

/** Console errors other than those the test expects (matched by substring). */
export function unexpectedProblems(session: BrowserSession, ...expected: string[]): string[] {
  return session.problems.filter((p) => !expected.some((e) => p.includes(e)));
}

export function assertNoConsoleErrors(session: BrowserSession, ...expected: string[]): void {
  assert.deepEqual(
    unexpectedProblems(session, ...expected),
    [],
    'no console errors during the flow',
  );
}
