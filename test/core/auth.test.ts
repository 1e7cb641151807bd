import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
let server: RunningServer;
let admin: Api;

serverPerFile(ctx, async (started) => {
  ({ server, admin } = started);
  await createQueue(admin, 'alpha');
  await createQueue(admin, 'beta');
});

describe('login', () => {
  it('returns an access token and the user, and the seeded admin works', async () => {
    const res = await new Api(server.url).post('/v1/auth/login', {
      email: ADMIN.email,
      password: ADMIN.password,
    });
    assert.equal(res.status, 200);
    assert.equal(typeof res.body.accessToken, 'string');
    assert.deepEqual(Object.keys(res.body.user).sort().slice(0, 5), [
      'createdAt',
      'disabled',
      'email',
      'id',
      'name',
    ]);
    assert.deepEqual(res.body.user.roles, ['admin']);
    assert.equal(res.body.user.email, ADMIN.email);
  });
  it('is case-insensitive on email and refuses a wrong password with 401', async () => {
    assert.equal(
      (
        await new Api(server.url).post('/v1/auth/login', {
          email: ADMIN.email.toUpperCase(),
          password: ADMIN.password,
        })
      ).status,
      200,
    );
    const wrong = await new Api(server.url).post('/v1/auth/login', {
      email: ADMIN.email,
      password: 'nope-nope',
    });
    assert.equal(wrong.status, 401);
    const unknown = await new Api(server.url).post('/v1/auth/login', {
      email: 'ghost@verdict.test',
      password: 'whatever1',
    });
    assert.equal(unknown.status, 401);
  });
  it('refuses a malformed login body with 400 naming the field', async () => {
    const res = await new Api(server.url).post('/v1/auth/login', {
      email: 'not-an-email',
      password: 'x',
    });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /email/);
  });
  it('stores passwords only as argon2 hashes', async () => {
    const rows = await sql<{ password_hash: string }>(ctx, 'SELECT password_hash FROM users');
    for (const row of rows) {
      assert.match(row.password_hash, /^\$argon2id\$/);
      assert.ok(!row.password_hash.includes(ADMIN.password));
    }
  });
});

describe('401 versus 403', () => {
  it('answers 401 without a token, with a garbage token, and with a tampered token', async () => {
    assert.equal((await new Api(server.url).get('/v1/queues')).status, 401);
    assert.equal((await new Api(server.url, 'garbage').get('/v1/queues')).status, 401);
    assert.equal((await new Api(server.url, `${admin.token}x`).get('/v1/queues')).status, 401);
    assert.equal((await new Api(server.url, 'vk_not-a-real-key').get('/v1/queues')).status, 401);
  });
  it('answers 403 when the token is valid but the role is not allowed', async () => {
    const reviewer = await userApi(admin, ['reviewer'], ['alpha']);
    assert.equal(
      (
        await reviewer.post('/v1/users', {
          email: 'x@verdict.test',
          name: 'x',
          password: 'password-123',
          roles: ['admin'],
        })
      ).status,
      403,
    );
    assert.equal((await reviewer.post('/v1/queues', { slug: 'gamma', name: 'g' })).status, 403);
    assert.equal(
      (await reviewer.post('/v1/api-keys', { name: 'k', queues: ['*'], scopes: ['items:write'] }))
        .status,
      403,
    );
    const analyst = await userApi(admin, ['analyst']);
    assert.equal((await analyst.post('/v1/queues/alpha/items', submission())).status, 403);
  });
});

