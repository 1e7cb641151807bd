import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const REVIEW_ACTIONS = ['approve', 'reject', 'correct', 'escalate'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

@Entity('reviews')
@Index('reviews_item_idx', ['itemId', 'decidedAt'])
@Index('reviews_reviewer_item_idx', ['reviewerId', 'itemId'])
@Index('reviews_decided_idx', ['decidedAt', 'id'])
// Full-text search over review reasons and comments (GET /v1/items?q=); created in a migration.
@Index('reviews_search_idx', { synchronize: false })
export class Review {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @Column({ name: 'queue_id', type: 'uuid' })
  queueId!: string;

  @Column({ name: 'reviewer_id', type: 'uuid' })
  reviewerId!: string;

  @Column({ type: 'text' })
  action!: ReviewAction;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  labels!: string[];

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ name: 'corrected_output', type: 'jsonb', nullable: true })
  correctedOutput!: unknown;

  /** Answers to the queue's questions, by question key. */
  @Column({ type: 'jsonb', nullable: true })
  answers!: Record<string, unknown> | null;

  /** Review class the item was in when claimed (blocked, flagged, sample, report, escalated). */
  @Column({ name: 'review_class', type: 'text', nullable: true })
  reviewClass!: string | null;

  @Column({ name: 'claimed_at', type: 'timestamptz' })
  claimedAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt!: Date;

  @Column({ name: 'review_seconds', type: 'double precision' })
  reviewSeconds!: number;
}
