import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { NotifyChannel, NotifyKind } from '../queues/notification-rules';

/**
 * One thing someone is to be told (an item blocked, a comment, a mention...), waiting to be
 * grouped into a message. The unique key per (queue, setting, channel, dedupe key) — the dedupe
 * key names the item and the event — is what makes a repeat impossible: a replayed timer, a
 * second instance or a sweep after a restart inserts nothing.
 */
@Entity('notification_entries')
@Index('notification_entries_dedupe_key', ['queueId', 'ruleIndex', 'channel', 'dedupeKey'], {
  unique: true,
})
@Index(
  'notification_entries_pending_idx',
  ['queueId', 'ruleIndex', 'channel', 'kind', 'recipient', 'createdAt'],
  { where: 'delivery_id IS NULL' },
)
export class NotificationEntry {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'queue_id', type: 'uuid' })
  queueId!: string;

  /** Index of the queue's notification setting; -1 for mentions (addressed to a user). */
  @Column({ name: 'rule_index', type: 'int' })
  ruleIndex!: number;

  @Column({ type: 'text' })
  channel!: NotifyChannel;

  @Column({ type: 'text' })
  kind!: NotifyKind;

  /** The mentioned user's id for mentions; '' for a setting's own recipients. */
  @Column({ type: 'text', default: '' })
  recipient!: string;

  @Column({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @Column({ name: 'dedupe_key', type: 'text' })
  dedupeKey!: string;

  /** Event details the message needs (comment author and text). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** The message that carried it; null while waiting. */
  @Column({ name: 'delivery_id', type: 'uuid', nullable: true })
  deliveryId!: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dropped';

/** One message sent (or being sent) to Slack or by email: the delivery log leads can read. */
@Entity('notification_deliveries')
@Index('notification_deliveries_queue_idx', ['queueId', 'createdAt'])
@Index('notification_deliveries_window_idx', [
  'queueId',
  'ruleIndex',
  'channel',
  'kind',
  'recipient',
  'createdAt',
])
@Index('notification_deliveries_pending_idx', ['updatedAt'], { where: "status = 'pending'" })
export class NotificationDelivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'queue_id', type: 'uuid' })
  queueId!: string;

  @Column({ name: 'rule_index', type: 'int' })
  ruleIndex!: number;

  @Column({ type: 'text' })
  channel!: NotifyChannel;

  /** The event kind, or 'test' for "send a test message". */
  @Column({ type: 'text' })
  kind!: NotifyKind | 'test';

  @Column({ type: 'text', default: '' })
  recipient!: string;

  /** Where it went, safe to show: email addresses, or the Slack URL's host with its path masked. */
  @Column({ type: 'text' })
  target!: string;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ name: 'item_ids', type: 'uuid', array: true, default: () => "'{}'" })
  itemIds!: string[];

  @Column({ name: 'item_count', type: 'int', default: 0 })
  itemCount!: number;

  /** The rendered message, so every retry sends the same thing. */
  @Column({ type: 'jsonb' })
  message!: Record<string, unknown>;

  @Column({ type: 'text', default: 'pending' })
  status!: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode!: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;
}
