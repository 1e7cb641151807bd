import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { NotificationRule } from './notification-rules';
import type { Policy, QueueSla } from '../routing/policy.types';
import type { Question } from './questions';

@Entity('queues')
export class Queue {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('queues_slug_key', { unique: true })
  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb' })
  policy!: Policy;

  @Column({ name: 'policy_version', type: 'int', default: 1 })
  policyVersion!: number;

  @Column({ name: 'output_schema', type: 'jsonb', nullable: true })
  outputSchema!: Record<string, unknown> | boolean | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  labels!: string[];

  @Column({ name: 'required_reviews', type: 'int', default: 1 })
  requiredReviews!: number;

  @Column({ name: 'lease_seconds', type: 'int', default: 300 })
  leaseSeconds!: number;

  @Column({ type: 'jsonb' })
  sla!: QueueSla;

  /** Markdown shown to reviewers beside every item. */
  @Column({ type: 'text', nullable: true })
  guidelines!: string | null;

  /** The review rubric: answered with every decision. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  questions!: Question[];

  @Column({ name: 'webhook_url', type: 'text', nullable: true })
  webhookUrl!: string | null;

  /** Who hears about this queue's items, and how (see notification-rules.ts). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  notifications!: NotificationRule[];

  /** HMAC key for webhook signatures; it must be usable, so it cannot be stored as a hash. */
  @Column({ name: 'webhook_secret', type: 'text' })
  webhookSecret!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
