import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { assert, isLead, requireUser } from '../auth/access';
import { invalid, invalidField } from '../common/errors';
import { actorOf, type Principal, type UserPrincipal } from '../common/principal';
import { ItemsService } from '../items/items.service';
import { MetricsService } from '../ops/metrics.service';
import type { Queue } from '../queues/queue.entity';
import type { Answers } from '../queues/questions';
import { QueuesService } from '../queues/queues.service';
import {
  agree,
  cleanLabels,
  cleanText,
  decisionProblems,
  escalationChanges,
  finalChanges,
  requeueChanges,
  Vote,
} from './decision-rules';
import { ItemTransitionsService, LockedItem, Transition } from './item-transitions.service';
import { assertHolder, assertReviewer } from './review-access';
import type { DecisionDto } from './review.dto';
import type { Review } from '../items/review.entity';

@Injectable()
export class DecisionsService {
  constructor(
    private readonly transitions: ItemTransitionsService,
    private readonly queues: QueuesService,
    private readonly items: ItemsService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * The holder's decision. The lease is checked under the row lock, so of two decisions sent
   * at once exactly one wins (the other sees the item settled: 409).
   */
  async decide(principal: Principal, id: string, dto: DecisionDto) {
    const user = requireUser(principal);
    // Everything is checked under the row lock, in the contract's order: 404, 403, 400, 409.
    const applied = await this.transitions.apply(id, async (locked, manager) => {
      assertReviewer(principal, locked);
      const queue = await this.queues.findBySlug(locked.queueSlug);
      const answers: { value?: Answers | null } = {};
      const problems = decisionProblems(dto, queue, locked.output, answers);
      if (problems.length > 0) throw invalid(problems);
      assertHolder(locked, user.id);
      return this.plan(locked, manager, user, queue, dto, answers.value ?? null);
    });
    if (!applied) throw new NotFoundException('item not found');
    this.metrics.reviews.inc({ queue: applied.item.queueSlug, action: dto.action });
    return this.items.withReviews(applied.item, principal);
  }

  private async plan(
    item: LockedItem,
    manager: EntityManager,
    user: UserPrincipal,
    queue: Queue,
    dto: DecisionDto,
    answers: Answers | null,
  ): Promise<Transition> {
    const actor = actorOf(user);
    const now = item.dbNow;
    const escalated = item.reviewClass === 'escalated';
    if (escalated && dto.action === 'escalate') {
      throw invalidField('action', 'the item is already escalated: approve, reject or correct it');
    }
    // Only leads and admins are handed escalations; a role change since the claim must not let a reviewer settle one.
    if (escalated) assert(isLead(user), 'only leads and admins decide escalated items');
    const corrected = dto.action === 'correct' ? dto.correctedOutput : null;
    const review: Partial<Review> = {
      itemId: item.id,
      queueId: item.queueId,
      reviewerId: user.id,
      action: dto.action,
      labels: cleanLabels(dto.labels),
      reason: cleanText(dto.reason),
      comment: cleanText(dto.comment),
      correctedOutput: corrected,
      answers,
      reviewClass: item.reviewClass,
      claimedAt: item.claimedAt!,
      decidedAt: now,
      reviewSeconds: Math.max(0, (now.getTime() - item.claimedAt!.getTime()) / 1000),
    };
    const decided = {
      type: 'decided' as const,
      actor,
      details: {
        action: dto.action,
        labels: review.labels,
        reason: review.reason,
        comment: review.comment,
        ...(answers ? { answers } : {}),
        reviewClass: item.reviewClass,
      },
    };

    if (dto.action === 'escalate') {
      return {
        review,
        changes: escalationChanges(item, now),
        events: [
          {
            type: 'escalated',
            actor,
            details: { ...decided.details, why: 'the reviewer asked for a lead' },
          },
        ],
        change: 'escalated',
        actor,
      };
    }
    const action = dto.action;
    const final = (why: string): Transition => {
      const changes = finalChanges(item, action, corrected, now, 'reviewer');
      return {
        review,
        changes,
        events: [
          {
            ...decided,
            details: {
              ...decided.details,
              final: true,
              status: changes.status ?? item.status,
              why,
            },
          },
        ],
        change: 'decided',
        actor,
      };
    };
    // A lead's or admin's decision on an escalation settles it, whatever requiredReviews says.
    if (escalated) return final('a lead decided the escalated item');
    if (queue.requiredReviews <= 1) return final('one review required');

    // Votes of this round: reviews since the item (re)entered the line (a report starts a new round).
    const earlier: { action: Vote['action']; corrected_output: unknown; reviewer_id: string }[] =
      await manager.query(
        `SELECT action, corrected_output, reviewer_id FROM reviews WHERE item_id = $1 AND decided_at >= $2 AND action <> 'escalate'`,
        [item.id, item.queuedAt],
      );
    const mine: Vote = { action, correctedOutput: corrected };
    const votes = [
      ...earlier.map((r) => ({ action: r.action, correctedOutput: r.corrected_output })),
      mine,
    ];
    const summary = votes.map((v) => v.action);
    if (!votes.every((v) => agree(v, mine))) {
      return {
        review,
        changes: escalationChanges(item, now),
        events: [
          { ...decided, details: { ...decided.details, final: false } },
          {
            type: 'escalated',
            actor: 'system',
            details: { why: 'reviewers disagreed', votes: summary },
          },
        ],
        change: 'escalated',
        actor,
      };
    }
    if (votes.length >= queue.requiredReviews)
      return final(`${votes.length} of ${queue.requiredReviews} required reviewers agreed`);
    return {
      review,
      changes: requeueChanges(item, null),
      events: [
        {
          ...decided,
          details: {
            ...decided.details,
            final: false,
            why: `waiting for ${queue.requiredReviews - votes.length} more agreeing review(s)`,
            votes: votes.length,
          },
        },
      ],
      change: 'requeued',
      actor,
    };
  }
}
