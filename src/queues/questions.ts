import type { FieldProblem } from '../common/errors';
import { jsonProblems } from '../common/json-guard';

/** The kinds of rubric question a queue may ask reviewers. */
export const QUESTION_TYPES = ['rating', 'single', 'multi', 'boolean', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export interface Question {
  key: string;
  label: string;
  type: QuestionType;
  options?: string[];
  min?: number;
  max?: number;
  required?: boolean;
}

export type Answers = Record<string, unknown>;

export const MAX_GUIDELINES = 20_000;
const MAX_QUESTIONS = 50;
const MAX_OPTIONS = 50;
/** Keys become CSV column names (`answers.<key>`) and JSON Logic paths: keep them plain. */
const KEY_FORMAT = /^[a-z][a-z0-9_]{0,62}$/;
/**
 * Keys the request pipeline deletes from every body (Nest strips them against prototype
 * pollution), so an answer under them would never arrive: refused when the question is defined.
 */
const RESERVED_KEYS = new Set(['constructor', 'prototype']);
const MAX_TEXT_ANSWER = 5_000;
/** A rating scale longer than this is not a rating any more (and would not fit a keyboard). */
const MAX_RATING_SPAN = 100;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function validateGuidelines(raw: unknown, problems: FieldProblem[]): string | null {
  if (raw === null) return null;
  if (typeof raw !== 'string') {
    problems.push({ field: 'guidelines', message: 'guidelines must be a markdown string or null' });
    return null;
  }
  if (raw.length > MAX_GUIDELINES) {
    problems.push({
      field: 'guidelines',
      message: `guidelines must be at most ${MAX_GUIDELINES} characters (got ${raw.length})`,
    });
    return null;
  }
  const storage = jsonProblems(raw, 'guidelines');
  if (storage) problems.push(storage);
  // Whitespace-only guidelines are no guidelines; null keeps "none" one value.
  return raw.trim() ? raw : null;
}

/** Checks a whole rubric; every problem is named by its path (`questions[2].options`). */
export function validateQuestions(raw: unknown, problems: FieldProblem[]): Question[] {
  if (!Array.isArray(raw)) {
    problems.push({ field: 'questions', message: 'questions must be an array' });
    return [];
  }
  if (raw.length > MAX_QUESTIONS) {
    problems.push({
      field: 'questions',
      message: `questions may hold at most ${MAX_QUESTIONS} questions`,
    });
    return [];
  }
  const keys = new Set<string>();
  const out: Question[] = [];
  raw.forEach((entry: unknown, i) => {
    const at = `questions[${i}]`;
    const problem = (field: string, message: string) =>
      problems.push({ field: `${at}.${field}`, message: `${at}.${field} ${message}` });
    if (!isObject(entry)) {
      problems.push({ field: at, message: `${at} must be an object with key, label and type` });
      return;
    }
    const known = new Set(['key', 'label', 'type', 'options', 'min', 'max', 'required']);
    for (const name of Object.keys(entry))
      if (!known.has(name)) problem(name, 'is not a question field');
    const { key, label, type, options, min, max, required } = entry;
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      problem(
        'key',
        'must be 1-63 lowercase letters, digits or underscores, starting with a letter',
      );
    } else if (RESERVED_KEYS.has(key)) {
      problem('key', `"${key}" is reserved (answers under it would be dropped); choose another`);
    } else if (keys.has(key)) {
      problem('key', `"${key}" is used by another question`);
    } else keys.add(key);
    if (typeof label !== 'string' || label.trim() === '' || label.length > 500)
      problem('label', 'must be a non-empty string of at most 500 characters');
    if (typeof type !== 'string' || !QUESTION_TYPES.includes(type as QuestionType)) {
      problem('type', `must be one of ${QUESTION_TYPES.join(', ')}`);
      return;
    }
    if (required !== undefined && typeof required !== 'boolean')
      problem('required', 'must be true or false');
    const question: Question = {
      key: key as string,
      label: typeof label === 'string' ? label.trim() : '',
      type: type as QuestionType,
      required: required === true,
    };
    if (type === 'single' || type === 'multi') {
      if (
        !Array.isArray(options) ||
        options.length < 2 ||
        options.length > MAX_OPTIONS ||
        !options.every((o) => typeof o === 'string' && o.trim() !== '' && o.length <= 200)
      ) {
        problem(
          'options',
          `must list 2-${MAX_OPTIONS} non-empty strings (of at most 200 characters) for a ${type} question`,
        );
      } else if (new Set(options).size !== options.length) {
        problem('options', 'must not repeat an option');
      } else question.options = options as string[];
    } else if (options !== undefined) {
      problem('options', `applies only to single and multi questions, not ${type}`);
    }
    if (type === 'rating') {
      if (!Number.isInteger(min)) problem('min', 'must be an integer for a rating question');
      if (!Number.isInteger(max)) problem('max', 'must be an integer for a rating question');
      if (Number.isInteger(min) && Number.isInteger(max)) {
        if ((min as number) >= (max as number)) problem('max', 'must be greater than min');
        else if ((max as number) - (min as number) > MAX_RATING_SPAN)
          problem('max', `must be at most ${MAX_RATING_SPAN} above min`);
        question.min = min as number;
        question.max = max as number;
      }
    } else {
      if (min !== undefined) problem('min', 'applies only to rating questions');
      if (max !== undefined) problem('max', 'applies only to rating questions');
    }
    out.push(question);
  });
  const storage = jsonProblems(raw, 'questions');
  if (storage) problems.push(storage);
  return out;
}

