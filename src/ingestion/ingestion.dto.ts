import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ApiJsonObjectProperty, ApiJsonProperty, ApiJsonPropertyOptional } from '../common/openapi';
import { ItemDto } from '../items/item.dto';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { FreeJson } from '../common/free-json';

export class ModelDto {
  @ApiProperty({ example: 'support-llm' })
  @IsString({ message: 'model.name must be a string' })
  @IsNotEmpty({ message: 'model.name must not be empty' })
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ example: '2026-10-01' })
  @IsOptional()
  @IsString({ message: 'model.version must be a string' })
  @MaxLength(200)
  version?: string;
}

export class SubmitItemDto {
  @ApiPropertyOptional({
    example: 'ticket-81-reply-1',
    description: 'idempotency key, unique per queue',
    maxLength: 200,
  })
  @IsOptional()
  @IsString({ message: 'externalId must be a string' })
  @IsNotEmpty({ message: 'externalId must not be empty' })
  @MaxLength(200, { message: 'externalId must be at most 200 characters' })
  externalId?: string;

  @ApiProperty({ type: ModelDto })
  @IsDefined({ message: 'model is required' })
  @IsObject({ message: 'model must be an object with a name' })
  @ValidateNested()
  @Type(() => ModelDto)
  model!: ModelDto;

  @ApiJsonPropertyOptional({
    example: { messages: [{ role: 'user', content: 'Where is my refund?' }] },
    description: 'what the model was given: any JSON value',
  })
  @Allow()
  @FreeJson()
  input?: unknown;

  @ApiJsonProperty({
    example: { reply: 'Your refund was sent on Monday.' },
    description: 'what the model produced: any JSON value except null',
  })
  @IsDefined({ message: 'output is required (any JSON value except null)' })
  @FreeJson()
  output!: unknown;

  @ApiProperty({ example: 0.73, minimum: 0, maximum: 1 })
  @IsDefined({ message: 'confidence is required' })
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'confidence must be a JSON number between 0 and 1' },
  )
  @Min(0, { message: 'confidence must be between 0 and 1' })
  @Max(1, { message: 'confidence must be between 0 and 1' })
  confidence!: number;

  @ApiJsonObjectProperty({
    example: { amount: 40, locale: 'en' },
    required: false,
    description: 'a JSON object; rules can read it',
  })
  @IsOptional()
  @IsObject({ message: 'metadata must be a JSON object' })
  @FreeJson()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'http://127.0.0.1:9000/verdict-hook' })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'callbackUrl must be an http or https URL' },
  )
  @MaxLength(2000)
  callbackUrl?: string;
}

export class SubmitBatchDto {
  @ApiProperty({ type: [SubmitItemDto], minItems: 1, maxItems: 500 })
  @IsArray({ message: 'items must be an array' })
  @ArrayMinSize(1, { message: 'items must hold at least 1 item' })
  @ArrayMaxSize(500, { message: 'items must hold at most 500 items' })
  @Allow({ each: true })
  @FreeJson()
  items!: unknown[];
}

/** A batch element that was not stored. */
export class BatchElementErrorDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'items[3].confidence must be between 0 and 1' }) message!: string;
}

export class BatchElementFailureDto {
  @ApiProperty({ type: BatchElementErrorDto }) error!: BatchElementErrorDto;
}

export class BatchResultDto {
  @ApiProperty({
    description: 'one per submitted element, in order: the item, or {error} when it was refused',
    type: 'array',
    items: {
      oneOf: [{ $ref: getSchemaPath(ItemDto) }, { $ref: getSchemaPath(BatchElementFailureDto) }],
    },
  })
  results!: (ItemDto | BatchElementFailureDto)[];
}
