import { ApiProperty } from '@nestjs/swagger';

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', example: '0b6f7c2e-8d0a-4a4e-9a51-3f5f2f1f9e11' })
  id!: string;

  @ApiProperty({
    example: '5d2c…:approved:1795309000000',
    description:
      'one per final-status change; all attempts of a change share it (also sent as the Verdict-Delivery header)',
  })
  deliveryKey!: string;

  @ApiProperty({ example: 'https://example.com/verdict-hook' })
  url!: string;

  @ApiProperty({
    example: 1,
    description:
      '1 for the first try; retries back off exponentially (2 s, 4 s … ~34 min), 12 attempts over ~68 minutes',
  })
  attempt!: number;

  @ApiProperty({ example: true, description: 'the receiver answered 2xx within 5 s' })
  succeeded!: boolean;

  @ApiProperty({ example: 200, nullable: true, type: Number })
  statusCode!: number | null;

  @ApiProperty({ example: null, nullable: true, type: String })
  error!: string | null;

  @ApiProperty({ example: 23 })
  durationMs!: number;

  @ApiProperty({ example: '2026-11-22T01:00:00.000Z' })
  createdAt!: Date;
}

export class WebhookDeliveriesDto {
  @ApiProperty({ format: 'uuid', example: '5d2c1f0e-3b4a-4c5d-8e6f-7a8b9c0d1e2f' })
  itemId!: string;

  @ApiProperty({ type: [WebhookDeliveryDto] })
  deliveries!: WebhookDeliveryDto[];
}

export class WebhookSecretDto {
  @ApiProperty({ example: 'support-replies' })
  queue!: string;

  @ApiProperty({ example: 'whsec_3q2+7w…', description: 'shown only in this response' })
  webhookSecret!: string;
}

export class RedeliveryDto {
  @ApiProperty({ format: 'uuid' })
  itemId!: string;

  @ApiProperty({
    example: '5d2c…:approved:1795309000000:redelivery-1795309100000',
    description: "the new delivery's key; its attempts appear under GET /v1/items/:id/deliveries",
  })
  deliveryKey!: string;

  @ApiProperty({ example: 'https://example.com/verdict-hook' })
  url!: string;
}
