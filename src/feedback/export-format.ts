import { stringify } from 'csv-stringify';
import { Transform, TransformCallback } from 'node:stream';
import type { ExportFormat } from './export-params';
import type { ReviewerPseudonyms } from '../common/reviewer-pseudonym';
import { DECISION_COLUMNS } from './export-sql';

/** A decision row as Postgres sends it: every column as text (see DECISION_COLUMNS). */
export type DecisionRow = (string | null)[];

/** The public field names, in record order; also the CSV header. */
export const RECORD_FIELDS = [
  'itemId',
  'queue',
  'model',
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
  'reviewer',
  'reviewSeconds',
  'createdAt',
  'decidedAt',
  'answers',
] as const;

const str = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));
const json = (value: string | null) => value ?? 'null';

/** A decision row's columns by name (DECISION_COLUMNS, the order the SQL selects them in). */
type DecisionFields = Record<(typeof DECISION_COLUMNS)[number], string | null>;

function fieldsOf(row: DecisionRow): DecisionFields {
  const fields = {} as DecisionFields;
  for (let i = 0; i < DECISION_COLUMNS.length; i++) fields[DECISION_COLUMNS[i]] = row[i];
  return fields;
}

interface ExportedComment {
  authorId: string | null;
  keyName: string | null;
  body: string;
  createdAt: string;
}

/**
 * The jsonl `comments` array: authors as the same pseudonyms as `reviewer` (an API key's comment
 * as "api-key:<its name>"). Comments are rare, so parsing them here costs little.
 */
function commentsJson(text: string | null, reviewers: ReviewerPseudonyms): string {
  if (!text) return '[]';
  const comments = JSON.parse(text) as ExportedComment[];
  return JSON.stringify(
    comments.map((c) => ({
      author: c.authorId ? reviewers.of(c.authorId) : `api-key:${c.keyName ?? ''}`,
      body: c.body,
      createdAt: c.createdAt,
    })),
  );
}

/**
 * Builds the JSON line from Postgres's text directly: jsonb columns are already JSON text and
 * ids, enums and timestamps need no escaping, so nothing is parsed and re-serialised.
 */
export function decisionLine(row: DecisionRow, reviewers: ReviewerPseudonyms): string {
  const f = fieldsOf(row);
  return (
    `{"itemId":"${f.itemId}","queue":${str(f.queue)},"model":{"name":${str(f.modelName)},"version":${str(f.modelVersion)}},` +
    `"confidence":${f.confidence},"routing":"${f.routing}","policyVersion":${f.policyVersion},"input":${json(f.input)},` +
    `"output":${json(f.output)},"finalOutput":${json(f.finalOutput)},"status":"${f.status}","action":"${f.action}",` +
    `"labels":${json(f.labels)},"reason":${str(f.reason)},"comment":${str(f.comment)},"reviewer":"${reviewers.of(f.reviewerId!)}",` +
    `"reviewSeconds":${f.reviewSeconds},"createdAt":"${f.createdAt}","decidedAt":"${f.decidedAt}",` +
    `"comments":${commentsJson(f.comments, reviewers)},"answers":${f.answers ?? '{}'}}\n`
  );
}

/**
 * A cell a spreadsheet would read as a formula (=, +, -, @, tab, carriage return first) gets a
 * leading apostrophe, so a reason like `=HYPERLINK(…)` opens as text, never as a live formula.
 */
