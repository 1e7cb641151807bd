import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiJsonObjectProperty, ApiJsonPropertyOptional } from '../common/openapi';
import { ItemWithReviewsDto } from '../items/item.dto';
import {
  Allow,
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { REVIEW_ACTIONS, type ReviewAction } from '../items/review.entity';
import { FreeJson } from '../common/free-json';

export class DecisionDto {
  @ApiProperty({ enum: REVIEW_ACTIONS, example: 'correct' })
  @IsDefined({ message: `action is required (one of ${REVIEW_ACTIONS.join(', ')})` })
  @IsIn(REVIEW_ACTIONS, { message: `action must be one of ${REVIEW_ACTIONS.join(', ')}` })
  action!: ReviewAction;

  @ApiJsonPropertyOptional({
    example: { reply: 'Your refund was sent on Monday 3 November.' },
    description:
      'required for correct: the output as it should have been (any JSON; must differ from the original and pass the queue outputSchema). Ignored for other actions.',
  })
  @Allow()
  @FreeJson()
  correctedOutput?: unknown;

  @ApiPropertyOptional({
    example: ['hallucination'],
    description:
      "labels from the queue's list; reject and correct need at least one when the queue defines labels",
  })
  @IsOptional()
  @IsArray({ message: 'labels must be an array of strings' })
  @ArrayMaxSize(100, { message: 'labels must hold at most 100 labels' })
  @IsString({ each: true, message: 'labels must be an array of strings' })
  labels?: string[];

  @ApiPropertyOptional({
    example: 'The refund went out on Monday 3 November, not this Monday.',
    description: 'why; reject and correct need one when the queue defines no labels',
  })
  @IsOptional()
  @IsString({ message: 'reason must be a string' })
  @MaxLength(2000, { message: 'reason must be at most 2000 characters' })
  reason?: string;

  @ApiJsonObjectProperty({
    required: false,
    example: { helpful: 4, tone: 'friendly' },
    description:
      "answers to the queue's questions by key: rating → integer in min..max, single → one option, multi → array of options, boolean, text → string. Required questions must be answered to approve, reject or correct (not to escalate).",
  })
  @Allow()
  answers?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'Customer was told the wrong date.' })
  @IsOptional()
  @IsString({ message: 'comment must be a string' })
  @MaxLength(5000, { message: 'comment must be at most 5000 characters' })
  comment?: string;
}

export class ReportDto {
  @ApiProperty({ example: 'Customer says the refund date is wrong.' })
  @IsDefined({ message: 'reason is required' })
  @IsString({ message: 'reason must be a string' })
  @IsNotEmpty({ message: 'reason must not be empty' })
  @MaxLength(2000, { message: 'reason must be at most 2000 characters' })
  reason!: string;

  @ApiPropertyOptional({ example: ['hallucination'] })
  @IsOptional()
  @IsArray({ message: 'labels must be an array of strings' })
  @ArrayMaxSize(100, { message: 'labels must hold at most 100 labels' })
  @IsString({ each: true, message: 'labels must be an array of strings' })
  labels?: string[];
}

export class LeaseView {
  @ApiProperty({ example: '2026-11-22T10:05:00.000Z' })
  expiresAt!: Date;
}

export class ClaimDto {
  @ApiProperty({ type: ItemWithReviewsDto }) item!: ItemWithReviewsDto;
  @ApiProperty({ type: LeaseView }) lease!: LeaseView;
}
