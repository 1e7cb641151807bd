import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiJsonObjectProperty, ApiJsonProperty } from '../common/openapi';
import { REVIEW_ACTIONS } from './review.entity';
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

export class ItemAssignmentDto {
  @ApiProperty({
    example: '3f0c…',
    description: "the assignee's user id (for API keys: the reviewer's stable pseudonym)",
  })
  id!: string;
  @ApiProperty({
    example: 'Ada Lovelace',
    nullable: true,
    type: String,
    description: 'null for API keys',
  })
  name!: string | null;
  @ApiProperty({ description: 'when the reservation lapses back to everyone' }) until!: Date;
}

export class ItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'support-replies' }) queue!: string;
  @ApiProperty({ example: 'ticket-81-reply-1', nullable: true, type: String }) externalId!:
    string | null;
  @ApiProperty({ type: ItemModelDto }) model!: ItemModelDto;
  @ApiJsonProperty({
    example: { messages: [{ role: 'user', content: 'Where is my refund?' }] },
    description: 'any JSON value as submitted; null when none was sent',
  })
  input!: unknown;
  @ApiJsonProperty({
    example: { reply: 'Your refund was sent on Monday.' },
    description: 'any JSON value except null, exactly as submitted',
  })
  output!: unknown;
  @ApiProperty({ example: 0.73 }) confidence!: number;
  @ApiJsonObjectProperty({ example: { amount: 40, locale: 'en' } })
  metadata!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) callbackUrl!: string | null;
  @ApiProperty({ enum: ROUTES, example: 'flag' }) routing!: string;
  @ApiProperty({ type: [ReasonDto] }) reasons!: ReasonDto[];
  @ApiProperty({ example: 1 }) policyVersion!: number;
  @ApiProperty({ enum: ITEM_STATUSES, example: 'pending' }) status!: string;
  @ApiProperty({ description: 'may the product use the output now' }) usable!: boolean;
  @ApiProperty({ enum: ['policy', 'reviewer', 'timeout'], nullable: true, type: String })
  decidedBy!: string | null;
  @ApiJsonProperty({
    example: { reply: 'Your refund was sent on Monday.' },
    description: 'what to use when approved or corrected (any JSON value); null otherwise',
  })
  finalOutput!: unknown;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) decidedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) slaDueAt!: Date | null;
  @ApiProperty({ type: ItemReviewStateDto, description: 'where the item is in the review line' })
  review!: ItemReviewStateDto;
  @ApiProperty({
    type: ItemAssignmentDto,
    nullable: true,
    description: 'a lead reserved this waiting item for one reviewer until `until`',
  })
  assignedTo!: ItemAssignmentDto | null;
}

/** One person's decision on an item. */
export class ReviewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'the reviewing user' }) reviewer!: string;
  @ApiProperty({ enum: REVIEW_ACTIONS, example: 'correct' }) action!: string;
  @ApiProperty({ type: [String], example: ['hallucination'] }) labels!: string[];
  @ApiProperty({ nullable: true, type: String, example: 'wrong refund date' }) reason!:
    string | null;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
  @ApiJsonProperty({
    example: { reply: 'Your refund was sent on Monday 3 November.' },
    description: 'for correct: the output as it should have been; null otherwise',
  })
  correctedOutput!: unknown;
  @ApiJsonObjectProperty({
    example: { helpful: 4, tone: 'friendly' },
    description: "answers to the queue's questions, by question key ({} when none)",
  })
  answers!: Record<string, unknown>;
  @ApiProperty({
    enum: ['escalated', 'blocked', 'flagged', 'sample', 'report'],
    nullable: true,
    type: String,
    description: 'the review class the item was in when claimed',
  })
  reviewClass!: string | null;
  @ApiProperty() claimedAt!: Date;
  @ApiProperty() decidedAt!: Date;
  @ApiProperty({ example: 42.5 }) reviewSeconds!: number;
}

/** The item with every human decision on it, oldest first (item reads, claims, decisions, reports). */
export class ItemWithReviewsDto extends ItemDto {
  @ApiProperty({ type: [ReviewDto] }) reviews!: ReviewDto[];
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

export class ItemEventDto {
  @ApiProperty({ example: 1, description: '1 for the first event, then consecutive' }) seq!: number;
  @ApiProperty({
    example: 'decided',
    description:
      'submitted (details: externalId, routing, reasons, policyVersion, reviewClass — null when not queued), claimed, released, lease_expired, decided, escalated, reported, timed_out, webhook_delivered, webhook_failed, commented, webhook_redelivery_requested, assigned, unassigned; items stored by earlier versions start with submitted, routed and queued instead',
  })
  type!: string;
  @ApiProperty({
    example: 'user:3f0c2a4e-9a8b-4b1e-8d5c-1f2e3d4c5b6a',
    description: '"user:<id>", "api-key:<id>", "system" or "timeout"',
  })
  actor!: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: 'Dana Lead',
    description:
      'for users reading the trail: the actor\'s name (an API key\'s name with "(API key)"); absent for API keys',
  })
  actorName?: string | null;
  @ApiJsonObjectProperty({ example: { action: 'approve', why: 'one review required' } })
  details!: Record<string, unknown>;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ description: 'hash of the previous event (empty for the first)' })
  prevHash!: string;
  @ApiProperty({ description: 'HMAC-SHA256 (audit key) over prevHash and this event' })
  hash!: string;
}

export class ItemEventsDto {
  @ApiProperty({ format: 'uuid' }) itemId!: string;
  @ApiProperty({ type: [ItemEventDto], description: 'oldest first' }) events!: ItemEventDto[];
}

export class ItemEventsVerificationDto {
  @ApiProperty({ format: 'uuid' }) itemId!: string;
  @ApiProperty({ example: 5, description: 'how many events were checked' }) events!: number;
  @ApiProperty({
    description:
      'every link verifies and the keyed chain head matches the newest event and the item as stored',
  })
  valid!: boolean;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'seq of the first event whose hash does not match; null when valid',
  })
  firstInvalidSeq!: number | null;

  @ApiProperty({
    example: true,
    nullable: true,
    type: Boolean,
    description:
      "whether the chain head (HMAC over the newest event and the item's status, usable and finalOutput) matches; null for a legacy item not sealed yet",
  })
  headValid!: boolean | null;

  @ApiProperty({
    example: false,
    description:
      'an item from before audit keying that start-up sealing has not reached yet (checked as a plain chain)',
  })
  legacy!: boolean;

  @ApiProperty({ example: null, nullable: true, type: String, description: 'what does not verify' })
  problem!: string | null;
}