export function safeCell(cell: string | null): string | null {
  return cell !== null && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** One CSV cell per question: text and choices as they are, numbers and booleans as text, multi as a JSON array. */
function answerCells(answersText: string | null, questionKeys: string[]): (string | null)[] {
  if (questionKeys.length === 0) return [];
  const answers = (answersText ? JSON.parse(answersText) : {}) as Record<string, unknown>;
  return questionKeys.map((key) => {
    const value = answers[key];
    if (value === undefined || value === null) return null;
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/**
 * CSV cells: JSON-valued fields (model, input, output, finalOutput, labels) as JSON text, null as
 * empty; then one `answers.<key>` cell per question instead of one JSON answers cell. Every cell
 * passes through safeCell, answers included (they are free text a reviewer typed).
 */
export function decisionCells(
  row: DecisionRow,
  reviewers: ReviewerPseudonyms,
  questionKeys: string[] = [],
): (string | null)[] {
  return rawCells(row, reviewers, questionKeys).map(safeCell);
}

function rawCells(
  row: DecisionRow,
  reviewers: ReviewerPseudonyms,
  questionKeys: string[],
): (string | null)[] {
  const f = fieldsOf(row);
  return [
    f.itemId,
    f.queue,
    `{"name":${str(f.modelName)},"version":${str(f.modelVersion)}}`,
    f.confidence,
    f.routing,
    f.policyVersion,
    f.input,
    f.output,
    f.finalOutput,
    f.status,
    f.action,
    f.labels,
    f.reason,
    f.comment,
    reviewers.of(f.reviewerId!),
    f.reviewSeconds,
    f.createdAt,
    f.decidedAt,
    ...answerCells(f.answers, questionKeys),
  ];
}

export interface ChatMessage {
  role: string;
  content: unknown;
}

/** The input as chat turns: its own `messages` array, else the whole input as one user message. */
export function promptMessages(inputText: string | null): ChatMessage[] {
  const input: unknown = inputText === null ? null : JSON.parse(inputText);
  if (input === null) return [];
  const messages = (input as { messages?: unknown }).messages;
  if (typeof input === 'object' && !Array.isArray(input) && Array.isArray(messages))
    return messages as ChatMessage[];
  return [{ role: 'user', content: typeof input === 'string' ? input : JSON.stringify(input) }];
}

/** {"messages": [...prompt, {role: "assistant", content: final output (text as is, else JSON text)}]} */
export function chatLine(row: DecisionRow): string {
  const final: unknown = JSON.parse(row[1]!);
  const messages = [
    ...promptMessages(row[0]),
    { role: 'assistant', content: typeof final === 'string' ? final : JSON.stringify(final) },
  ];
  return `${JSON.stringify({ messages })}\n`;
}

/** {prompt: the input as chat turns, chosen: the correction, rejected: the original output} */
export function preferenceLine(row: DecisionRow): string {
  return `${JSON.stringify({ prompt: promptMessages(row[0]), chosen: JSON.parse(row[1]!), rejected: JSON.parse(row[2]!) })}\n`;
}

const CHUNK = 64 * 1024;

/**
 * Turns row objects into text and hands the response ~64 KiB at a time: one write per row
 * would cost a syscall each. Backpressure passes through: rows are pulled only as fast as the
 * client reads.
 */
export class LineEncoder extends Transform {
  private buffer = '';

  constructor(private readonly encode: (row: DecisionRow) => string) {
    super({ writableObjectMode: true, readableObjectMode: false, writableHighWaterMark: 16 });
  }

  override _transform(
    row: DecisionRow,
    _encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    try {
      this.buffer += this.encode(row);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (this.buffer.length >= CHUNK) {
      const chunk = this.buffer;
      this.buffer = '';
      callback(null, chunk);
    } else callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.buffer) this.push(this.buffer);
    this.buffer = '';
    callback();
  }
}

/** Joins small chunks (one per CSV record) into larger writes, as bytes (no re-encoding). */
class Coalesce extends Transform {
  private parts: Buffer[] = [];
  private size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.parts.push(chunk);
    this.size += chunk.length;
    if (this.size >= CHUNK) {
      const out = Buffer.concat(this.parts, this.size);
      this.parts = [];
      this.size = 0;
      callback(null, out);
    } else callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.size > 0) this.push(Buffer.concat(this.parts, this.size));
    callback();
  }
}

/** The transform chain from cursor rows to the bytes of one export format. */
export function encoderFor(
  format: ExportFormat,
  reviewers: ReviewerPseudonyms,
  questionKeys: string[] = [],
): Transform[] {
  if (format === 'chat') return [new LineEncoder(chatLine)];
  if (format === 'preference') return [new LineEncoder(preferenceLine)];
  if (format === 'jsonl') return [new LineEncoder((row) => decisionLine(row, reviewers))];
  const toCells = new Transform({
    objectMode: true,
    transform(row: DecisionRow, _encoding, callback) {
      callback(null, decisionCells(row, reviewers, questionKeys));
    },
  });
  const columns = [
    ...RECORD_FIELDS.filter((f) => f !== 'answers'),
    ...questionKeys.map((key) => `answers.${key}`),
  ];
  return [toCells, stringify({ header: true, columns }), new Coalesce()];
}
