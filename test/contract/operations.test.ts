/**
 * What operators and integrators meet before any business route: metrics Prometheus accepts,
 * /version, JSON 404s for anything that is not a browser page, and the served API document.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  createQueue,
  RunningServer,
  submission,
  testContext,
  serverPerFile,
} from '../support/harness';
import { DOCUMENT_PATH } from './openapi-conformance';

const ctx = testContext(__filename);
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
let server: RunningServer;

serverPerFile(
  ctx,
  async (started) => {
    server = started.server;
    const { admin } = started;
    await createQueue(admin, 'ops-hygiene');
    await admin.post('/v1/queues/ops-hygiene/items', submission({ confidence: 0.6 }));
    await admin.post('/v1/queues/ops-hygiene/items', submission({ confidence: 0.99 }));
  },
  { env: { GIT_COMMIT: COMMIT } },
);

describe('operations', () => {
  it('/metrics passes promtool check metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.ifError(promtool.error); // promtool comes with Debian's prometheus package (.ci/run installs it)
    assert.equal(
      promtool.status,
      0,
      `promtool check metrics found problems:\n${promtool.stdout}${promtool.stderr}`,
    );
  });

  it('/metrics gives Node runtime metrics their standard names and ratios a _ratio suffix', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    assert.doesNotMatch(text, /^# TYPE verdict_(process|nodejs)_/m);
    assert.match(text, /^# TYPE verdict_model_override_ratio gauge/m);
    assert.doesNotMatch(text, /^# TYPE \S+_total gauge/m);
    assert.match(text, /verdict_submissions_total\{queue="ops-hygiene",routing="flag"\} 1/);
  });

  it('/version names the package version and the commit', async () => {
    const res = await fetch(`${server.url}/version`);
    assert.equal(res.status, 200);
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    assert.deepEqual(await res.json(), { version: pkg.version, commit: COMMIT });
  });

  it('answers unknown paths with the JSON 404 unless a browser asks for a page', async () => {
    for (const [path, accept] of [
      ['/api', '*/*'],
      ['/readyz', 'application/json'],
      ['/healthz', undefined],
      ['/v1/nothing-here', BROWSER_ACCEPT],
      ['/v1/queues/ops-hygiene/nothing', '*/*'],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, {
        headers: accept ? { accept } : { accept: '' },
      });
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/, path);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.statusCode, 404, path);
      assert.equal(body.error, 'Not Found', path);
      assert.equal(typeof body.requestId, 'string', path);
    }
    // A browser opening a deep link still gets the web app.
    const page = await fetch(`${server.url}/review/ops-hygiene`, {
      headers: { accept: BROWSER_ACCEPT },
    });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    // HEAD answers like GET (uptime checks and link checkers use it).
    const head = await fetch(`${server.url}/`, {
      method: 'HEAD',
      headers: { accept: BROWSER_ACCEPT },
    });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type') ?? '', /text\/html/);
  });

  it('serves at /docs-json exactly the committed openapi.json', async () => {
    const served = await (await fetch(`${server.url}/docs-json`)).json();
    assert.deepEqual(
      served,
      JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')),
      'the running server describes a different API than openapi.json: run `npm run openapi`',
    );
  });
});
