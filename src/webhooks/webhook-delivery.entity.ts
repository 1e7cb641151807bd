import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('webhook_deliveries')
@Index('webhook_deliveries_item_idx', ['itemId', 'createdAt'])
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @Column({ type: 'text' })
  url!: string;

  /** Which change this delivery announces (one per final status change). */
  @Column({ name: 'delivery_key', type: 'text' })
  deliveryKey!: string;

  @Column({ type: 'int' })
  attempt!: number;

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'duration_ms', type: 'int' })
  durationMs!: number;

  @Column({ type: 'boolean' })
  succeeded!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
