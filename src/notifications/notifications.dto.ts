import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { NOTIFY_EVENTS } from '../queues/notification-rules';

export class NotificationTestDto {
  @ApiProperty({ example: 0, description: "which entry of the queue's notifications to test" })
  index!: number;
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

export class DeliveriesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(200)
  limit?: number;
}

export class NotificationDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    example: 'notifications[0]',
    nullable: true,
    type: String,
    description: 'the queue setting that sent it; null for @mentions',
  })
  setting!: string | null;
  @ApiProperty({ enum: ['slack', 'email'] }) channel!: string;
  @ApiProperty({ enum: [...NOTIFY_EVENTS, 'mention', 'test'] }) kind!: string;
  @ApiProperty({
    example: 'https://hooks.slack.com/…',
    description: 'email addresses, or the Slack host (the secret path is not shown)',
  })
  target!: string;
  @ApiProperty({ example: '12 items blocked in Support replies, oldest 4 min' }) summary!: string;
  @ApiProperty({ type: [String], format: 'uuid' }) itemIds!: string[];
  @ApiProperty({ example: 12 }) itemCount!: number;
  @ApiProperty({
    enum: ['pending', 'delivered', 'failed', 'dropped'],
    description: 'pending: being (re)tried; dropped: the setting was removed or email is off',
  })
  status!: string;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({ nullable: true, type: Number, example: 200 }) statusCode!: number | null;
  @ApiProperty({ nullable: true, type: String, example: null }) lastError!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) deliveredAt!: Date | null;
}

export class NotificationDeliveriesDto {
  @ApiProperty({ type: [NotificationDeliveryDto] }) deliveries!: NotificationDeliveryDto[];
}
