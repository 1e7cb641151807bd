import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, apiKey, createQueue, eventually, testContext, userApi } from '../support/harness';
import {
  BLOCK,
  chainVerifies,
  claimItem,
  decide,
  events,
  FLAG,
  serverPerFile,
  submit,
} from './review-support';

const ctx = testContext(__filename);
let admin: Api;
let key: Api;
serverPerFile(ctx, async (started) => {
  admin = started.admin;
  key = await apiKey(admin, ['*']);
});

async function settled(id: string, status: string) {
  return eventually(async () => {
    const res = await admin.get(`/v1/items/${id}`);
    return res.body.status === status && res.body;
  }, 20_000);
}

void describe('SLA timeouts', () => {
  void it('decides a blocked item by onBlockedTimeout when nobody did in time', async () => {
    await createQueue(admin, 'sla-reject', {
      sla: { blockedSeconds: 1, onBlockedTimeout: 'reject', flaggedSeconds: null },
    });
    await createQueue(admin, 'sla-approve', {
      sla: { blockedSeconds: 1, onBlockedTimeout: 'approve', flaggedSeconds: null },
    });
    const rejected = await submit(key, 'sla-reject', { confidence: BLOCK });
    const approved = await submit(key, 'sla-approve', { confidence: BLOCK });
    assert.ok(rejected.slaDueAt);
    const r = await settled(rejected.id, 'rejected');
    assert.equal(r.decidedBy, 'timeout');
    assert.equal(r.usable, false);
    const a = await settled(approved.id, 'approved');
    assert.equal(a.decidedBy, 'timeout');
    assert.equal(a.usable, true);
    assert.deepEqual(a.finalOutput, a.output);
    const timedOut = (await events(admin, rejected.id)).at(-1)!;
    assert.equal(timedOut.type, 'timed_out');
    assert.equal(timedOut.actor, 'timeout');
    await chainVerifies(admin, rejected.id);
  });

  void it('escalates a flagged item still unreviewed after flaggedSeconds', async () => {
    await createQueue(admin, 'sla-flag', {
      sla: { blockedSeconds: null, onBlockedTimeout: 'reject', flaggedSeconds: 1 },
    });
    const item = await submit(key, 'sla-flag', { confidence: FLAG });
    const escalated = await settled(item.id, 'escalated');
    assert.equal(escalated.usable, true);
    assert.equal(escalated.review.class, 'escalated');
    const reviewer = await userApi(admin, ['reviewer'], ['sla-flag']);
    assert.equal((await reviewer.post('/v1/queues/sla-flag/claim')).status, 204);
    const lead = await userApi(admin, ['lead']);
    assert.equal((await claimItem(lead, 'sla-flag')).id, item.id);
  });

  void it('voids the lease of someone holding the item when the timeout wins', async () => {
    await createQueue(admin, 'sla-held', {
      leaseSeconds: 60,
      sla: { blockedSeconds: 2, onBlockedTimeout: 'reject', flaggedSeconds: null },
    });
    // The reviewer exists before the 2 s clock starts: creating one (argon2) can take seconds on a busy machine.
    const reviewer = await userApi(admin, ['reviewer'], ['sla-held']);
    const item = await submit(key, 'sla-held', { confidence: BLOCK });
    assert.equal((await claimItem(reviewer, 'sla-held')).id, item.id);
    await settled(item.id, 'rejected');
    const late = await decide(reviewer, item.id, { action: 'approve' });
    assert.equal(late.status, 409);
    const timedOut = (await events(admin, item.id)).find((e) => e.type === 'timed_out')!;
    assert.equal(timedOut.details.voidedLeaseOf, `user:${reviewer.user.id}`);
  });

  void it('leaves items people decided in time alone', async () => {
    await createQueue(admin, 'sla-fast', {
      sla: { blockedSeconds: 2, onBlockedTimeout: 'reject', flaggedSeconds: null },
    });
    const reviewer = await userApi(admin, ['reviewer'], ['sla-fast']);
    const item = await submit(key, 'sla-fast', { confidence: BLOCK });
    await claimItem(reviewer, 'sla-fast');
    assert.equal((await decide(reviewer, item.id, { action: 'approve' })).status, 200);
    await new Promise((r) => setTimeout(r, 3500));
    const after = await admin.get(`/v1/items/${item.id}`);
    assert.equal(after.body.status, 'approved');
    assert.equal(after.body.decidedBy, 'reviewer');
  });
});
