/**
 * Consensus and escalation, in the medium tier: the real services in-process against this
 * file's own Postgres database and Redis prefix (the HTTP shape of decisions is covered in
 * decisions.test).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestException } from '@nestjs/common';
import type { UserPrincipal } from '../../src/common/principal';
import { DomainEvents } from '../../src/common/domain-events';
import { ItemsService } from '../../src/items/items.service';
import { ClaimsService } from '../../src/review/claims.service';
import { DecisionsService } from '../../src/review/decisions.service';
import type { DecisionDto } from '../../src/review/review.dto';
import { testContext } from '../support/harness';
import { appPerFile } from '../support/in-process';
import { FLAG } from './review-support';

const app = appPerFile(testContext(__filename));

async function reviewers(slug: string, n: number) {
  return Promise.all(Array.from({ length: n }, () => app().user(['reviewer'], [slug])));
}

async function claimItem(who: UserPrincipal, slug: string) {
  const claimed = await app().get(ClaimsService).claim(who, slug);
  assert.ok(claimed, 'expected an item to claim');
  return claimed.item;
}

function decide(who: UserPrincipal, id: string, body: Partial<DecisionDto>) {
  return app()
    .get(DecisionsService)
    .decide(who, id, body as DecisionDto);
}

/** One person claims the (only) item and decides it. */
async function vote(who: UserPrincipal, slug: string, id: string, body: Partial<DecisionDto>) {
  assert.equal((await claimItem(who, slug)).id, id);
  return decide(who, id, body);
}

async function events(id: string) {
  return (await app().get(ItemsService).listEvents(app().admin, id)).events;
}

async function chainVerifies(id: string) {
  const result = await app().get(ItemsService).verifyEvents(app().admin, id);
  assert.equal(result.valid, true, JSON.stringify(result));
}

void describe('consensus and escalation', () => {
  void it('is final once the required number of different people agree', async () => {
    await app().createQueue('three', { requiredReviews: 3 });
    const item = await app().submit('three', { confidence: FLAG });
    const [a, b, c] = await reviewers('three', 3);
    assert.equal((await vote(a, 'three', item.id, { action: 'approve' })).status, 'pending');
    assert.equal((await vote(b, 'three', item.id, { action: 'approve' })).status, 'pending');
    const done = await vote(c, 'three', item.id, { action: 'approve' });
    assert.equal(done.status, 'approved');
    assert.equal(done.decidedBy, 'reviewer');
    assert.equal(done.reviews.length, 3);
    assert.deepEqual(new Set(done.reviews.map((r) => r.reviewer)).size, 3);
  });

  void it('agrees on corrections only when the corrected outputs match', async () => {
    await app().createQueue('fix-same', { requiredReviews: 2 });
    await app().createQueue('fix-diff', { requiredReviews: 2 });
    const same = await app().submit('fix-same', { confidence: FLAG });
    const diff = await app().submit('fix-diff', { confidence: FLAG });
    const [a, b] = await reviewers('fix-same', 2);
    await vote(a, 'fix-same', same.id, {
      action: 'correct',
      reason: 'date',
      correctedOutput: { reply: 'Sent Friday.', n: 1 },
    });
    const agreed = await vote(b, 'fix-same', same.id, {
      action: 'correct',
      reason: 'date',
      correctedOutput: { n: 1, reply: 'Sent Friday.' },
    });
    assert.equal(agreed.status, 'corrected');
    assert.deepEqual(agreed.finalOutput, { reply: 'Sent Friday.', n: 1 });

    const [c, d] = await reviewers('fix-diff', 2);
    await vote(c, 'fix-diff', diff.id, {
      action: 'correct',
      reason: 'date',
      correctedOutput: { reply: 'Sent Friday.' },
    });
    const split = await vote(d, 'fix-diff', diff.id, {
      action: 'correct',
      reason: 'date',
      correctedOutput: { reply: 'Sent Thursday.' },
    });
    assert.equal(split.status, 'escalated');
  });

  void it('escalates on disagreement; only leads and admins get it, and a lead decides for good', async () => {
    await app().createQueue('split', { requiredReviews: 2 });
    const item = await app().submit('split', { confidence: FLAG });
    const [a, b, c] = await reviewers('split', 3);
    await vote(a, 'split', item.id, { action: 'approve' });
    const escalated = await vote(b, 'split', item.id, { action: 'reject', reason: 'wrong' });
    assert.equal(escalated.status, 'escalated');
    assert.equal(escalated.review.class, 'escalated');
    assert.equal(
      await app().get(ClaimsService).claim(c, 'split'),
      null,
      'a reviewer is never handed an escalated item',
    );

    const lead = await app().user(['lead']);
    const held = await claimItem(lead, 'split');
    assert.equal(held.id, item.id);
    assert.equal(held.status, 'escalated');
    await assert.rejects(
      decide(lead, item.id, { action: 'escalate' }),
      BadRequestException,
      'an escalated item cannot be escalated again',
    );
    const final = await decide(lead, item.id, { action: 'reject', reason: 'refund never sent' });
    assert.equal(
      final.status,
      'rejected',
      'one lead decision settles it despite requiredReviews 2',
    );
    assert.equal(final.usable, false);
    const trail = await events(item.id);
    assert.ok(trail.map((e) => e.type).includes('escalated'));
    const escalation = trail.find((e) => e.type === 'escalated')!;
    assert.equal(escalation.details.why, 'reviewers disagreed');
    await chainVerifies(item.id);
  });

  void it('lets a reviewer escalate to a lead', async () => {
    await app().createQueue('ask');
    const item = await app().submit('ask', { confidence: FLAG });
    const [a] = await reviewers('ask', 1);
    const res = await vote(a, 'ask', item.id, { action: 'escalate', comment: 'legal question' });
    assert.equal(res.status, 'escalated');
    assert.equal(res.usable, true, 'a flagged item stays usable while escalated');
    assert.equal(res.reviews[0].action, 'escalate');
    const admin2 = await claimItem(app().admin, 'ask');
    assert.equal(admin2.id, item.id);
    const approved = await decide(app().admin, item.id, { action: 'approve' });
    assert.equal(approved.status, 'approved');
    const escalated = (await events(item.id)).find((e) => e.type === 'escalated')!;
    assert.equal(escalated.actor, `user:${a.id}`);
  });

  void it('live updates, webhooks and notifications are found as listeners', () => {
    const listeners = app().get(DomainEvents).listenerNames();
    for (const name of [
      'LiveUpdatesService.onItemChanged',
      'WebhookDispatchService.onItemChanged',
      'NotificationsService.onItemChanged',
    ])
      assert.ok(listeners['item.changed'].includes(name), name);
    assert.ok(listeners['items.submitted'].includes('SlaService.onItemsSubmitted'));
  });
});
