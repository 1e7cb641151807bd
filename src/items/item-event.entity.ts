import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ItemEventType =
  | 'submitted'
  | 'routed'
  | 'queued'
  | 'claimed'
  | 'released'
  | 'lease_expired'
  | 'decided'
  | 'escalated'
  | 'reported'
  | 'timed_out'
  | 'webhook_delivered'
  | 'webhook_failed'
  | 'commented'
  | 'webhook_redelivery_requested'
  | 'assigned'
  | 'unassigned';

/** Append-only audit trail; each row's hash covers the previous one so edits are detectable. */
@Entity('item_events')
@Index('item_events_item_seq_key', ['itemId', 'seq'], { unique: true })
export class ItemEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @Column({ type: 'int' })
  seq!: number;

  @Column({ type: 'text' })
  type!: ItemEventType;

  /** "user:<id>", "api-key:<id>", "system" or "timeout". */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash!: string;

  @Column({ type: 'text' })
  hash!: string;
}
