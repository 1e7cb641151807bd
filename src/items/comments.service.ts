import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../common/domain-events';
import { invalidField } from '../common/errors';
import { actorOf, type Principal } from '../common/principal';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ReviewerPseudonyms } from '../common/reviewer-pseudonym';
import { COMMENT_MAX_CHARS, type LiveComment } from './comments.dto';
import { ItemComment } from './item-comment.entity';
import { ItemStore } from './item-store';
import { ItemsService } from './items.service';

/** Why a comment body is refused, or null when it is acceptable. */
export function commentBodyProblem(body: unknown): string | null {
  if (body === undefined || body === null) return 'body is required';
  if (typeof body !== 'string') return 'body must be a string';
  if (body.trim() === '') return 'body must not be empty';
  // Characters as people count them (code points), not UTF-16 units.
  if ([...body].length > COMMENT_MAX_CHARS)
    return `body must be at most ${COMMENT_MAX_CHARS} characters`;
  if (body.includes('\u0000') || /\p{Cs}/u.test(body))
    return 'body contains a character that cannot be stored (NUL or an unpaired surrogate)';
  return null;
}

/**
 * Item discussion threads: the only writer of item_comments. A comment is stored together with
 * its 'commented' audit event; after the commit 'item.commented' goes out (live updates,
 * notifications).
 */
@Injectable()
export class CommentsService {
  private readonly pseudonyms: ReviewerPseudonyms;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly items: ItemsService,
    private readonly store: ItemStore,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.pseudonyms = new ReviewerPseudonyms(config.jwtSecret);
  }

  /** As `reader` may see it: API keys see people as the pseudonyms exports use. */
  view(c: ItemComment, reader: Principal | null) {
    const byUser = c.authorId !== null;
    const author =
      byUser && reader?.kind === 'apiKey'
        ? { id: this.pseudonyms.of(c.authorId!), name: this.pseudonyms.of(c.authorId!) }
        : { id: c.authorId, name: c.authorName };
    return {
      id: c.id,
      itemId: c.itemId,
      author: { ...author, kind: byUser ? 'user' : 'apiKey' },
      body: c.body,
      createdAt: c.createdAt,
    };
  }

  async list(principal: Principal, itemId: string) {
    await this.items.findReadable(principal, itemId);
    const rows = await this.dataSource
      .getRepository(ItemComment)
      .find({ where: { itemId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return { comments: rows.map((c) => this.view(c, principal)) };
  }

  /** Anyone who may see the item may comment (users, and API keys with items:read on its queue). */
  async create(principal: Principal, itemId: string, raw: unknown) {
    // Authorization first: a caller who may not see the item learns nothing from the body checks.
    const item = await this.items.findReadable(principal, itemId);
    const body = (raw as { body?: unknown } | null)?.body;
    const problem =
      raw === null || typeof raw !== 'object' || Array.isArray(raw)
        ? 'body is required'
        : commentBodyProblem(body);
    if (problem) throw invalidField('body', problem);
    const text = body as string;
    const comment = await this.dataSource.transaction(async (manager) => {
      // Counting takes the item's row lock, which orders this audit append with every other
      // change to the item.
      await this.store.countComment(manager, item.id);
      const saved = await manager.save(
        manager.create(ItemComment, {
          itemId: item.id,
          queueId: item.queueId,
          authorId: principal.kind === 'user' ? principal.id : null,
          authorKeyId: principal.kind === 'apiKey' ? principal.id : null,
          authorName: principal.name,
          body: text,
          createdAt: new Date(),
        }),
      );
      await this.store.append(manager, item.id, [
        {
          type: 'commented',
          actor: actorOf(principal),
          details: { commentId: saved.id, body: text },
        },
      ]);
      return saved;
    });
    await this.events.emit('item.commented', {
      itemId: item.id,
      queueId: item.queueId,
      commentId: comment.id,
      authorId: comment.authorId,
      body: comment.body,
    });
    return this.view(comment, principal);
  }

  /** What the queue's subscribers receive for a new comment (read back after the commit). */
  async liveView(commentId: string): Promise<LiveComment | null> {
    const row = await this.dataSource
      .getRepository(ItemComment)
      .findOne({ where: { id: commentId } });
    if (!row) return null;
    const item = await this.store.findById(row.itemId);
    if (!item) return null;
    const view = this.view(row, null);
    return { ...view, queue: item.queueSlug };
  }
}
