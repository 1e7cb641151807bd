import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

const POLICY_EXAMPLE = {
  autoApproveAt: 0.9,
  blockBelow: 0.5,
  auditSampleRate: 0.02,
  rules: [
    { name: 'large refund', when: { '>': [{ var: 'metadata.amount' }, 1000] }, route: 'block' },
  ],
};

export class QueueSettingsDto {
  @ApiPropertyOptional({ example: 'Support replies' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    example: { type: 'object', required: ['reply'] },
    description: 'JSON Schema every output must match; a mismatch blocks',
  })
  @IsOptional()
  outputSchema?: unknown;

  @ApiPropertyOptional({ example: ['hallucination', 'tone', 'policy', 'format'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  labels?: string[];

  @ApiPropertyOptional({ example: 1, minimum: 1, maximum: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  requiredReviews?: number;

  @ApiPropertyOptional({
    example: 300,
    minimum: 1,
    maximum: 86400,
    description: 'how long a claim lasts unless extended',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86400)
  leaseSeconds?: number;

  @ApiPropertyOptional({
    example: { blockedSeconds: 900, onBlockedTimeout: 'reject', flaggedSeconds: 86400 },
  })
  @IsOptional()
  sla?: unknown;

  @ApiPropertyOptional({
    example: 'https://example.com/verdict-hook',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'webhookUrl must be an http or https URL' },
  )
  @MaxLength(2000)
  webhookUrl?: string | null;
}

export class CreateQueueDto extends QueueSettingsDto {
  @ApiProperty({
    example: 'support-replies',
    description: 'lowercase letters, digits and dashes; never changes',
  })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    message:
      'slug must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit',
  })
  slug!: string;

  @ApiProperty({ example: 'Support replies' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare name: string;

  @ApiPropertyOptional({ example: POLICY_EXAMPLE })
  @IsOptional()
  policy?: unknown;
}

/** PUT /policy takes the policy object itself. */
export class PolicyDto {
  @ApiProperty({ example: 0.9 }) autoApproveAt!: number;
  @ApiProperty({ example: 0.5 }) blockBelow!: number;
  @ApiPropertyOptional({ example: 0.02 }) auditSampleRate?: number;
  @ApiPropertyOptional({ example: POLICY_EXAMPLE.rules }) rules?: unknown[];
}
