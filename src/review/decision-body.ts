/**
 * What a decision or report body must satisfy (labels, reasons, answers, corrections) against
 * the queue and the item's output. What the item's state allows is item-state.ts's business.
 */

import type { FieldProblem } from '../common/errors';
import { jsonProblems } from '../common/json-guard';
import { registerFastPath } from '../common/validation';
import { canonicalJson } from '../items/item-state';
import { REVIEW_ACTIONS } from '../items/review.entity';
import type { Queue } from '../queues/queue.entity';
import { type Answers, checkAnswers } from '../queues/questions';
import { outputSchemaErrors } from '../routing/output-schema';
import { DecisionDto } from './review.dto';

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An optional string field: absent, or a string of at most `max` code units. */
const okOptionalText = (value: unknown, max: number) =>
  value === undefined || (typeof value === 'string' && value.length <= max);

const isScalar = (value: unknown) =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

/**
 * Answers the fast path hands over as they are: a plain object of scalars or arrays of scalars
 * (what the question types take). class-transformer copies `answers` (it has no @FreeJson), and
 * for these values the copy is equal. It drops keys named like Object.prototype's functions
 * ("constructor", "toString"…) and turns "__proto__" into a prototype, and Nest's pipe deletes
 * "__proto__", "prototype" and "constructor" keys at every depth: bodies with such keys, or
 * anything nested deeper, take the slow path.
 */
function plainAnswers(value: unknown): boolean {
  if (!isPlainObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    if (key in Object.prototype || key === 'prototype') return false;
    const answer = value[key];
    if (Array.isArray(answer) ? !answer.every(isScalar) : !isScalar(answer)) return false;
  }
  return true;
}

/**
 * Fast path for the decision body, as submission-check.ts is for submissions: the DecisionDto
 * for a body that certainly passes its class-validator rules, built as the slow path builds it
 * (correctedOutput as parsed, unknown fields dropped); anything else, null for an optional field
 * included, returns undefined and goes through class-transformer + class-validator, so every
 * 400 and its messages still come from there. Lengths are counted in code units, never more
 * than the validator's code points, so a string near a limit may take the slow path but never
 * passes here when it would fail there. test/review/decision-check.test.ts compares both paths
 * on generated bodies.
 */
export function fastDecision(body: unknown): DecisionDto | undefined {
  if (!isPlainObject(body)) return undefined;
  const { action, correctedOutput, labels, reason, answers, comment } = body;
  if (typeof action !== 'string' || !(REVIEW_ACTIONS as readonly string[]).includes(action))
    return undefined;
  if (
    labels !== undefined &&
    !(Array.isArray(labels) && labels.length <= 100 && labels.every((l) => typeof l === 'string'))
  )
    return undefined;
  if (!okOptionalText(reason, 2000) || !okOptionalText(comment, 5000)) return undefined;
  if (answers !== undefined && !plainAnswers(answers)) return undefined;

  const dto = new DecisionDto();
  dto.action = action as DecisionDto['action'];
  if ('correctedOutput' in body) dto.correctedOutput = correctedOutput;
  if ('labels' in body) dto.labels = labels as string[] | undefined;
  if ('reason' in body) dto.reason = reason as string | undefined;
  if ('answers' in body) dto.answers = answers === undefined ? undefined : { ...answers };
  if ('comment' in body) dto.comment = comment as string | undefined;
  return dto;
}

registerFastPath(DecisionDto, fastDecision);

/** Labels and text fields must also be storable: Postgres text cannot hold U+0000. */
function textProblems(dto: {
  labels?: string[];
  reason?: string;
  comment?: string;
}): FieldProblem[] {
  return (['labels', 'reason', 'comment'] as const)
    .map((field) => (dto[field] === undefined ? null : jsonProblems(dto[field], field)))
    .filter((p): p is FieldProblem => p !== null);
}

export function labelProblems(labels: string[] | undefined, queue: Queue): FieldProblem[] {
  const unknown = (labels ?? []).filter((l) => !queue.labels.includes(l));
  if (unknown.length === 0) return [];
  const allowed = queue.labels.length
    ? `one of: ${queue.labels.join(', ')}`
    : 'none (this queue defines no labels)';
  return [
    {
      field: 'labels',
      message: `labels ${unknown.map((l) => JSON.stringify(l)).join(', ')} not in this queue's list (allowed: ${allowed})`,
    },
  ];
}

export function cleanLabels(labels: string[] | undefined): string[] {
  return [...new Set(labels ?? [])];
}

export function cleanText(text: string | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}

/**
 * Every rule of the contract for a decision body, against the queue and the item's output.
 * `answers` receives the cleaned answers to store with the review.
 */
export function decisionProblems(
  dto: DecisionDto,
  queue: Queue,
  output: unknown,
  answers: { value?: Answers | null } = {},
): FieldProblem[] {
  const problems = textProblems(dto);
  answers.value = checkAnswers(dto.answers, queue.questions ?? [], dto.action, problems);
  problems.push(...labelProblems(dto.labels, queue));
  const needsWhy = dto.action === 'reject' || dto.action === 'correct';
  if (needsWhy && queue.labels.length > 0 && cleanLabels(dto.labels).length === 0) {
    problems.push({
      field: 'labels',
      message: `labels must hold at least one of this queue's labels (${queue.labels.join(', ')}) to ${dto.action}`,
    });
  }
  if (needsWhy && queue.labels.length === 0 && !cleanText(dto.reason)) {
    problems.push({
      field: 'reason',
      message: `reason is required to ${dto.action} (this queue defines no labels)`,
    });
  }
  if (dto.action === 'correct')
    problems.push(...correctionProblems(dto.correctedOutput, queue, output));
  return problems;
}

function correctionProblems(corrected: unknown, queue: Queue, output: unknown): FieldProblem[] {
  if (corrected === undefined || corrected === null) {
    return [
      {
        field: 'correctedOutput',
        message: 'correctedOutput is required to correct (the output as it should have been)',
      },
    ];
  }
  const storage = jsonProblems(corrected, 'correctedOutput');
  if (storage) return [storage];
  if (canonicalJson(corrected) === canonicalJson(output)) {
    return [
      { field: 'correctedOutput', message: 'correctedOutput must differ from the original output' },
    ];
  }
  if (queue.outputSchema !== null && queue.outputSchema !== undefined) {
    const errors = outputSchemaErrors(queue.outputSchema, corrected);
    if (errors) {
      return [
        {
          field: 'correctedOutput',
          message: `correctedOutput does not match the queue's outputSchema: ${errors.replace(/\boutput\b/g, 'correctedOutput')}`,
        },
      ];
    }
  }
  return [];
}
