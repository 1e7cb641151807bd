import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBase64,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { ITEM_STATUSES, type ItemStatus } from './item.entity';
import { ROUTES } from '../routing/policy.types';
import type { Route } from '../routing/policy.types';

/** Query strings arrive as text; these convert only well-formed whole numbers. */
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

export class GetItemQuery {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 60,
    description: 'hold the request until the item is final or this many seconds pass',
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'waitSeconds must be a whole number of seconds' })
  @Min(0)
  @Max(60, { message: 'waitSeconds must not be greater than 60' })
  waitSeconds?: number;
}

export class ListItemsQuery {
  @ApiPropertyOptional({ enum: ITEM_STATUSES })
  @IsOptional()
  @IsIn(ITEM_STATUSES, { message: `status must be one of ${ITEM_STATUSES.join(', ')}` })
  status?: ItemStatus;

  @ApiPropertyOptional({ enum: ROUTES })
  @IsOptional()
  @IsIn(ROUTES, { message: `routing must be one of ${ROUTES.join(', ')}` })
  routing?: Route;

  @ApiPropertyOptional({
    minimum: 1,
    default: 50,
    description: 'page size; values above 200 are served as 200 (follow nextCursor)',
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  limit?: number;

  @ApiPropertyOptional({
    description:
      '"me" (or, for leads, a user id): waiting items reserved for that reviewer, oldest first in claim order',
  })
  @IsOptional()
  @Matches(/^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: 'assignedTo must be "me" or a user id',
  })
  assignedTo?: string;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsBase64(
    { urlSafe: true },
    { message: 'cursor must be a nextCursor value returned by this endpoint' },
  )
  cursor?: string;
}

/** Empty query parameters (`?status=`) mean "no filter", so a shared URL with blanks still works. */
const blankToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

export class SearchItemsQuery {
  @ApiPropertyOptional({ description: 'queue slug; omit to search every queue you may see' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString({ message: 'queue must be a queue slug' })
  @MaxLength(200, { message: 'queue must be at most 200 characters' })
  queue?: string;

  @ApiPropertyOptional({ description: 'exact externalId (in any queue you may see)' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString({ message: 'externalId must be a string' })
  @MaxLength(200, { message: 'externalId must be at most 200 characters' })
  externalId?: string;

  @ApiPropertyOptional({ enum: ITEM_STATUSES })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(ITEM_STATUSES, { message: `status must be one of ${ITEM_STATUSES.join(', ')}` })
  status?: ItemStatus;

  @ApiPropertyOptional({ enum: ROUTES })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsIn(ROUTES, { message: `routing must be one of ${ROUTES.join(', ')}` })
  routing?: Route;

  @ApiPropertyOptional({
    example: 'support-llm@2026-10-01',
    description: 'model name, or name@version for one version',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString({ message: 'model must be a model name or name@version' })
  @MaxLength(300, { message: 'model must be at most 300 characters' })
  model?: string;

  @ApiPropertyOptional({ description: 'items a reviewer gave this label' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString({ message: 'label must be a string' })
  @MaxLength(200, { message: 'label must be at most 200 characters' })
  label?: string;

  @ApiPropertyOptional({
    description:
      'items this person reviewed: a user id, "me", or a reviewer pseudonym (rv_…, as exports and API keys see reviewers)',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString({ message: 'reviewer must be a user id, "me" or a reviewer pseudonym' })
  @Matches(/^(me|rv_[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: 'reviewer must be a user id, "me" or a reviewer pseudonym',
  })
  reviewer?: string;

  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'submitted at or after (ISO 8601 date or date-time)',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsISO8601(
    { strict: true },
    { message: 'since must be an ISO 8601 date or date-time, e.g. 2026-11-01T12:00:00Z' },
  )
  since?: string;

  @ApiPropertyOptional({
    example: '2026-11-30T23:59:59Z',
    description: 'submitted at or before (ISO 8601 date or date-time)',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsISO8601(
    { strict: true },
    { message: 'until must be an ISO 8601 date or date-time, e.g. 2026-11-30T23:59:59Z' },
  )
  until?: string;

  @ApiPropertyOptional({
    example: 'refund "wrong date"',
    description:
      'full-text search over externalId, input, output, reasons, review reasons and comments: words (all must match), "phrases", -excluded, or',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString({ message: 'q must be a string' })
  @MaxLength(500, { message: 'q must be at most 500 characters' })
  q?: string;

  @ApiPropertyOptional({
    minimum: 1,
    default: 50,
    description: 'page size; values above 200 are served as 200 (follow nextCursor)',
  })
  @IsOptional()
  @Transform((v) => (v.value === '' ? undefined : toInt(v)))
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsBase64(
    { urlSafe: true },
    { message: 'cursor must be a nextCursor value returned by this endpoint' },
  )
  cursor?: string;
}
