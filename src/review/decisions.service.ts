import { Injectable, NotFoundException } from '@nestjs/common';
import { isLead, requireUser } from '../auth/access';
import { invalid } from '../common/errors';
import { actorOf, type Principal } from '../common/principal';
import { ItemStore } from '../items/item-store';
import { decided, decisionRefusal, needsRoundVotes, type Decision } from '../items/item-state';
import { ItemsService } from '../items/items.service';
import { MetricsService } from '../ops/metrics.service';
import type { Answers } from '../queues/questions';
import { QueuesService } from '../queues/queues.service';
import { cleanLabels, cleanText, decisionProblems } from './decision-body';
import { assertReviewer, orRefuse, refusalError } from './review-access';
import { LeaseTimers } from './lease-timers';
import type { DecisionDto } from './review.dto';
import type { Review } from '../items/review.entity';

@Injectable()
export class DecisionsService {
  constructor(
    private readonly store: ItemStore,
    private readonly queues: QueuesService,
    private readonly items: ItemsService,
    private readonly metrics: MetricsService,
    private readonly leaseTimers: LeaseTimers,
  ) {}

  /**
   * The holder's decision. Planned from a read and written conditionally on the audit chain
   * (ItemStore.apply, optimistic), so of two decisions sent at once exactly one wins: the other
   * collides on the chain, plans again under the row lock and sees the item settled (409).
   */
  async decide(principal: Principal, id: string, dto: DecisionDto) {
    const user = requireUser(principal);
    // Everything is checked on one read of the item, in the contract's order: 404, 403, 400, 409.
    const applied = await this.store.apply(
      id,
      async (locked, manager) => {
        assertReviewer(principal, locked);
        const queue = await this.queues.findBySlug(locked.queueSlug);
        const answers: { value?: Answers | null } = {};
        const problems = decisionProblems(dto, queue, locked.output, answers);
        if (problems.length > 0) throw invalid(problems);
        const decision: Decision = {
          reviewerId: user.id,
          actor: actorOf(user),
          lead: isLead(user),
          action: dto.action,
          labels: cleanLabels(dto.labels),
          reason: cleanText(dto.reason),
          comment: cleanText(dto.comment),
          correctedOutput: dto.correctedOutput,
          answers: answers.value ?? null,
        };
        // Refused before this round's votes are read: a refused decision costs no extra query.
        const refusal = decisionRefusal(locked, decision);
        if (refusal) throw refusalError(refusal);
        const votes = needsRoundVotes(locked, dto.action, queue.requiredReviews)
          ? await this.store.roundVotes(manager, locked)
          : [];
        return orRefuse(decided(locked, decision, queue.requiredReviews, votes));
      },
      // No held transaction; a concurrent change makes it plan again under the row lock.
      { optimistic: true },
    );
    if (!applied) throw new NotFoundException('item not found');
    // The lease ended with the decision: its timer here would only find nothing to do.
    this.leaseTimers.clear(id, applied.previous.leaseToken);
    this.metrics.reviews.inc({ queue: applied.item.queueSlug, action: dto.action });
    // The first review of the item is the one just written: no need to read it back.
    const { review } = applied.transition;
    return this.items.withReviews(
      applied.item,
      principal,
      !applied.hadReviews && review ? [review as Review] : undefined,
    );
  }
}
