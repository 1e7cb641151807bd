import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiJsonProperty, ApiJsonPropertyOptional } from '../common/openapi';
import { ROUTES, type Route } from '../routing/policy.types';
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
import { FreeJson } from '../common/free-json';
import { NOTIFY_EVENTS } from './notification-rules';

export class SlackTargetDto {
  @ApiProperty({
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    description:
      'a Slack incoming-webhook URL; the SSRF rule applies (WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
  })
  webhookUrl!: string;
}

export class EmailTargetDto {
  @ApiProperty({ type: [String], example: ['support-leads@example.com'], maxItems: 20 })
  to!: string[];
}

export class NotificationRuleDto {
  @ApiProperty({ enum: NOTIFY_EVENTS, isArray: true, example: ['blocked', 'sla_at_risk'] })
  on!: string[];

  @ApiPropertyOptional({ type: SlackTargetDto })
  slack?: SlackTargetDto;

  @ApiPropertyOptional({ type: EmailTargetDto })
  email?: EmailTargetDto;

  @ApiPropertyOptional({
    example: false,
    description: "put the item's output (and comment text) into the message",
  })
  includeContent?: boolean;
}

const RULE_EXAMPLE = {
  name: 'large refund',
  when: { '>': [{ var: 'metadata.amount' }, 1000] },
  route: 'block',
};

const POLICY_EXAMPLE = {
  autoApproveAt: 0.9,
  blockBelow: 0.5,
  auditSampleRate: 0.02,
  rules: [RULE_EXAMPLE],
};

const SLA_EXAMPLE = { blockedSeconds: 900, onBlockedTimeout: 'reject', flaggedSeconds: 86400 };

/** A routing rule: when its JSON Logic expression is truthy, the item goes at least this way. */
export class PolicyRuleDto {
  @ApiProperty({ example: 'large refund', description: 'unique within the policy' }) name!: string;
  @ApiJsonProperty({
    example: RULE_EXAMPLE.when,
    description: 'JSON Logic over {confidence, model, input, output, metadata}',
  })
  when!: unknown;
  @ApiProperty({ enum: ROUTES, example: 'block' }) route!: Route;
}

/** A queue's routing policy as sent: every field is optional and has a default. */
export class PolicyDto {
  @ApiPropertyOptional({ example: 0.9, minimum: 0, maximum: 1, default: 0.9 })
  autoApproveAt?: number;
  @ApiPropertyOptional({ example: 0.5, minimum: 0, maximum: 1, default: 0.5 })
  blockBelow?: number;
  @ApiPropertyOptional({ example: 0.02, minimum: 0, maximum: 1, default: 0 })
  auditSampleRate?: number;
  @ApiPropertyOptional({ type: [PolicyRuleDto], default: [] }) rules?: PolicyRuleDto[];
}

/** A queue's routing policy as stored. */
export class PolicyView {
  @ApiProperty({ example: 0.9 }) autoApproveAt!: number;
  @ApiProperty({ example: 0.5 }) blockBelow!: number;
  @ApiProperty({ example: 0.02 }) auditSampleRate!: number;
  @ApiProperty({ type: [PolicyRuleDto] }) rules!: PolicyRuleDto[];
}

export class SlaDto {
  @ApiPropertyOptional({
    example: 900,
    nullable: true,
    type: Number,
    description: 'seconds a blocked item may wait; null for no limit',
  })
  blockedSeconds?: number | null;
  @ApiPropertyOptional({ enum: ['reject', 'approve', 'escalate'], default: 'reject' })
  onBlockedTimeout?: 'reject' | 'approve' | 'escalate';
  @ApiPropertyOptional({
    example: 86400,
    nullable: true,
    type: Number,
    description: 'seconds a flagged item may wait for review; null for no limit',
  })
  flaggedSeconds?: number | null;
}

export class SlaView {
  @ApiProperty({ example: 900, nullable: true, type: Number }) blockedSeconds!: number | null;
  @ApiProperty({ enum: ['reject', 'approve', 'escalate'] })
  onBlockedTimeout!: 'reject' | 'approve' | 'escalate';
  @ApiProperty({ example: 86400, nullable: true, type: Number }) flaggedSeconds!: number | null;
}

