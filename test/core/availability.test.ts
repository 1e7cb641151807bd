/**
 * Availability: no request, role or receiver can stall the gate. Each block tries one way an
 * outsider could freeze Verdict and checks that /health and submissions still answer while it
 * happens, and that the attempt gets a clear answer of its own.
 */
import assert from 'node:assert/strict';
import { ClientRequest, IncomingMessage, request } from 'node:http';
import { after, describe, it } from 'node:test';
import {
  ADMIN,
  Api,
  createQueue,
  eventually,
  RunningServer,
  serverPerFile,
  sql,
  submission,
  testContext,
  userApi,
} from '../support/harness';
import { seedDecisions } from '../analytics/seed';
import { connectLive, LiveClient } from '../support/live-client';

const ctx = testContext(__filename);
let server: RunningServer;
let admin: Api;
const EXPORT_MAX = 3;
const EXPORT_IDLE_MS = 3_000;
const SOCKETS_PER_USER = 3;

serverPerFile(
  ctx,
  (started) => {
    ({ server, admin } = started);
  },
  {
    env: {
      LOGIN_MAX_FAILURES_PER_EMAIL: '3',
      LOGIN_MAX_FAILURES_PER_IP: '40',
      LOGIN_BLOCK_SECONDS: '30',
      EXPORT_MAX_CONCURRENT: String(EXPORT_MAX),
      EXPORT_IDLE_TIMEOUT_MS: String(EXPORT_IDLE_MS),
      LIVE_MAX_SOCKETS_PER_USER: String(SOCKETS_PER_USER),
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    },
  },
);

/** /health, with a generous bound: a stalled event loop would not answer at all. */
async function healthy(): Promise<boolean> {
  const res = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(10_000) });
  return res.status === 200;
}

void describe('outputSchema patterns run in linear time', () => {
  void it('refuses a pattern RE2 cannot run at save, naming the field', async () => {
    const res = await admin.post('/v1/queues', {
      slug: 'backref',
      name: 'backref',
      outputSchema: {
        type: 'object',
        properties: { reply: { type: 'string', pattern: '^(\\w+) \\1$' } },
      },
    });
    assert.equal(res.status, 400);
    assert.deepEqual(
      res.body.fields.map((f: { field: string }) => f.field),
      ['outputSchema.properties.reply.pattern'],
    );
    assert.match(res.body.message, /RE2/);
    const look = await admin.post('/v1/queues', {
      slug: 'lookahead',
      name: 'lookahead',
      outputSchema: { type: 'object', patternProperties: { '^(?!id)': { type: 'string' } } },
    });
    assert.equal(look.status, 400);
    assert.match(look.body.fields[0].field, /^outputSchema\.patternProperties/);
  });

  void it('a catastrophic pattern blocks the mismatching outputs while /health keeps answering', async () => {
    await createQueue(admin, 'regex', {
      outputSchema: {
        type: 'object',
        properties: { reply: { type: 'string', pattern: '^(a+)+$' } },
      },
    });
    const evil = `${'a'.repeat(40)}!`;
    const submissions = Array.from({ length: 20 }, () =>
      admin.post(
        '/v1/queues/regex/items',
        submission({ confidence: 0.99, output: { reply: evil } }),
      ),
    );
    assert.equal(await healthy(), true);
    const results = await Promise.all(submissions);
    for (const r of results) {
      assert.equal(r.status, 201);
      assert.equal(r.body.routing, 'block');
      assert.ok(r.body.reasons.some((x: { kind: string }) => x.kind === 'schema'));
    }
    const good = await admin.post(
      '/v1/queues/regex/items',
      submission({ confidence: 0.99, output: { reply: 'aaaa' } }),
    );
    assert.equal(good.body.routing, 'approve');
    assert.equal(await healthy(), true);
  });
});

