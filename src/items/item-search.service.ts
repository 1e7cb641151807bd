import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { assert, canReadItems, hasRole } from '../auth/access';
import { User } from '../auth/user.entity';
import type { Principal } from '../common/principal';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { parseModel } from '../common/query-params';
import { ReviewerPseudonyms } from '../common/reviewer-pseudonym';
import { QueuesService } from '../queues/queues.service';
import { decodeCursor, encodeCursor } from './item-cursor';
import { textMatches } from './item-search';
import { Item } from './item.entity';
import { ItemPrivacy } from './item-privacy';
import { toItemView } from './item.view';
import { SearchItemsQuery } from './items.dto';

/** (created_at, id) descending, each item once: the order of every page. */
function newestFirst(items: Item[]): Item[] {
  const byId = new Map(items.map((i) => [i.id, i]));
  return [...byId.values()].sort(
    (a, b) =>
      b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * GET /v1/items: one search across every queue the caller may see. Every filter narrows the
 * same newest-first keyset walk over (created_at, id), so a page costs an index range however
 * many items exist, and items that arrive while someone pages never shift the pages.
 */
@Injectable()
export class ItemSearchService {
  private readonly pseudonyms: ReviewerPseudonyms;

  constructor(
    @InjectRepository(Item) private readonly items: Repository<Item>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly queues: QueuesService,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly privacy: ItemPrivacy,
  ) {
    this.pseudonyms = new ReviewerPseudonyms(config.jwtSecret);
  }

  /**
   * The slugs the principal may search, or null for "every queue". Reviewers see the queues they
   * were given; API keys need items:read and see their queues.
   */
  private visibleQueues(principal: Principal): string[] | null {
    if (principal.kind === 'apiKey') {
      assert(principal.scopes.includes('items:read'), 'requires an API key with items:read');
      return principal.queues.includes('*') ? null : principal.queues;
    }
    return hasRole(principal, 'admin', 'lead', 'analyst') ? null : principal.queues;
  }

  /** A user id for the reviewer filter: "me", a user id, or a pseudonym (matched over users). */
  private async reviewerId(principal: Principal, reviewer: string): Promise<string | null> {
    if (reviewer === 'me') return principal.kind === 'user' ? principal.id : null;
    // API keys know reviewers only by pseudonym: an id from them matches nothing (no probing).
    if (!reviewer.startsWith('rv_'))
      return principal.kind === 'user' ? reviewer.toLowerCase() : null;
    // Pseudonyms are one-way; people are few, so comparing against each user's is cheap.
    const ids = await this.users.find({ select: { id: true } });
    return ids.find((u) => this.pseudonyms.of(u.id) === reviewer)?.id ?? null;
  }

  private async queueIds(slugs: string[]): Promise<string[]> {
    const found = await Promise.all(
      slugs.map((slug) =>
        this.queues.findBySlug(slug).then(
          (q) => q.id,
          (error: unknown) => {
            // A queue deleted since the user was given it simply has nothing to show.
            if (error instanceof NotFoundException) return null;
            throw error;
          },
        ),
      ),
    );
    return found.filter((id): id is string => id !== null);
  }

  async search(principal: Principal, query: SearchItemsQuery) {
    const visible = this.visibleQueues(principal);
    const limit = Math.min(query.limit ?? 50, 200);
    const qb = this.items.createQueryBuilder('i');
    if (query.queue) {
      const queue = await this.queues.findBySlug(query.queue).catch((error: unknown) => {
        if (error instanceof NotFoundException)
          throw new NotFoundException(`queue "${query.queue}" not found`);
        throw error;
      });
      assert(canReadItems(principal, queue.slug), 'not allowed to read items of this queue');
      qb.andWhere('i.queue_id = :queueId', { queueId: queue.id });
    } else if (visible) {
      // Literal queue ids (not a subquery) let the planner weigh each queue's size: a small queue
      // is read from (queue_id, created_at), a large one by walking created_at.
      const queueIds = await this.queueIds(visible);
      if (queueIds.length === 0) return { items: [], nextCursor: null };
      qb.andWhere('i.queue_id IN (:...queueIds)', { queueIds });
    }
    if (query.externalId) qb.andWhere('i.external_id = :externalId', query);
    if (query.status) qb.andWhere('i.status = :status', query);
    if (query.routing) qb.andWhere('i.routing = :routing', query);
    const model = parseModel(query.model);
    if (model) {
      qb.andWhere('i.model_name = :modelName', { modelName: model.name });
      if (model.version !== undefined)
        qb.andWhere('i.model_version = :modelVersion', { modelVersion: model.version });
    }
    if (query.label)
      qb.andWhere(
        'EXISTS (SELECT 1 FROM reviews rl WHERE rl.item_id = i.id AND :label = ANY(rl.labels))',
        query,
      );
    if (query.reviewer) {
      const reviewerId = await this.reviewerId(principal, query.reviewer);
      if (!reviewerId) return { items: [], nextCursor: null };
      qb.andWhere(
        'EXISTS (SELECT 1 FROM reviews rr WHERE rr.item_id = i.id AND rr.reviewer_id = :reviewerId)',
        { reviewerId },
      );
    }
    if (query.since) qb.andWhere('i.created_at >= :since', { since: new Date(query.since) });
    if (query.until) {
      // A date alone means the whole of that day (UTC); a date-time is inclusive to the millisecond.
      // Postgres keeps microseconds; "before the next millisecond" keeps what the API shows as equal.
      const end = Date.parse(query.until) + (DATE_ONLY.test(query.until) ? DAY_MS : 1);
      qb.andWhere('i.created_at < :until', { until: new Date(end) });
    }
    if (query.cursor) {
      const c = decodeCursor(query.cursor);
      qb.andWhere('(i.created_at, i.id) < (:at, :cid)', { at: c.createdAt, cid: c.id });
    }
    const page = (qb: SelectQueryBuilder<Item>) =>
      qb
        .orderBy('i.created_at', 'DESC')
        .addOrderBy('i.id', 'DESC')
        .limit(limit + 1)
        .getMany();
    let rows: Item[];
    if (query.q?.trim()) {
      // One page per place the text can be (the item, its reviews, its comments), each with every
      // filter: the page is within their union. Apart, each arm gets its own plan: a rare word
      // is read from its GIN index, a common one by walking created_at until the page is full.
      const arms = textMatches('q').map((match) =>
        page(qb.clone().andWhere(match, { q: query.q })),
      );
      rows = newestFirst((await Promise.all(arms)).flat()).slice(0, limit + 1);
    } else rows = await page(qb);
    const shown = rows.slice(0, limit);
    return {
      items: shown.map((item) => this.privacy.item(principal, toItemView(item))),
      nextCursor: rows.length > limit ? encodeCursor(shown[shown.length - 1]) : null,
    };
  }
}
