import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Api,
  createQueue,
  RunningServer,
  serverPerFile,
  submission,
  testContext,
} from '../support/harness';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;

serverPerFile(
  ctx,
  async (started) => {
    ({ server, admin } = started);
    await createQueue(admin, 'ops');
  },
  { env: { LOG_LEVEL: 'info' } },
);

describe('operations', () => {
  it('/health reports both checks', async () => {
    const res = await new Api(server.url).get('/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok', checks: { database: 'up', redis: 'up' } });
  });
  it('/metrics exposes request latency, submissions by routing and queue depth', async () => {
    await admin.post('/v1/queues/ops/items', submission({ confidence: 0.6 }));
    await admin.post('/v1/queues/ops/items', submission({ confidence: 0.99 }));
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(
      text,
      /verdict_http_request_duration_seconds_bucket\{.*route="\/v1\/queues\/:slug\/items"/,
    );
    assert.match(text, /verdict_submissions_total\{queue="ops",routing="flag"\} 1/);
    assert.match(text, /verdict_submissions_total\{queue="ops",routing="approve"\} 1/);
    assert.match(text, /verdict_queue_depth\{queue="ops",state="waiting"\} 1/);

    // Claimed, the item moves from waiting to claimed.
    await admin.post('/v1/queues/ops/items', submission({ confidence: 0.6 }));
    assert.equal((await admin.post('/v1/queues/ops/claim')).status, 200);
    const after = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(after, /verdict_queue_depth\{queue="ops",state="waiting"\} 1/);
    assert.match(after, /verdict_queue_depth\{queue="ops",state="claimed"\} 1/);
  });
  it('/docs serves the OpenAPI UI and /docs-json the document with the contract routes', async () => {
    const ui = await fetch(`${server.url}/docs`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /swagger/i);
    const doc = await new Api(server.url).get('/docs-json');
    assert.equal(doc.status, 200);
    assert.match(doc.body.openapi, /^3\./);
    for (const path of [
      '/v1/auth/login',
      '/v1/users',
      '/v1/api-keys',
      '/v1/queues',
      '/v1/queues/{slug}/items',
      '/v1/queues/{slug}/items/batch',
      '/v1/items/{id}',
      '/v1/queues/{slug}/policy',
    ]) {
      assert.ok(doc.body.paths[path], `documents ${path}`);
    }
    const submit = doc.body.components.schemas.SubmitItemDto;
    assert.deepEqual(submit.required.sort(), ['confidence', 'model', 'output']);
    assert.equal(submit.properties.confidence.example, 0.73);
  });
  it('echoes a request id and logs one JSON line per request with it, without secrets', async () => {
    const res = await admin.request('GET', '/v1/queues', undefined, {
      'x-request-id': 'trace-abc-123',
    });
    assert.equal(res.headers.get('x-request-id'), 'trace-abc-123');
    const generated = await admin.get('/v1/queues/ops');
    const id = generated.headers.get('x-request-id');
    assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 200));
    const lines = server.logs
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.req?.id === id);
    assert.ok(line, 'a JSON log line carries the request id');
    assert.equal(line.res.statusCode, 200);
    assert.ok(!server.logs.join('').includes(admin.token!), 'the bearer token is never logged');
  });
  it('errors carry the request id too', async () => {
    const res = await admin.get('/v1/queues/missing-queue');
    assert.equal(res.status, 404);
    assert.equal(res.body.requestId, res.headers.get('x-request-id'));
  });
});
