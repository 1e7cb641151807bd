/**
 * The security headers in a real browser: the reviewer app and the Swagger UI work under the
 * Content-Security-Policy (no violation reported), and no other site can frame the app.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN,
  Api,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  testContext,
} from '../support/harness';
import {
  assertNoConsoleErrors,
  assertWebAppBuilt,
  browserPerFile,
  openSession,
  signIn,
} from '../support/browser';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
const browser = browserPerFile();
let framer: Server;
let framerUrl = '';

before(async () => {
  assertWebAppBuilt();
});

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'support-replies', { name: 'Support replies' });
  // Another site that tries to frame Verdict (clickjacking).
  framer = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(`<!doctype html><iframe id="victim" src="${server.url}/queues"></iframe>`),
  );
  framer.listen(0, '127.0.0.1');
  await once(framer, 'listening');
  framerUrl = `http://localhost:${(framer.address() as { port: number }).port}/`;
});

after(async () => {
  framer?.close();
});

void describe('under the Content-Security-Policy', () => {
  void it('the reviewer app signs in and shows the queues, with no policy violation', async () => {
    const s = await openSession(browser(), server.url);
    try {
      await s.page.goto('/');
      await signIn(s.page, ADMIN.email, ADMIN.password);
      await s.page.getByText('Support replies').first().waitFor();
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('the API docs at /docs render their operations, with no policy violation', async () => {
    const s = await openSession(browser(), server.url);
    try {
      const res = await s.page.goto('/docs');
      assert.match(res!.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
      await s.page.locator('.opblock').first().waitFor();
      assert.ok((await s.page.locator('.opblock').count()) > 10);
      assertNoConsoleErrors(s);
    } finally {
      await s.close();
    }
  });

  void it('another site cannot frame the app', async () => {
    const s = await openSession(browser(), framerUrl);
    try {
      await s.page.goto(framerUrl);
      // Chromium refuses the document and says so on the console.
      const refused = () =>
        s.problems.some((p) => /frame-ancestors|Refused to (display|frame)/i.test(p));
      await eventually(async () => refused(), 10_000);
      const frame = s.page.frames().find((f) => f !== s.page.mainFrame());
      const content = frame ? await frame.content().catch(() => '') : '';
      assert.doesNotMatch(content, /id="root"/, 'the frame never gets the app');
    } finally {
      await s.close();
    }
  });
});
