import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Deployment-wide values every instance must agree on and that are generated once (the JWT
 * signing secret and the audit key when the environment gives none). Kept apart from the items
 * tables on purpose: the audit key must not sit next to the data it protects.
 */
@Entity('settings')
export class Setting {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  value!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
