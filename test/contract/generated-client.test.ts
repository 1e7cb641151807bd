/**
 * A product team's integration, compiled against the generated types (sdk/src/generated/openapi.ts)
 * and run against a real server with openapi-fetch: if the document lies about a request or an
 * answer, this file stops compiling or the conformance checks fail.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../sdk/src/generated/openapi';
import { ADMIN, RunningServer, serverPerFile, testContext, userApi, Api } from '../support/harness';
import { Conformance } from './openapi-conformance';

type Item = components['schemas']['ItemDto'];
type ErrorBody = components['schemas']['Error'];

const ctx = testContext(__filename);
let server: RunningServer;
const conformance = new Conformance();

/** Every JSON answer the client receives is checked against the document. */
const conforming: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    if (!response.headers.get('content-type')?.includes('application/json')) return;
    const body: unknown = await response.clone().json();
    conformance.check(schemaPath, request.method.toLowerCase(), response.status, body);
  },
};

function client(token?: string) {
  const c = createClient<paths>({
    baseUrl: server.url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  c.use(conforming);
  return c;
}

serverPerFile(ctx, (started) => {
  server = started.server;
});

describe('a client generated from openapi.json', () => {
  it('signs in, creates a queue, submits, reads the item and sees a decision', async () => {
    const login = await client().POST('/v1/auth/login', {
      body: { email: ADMIN.email, password: ADMIN.password },
    });
    assert.equal(login.response.status, 200);
    const token: string = login.data!.accessToken;
    assert.ok(login.data!.user.roles.includes('admin'));
    const api = client(token);

    const queue = await api.POST('/v1/queues', {
      body: {
        slug: 'typed',
        name: 'Typed',
        labels: ['tone'],
        policy: {
          autoApproveAt: 0.9,
          blockBelow: 0.5,
          rules: [
            { name: 'big', when: { '>': [{ var: 'metadata.amount' }, 100] }, route: 'block' },
          ],
        },
        outputSchema: true,
      },
    });
    assert.equal(queue.response.status, 201);
    assert.match(queue.data!.webhookSecret, /^whsec_/);
    assert.equal(queue.data!.policy.rules[0].route, 'block');

    // Free-form JSON is any JSON value: an object, and a plain string, both compile and store.
    const objectOutput = await api.POST('/v1/queues/{slug}/items', {
      params: { path: { slug: 'typed' } },
      body: {
        externalId: 'typed-1',
        model: { name: 'support-llm' },
        input: [{ role: 'user', content: 'hi' }],
        output: { reply: 'hi' },
        confidence: 0.7,
        metadata: { amount: 5 },
      },
    });
    assert.equal(objectOutput.response.status, 201);
    const stringOutput = await api.POST('/v1/queues/{slug}/items', {
      params: { path: { slug: 'typed' } },
      body: { model: { name: 'support-llm' }, output: 'just text', confidence: 0.95 },
    });
    assert.equal(stringOutput.response.status, 201);
    const approved: Item = stringOutput.data!;
    assert.equal(approved.output, 'just text');
    assert.equal(approved.status, 'approved');

    const fetched = await api.GET('/v1/items/{id}', {
      params: { path: { id: objectOutput.data!.id } },
    });
    assert.equal(fetched.response.status, 200);
    assert.deepEqual(fetched.data!.output, { reply: 'hi' });
    assert.deepEqual(fetched.data!.reviews, []);

    const claim = await api.POST('/v1/queues/{slug}/claim', {
      params: { path: { slug: 'typed' } },
    });
    assert.equal(claim.response.status, 200);
    assert.equal(claim.data!.item.id, objectOutput.data!.id);
    const decided = await api.POST('/v1/items/{id}/decision', {
      params: { path: { id: claim.data!.item.id } },
      body: { action: 'correct', correctedOutput: 'hello', labels: ['tone'] },
    });
    assert.equal(decided.response.status, 200);
    assert.equal(decided.data!.status, 'corrected');
    assert.equal(decided.data!.finalOutput, 'hello');
    assert.equal(decided.data!.reviews[0].action, 'correct');
    assert.equal(decided.data!.reviews[0].correctedOutput, 'hello');

    const list = await api.GET('/v1/queues/{slug}/items', {
      params: { path: { slug: 'typed' }, query: { limit: 10 } },
    });
    assert.equal(list.data!.items.length, 2);
  });

  it('gets batch results, lists and reports with their documented shapes', async () => {
    const token = (
      await client().POST('/v1/auth/login', {
        body: { email: ADMIN.email, password: ADMIN.password },
      })
    ).data!.accessToken;
    const api = client(token);
    const batch = await api.POST('/v1/queues/{slug}/items/batch', {
      params: { path: { slug: 'typed' } },
      body: {
        items: [
          { model: { name: 'm' }, output: 42, confidence: 0.6 },
          { model: { name: 'm' }, output: 'x', confidence: 7 },
        ],
      },
    });
    assert.equal(batch.response.status, 200);
    const [stored, refused] = batch.data!.results;
    assert.ok('id' in stored && stored.output === 42);
    assert.ok('error' in refused && refused.error.statusCode === 400);

    for (const [path, check] of [
      ['/v1/queues', await api.GET('/v1/queues')],
      ['/v1/users', await api.GET('/v1/users')],
      ['/v1/api-keys', await api.GET('/v1/api-keys')],
      ['/v1/auth/me', await api.GET('/v1/auth/me')],
    ] as const) {
      assert.equal(check.response.status, 200, path);
    }
    const stats = await api.GET('/v1/queues/{slug}/stats', { params: { path: { slug: 'typed' } } });
    assert.equal(stats.response.status, 200);
    const history = await api.GET('/v1/queues/{slug}/policy/history', {
      params: { path: { slug: 'typed' } },
    });
    assert.equal(history.data![0].policy.autoApproveAt, 0.9);
    const calibration = await api.GET('/v1/analytics/calibration', {
      params: { query: { queue: 'typed', bins: 5 } },
    });
    assert.equal(calibration.data!.bins.length, 5);
    const drift = await api.GET('/v1/analytics/drift', { params: { query: { queue: 'typed' } } });
    assert.equal(drift.response.status, 200);
    const reviewers = await api.GET('/v1/analytics/reviewers', {});
    assert.equal(reviewers.response.status, 200);
    const simulation = await api.POST('/v1/queues/{slug}/policy/simulate', {
      params: { path: { slug: 'typed' } },
      body: { autoApproveAt: 0.8, blockBelow: 0.4 },
    });
    assert.equal(simulation.response.status, 200);
    const recommendation = await api.GET('/v1/queues/{slug}/policy/recommendation', {
      params: { path: { slug: 'typed' } },
    });
    assert.equal(recommendation.response.status, 200);
    const id = (stored as Item).id;
    const events = await api.GET('/v1/items/{id}/events', { params: { path: { id } } });
    assert.ok(events.data!.events.length > 0);
    const verify = await api.GET('/v1/items/{id}/events/verify', { params: { path: { id } } });
    assert.equal(verify.data!.valid, true);
    const report = await api.POST('/v1/items/{id}/reports', {
      params: { path: { id } },
      body: { reason: 'wrong' },
    });
    assert.equal(report.response.status, 201);
    const version = await client().GET('/version');
    assert.match(version.data!.version, /^\d+\.\d+\.\d+/);
    const health = await client().GET('/health');
    assert.equal(health.data!.status, 'ok');
  });

  it('gets errors as the shared Error schema, naming the field', async () => {
    const anonymous = await client().GET('/v1/queues');
    assert.equal(anonymous.response.status, 401);
    const unauthorized: ErrorBody = anonymous.error!;
    assert.equal(unauthorized.statusCode, 401);
    assert.ok(unauthorized.requestId);

    const token = (
      await client().POST('/v1/auth/login', {
        body: { email: ADMIN.email, password: ADMIN.password },
      })
    ).data!.accessToken;
    const invalid = await client(token).POST('/v1/queues/{slug}/items', {
      params: { path: { slug: 'typed' } },
      body: { model: { name: 'm' }, output: 'x', confidence: 1.5 },
    });
    assert.equal(invalid.response.status, 400);
    assert.equal(invalid.error!.fields?.[0].field, 'confidence');
    assert.match(invalid.error!.message, /confidence/);

    const missing = await client(token).GET('/v1/queues/{slug}', {
      params: { path: { slug: 'no-such-queue' } },
    });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error!.error, 'Not Found');

    const reviewer = await userApi(new Api(server.url, token), ['reviewer'], ['typed']);
    const forbidden = await client(reviewer.token).POST('/v1/queues', {
      body: { slug: 'nope', name: 'Nope' },
    });
    assert.equal(forbidden.response.status, 403);
    assert.equal(forbidden.error!.statusCode, 403);
  });
});
