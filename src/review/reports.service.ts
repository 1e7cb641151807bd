import { Injectable, NotFoundException } from '@nestjs/common';
import { assert, canReadItems, canSubmit } from '../auth/access';
import { invalid } from '../common/errors';
import { jsonProblems } from '../common/json-guard';
import { actorOf, type Principal } from '../common/principal';
import { Item, REVIEW_CLASS_RANK } from '../items/item.entity';
import { ItemsService } from '../items/items.service';
import { QueuesService } from '../queues/queues.service';
import type { Reason } from '../routing/policy.types';
import { cleanLabels, labelProblems } from './decision-rules';
import { ItemTransitionsService } from './item-transitions.service';
import type { ReportDto } from './review.dto';

@Injectable()
export class ReportsService {
  constructor(
    private readonly transitions: ItemTransitionsService,
    private readonly queues: QueuesService,
    private readonly items: ItemsService,
  ) {}

  /**
   * A product system (or a person) says an output was wrong. A final item goes back to review
   * as a report, keeping its verdict and `usable` until a reviewer rejects it; an item already
   * in review just gains the reason. A rejected item is already withheld, so the report is
   * recorded without queueing it again.
   */
  async report(principal: Principal, id: string, dto: ReportDto) {
    const item = await this.transitions.dataSource.manager.findOne(Item, { where: { id } });
    if (!item) throw new NotFoundException('item not found');
    assert(
      canReadItems(principal, item.queueSlug) || canSubmit(principal, item.queueSlug),
      'not allowed to report items of this queue',
    );
    const queue = await this.queues.findBySlug(item.queueSlug);
    const problems = [
      jsonProblems(dto.reason, 'reason'),
      jsonProblems(dto.labels, 'labels'),
    ].filter((p) => p !== null);
    // Labels are checked only where the queue has a list; a product system may not know it otherwise.
    if (queue.labels.length > 0) problems.push(...labelProblems(dto.labels, queue));
    if (problems.length > 0) throw invalid(problems);
    const labels = cleanLabels(dto.labels);
    const reason: Reason & { labels?: string[] } = {
      kind: 'report',
      message: dto.reason.trim(),
      ...(labels.length ? { labels } : {}),
    };
    const actor = actorOf(principal);
    const applied = await this.transitions.apply(id, (locked) => {
      const requeue = locked.reviewState === 'none' && locked.status !== 'rejected';
      const changes: Partial<Item> = { reasons: [...locked.reasons, reason] };
      if (requeue) {
        Object.assign(changes, {
          reviewState: 'waiting',
          reviewClass: 'report',
          reviewRank: REVIEW_CLASS_RANK.report,
          queuedAt: locked.dbNow,
          releasedBy: null,
        } satisfies Partial<Item>);
      }
      const why = requeue
        ? 'back in review'
        : locked.reviewState === 'none'
          ? 'already rejected: recorded only'
          : 'already in review: reason added';
      return {
        changes,
        events: [{ type: 'reported', actor, details: { reason: reason.message, labels, why } }],
        change: 'reported',
        actor,
      };
    });
    return this.items.withReviews(applied!.item, principal);
  }
}
