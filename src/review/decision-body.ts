/**
 * What a decision or report body must satisfy (labels, reasons, answers, corrections) against
 * the queue and the item's output. What the item's state allows is item-state.ts's business.
 */

import type { FieldProblem } from '../common/errors';
import { jsonProblems } from '../common/json-guard';
import { canonicalJson } from '../items/item-state';
import type { Queue } from '../queues/queue.entity';
import { type Answers, checkAnswers } from '../queues/questions';
import { outputSchemaErrors } from '../routing/output-schema';
import type { DecisionDto } from './review.dto';

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
