import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Policy } from '../routing/policy.types';
import type { Question } from './questions';

/** Every routing-relevant configuration a queue has had; items keep the version that routed them. */
@Entity('policy_versions')
export class PolicyVersion {
  @PrimaryColumn({ name: 'queue_id', type: 'uuid' })
  queueId!: string;

  @PrimaryColumn({ type: 'int' })
  version!: number;

  @Column({ type: 'jsonb' })
  policy!: Policy;

  @Column({ name: 'output_schema', type: 'jsonb', nullable: true })
  outputSchema!: Record<string, unknown> | boolean | null;

  /** Reviewer guidance in force from this version (null: none, or a version from before guidelines existed). */
  @Column({ type: 'text', nullable: true })
  guidelines!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  questions!: Question[] | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
