import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { ModelField, QueueSlugField, TimeBoundField } from '../common/query-fields';

/** Query strings arrive as text: convert only well-formed numbers, so "abc" still fails validation. */
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(value)
    ? Number(value)
    : value;

/** An optional whole number in [min, max] read from the query string; the 400 names the property. */
const WholeNumberField =
  (min: number, max: number, byDefault: number, description: string): PropertyDecorator =>
  (target, key) => {
    const message = `${String(key)} must be a whole number between ${min} and ${max}`;
    applyDecorators(
      ApiPropertyOptional({ minimum: min, maximum: max, default: byDefault, description }),
      IsOptional(),
      Transform(toNumber),
      IsInt({ message }),
      Min(min, { message }),
      Max(max, { message }),
    )(target, key);
  };

export class ScopeQuery {
  @QueueSlugField('queue slug (default: every queue)')
  queue?: string;

  @ModelField()
  model?: string;
}

export class CalibrationQuery extends ScopeQuery {
  @WholeNumberField(1, 100, 10, 'equal-width confidence bins on [0, 1]')
  bins?: number;

  @TimeBoundField('2026-11-01', 'only items submitted at or after this time (ISO 8601)')
  since?: string;
}

export class DriftQuery extends ScopeQuery {
  @WholeNumberField(1, 366, 30, 'days of override-rate history')
  days?: number;
}

export class ReviewersQuery {
  @QueueSlugField('queue slug (default: every queue)')
  queue?: string;

  @TimeBoundField('2026-11-01', 'only reviews decided at or after this time (ISO 8601)')
  since?: string;
}

export class SimulateDto {
  @ApiProperty({ example: 0.85, minimum: 0, maximum: 1 })
  @IsDefined({ message: 'autoApproveAt is required (a number in [0, 1])' })
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'autoApproveAt must be a number in [0, 1]' },
  )
  @Min(0, { message: 'autoApproveAt must be a number in [0, 1]' })
  @Max(1, { message: 'autoApproveAt must be a number in [0, 1]' })
  autoApproveAt!: number;

  @ApiProperty({ example: 0.5, minimum: 0, maximum: 1 })
  @IsDefined({ message: 'blockBelow is required (a number in [0, 1])' })
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'blockBelow must be a number in [0, 1]' },
  )
  @Min(0, { message: 'blockBelow must be a number in [0, 1]' })
  @Max(1, { message: 'blockBelow must be a number in [0, 1]' })
  blockBelow!: number;

  @TimeBoundField(
    '2026-11-01T00:00:00Z',
    'replay items submitted since then (default: the last 30 days)',
  )
  since?: string;
}

export class RecommendationQuery {
  @ApiPropertyOptional({
    example: 0.02,
    default: 0.02,
    description: 'highest acceptable error rate among auto-approved items',
  })
  @IsOptional()
  @Transform(toNumber)
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'maxErrorRate must be a number in (0, 1)' },
  )
  @Min(0.000001, { message: 'maxErrorRate must be a number in (0, 1)' })
  @Max(1, { message: 'maxErrorRate must be a number in (0, 1)' })
  maxErrorRate?: number;

  @TimeBoundField(
    '2026-11-01T00:00:00Z',
    'evidence from items submitted since then (default: the last 30 days)',
  )
  since?: string;
}