/** One rubric question (requests are validated in questions.ts, which names each problem). */
export class QuestionDto {
  @ApiProperty({
    example: 'helpful',
    description: 'lowercase letters, digits, _; starts with a letter',
  })
  key!: string;
  @ApiProperty({ example: 'How helpful is the reply?' }) label!: string;
  @ApiProperty({ enum: ['rating', 'single', 'multi', 'boolean', 'text'] }) type!: string;
  @ApiPropertyOptional({ type: [String], description: 'single and multi: the choices' })
  options?: string[];
  @ApiPropertyOptional({ example: 1, description: 'rating: lowest value' }) min?: number;
  @ApiPropertyOptional({ example: 5, description: 'rating: highest value' }) max?: number;
  @ApiProperty({ description: 'must be answered to approve, reject or correct' })
  required!: boolean;
}

export class QueueSettingsDto {
  @ApiPropertyOptional({ example: 'Support replies' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiJsonPropertyOptional({
    example: { type: 'object', required: ['reply'] },
    description: 'JSON Schema every output must match (a mismatch blocks); null removes it',
  })
  @IsOptional()
  @FreeJson()
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

  @ApiPropertyOptional({ type: () => SlaDto, example: SLA_EXAMPLE })
  @IsOptional()
  @FreeJson()
  sla?: unknown;

  @ApiPropertyOptional({
    example: '## Approve when\n- the reply answers the question\n- no promises about refunds',
    nullable: true,
    type: String,
    maxLength: 20000,
    description: 'markdown shown to reviewers beside every item',
  })
  @IsOptional()
  guidelines?: unknown;

  @ApiPropertyOptional({
    example: [
      {
        key: 'helpful',
        label: 'How helpful is the reply?',
        type: 'rating',
        min: 1,
        max: 5,
        required: true,
      },
      {
        key: 'tone',
        label: 'Tone',
        type: 'single',
        options: ['friendly', 'neutral', 'rude'],
        required: false,
      },
    ],
    description:
      'the review rubric; decisions answer it in `answers` (required defaults to false when left out)',
    type: [QuestionDto],
  })
  @IsOptional()
  questions?: unknown;

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

  @ApiPropertyOptional({
    type: [NotificationRuleDto],
    description:
      'who hears about blocked, escalated, sla_at_risk (half the SLA gone), sla_breached and comment events, by Slack and/or email',
  })
  @IsOptional()
  notifications?: unknown;
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

  @ApiPropertyOptional({ type: () => PolicyDto, example: POLICY_EXAMPLE })
  @IsOptional()
  @FreeJson()
  policy?: unknown;
}

/** A queue as every route returns it. */
export class QueueView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'support-replies' }) slug!: string;
  @ApiProperty({ example: 'Support replies' }) name!: string;
  @ApiProperty({ type: PolicyView }) policy!: PolicyView;
  @ApiProperty({
    example: 1,
    description: 'bumped by every change of policy, outputSchema, guidelines or questions',
  })
  policyVersion!: number;
  @ApiJsonProperty({
    example: { type: 'object', required: ['reply'] },
    description: 'JSON Schema every output must match, or null',
  })
  outputSchema!: unknown;
  @ApiProperty({ type: [String], example: ['hallucination', 'tone'] }) labels!: string[];
  @ApiProperty({ example: 1 }) requiredReviews!: number;
  @ApiProperty({ example: 300 }) leaseSeconds!: number;
  @ApiProperty({ type: SlaView }) sla!: SlaView;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '## Approve when\n- the reply answers the question',
    description: 'markdown shown to reviewers beside every item',
  })
  guidelines!: string | null;
  @ApiProperty({ type: [QuestionDto], description: 'the review rubric' })
  questions!: QuestionDto[];
  @ApiProperty({ example: 'https://example.com/verdict-hook', nullable: true, type: String })
  webhookUrl!: string | null;
  @ApiProperty({
    type: [NotificationRuleDto],
    description:
      'who hears about this queue, and how; reviewers and analysts see the events but not the targets',
  })
  notifications!: NotificationRuleDto[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class CreatedQueueView extends QueueView {
  @ApiProperty({
    example: 'whsec_3q2b1c4d5e6f7a8b9c0d1e2f3a4b5c6d',
    description: 'signs webhook deliveries; shown only here and when rotated',
  })
  webhookSecret!: string;
}

export class PolicyVersionView {
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ example: 2, description: 'same as version' }) policyVersion!: number;
  @ApiProperty({ description: 'the version in force now' }) current!: boolean;
  @ApiProperty({ type: PolicyView }) policy!: PolicyView;
  @ApiJsonProperty({ description: 'the outputSchema of this version, or null' })
  outputSchema!: unknown;
  @ApiProperty({ nullable: true, type: String, description: 'the guidelines of this version' })
  guidelines!: string | null;
  @ApiProperty({ type: [QuestionDto], description: 'the questions of this version' })
  questions!: QuestionDto[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty() createdAt!: Date;
}
