import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Api, serverPerFile, submission, testContext, userApi } from '../support/harness';

const ctx = testContext(__filename);
let admin: Api;

const example = {
  slug: 'support-replies',
  name: 'Support replies',
  policy: {
    autoApproveAt: 0.9,
    blockBelow: 0.5,
    auditSampleRate: 0.02,
    rules: [
      { name: 'large refund', when: { '>': [{ var: 'metadata.amount' }, 1000] }, route: 'block' },
    ],
  },
  outputSchema: { type: 'object', required: ['reply'] },
  labels: ['hallucination', 'tone', 'policy', 'format'],
  requiredReviews: 1,
  leaseSeconds: 300,
  sla: { blockedSeconds: 900, onBlockedTimeout: 'reject', flaggedSeconds: 86400 },
  webhookUrl: null,
};

serverPerFile(ctx, (started) => {
  ({ admin } = started);
});

describe('queues', () => {
  it('creates the contract example and returns the webhook secret once', async () => {
    const res = await admin.post('/v1/queues', example);
    assert.equal(res.status, 201);
    assert.equal(res.body.slug, 'support-replies');
    assert.equal(res.body.policyVersion, 1);
    assert.deepEqual(res.body.policy, example.policy);
    assert.deepEqual(res.body.sla, example.sla);
    assert.match(res.body.webhookSecret, /^whsec_/);
    const got = await admin.get('/v1/queues/support-replies');
    assert.equal(got.status, 200);
    assert.equal(got.body.webhookSecret, undefined);
    assert.deepEqual(got.body.labels, example.labels);
    const list = await admin.get('/v1/queues');
    assert.ok(list.body.some((q: { slug: string }) => q.slug === 'support-replies'));
  });
  it('a lead may create queues; a duplicate slug is 409; an unknown one is 404', async () => {
    const lead = await userApi(admin, ['lead']);
    assert.equal((await lead.post('/v1/queues', { slug: 'lead-made', name: 'L' })).status, 201);
    assert.equal((await admin.post('/v1/queues', { slug: 'lead-made', name: 'L' })).status, 409);
    assert.equal((await admin.get('/v1/queues/nope')).status, 404);
  });
  it('refuses invalid policies with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ policy: { autoApproveAt: 1.5 } }, /autoApproveAt/],
      [{ policy: { blockBelow: -1 } }, /blockBelow/],
      [{ policy: { autoApproveAt: 0.4, blockBelow: 0.6 } }, /blockBelow/],
      [{ policy: { rules: [{ name: 'r', when: { '==': [1, 1] }, route: 'hold' }] } }, /route/],
      [
        { policy: { rules: [{ name: 'r', when: { frobnicate: [1] }, route: 'block' }] } },
        /frobnicate/,
      ],
      [{ outputSchema: { type: 'not-a-type' } }, /outputSchema/],
      [{ slug: 'Bad Slug' }, /slug/],
      [{ sla: { onBlockedTimeout: 'shrug' } }, /onBlockedTimeout/],
      [{ requiredReviews: 0 }, /requiredReviews/],
      [{ labels: 'tone' }, /labels/],
      [{ webhookUrl: 'ftp://x.example' }, /webhookUrl/],
    ];
    for (const [override, pattern] of cases) {
      const res = await admin.post('/v1/queues', { slug: 'invalid-one', name: 'x', ...override });
      assert.equal(res.status, 400, JSON.stringify(override));
      assert.match(res.body.message, pattern, JSON.stringify(override));
    }
    assert.equal(
      (await admin.get('/v1/queues/invalid-one')).status,
      404,
      'nothing stored for a refused queue',
    );
  });
});

describe('policy versions', () => {
  it('PUT replaces the policy, bumps the version, keeps history; items keep the version that routed them', async () => {
    await admin.post('/v1/queues', {
      slug: 'versioned',
      name: 'V',
      policy: { autoApproveAt: 0.9, blockBelow: 0.5 },
    });
    const before = await admin.post('/v1/queues/versioned/items', submission({ confidence: 0.8 }));
    assert.equal(before.body.routing, 'flag');
    assert.equal(before.body.policyVersion, 1);

    const put = await admin.put('/v1/queues/versioned/policy', {
      autoApproveAt: 0.7,
      blockBelow: 0.3,
      auditSampleRate: 0,
      rules: [],
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.policyVersion, 2);

    const afterRes = await admin.post(
      '/v1/queues/versioned/items',
      submission({ confidence: 0.8 }),
    );
    assert.equal(afterRes.body.routing, 'approve');
    assert.equal(afterRes.body.policyVersion, 2);
    const old = await admin.get(`/v1/items/${before.body.id}`);
    assert.equal(old.body.policyVersion, 1);
    assert.equal(old.body.routing, 'flag');

    const history = await admin.get('/v1/queues/versioned/policy/history');
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.body.map((v: { version: number }) => v.version),
      [1, 2],
    );
    assert.equal(history.body[0].policy.autoApproveAt, 0.9);
    assert.equal(history.body[1].policy.autoApproveAt, 0.7);
    assert.equal(history.body[1].current, true);
  });
  it('refuses an invalid policy without changing the version', async () => {
    const res = await admin.put('/v1/queues/versioned/policy', {
      autoApproveAt: 0.2,
      blockBelow: 0.8,
    });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /blockBelow/);
    assert.equal((await admin.get('/v1/queues/versioned')).body.policyVersion, 2);
  });
  it('only admins and leads may change a policy', async () => {
    const reviewer = await userApi(admin, ['reviewer'], ['versioned']);
    assert.equal(
      (await reviewer.put('/v1/queues/versioned/policy', { autoApproveAt: 0.9, blockBelow: 0.5 }))
        .status,
      403,
    );
  });
  it('PATCH changes settings; an outputSchema change makes a new version', async () => {
    const patched = await admin.patch('/v1/queues/versioned', {
      labels: ['tone'],
      leaseSeconds: 60,
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.policyVersion, 2);
    assert.deepEqual(patched.body.labels, ['tone']);
    const schema = await admin.patch('/v1/queues/versioned', {
      outputSchema: { type: 'object', required: ['reply'] },
    });
    assert.equal(schema.body.policyVersion, 3);
    const item = await admin.post(
      '/v1/queues/versioned/items',
      submission({ confidence: 0.99, output: 'plain text' }),
    );
    assert.equal(item.body.routing, 'block');
    assert.ok(item.body.reasons.some((r: { kind: string }) => r.kind === 'schema'));
  });
});
