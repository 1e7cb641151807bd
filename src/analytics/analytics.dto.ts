import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';

/** Query strings arrive as text: convert only well-formed numbers, so "abc" still fails validation. */
const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(value)
    ? Number(value)
    : value;

export class ScopeQuery {
  @ApiPropertyOptional({
    example: 'support-replies',
    description: 'queue slug (default: every queue)',
  })
  @IsOptional()
  @IsString({ message: 'queue must be a queue slug' })
  queue?: string;

  @ApiPropertyOptional({
    example: 'support-llm@2026-10-01',
    description: 'model name, or name@version',
  })
  @IsOptional()
  @IsString({ message: 'model must be a model name or name@version' })
  model?: string;
}

export class CalibrationQuery extends ScopeQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100,
    default: 10,
    description: 'equal-width confidence bins on [0, 1]',
  })
  @IsOptional()
  @Transform(toNumber)
  @IsInt({ message: 'bins must be a whole number between 1 and 100' })
  @Min(1, { message: 'bins must be a whole number between 1 and 100' })
  @Max(100, { message: 'bins must be a whole number between 1 and 100' })
  bins?: number;

  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'only items submitted at or after this time (ISO 8601)',
  })
  @IsOptional()
  @IsString({ message: 'since must be an ISO 8601 date or date-time' })
  since?: string;
}

export class DriftQuery extends ScopeQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 366,
    default: 30,
    description: 'days of override-rate history',
  })
  @IsOptional()
  @Transform(toNumber)
  @IsInt({ message: 'days must be a whole number between 1 and 366' })
  @Min(1, { message: 'days must be a whole number between 1 and 366' })
  @Max(366, { message: 'days must be a whole number between 1 and 366' })
  days?: number;
}

export class ReviewersQuery {
  @ApiPropertyOptional({
    example: 'support-replies',
    description: 'queue slug (default: every queue)',
  })
  @IsOptional()
  @IsString({ message: 'queue must be a queue slug' })
  queue?: string;

  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'only reviews decided at or after this time (ISO 8601)',
  })
  @IsOptional()
  @IsString({ message: 'since must be an ISO 8601 date or date-time' })
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

  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00Z',
    description: 'replay items submitted since then (default: the last 30 days)',
  })
  @IsOptional()
  @IsString({ message: 'since must be an ISO 8601 date or date-time' })
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

  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00Z',
    description: 'evidence from items submitted since then (default: the last 30 days)',
  })
  @IsOptional()
  @IsString({ message: 'since must be an ISO 8601 date or date-time' })
  since?: string;
}