void describe('policy rules run under a budget', () => {
  void it('a rule that doubles its work per element blocks the item with a rule reason, and /health answers', async () => {
    await createQueue(admin, 'rules', {
      policy: {
        autoApproveAt: 0.9,
        blockBelow: 0.5,
        rules: [
          {
            name: 'doubling',
            route: 'flag',
            when: {
              reduce: [
                { var: 'metadata.list' },
                { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] },
                [1],
              ],
            },
          },
        ],
      },
    });
    const list = Array.from({ length: 64 }, (_, i) => i);
    const pending = Array.from({ length: 10 }, () =>
      admin.post('/v1/queues/rules/items', submission({ confidence: 0.99, metadata: { list } })),
    );
    assert.equal(await healthy(), true);
    for (const res of await Promise.all(pending)) {
      assert.equal(res.status, 201);
      assert.equal(res.body.routing, 'block');
      const reason = res.body.reasons.find((r: { kind: string }) => r.kind === 'rule');
      assert.equal(reason.rule, 'doubling');
      assert.match(reason.message, /exceeded the evaluation budget/);
    }
    const short = await admin.post(
      '/v1/queues/rules/items',
      submission({ confidence: 0.99, metadata: { list: [1, 2] } }),
    );
    assert.equal(short.body.routing, 'flag', 'within budget the rule applies as written');
  });
});

