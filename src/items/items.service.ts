import { ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ReviewerPseudonyms } from '../common/reviewer-pseudonym';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { assert, canReadItems, isLead } from '../auth/access';
import type { Principal } from '../common/principal';
import { QueuesService } from '../queues/queues.service';
import { Review } from './review.entity';
import { FINAL_STATUSES, Item } from './item.entity';
import { ItemChangesService } from './item-changes.service';
import { AuditSealService } from './audit-seal.service';
import { ItemEventsService } from './item-events.service';
import { decodeCursor, encodeCursor } from './item-cursor';
import { ItemPrivacy } from './item-privacy';
import { toItemView } from './item.view';
import { ListItemsQuery } from './items.dto';

export function toReviewView(r: Review) {
  return {
    id: r.id,
    reviewer: r.reviewerId,
    action: r.action,
    labels: r.labels,
    reason: r.reason,
    comment: r.comment,
    correctedOutput: r.correctedOutput ?? null,
    answers: r.answers ?? {},
    reviewClass: r.reviewClass,
    claimedAt: r.claimedAt,
    decidedAt: r.decidedAt,
    reviewSeconds: r.reviewSeconds,
  };
}

@Injectable()
export class ItemsService {
  private readonly pseudonyms: ReviewerPseudonyms;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectRepository(Item) private readonly items: Repository<Item>,
    @InjectRepository(Review) private readonly reviews: Repository<Review>,
    private readonly queues: QueuesService,
    private readonly changes: ItemChangesService,
    private readonly events: ItemEventsService,
    private readonly privacy: ItemPrivacy,
    private readonly seal: AuditSealService,
  ) {
    this.pseudonyms = new ReviewerPseudonyms(config.jwtSecret);
  }

  /** API keys never see users' ids or names: the assignee appears as the export pseudonym. */
  private forPrincipal<V extends { assignedTo: ReturnType<typeof toItemView>['assignedTo'] }>(
    principal: Principal,
    view: V,
  ): V {
    if (principal.kind === 'user' || !view.assignedTo) return view;
    return {
      ...view,
      assignedTo: { ...view.assignedTo, id: this.pseudonyms.of(view.assignedTo.id), name: null },
    };
  }

  /** Loads an item the principal may read: 404 if missing, 403 if not theirs to see. */
  async findReadable(principal: Principal, id: string): Promise<Item> {
    const item = await this.items.findOne({ where: { id } });
    if (!item) throw new NotFoundException('item not found');
    if (!canReadItems(principal, item.queueSlug))
      throw new ForbiddenException('not allowed to read items of this queue');
    return item;
  }

  /** The item with its reviews; user ids become pseudonyms unless a person asks (see ItemPrivacy). */
  async withReviews(item: Item, principal: Principal, known?: Review[]) {
    // `known`: the caller holds every review of the item (a first decision just written).
    const reviews =
      known ??
      (await this.reviews.find({
        where: { itemId: item.id },
        order: { decidedAt: 'ASC' },
      }));
    return this.privacy.item(principal, {
      ...toItemView(item),
      reviews: reviews.map(toReviewView),
    });
  }

  /** With waitSeconds, holds the request until the item is final or the time is up. */
  async get(principal: Principal, id: string, waitSeconds = 0) {
    let item = await this.findReadable(principal, id);
    const deadline = Date.now() + waitSeconds * 1000;
    while (
      !FINAL_STATUSES.includes(item.status) &&
      Date.now() < deadline &&
      !this.changes.released
    ) {
      // A slow re-check covers a missed notification (Redis briefly away); changes wake us at once.
      const wait = this.changes.waitForChange(id, Math.min(deadline - Date.now(), 5_000));
      await wait.promise;
      item = (await this.items.findOne({ where: { id } })) ?? item;
    }
    return this.forPrincipal(principal, await this.withReviews(item, principal));
  }

  async list(principal: Principal, slug: string, query: ListItemsQuery) {
    assert(canReadItems(principal, slug), 'not allowed to read items of this queue');
    const queue = await this.queues.findBySlug(slug);
    const limit = Math.min(query.limit ?? 50, 200);
    const qb = this.items
      .createQueryBuilder('i')
      .where('i.queue_id = :queueId', { queueId: queue.id });
    if (query.assignedTo) {
      const who = query.assignedTo === 'me' ? principal.id : query.assignedTo;
      if (query.assignedTo !== 'me' && !isLead(principal))
        throw new ForbiddenException("only leads and admins may list others' assignments");
      if (principal.kind !== 'user' && query.assignedTo === 'me')
        throw new ForbiddenException('assignedTo=me needs a user token');
      // Served by items_assigned_idx; lapsed reservations are everyone's again and not listed.
      qb.andWhere(
        "i.assigned_to = :who AND i.review_state = 'waiting' AND i.assigned_until > now()",
        { who },
      );
    }
    if (query.status) qb.andWhere('i.status = :status', { status: query.status });
    if (query.routing) qb.andWhere('i.routing = :routing', { routing: query.routing });
    if (query.cursor) {
      const c = decodeCursor(query.cursor);
      qb.andWhere('(i.created_at, i.id) < (:at, :cid)', { at: c.createdAt, cid: c.id });
    }
    const rows = await qb
      .orderBy('i.created_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return {
      items: page.map((i) =>
        this.forPrincipal(principal, this.privacy.item(principal, toItemView(i))),
      ),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  async listEvents(principal: Principal, id: string) {
    await this.findReadable(principal, id);
    const events = await this.events.list(id);
    // People reading the trail see who acted by name; API keys keep the bare actor.
    if (principal.kind !== 'user')
      return { itemId: id, events: this.privacy.events(principal, events) };
    const names = await this.actorNames(events.map((e) => e.actor));
    return {
      itemId: id,
      events: events.map((e) => ({ ...e, actorName: names.get(e.actor) ?? null })),
    };
  }

  /** Display names for "user:<id>" and "api-key:<id>" actors. */
  private async actorNames(actors: string[]): Promise<Map<string, string>> {
    const ids = (prefix: string) => [
      ...new Set(actors.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length))),
    ];
    const userIds = ids('user:');
    const keyIds = ids('api-key:');
    const names = new Map<string, string>();
    if (userIds.length) {
      const rows: { id: string; name: string }[] = await this.items.manager.query(
        'SELECT id, name FROM users WHERE id = ANY($1::uuid[])',
        [userIds],
      );
      for (const r of rows) names.set(`user:${r.id}`, r.name);
    }
    if (keyIds.length) {
      const rows: { id: string; name: string }[] = await this.items.manager.query(
        'SELECT id, name FROM api_keys WHERE id = ANY($1::uuid[])',
        [keyIds],
      );
      for (const r of rows) names.set(`api-key:${r.id}`, `${r.name} (API key)`);
    }
    return names;
  }

  async verifyEvents(principal: Principal, id: string) {
    const item = await this.findReadable(principal, id);
    return this.events.verify(item, await this.seal.isSealed());
  }
}