describe('users', () => {
  it('creates users with roles and queues; duplicates are 409; bad roles are 400', async () => {
    const res = await admin.post('/v1/users', {
      email: 'Lee@Verdict.test',
      name: 'Lee',
      password: 'password-123',
      roles: ['lead'],
      queues: ['alpha'],
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.email, 'lee@verdict.test');
    assert.deepEqual(res.body.roles, ['lead']);
    assert.equal(res.body.passwordHash, undefined);
    assert.equal(
      (
        await admin.post('/v1/users', {
          email: 'lee@verdict.test',
          name: 'Lee',
          password: 'password-123',
          roles: ['lead'],
        })
      ).status,
      409,
    );
    const bad = await admin.post('/v1/users', {
      email: 'z@verdict.test',
      name: 'Z',
      password: 'password-123',
      roles: ['superuser'],
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /roles/);
  });
  it('a reviewer sees only the queues they were given', async () => {
    const reviewer = await userApi(admin, ['reviewer'], ['beta']);
    const res = await reviewer.get('/v1/queues');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.map((q: { slug: string }) => q.slug),
      ['beta'],
    );
    assert.equal((await reviewer.get('/v1/queues/alpha')).status, 403);
  });
  it('a disabled user can no longer sign in or use their token', async () => {
    const user = await userApi(admin, ['reviewer'], ['alpha'], 'soon-gone');
    assert.equal((await user.get('/v1/queues')).status, 200);
    assert.equal((await admin.patch(`/v1/users/${user.user.id}`, { disabled: true })).status, 200);
    assert.equal((await user.get('/v1/queues')).status, 401);
    await assert.rejects(login(server.url, 'soon-gone@verdict.test', 'password-123'));
  });
});

describe('api keys', () => {
  it('shows the key once, stores only a hash, and scopes it to queues and scopes', async () => {
    const res = await admin.post('/v1/api-keys', {
      name: 'bot',
      queues: ['alpha'],
      scopes: ['items:write'],
    });
    assert.equal(res.status, 201);
    assert.match(res.body.key, /^vk_[A-Za-z0-9_-]{40,}$/);
    assert.equal(typeof res.body.id, 'string');
    const stored = await sql<{ key_hash: string }>(
      ctx,
      'SELECT key_hash FROM api_keys WHERE id = $1',
      [res.body.id],
    );
    assert.notEqual(stored[0].key_hash, res.body.key);
    assert.ok(!JSON.stringify((await admin.get('/v1/api-keys')).body).includes(res.body.key));

    const bot = admin.as(res.body.key);
    const created = await bot.post('/v1/queues/alpha/items', submission());
    assert.equal(created.status, 201);
    assert.equal((await bot.post('/v1/queues/beta/items', submission())).status, 403);
    // items:write alone does not grant reading
    assert.equal((await bot.get(`/v1/items/${created.body.id}`)).status, 403);
    // keys are for product systems: no user-only routes
    assert.equal((await bot.get('/v1/users')).status, 403);
  });
  it('a wildcard key covers every queue', async () => {
    const bot = await apiKey(admin, ['*']);
    assert.equal((await bot.post('/v1/queues/beta/items', submission())).status, 201);
  });
  it('records the last use time', async () => {
    const res = await admin.post('/v1/api-keys', {
      name: 'used',
      queues: ['alpha'],
      scopes: ['items:read'],
    });
    await admin.as(res.body.key).get('/v1/queues/alpha/items');
    // The last-use write is off the request path (fire and forget), so it shows up shortly after.
    const key = await eventually(async () => {
      const listed = await admin.get('/v1/api-keys');
      const found = listed.body.find((k: { id: string }) => k.id === res.body.id);
      return found?.lastUsedAt ? found : undefined;
    });
    assert.ok(key.lastUsedAt, 'lastUsedAt set after use');
  });
  it('revoking takes effect at once', async () => {
    const res = await admin.post('/v1/api-keys', {
      name: 'short-lived',
      queues: ['alpha'],
      scopes: ['items:write'],
    });
    const bot = admin.as(res.body.key);
    assert.equal((await bot.post('/v1/queues/alpha/items', submission())).status, 201);
    assert.equal((await admin.delete(`/v1/api-keys/${res.body.id}`)).status, 204);
    assert.equal((await bot.post('/v1/queues/alpha/items', submission())).status, 401);
    assert.equal(
      (await admin.delete('/v1/api-keys/00000000-0000-4000-8000-000000000000')).status,
      404,
    );
  });
  it('refuses an unknown scope naming the field', async () => {
    const res = await admin.post('/v1/api-keys', {
      name: 'x',
      queues: ['alpha'],
      scopes: ['items:delete'],
    });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /scopes/);
  });
});
