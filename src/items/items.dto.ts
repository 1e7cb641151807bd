import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBase64, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
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
