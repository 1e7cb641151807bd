import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiJsonObjectProperty } from '../common/openapi';
import { ModelField, QueueSlugField, TimeBoundField } from '../common/query-fields';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { REVIEW_ACTIONS } from '../items/review.entity';
import { EXPORT_FORMATS } from './export-params';

const FORMAT_DOC =
  'jsonl/csv: one record per human decision (every review, escalations included). chat: one line per approved or ' +
  'corrected item that people decided, from its final decision. preference: one line per corrected item.';

/**
 * Filters of an export. Only shapes are checked here; parseExportParams checks values (dates,
 * enums) so the streaming route and the background job refuse exactly the same input.
 */
export class ExportQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'jsonl', description: FORMAT_DOC })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format?: string;

  @QueueSlugField('queue slug')
  queue?: string;

  @TimeBoundField(
    '2026-11-01',
    "decisions made at or after this time (ISO 8601; the decision's decidedAt)",
  )
  since?: string;

  @TimeBoundField(
    '2026-11-30T23:59:59Z',
    'decisions made at or before this time (inclusive, to the millisecond)',
  )
  until?: string;

  @ModelField()
  model?: string;

  @ApiPropertyOptional({
    enum: REVIEW_ACTIONS,
    description: "the decision's action (for chat/preference: the final decision's)",
  })
  @IsOptional()
  @IsIn(REVIEW_ACTIONS, { message: `action must be one of ${REVIEW_ACTIONS.join(', ')}` })
  action?: string;

  @ApiPropertyOptional({ example: 'tone', description: 'only decisions carrying this label' })
  @IsOptional()
  @IsString({ message: 'label must be a string' })
  label?: string;

  @ApiPropertyOptional({
    enum: ['1', '0', 'true', 'false'],
    description: 'gzip the body (also on Accept-Encoding: gzip)',
  })
  @IsOptional()
  @IsIn(['1', '0', 'true', 'false', true, false], { message: 'gzip must be 1, 0, true or false' })
  gzip?: string | boolean;
}

/** The body of POST /v1/feedback/exports: the same filters as the streaming export. */
export class CreateExportDto extends ExportQuery {}

export class ExportJobView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] })
  status!: string;

  @ApiProperty({ example: 0.42, description: 'share of records written, 0..1' })
  progress!: number;

  @ApiProperty({ example: 4200, description: 'records written so far' })
  rows!: number;

  @ApiJsonObjectProperty({
    example: { format: 'jsonl', queue: 'support-replies' },
    description: 'the filters the export was created with',
  })
  params!: Record<string, unknown>;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '/v1/feedback/exports/3f0c2a4e-9a8b-4b1e-8d5c-1f2e3d4c5b6a/download',
    description: 'set once the export is done',
  })
  downloadUrl!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'why it failed' })
  error!: string | null;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty({ nullable: true, type: Date })
  finishedAt!: Date | null;
}
