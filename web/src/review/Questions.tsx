import { Chip, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import type { KeyboardEvent } from 'react';
import type { Answers, Question } from '../api/types';
import { KeyHint } from '../common/KeyHint';

interface Props {
  questions: Question[];
  answers: Answers;
  onChange(key: string, value: unknown): void;
  errorFor(key: string): string | undefined;
}

/** The options a choice question offers, in order; number key n picks the n-th. */
function choices(q: Question): string[] {
  if (q.type === 'rating') {
    const out: string[] = [];
    for (let n = q.min ?? 1; n <= (q.max ?? 5); n++) out.push(String(n));
    return out;
  }
  if (q.type === 'boolean') return ['yes', 'no'];
  return q.options ?? [];
}

function asChipValue(q: Question, value: unknown): string | string[] | null {
  if (q.type === 'multi') return Array.isArray(value) ? (value as string[]) : [];
  if (value === undefined || value === null) return null;
  if (q.type === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

function fromChipValue(q: Question, chip: string | string[]): unknown {
  if (q.type === 'rating') return Number(chip);
  if (q.type === 'boolean') return chip === 'yes';
  return chip;
}

/** Focus the question's selected control, else its first one. */
function focusQuestion(el: Element | null | undefined) {
  if (!el) return;
  const target =
    el.querySelector<HTMLElement>('input:checked') ??
    el.querySelector<HTMLElement>('input, textarea');
  target?.focus();
}

/** Focus the first rubric question (the Q shortcut). */
export function focusFirstQuestion() {
  focusQuestion(document.querySelector('[data-question]'));
}

/**
 * The queue's rubric. Keyboard: Q (or Tab) reaches a question; while one is focused its number
 * keys pick an answer (for ratings the number itself, else the n-th option; Y/N for yes/no),
 * Backspace clears it, and focus moves on to the next question. The keys are taken before the
 * workspace sees them, so 1–9 toggle labels only when no question is focused.
 */
export function Questions({ questions, answers, onChange, errorFor }: Props) {
  if (questions.length === 0) return null;

  function onKey(q: Question, e: KeyboardEvent<HTMLDivElement>) {
    if (q.type === 'text' || e.ctrlKey || e.metaKey || e.altKey) return;
    const options = choices(q);
    let picked: string | null = null;
    if (/^[0-9]$/.test(e.key)) {
      if (q.type === 'rating') {
        const n = e.key === '0' && (q.max ?? 0) >= 10 ? '10' : e.key;
        picked = options.includes(n) ? n : null;
      } else {
        const index = e.key === '0' ? 9 : Number(e.key) - 1;
        picked = options[index] ?? null;
      }
    } else if (q.type === 'boolean' && (e.key === 'y' || e.key === 'n')) {
      picked = e.key === 'y' ? 'yes' : 'no';
    } else if (e.key === 'Backspace' || e.key === 'Delete') {
      e.preventDefault();
      onChange(q.key, q.type === 'multi' ? [] : null);
      return;
    } else return;
    // Taken here: the workspace's own 1–9 (labels) must not fire while a question has focus.
    e.preventDefault();
    if (picked === null) return;
    if (q.type === 'multi') {
      const current = Array.isArray(answers[q.key]) ? (answers[q.key] as string[]) : [];
      onChange(
        q.key,
        current.includes(picked) ? current.filter((v) => v !== picked) : [...current, picked],
      );
      return;
    }
    onChange(q.key, fromChipValue(q, picked));
    // One key per answer: move on to the next question.
    const next = e.currentTarget.nextElementSibling;
    // At once (its controls are already on the page), so a quick next key answers the next one.
    if (next?.hasAttribute('data-question')) focusQuestion(next);
  }

  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="questions-title">
      <Group justify="space-between" mb={6} gap="xs">
        <Title order={3} size="h5" id="questions-title">
          Questions
        </Title>
        <Text size="xs" c="dimmed">
          <KeyHint size="xs">Q</KeyHint> to answer, then number keys
        </Text>
      </Group>
      <Stack gap="xs">
        {questions.map((q, qi) => {
          const id = `question-${q.key}`;
          const error = errorFor(q.key);
          const options = choices(q);
          return (
            <div
              key={q.key}
              data-question={q.key}
              role="group"
              aria-labelledby={`${id}-label`}
              onKeyDown={(e) => onKey(q, e)}
              data-testid={id}
            >
              <Text size="sm" fw={500} id={`${id}-label`} mb={4}>
                {q.label}
                {q.required && (
                  <Text span c="red.9" aria-label="required">
                    {' '}
                    *
                  </Text>
                )}
              </Text>
              {q.type === 'text' ? (
                <Textarea
                  aria-labelledby={`${id}-label`}
                  size="xs"
                  autosize
                  minRows={1}
                  maxRows={4}
                  value={typeof answers[q.key] === 'string' ? (answers[q.key] as string) : ''}
                  onChange={(e) => onChange(q.key, e.currentTarget.value)}
                  onKeyDown={(e) => e.key === 'Escape' && e.currentTarget.blur()}
                  error={error}
                />
              ) : (
                <Group gap={6}>
                  {q.type === 'multi' ? (
                    <Chip.Group
                      multiple
                      value={asChipValue(q, answers[q.key]) as string[]}
                      onChange={(v) => onChange(q.key, v)}
                    >
                      {options.map((o, i) => (
                        <Chip key={o} value={o} size="xs" name={`${id}-${qi}`}>
                          {o}
                          {i < 10 && <KeyHint size="xs">{String((i + 1) % 10)}</KeyHint>}
                        </Chip>
                      ))}
                    </Chip.Group>
                  ) : (
                    <Chip.Group
                      value={asChipValue(q, answers[q.key]) as string | null}
                      onChange={(v) => onChange(q.key, fromChipValue(q, v))}
                    >
                      {options.map((o, i) => (
                        <Chip key={o} value={o} size="xs" type="radio" name={id}>
                          {o}
                          {q.type !== 'rating' && i < 10 && (
                            <KeyHint size="xs">
                              {q.type === 'boolean'
                                ? o === 'yes'
                                  ? 'Y'
                                  : 'N'
                                : String((i + 1) % 10)}
                            </KeyHint>
                          )}
                        </Chip>
                      ))}
                    </Chip.Group>
                  )}
                </Group>
              )}
              {error && q.type !== 'text' && (
                <Text c="red.9" size="xs" role="alert" mt={2}>
                  {error}
                </Text>
              )}
            </div>
          );
        })}
      </Stack>
    </Paper>
  );
}
