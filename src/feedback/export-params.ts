import { FieldProblem, invalid } from '../common/errors';
import { parseIsoDate } from '../common/query-params';
import { REVIEW_ACTIONS, type ReviewAction } from '../items/review.entity';

export const EXPORT_FORMATS = ['jsonl', 'csv', 'chat', 'preference'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Validated export filters; the same shape is stored on an export job and replayed by the worker. */
export interface ExportParams {
  format: ExportFormat;
  queue?: string;
  since?: string;
  until?: string;
  model?: string;
  action?: ReviewAction;
  label?: string;
  gzip?: boolean;
}

function optionalString(
  raw: Record<string, unknown>,
  field: string,
  problems: FieldProblem[],
): string | undefined {
  const value = raw[field];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    problems.push({ field, message: `${field} must be a string` });
    return undefined;
  }
  return value;
}

function flag(value: unknown, field: string, problems: FieldProblem[]): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === true || value === '1' || value === 'true') return true;
  if (value === false || value === '0' || value === 'false') return false;
  problems.push({ field, message: `${field} must be 1, 0, true or false` });
  return undefined;
}

/** Checks query-string or JSON-body export parameters; a bad one is a 400 naming the field. */
export function parseExportParams(raw: Record<string, unknown>): ExportParams {
  const problems: FieldProblem[] = [];
  const format = raw.format === undefined || raw.format === '' ? 'jsonl' : raw.format;
  if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
    problems.push({
      field: 'format',
      message: `format must be one of ${EXPORT_FORMATS.join(', ')}`,
    });
  }
  const action = optionalString(raw, 'action', problems);
  if (action !== undefined && !REVIEW_ACTIONS.includes(action as ReviewAction)) {
    problems.push({
      field: 'action',
      message: `action must be one of ${REVIEW_ACTIONS.join(', ')}`,
    });
  }
  const params: ExportParams = {
    format: format as ExportFormat,
    queue: optionalString(raw, 'queue', problems),
    since: parseIsoDate(raw.since, 'since', problems),
    until: parseIsoDate(raw.until, 'until', problems),
    model: optionalString(raw, 'model', problems),
    action: action as ReviewAction | undefined,
    label: optionalString(raw, 'label', problems),
    gzip: flag(raw.gzip, 'gzip', problems),
  };
  if (params.since && params.until && params.since > params.until) {
    problems.push({ field: 'until', message: 'until must not be before since' });
  }
  if (problems.length > 0) throw invalid(problems);
  for (const key of Object.keys(params) as (keyof ExportParams)[])
    if (params[key] === undefined) delete params[key];
  return params;
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  chat: 'application/x-ndjson; charset=utf-8',
  preference: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

export function exportExtension(format: ExportFormat): string {
  return format === 'csv' ? 'csv' : 'jsonl';
}
