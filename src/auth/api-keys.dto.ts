import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { API_KEY_SCOPES, type ApiKeyScope } from '../common/principal';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'support bot (production)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    example: ['support-replies'],
    description: 'queue slugs, or ["*"] for every queue',
  })
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @Matches(/^(\*|[a-z0-9][a-z0-9-]{0,62})$/, {
    each: true,
    message: 'queues must each be a queue slug or "*"',
  })
  queues!: string[];

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['items:write', 'items:read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, {
    each: true,
    message: `scopes must each be one of ${API_KEY_SCOPES.join(', ')}`,
  })
  scopes!: ApiKeyScope[];
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'support bot (production)' }) name!: string;
  @ApiProperty({ example: 'vk_3f9a' }) keyPrefix!: string;
  @ApiProperty({ type: [String], example: ['support-replies'] }) queues!: string[];
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['items:write'] })
  scopes!: ApiKeyScope[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) lastUsedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) revokedAt!: Date | null;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({
    example: 'vk_3f9a0c1d2e4b5a6978c0d1e2f3a4b5c6d7e8f9a0b1c2',
    description: 'shown only in this response',
  })
  key!: string;
}
