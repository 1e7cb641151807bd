import type { ExportParams } from './export-params';
import { parseModel } from '../common/query-params';
import { itemScopeSql, SqlParams, whereSql } from '../common/sql';

/** Timestamps leave Postgres already in the API's ISO form (UTC, milliseconds). */
const iso = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export interface ExportSql {
  text: string;
  values: unknown[];
}

/**
 * Filters shared by every format. `r` is the human decision a record stands for (each review
 * for jsonl/csv, the item's final decision for chat/preference) and `i` its item. Time bounds
 * apply to the decision's decided_at, both inclusive at the millisecond precision the API shows.
 */
function filters(
  params: ExportParams,
  queueId: string | undefined,
  queueColumn = 'i.queue_id',
): { where: string[]; values: unknown[] } {
  const p = itemScopeSql(
    new SqlParams(),
    { queueId, model: parseModel(params.model) },
    queueColumn,
  );
  if (params.since) p.and(`r.decided_at >= ${p.add(params.since)}::timestamptz`);
  if (params.until)
    p.and(`r.decided_at < ${p.add(params.until)}::timestamptz + interval '1 millisecond'`);
  if (params.action) p.and(`r.action = ${p.add(params.action)}`);
  if (params.label) p.and(`${p.add(params.label)} = ANY(r.labels)`);
  return { where: p.where, values: p.values };
}

/** Column order of a jsonl/csv row (rowMode array); JSON columns arrive as JSON text. */
export const DECISION_COLUMNS = [
  'itemId',
  'queue',
  'modelName',
  'modelVersion',
  'confidence',
  'routing',
  'policyVersion',
  'input',
  'output',
  'finalOutput',
  'status',
  'action',
  'labels',
  'reason',
  'comment',
  'reviewerId',
  'reviewSeconds',
  'createdAt',
  'decidedAt',
  'comments',
  'answers',
] as const;

interface ExportQueryParts {
  select: string;
  from: string;
  /** A FROM the planner may join freely, for counting (no order, no fast start needed). */
  countFrom?: string;
  where: string[];
  values: unknown[];
  orderBy: string;
}

function compose(parts: ExportQueryParts, count = false): ExportSql {
  const where = whereSql(parts.where);
  const text = count
    ? `SELECT count(*)::text AS n FROM ${parts.countFrom ?? parts.from} ${where}`
    : `SELECT ${parts.select} FROM ${parts.from} ${where} ORDER BY ${parts.orderBy}`;
  return { text, values: parts.values };
}

/**
 * The item's comment thread as JSON text (null when it has none), oldest first. Only items whose
 * comment_count says they have comments probe item_comments_item_idx: most have none, and a
 * probe per record would cost a large export a noticeable share of its speed. Authors are
 * pseudonymised in export-format.ts.
 */
const ITEM_COMMENTS = `CASE WHEN i.comment_count > 0 THEN (SELECT json_agg(json_build_object('authorId', c.author_id,
    'keyName', CASE WHEN c.author_id IS NULL THEN c.author_name END, 'body', c.body,
    'createdAt', ${iso('c.created_at')}) ORDER BY c.created_at, c.id)
  FROM item_comments c WHERE c.item_id = i.id)::text END`;

/**
 * One row per human decision (every review, escalations included), oldest decision first.
 * Reviews are walked in decided_at order on their index and each item fetched by primary key
 * (OFFSET 0 keeps that shape): rows flow from the first fetch, where a hash join and a sort of
 * the whole set would make a large export wait seconds before its first byte.
 */
function decisionParts(params: ExportParams, queueId?: string): ExportQueryParts {
  return {
    select: `i.id, i.queue_slug, i.model_name, i.model_version, i.confidence, i.routing, i.policy_version,
        i.input::text, i.output::text, i.final_output::text, i.status, r.action, array_to_json(r.labels)::text,
        r.reason, r.comment, r.reviewer_id, r.review_seconds, ${iso('i.created_at')}, ${iso('r.decided_at')},
        ${params.format === 'jsonl' ? ITEM_COMMENTS : 'NULL'},
        r.answers::text`,
    from: 'reviews r CROSS JOIN LATERAL (SELECT * FROM items WHERE items.id = r.item_id OFFSET 0) i',
    countFrom: 'reviews r JOIN items i ON i.id = r.item_id',
    ...filters(params, queueId, 'r.queue_id'),
    orderBy: 'r.decided_at, r.id',
  };
}

/**
 * The item's final human decision: its latest review that is a verdict (escalating is not).
 * chat/preference emit one line per item from it, so an item reviewed twice is not doubled.
 */
const FINAL_DECISION = `JOIN LATERAL (
    SELECT fr.action, fr.labels, fr.decided_at FROM reviews fr
    WHERE fr.item_id = i.id AND fr.action <> 'escalate'
    ORDER BY fr.decided_at DESC, fr.id DESC LIMIT 1) r ON true`;

/** An approved item's final output may be unset on rows decided before it was kept; then the output stands. */
const FINAL_OUTPUT = `COALESCE(i.final_output, i.output)`;

/** Approved or corrected items people decided: [input, final output] as JSON text (see chatLine). */
function chatParts(params: ExportParams, queueId?: string): ExportQueryParts {
  const { where, values } = filters(params, queueId);
  return {
    select: `i.input::text, ${FINAL_OUTPUT}::text`,
    from: `items i ${FINAL_DECISION}`,
    where: [
      `i.status IN ('approved', 'corrected')`,
      `i.decided_by IS DISTINCT FROM 'timeout'`,
      ...where,
    ],
    values,
    orderBy: 'i.id',
  };
}

/** Corrected items: [input, correction, original output] as JSON text (see preferenceLine). */
function preferenceParts(params: ExportParams, queueId?: string): ExportQueryParts {
  const { where, values } = filters(params, queueId);
  return {
    select: `i.input::text, i.final_output::text, i.output::text`,
    from: `items i ${FINAL_DECISION}`,
    where: [`i.status = 'corrected'`, `i.final_output IS NOT NULL`, ...where],
    values,
    orderBy: 'i.id',
  };
}

function parts(params: ExportParams, queueId?: string): ExportQueryParts {
  if (params.format === 'chat') return chatParts(params, queueId);
  if (params.format === 'preference') return preferenceParts(params, queueId);
  return decisionParts(params, queueId);
}

export function exportSql(params: ExportParams, queueId?: string): ExportSql {
  return compose(parts(params, queueId));
}

/** How many records an export will produce, for job progress. */
export function countSql(params: ExportParams, queueId?: string): ExportSql {
  return compose(parts(params, queueId), true);
}
