import stringify from 'safe-stable-stringify';
import type { FieldProblem } from '../common/errors';
import { jsonProblems } from '../common/json-guard';
import { FINAL_STATUSES, Item, REVIEW_CLASS_RANK } from '../items/item.entity';
import type { Queue } from '../queues/queue.entity';
import { type Answers, checkAnswers } from '../queues/questions';
import { outputSchemaErrors } from '../routing/output-schema';
import type { DecisionDto } from './review.dto';
import type { ReviewAction } from '../items/review.entity';

/** Canonical JSON: key order never makes two equal outputs look different. */
export function canonicalJson(value: unknown): string {
  return stringify(value) ?? 'undefined';
}

export function isFinal(item: Pick<Item, 'status'>): boolean {
  return FINAL_STATUSES.includes(item.status);
}

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

export interface Vote {
  action: ReviewAction;
  correctedOutput: unknown;
}

/** Two reviewers agree when they chose the same action and, for corrections, the same output. */
export function agree(a: Vote, b: Vote): boolean {
  if (a.action !== b.action) return false;
  return (
    a.action !== 'correct' || canonicalJson(a.correctedOutput) === canonicalJson(b.correctedOutput)
  );
}

/** Fields that end any lease: nobody holds the item afterwards. */
export const NO_LEASE = {
  claimedBy: null,
  claimedAt: null,
  leaseToken: null,
  leaseExpiresAt: null,
} satisfies Partial<Item>;

/** The item as a final decision leaves it (out of the review line). */
export function finalChanges(
  item: Item,
  action: 'approve' | 'reject' | 'correct',
  corrected: unknown,
  now: Date,
  decidedBy: 'reviewer' | 'timeout',
): Partial<Item> {
  const leave: Partial<Item> = { ...NO_LEASE, reviewState: 'none', releasedBy: null };
  if (action === 'approve') {
    // Confirming an already-final item (an audit sample, a report) keeps its verdict and output.
    if (isFinal(item)) return leave;
    return {
      ...leave,
      status: 'approved',
      usable: true,
      finalOutput: item.output,
      decidedBy,
      decidedAt: now,
    };
  }
  if (action === 'reject')
    return {
      ...leave,
      status: 'rejected',
      usable: false,
      finalOutput: null,
      decidedBy,
      decidedAt: now,
    };
  return {
    ...leave,
    status: 'corrected',
    usable: true,
    finalOutput: corrected,
    decidedBy,
    decidedAt: now,
  };
}

/**
 * Escalated: first in line, for leads and admins only. A final item (a sampled or reported
 * approval) keeps its verdict and usability until someone actually changes it.
 */
export function escalationChanges(item: Item, now: Date): Partial<Item> {
  return {
    ...NO_LEASE,
    status: isFinal(item) ? item.status : 'escalated',
    reviewState: 'waiting',
    reviewClass: 'escalated',
    reviewRank: REVIEW_CLASS_RANK.escalated,
    queuedAt: now,
    releasedBy: null,
  };
}

/** Back in line, same place (queued_at unchanged), for the next person. */
export function requeueChanges(item: Item, releasedBy: string | null): Partial<Item> {
  return {
    ...NO_LEASE,
    reviewState: 'waiting',
    status: item.status === 'in_review' ? 'pending' : item.status,
    releasedBy,
  };
}
