import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Items committed into the review line whose BullMQ job is not confirmed yet (transactional
 * outbox). Rows are written in the same statement as the items and deleted once the job exists;
 * the sweeper pushes whatever is left. A side table, so marking a push never locks or rewrites
 * the item row a reviewer may be claiming at that moment.
 */
@Entity('review_line_outbox')
export class ReviewLineOutbox {
  @PrimaryColumn({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @Column({ name: 'queued_at', type: 'timestamptz' })
  queuedAt!: Date;
}
