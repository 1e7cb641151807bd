import { Injectable, NotFoundException } from '@nestjs/common';
import { assert, canReadItems, canSubmit } from '../auth/access';
import { invalid } from '../common/errors';
import { jsonProblems } from '../common/json-guard';
import { actorOf, type Principal } from '../common/principal';
import { ItemStore } from '../items/item-store';
import { reported } from '../items/item-state';
import { ItemsService } from '../items/items.service';
import { QueuesService } from '../queues/queues.service';
import { cleanLabels, labelProblems } from './decision-body';
import type { ReportDto } from './review.dto';

@Injectable()
export class ReportsService {
  constructor(
    private readonly store: ItemStore,
    private readonly queues: QueuesService,
    private readonly items: ItemsService,
  ) {}

  /**
   * A product system (or a person) says an output was wrong: the body is checked here, what it
   * does to the item is item-state's `reported`.
   */
  async report(principal: Principal, id: string, dto: ReportDto) {
    const item = await this.store.findById(id);
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
    const actor = actorOf(principal);
    const applied = await this.store.apply(id, (locked) =>
      reported(locked, { message: dto.reason.trim(), labels }, actor),
    );
    return this.items.withReviews(applied!.item, principal);
  }
}