void describe('sign-in throttling', () => {
  const login = (email: string, password: string, ip?: string) =>
    new Api(server.url).request(
      'POST',
      '/v1/auth/login',
      { email, password },
      ip ? { 'x-forwarded-for': ip } : {},
    );

  void it('locks an email out after repeated failures with 429 and Retry-After, even for the right password', async () => {
    const user = await userApi(admin, ['reviewer'], [], 'locked');
    for (let i = 0; i < 4; i++)
      assert.equal((await login(user.user.email, 'wrong', '10.0.0.1')).status, 401);
    const refused = await login(user.user.email, 'password-123', '10.0.0.2');
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter}`);
    assert.equal(refused.body.statusCode, 429);
    assert.equal(refused.body.error, 'Too Many Requests');
    assert.equal(refused.body.requestId, refused.headers.get('x-request-id'));
    // Another account is not affected by this one's lockout.
    assert.equal((await login(ADMIN.email, ADMIN.password, '10.0.0.2')).status, 200);
  });

  void it('a successful sign-in clears the email count', async () => {
    const user = await userApi(admin, ['reviewer'], [], 'resets');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++)
        assert.equal((await login(user.user.email, 'wrong', '10.0.1.1')).status, 401);
      assert.equal((await login(user.user.email, 'password-123', '10.0.1.1')).status, 200);
    }
  });

  void it('locks out an address that tries many emails, and a flood leaves /health and submissions alone', async () => {
    const flood = Array.from({ length: 64 }, (_, i) =>
      login(`nobody${i}@verdict.test`, 'wrong', '10.9.9.9'),
    );
    assert.equal(await healthy(), true);
    const submitted = await admin.post('/v1/queues/regex/items', submission({ confidence: 0.7 }));
    assert.equal(submitted.status, 201);
    const statuses = (await Promise.all(flood)).map((r) => r.status);
    assert.ok(
      statuses.every((s) => [401, 429, 503].includes(s)),
      statuses.join(','),
    );
    // Concurrent attempts all pass the check before any failure is counted; the next ones do not.
    let last = await login('someone@verdict.test', 'wrong', '10.9.9.9');
    for (let i = 0; i < 45 && last.status !== 429; i++)
      last = await login(`someone${i}@verdict.test`, 'wrong', '10.9.9.9');
    assert.equal(last.status, 429);
    assert.ok(Number(last.headers.get('retry-after')) >= 1);
  });
});

void describe('errors carry request ids', () => {
  const raw = (body: string, headers: Record<string, string>) =>
    fetch(`${server.url}/v1/queues/regex/items`, {
      method: 'POST',
      body,
      headers: { authorization: `Bearer ${admin.token}`, ...headers },
    });

  void it('malformed JSON, 413 and 415 have X-Request-Id, requestId and one log line', async () => {
    const cases = [
      { res: await raw('{"model":', { 'content-type': 'application/json' }), status: 400 },
      {
        res: await raw(JSON.stringify({ blob: 'x'.repeat(1_100_000) }), {
          'content-type': 'application/json',
        }),
        status: 413,
      },
      { res: await raw('hello', { 'content-type': 'text/plain' }), status: 415 },
      {
        res: await raw('{}', { 'content-type': 'application/json', 'x-request-id': 'caller-id-1' }),
        status: 400,
      },
    ];
    for (const { res, status } of cases) {
      assert.equal(res.status, status);
      const id = res.headers.get('x-request-id');
      assert.ok(id, `X-Request-Id on ${status}`);
      const body = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(
        Object.keys(body).sort(),
        [
          ...(status === 400 && id === 'caller-id-1' ? ['fields'] : []),
          'error',
          'message',
          'requestId',
          'statusCode',
        ].sort(),
      );
      assert.equal(body.requestId, id);
      assert.equal(body.statusCode, status);
      const lines = await eventually(async () => {
        const found = server.logs
          .join('')
          .split('\n')
          .filter((l) => l.includes(id));
        return found.length > 0 && found;
      });
      assert.equal(lines.length, 1, `one log line for ${status}: ${lines.join('\n')}`);
    }
  });
});

void describe('streamed exports', () => {
  const opened: ClientRequest[] = [];
  after(() => opened.forEach((r) => r.destroy()));

  /** An export whose reader never reads a byte after the headers. */
  function stalledExport(): Promise<{ res: IncomingMessage }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${server.url}/v1/feedback/export?format=jsonl&queue=bulk`,
        { headers: { authorization: `Bearer ${admin.token}` } },
        (res) => {
          res.pause();
          resolve({ res });
        },
      );
      req.on('error', reject);
      req.end();
      opened.push(req);
    });
  }

  void it('25 stalled readers: a few hold the export budget, the rest get 429, the API answers; idle readers are cut off', async () => {
    await createQueue(admin, 'bulk');
    const reviewer = await userApi(admin, ['reviewer'], ['bulk']);
    await seedDecisions((text, params) => sql(ctx, text, params), 'bulk', reviewer.user.id, [
      { confidence: 0.8, count: 20_000, rejected: 1000, corrected: 500 },
    ]);
    const readers = await Promise.all(Array.from({ length: 25 }, () => stalledExport()));
    const streaming = readers.filter((r) => r.res.statusCode === 200);
    const refused = readers.filter((r) => r.res.statusCode === 429);
    assert.equal(streaming.length, EXPORT_MAX);
    assert.equal(refused.length, 25 - EXPORT_MAX);
    for (const r of refused) assert.ok(Number(r.res.headers['retry-after']) >= 1);

    assert.equal(await healthy(), true);
    const submitted = await admin.post('/v1/queues/bulk/items', submission());
    assert.equal(submitted.status, 201);
    const exportConnections = () =>
      sql<{ n: string }>(
        ctx,
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'verdict-export'`,
        [ctx.database],
      ).then((rows) => Number(rows[0].n));
    assert.equal(await exportConnections(), EXPORT_MAX);

    // The stalled readers are disconnected (a paused client cannot notice, so ask the server)
    // and the database connections they held are closed.
    await eventually(async () => (await exportConnections()) === 0, 30_000);
    for (const r of streaming) assert.equal(r.res.complete, false, 'cut off, not finished');
    const cutOff = () => server.logs.join('').match(/export reader disconnected/g)?.length ?? 0;
    await eventually(async () => cutOff() >= EXPORT_MAX, 10_000);
    assert.equal(cutOff(), EXPORT_MAX);
    const fresh = await admin.get('/v1/feedback/export?format=jsonl&queue=bulk');
    assert.equal(fresh.status, 200);
    assert.equal(String(fresh.body).trim().split('\n').length, 20_000);
  });
});

void describe('live sockets', () => {
  const clients: LiveClient[] = [];
  after(() => clients.forEach((c) => c.close()));

  void it('caps concurrent sockets per user with a clear refusal, and frees the slot on disconnect', async () => {
    const lead = await userApi(admin, ['lead'], ['regex'], 'socketeer');
    for (let i = 0; i < SOCKETS_PER_USER; i++)
      clients.push(await connectLive(server.url, lead.token));
    await assert.rejects(connectLive(server.url, lead.token), /too many live connections/);
    // Other users are unaffected.
    clients.push(await connectLive(server.url, admin.token));
    clients.shift()!.close();
    clients.push(
      await eventually(
        () => connectLive(server.url, lead.token).catch(() => undefined),
        10_000,
        200,
      ),
    );
  });

  void it('exports event-loop lag as a metric', async () => {
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    assert.match(text, /nodejs_eventloop_lag_p99_seconds/);
  });
});
