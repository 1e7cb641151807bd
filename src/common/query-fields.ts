/**
 * Optional query/body filters that several endpoints share, so each has one example, one
 * OpenAPI description style and one 400 message wherever it appears. Values are only
 * shape-checked here; query-params.ts parses them (dates, model@version).
 */
import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** `?queue=`: a Verdict queue's slug. */
export const QueueSlugField = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ example: 'support-replies', description }),
    IsOptional(),
    IsString({ message: 'queue must be a queue slug' }),
  );

/** `?model=`: a model name, or name@version. */
export const ModelField = () =>
  applyDecorators(
    ApiPropertyOptional({
      example: 'support-llm@2026-10-01',
      description: 'model name, or name@version',
    }),
    IsOptional(),
    IsString({ message: 'model must be a model name or name@version' }),
  );

/** A time bound (`since`, `until`): an ISO 8601 date or date-time; the 400 names the property. */
export const TimeBoundField =
  (example: string, description: string): PropertyDecorator =>
  (target, key) =>
    applyDecorators(
      ApiPropertyOptional({ example, description }),
      IsOptional(),
      IsString({ message: `${String(key)} must be an ISO 8601 date or date-time` }),
    )(target, key);
