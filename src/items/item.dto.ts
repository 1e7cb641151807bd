import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ITEM_STATUSES } from './item.entity';
import { ROUTES } from '../routing/policy.types';

/** The item as every route returns it (OpenAPI description only; see item.view.ts). */
class ItemModelDto {
  @ApiProperty({ example: 'support-llm' }) name!: string;
  @ApiProperty({ example: '2026-10-01', nullable: true, type: String }) version!: string | null;
}

class ReasonDto {
  @ApiProperty({ enum: ['threshold', 'rule', 'schema', 'sample', 'report'] }) kind!: string;
  @ApiProperty({ example: 'confidence 0.73 is between 0.5 and 0.9' }) message!: string;
  @ApiPropertyOptional({ example: 'large refund', description: 'the rule, for kind "rule"' })
  rule?: string;
  @ApiPropertyOptional({ enum: ROUTES, description: 'what this cause asked for' }) route?: string;
}

class ItemReviewStateDto {
  @ApiProperty({ enum: ['none', 'waiting', 'claimed'] }) state!: string;
  @ApiProperty({
    enum: ['escalated', 'blocked', 'flagged', 'sample', 'report'],
    nullable: true,
    type: String,
  })
  class!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) claimedBy!: string | null;
  @ApiProperty({ nullable: true, type: Date }) leaseExpiresAt!: Date | null;
}

export class ItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'support-replies' }) queue!: string;
  @ApiProperty({ example: 'ticket-81-reply-1', nullable: true, type: String }) externalId!:
    string | null;
  @ApiProperty({ type: ItemModelDto }) model!: ItemModelDto;
  @ApiProperty({
    example: { messages: [{ role: 'user', content: 'Where is my refund?' }] },
    nullable: true,
  })
  input!: unknown;
  @ApiProperty({ example: { reply: 'Your refund was sent on Monday.' } }) output!: unknown;
  @ApiProperty({ example: 0.73 }) confidence!: number;
  @ApiProperty({ example: { amount: 40, locale: 'en' } }) metadata!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) callbackUrl!: string | null;
  @ApiProperty({ enum: ROUTES, example: 'flag' }) routing!: string;
  @ApiProperty({ type: [ReasonDto] }) reasons!: ReasonDto[];
  @ApiProperty({ example: 1 }) policyVersion!: number;
  @ApiProperty({ enum: ITEM_STATUSES, example: 'pending' }) status!: string;
  @ApiProperty({ description: 'may the product use the output now' }) usable!: boolean;
  @ApiProperty({ enum: ['policy', 'reviewer', 'timeout'], nullable: true, type: String })
  decidedBy!: string | null;
  @ApiProperty({ nullable: true, description: 'what to use when approved or corrected' })
  finalOutput!: unknown;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) decidedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) slaDueAt!: Date | null;
  @ApiProperty({ type: ItemReviewStateDto, description: 'where the item is in the review line' })
  review!: ItemReviewStateDto;
}

export class ItemListDto {
  @ApiProperty({ type: [ItemDto] }) items!: ItemDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'pass as cursor for the next page; null on the last',
  })
  nextCursor!: string | null;
}