/** Actions that settle an item carry the rubric; escalating hands it to a lead who answers it. */
export function answersRequiredFor(action: string): boolean {
  return action === 'approve' || action === 'reject' || action === 'correct';
}

function kindProblem(q: Question, value: unknown): string | null {
  const at = `answers.${q.key}`;
  switch (q.type) {
    case 'rating':
      return Number.isInteger(value) && (value as number) >= q.min! && (value as number) <= q.max!
        ? null
        : `${at} must be an integer from ${q.min} to ${q.max}`;
    case 'single':
      return typeof value === 'string' && q.options!.includes(value)
        ? null
        : `${at} must be one of: ${q.options!.join(', ')}`;
    case 'multi':
      return Array.isArray(value) &&
        value.every((v) => typeof v === 'string' && q.options!.includes(v))
        ? null
        : `${at} must be an array of options from: ${q.options!.join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${at} must be true or false`;
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_ANSWER
        ? null
        : `${at} must be a string of at most ${MAX_TEXT_ANSWER} characters`;
  }
}

/**
 * Checks a decision's answers against the queue's rubric and returns them cleaned (multi
 * answers deduplicated in option order so equal answers compare equal, empty text dropped),
 * or null when there is nothing to store.
 */
export function checkAnswers(
  raw: unknown,
  questions: Question[],
  action: string,
  problems: FieldProblem[],
): Answers | null {
  if (raw !== undefined && raw !== null && !isObject(raw)) {
    problems.push({
      field: 'answers',
      message: 'answers must be an object of question key → answer',
    });
    return null;
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  const byKey = new Map(questions.map((q) => [q.key, q]));
  for (const key of Object.keys(given)) {
    if (!byKey.has(key))
      problems.push({
        field: `answers.${key}`,
        message: questions.length
          ? `answers.${key} is not a question of this queue (questions: ${questions.map((q) => q.key).join(', ')})`
          : `answers.${key} is not a question of this queue (it asks none)`,
      });
  }
  const out: Answers = {};
  for (const q of questions) {
    const value = given[q.key];
    const blank =
      value === undefined ||
      value === null ||
      (q.type === 'text' && typeof value === 'string' && value.trim() === '') ||
      (q.type === 'multi' && Array.isArray(value) && value.length === 0);
    if (blank) {
      if (q.required && answersRequiredFor(action))
        problems.push({
          field: `answers.${q.key}`,
          message: `answers.${q.key} is required to ${action} ("${q.label}")`,
        });
      continue;
    }
    const problem = kindProblem(q, value);
    if (problem) {
      problems.push({ field: `answers.${q.key}`, message: problem });
      continue;
    }
    if (q.type === 'multi') {
      const chosen = new Set(value as string[]);
      out[q.key] = q.options!.filter((o) => chosen.has(o));
    } else if (q.type === 'text') out[q.key] = (value as string).trim();
    else out[q.key] = value;
  }
  const storage = jsonProblems(out, 'answers');
  if (storage) problems.push(storage);
  return Object.keys(out).length > 0 ? out : null;
}
