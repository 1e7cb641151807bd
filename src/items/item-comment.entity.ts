import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A message in an item's discussion thread (lead ↔ reviewer talk, notes for later). Owned by
 * CommentsService; the item's audit trail records each one as a 'commented' event.
 */
@Entity('item_comments')
@Index('item_comments_item_idx', ['itemId', 'createdAt', 'id'])
// Full-text search over comment bodies (GET /v1/items?q=). An expression index TypeORM cannot
// describe: created by hand in the migration, and `synchronize: false` keeps generated
// migrations from dropping it.
@Index('item_comments_search_idx', { synchronize: false })
export class ItemComment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  /** Kept on the row so live events and exports need not join items for the queue. */
  @Column({ name: 'queue_id', type: 'uuid' })
  queueId!: string;

  /** The user who wrote it; null when an API key did. */
  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  /** The API key that wrote it, when no user did. */
  @Column({ name: 'author_key_id', type: 'uuid', nullable: true })
  authorKeyId!: string | null;

  /** The author's display name when the comment was written (a user's name or the key's name). */
  @Column({ name: 'author_name', type: 'text' })
  authorName!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
