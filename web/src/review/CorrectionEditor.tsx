import {
  Alert,
  Button,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useMemo, useRef, useState } from 'react';
import { pretty } from '../common/format';
import { KeyHint } from '../common/KeyHint';
import { diffWordParts, stableJson } from './diff';
import { changesBetween, editableFields, toolCallOf, withFields } from './output-shape';
import { schemaErrors } from './schema';

type Mode = 'form' | 'json';

interface Props {
  original: unknown;
  schema: unknown;
  busy: boolean;
  serverError?: string;
  onSubmit(correctedOutput: unknown): void;
  onCancel(): void;
}

/** A field's draft: text for strings, numbers and booleans as such, JSON text for anything else. */
type FieldDraft =
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number | string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'json'; text: string };

function draftOf(value: unknown): FieldDraft {
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  return { kind: 'json', text: JSON.stringify(value, null, 2) };
}

function valueOf(draft: FieldDraft): { value?: unknown; error?: string } {
  switch (draft.kind) {
    case 'text':
      return { value: draft.text };
    case 'boolean':
      return { value: draft.value };
    case 'number':
      return typeof draft.value === 'number'
        ? { value: draft.value }
        : { error: 'Enter a number.' };
    case 'json':
      try {
        return { value: JSON.parse(draft.text) as unknown };
      } catch (e) {
        return { error: `Not valid JSON: ${(e as Error).message}` };
      }
  }
}

interface CorrectionValues {
  /** Object outputs (and a tool call's arguments): one draft per field. */
  drafts: Record<string, FieldDraft>;
  /** A plain-text output. */
  text: string;
  /** The whole output as JSON (the raw mode). */
  json: string;
}

/** A touched-status key no input has: set by a try to save, so problems show from then on. */
const SUBMIT_TRIED = '__submitTried';

/**
 * The correction: string fields edited as text (one field per field for object outputs and a
 * tool call's arguments), raw JSON as an option, a word-level diff, no complaint before the
 * first edit, and Ctrl+Enter submitting from anywhere on the page.
 */
export function CorrectionEditor({
  original,
  schema,
  busy,
  serverError,
  onSubmit,
  onCancel,
}: Props) {
  const fields = editableFields(original);
  const call = toolCallOf(original);
  const [mode, setMode] = useState<Mode>(fields || typeof original === 'string' ? 'form' : 'json');
  const form = useForm<CorrectionValues>({
    mode: 'controlled',
    initialValues: {
      drafts: Object.fromEntries(Object.entries(fields ?? {}).map(([k, v]) => [k, draftOf(v)])),
      text: typeof original === 'string' ? original : '',
      json: pretty(original),
    },
  });
  const { drafts, text: textDraft, json: jsonDraft } = form.values;
  // Touched by the first edit (or a try to save); switching between fields and JSON is no edit.
  const edited = form.isTouched();
  const [schemaProblem, setSchemaProblem] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const first = useRef<HTMLElement | null>(null);

  useEffect(() => {
    first.current?.focus();
  }, [mode]);

  /** The corrected output as it stands, or the first problem in the draft. */
  const parsed = useMemo((): { value?: unknown; error?: string; field?: string } => {
    if (mode === 'json') {
      try {
        return { value: JSON.parse(jsonDraft) as unknown };
      } catch (e) {
        return { error: `Not valid JSON: ${(e as Error).message}` };
      }
    }
    if (!fields) return { value: textDraft };
    const out: Record<string, unknown> = {};
    for (const [key, draft] of Object.entries(drafts)) {
      const v = valueOf(draft);
      if (v.error) return { error: `${key}: ${v.error}`, field: key };
      out[key] = v.value;
    }
    return { value: withFields(original, out) };
  }, [mode, jsonDraft, fields, textDraft, drafts, original]);

  const unchanged = parsed.error === undefined && stableJson(parsed.value) === stableJson(original);

  useEffect(() => {
    if (parsed.error !== undefined) {
      setSchemaProblem(null);
      return;
    }
    let current = true;
    setChecking(true);
    schemaErrors(schema, parsed.value)
      .then((problem) => current && setSchemaProblem(problem))
      .catch(() => current && setSchemaProblem(null))
      .finally(() => current && setChecking(false));
    return () => {
      current = false;
    };
  }, [schema, parsed]);

  const problem =
    parsed.error ??
    schemaProblem ??
    (unchanged ? 'The correction is the same as the original output.' : null);
  const canSubmit = !problem && !checking && !busy;
  // Nothing is wrong with an untouched draft: errors wait for the first edit.
  const shownProblem = edited ? problem : null;

  const submitRef = useRef<() => void>(() => undefined);
  submitRef.current = () => {
    form.setTouched((touched) => ({ ...touched, [SUBMIT_TRIED]: true }));
    if (canSubmit) onSubmit(parsed.value);
  };

  // Ctrl+Enter submits from any field on the page (labels, reason, comment, questions too).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        submitRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function switchMode(next: string) {
    const m = next as Mode;
    if (m === mode) return;
    if (m === 'json' && parsed.error === undefined) form.setValues({ json: pretty(parsed.value) });
    if (m === 'form' && mode === 'json' && parsed.error === undefined) {
      const nextFields = editableFields(parsed.value);
      if (fields && nextFields)
        form.setValues({
          drafts: Object.fromEntries(Object.entries(nextFields).map(([k, v]) => [k, draftOf(v)])),
        });
      else if (!fields && typeof parsed.value === 'string') form.setValues({ text: parsed.value });
      else return; // the JSON no longer has the shape the form edits
    }
    setMode(m);
  }

  function setField(key: string, draft: FieldDraft) {
    form.setFieldValue('drafts', (d) => ({ ...d, [key]: draft }));
  }

  const changes = useMemo(
    () => (parsed.error === undefined ? changesBetween(original, parsed.value) : []),
    [original, parsed],
  );

  const onEscape = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    }
  };

  let firstAssigned = false;
  const firstRef = (el: HTMLElement | null) => {
    if (!firstAssigned && el) {
      first.current = el;
      firstAssigned = true;
    }
  };

  return (
    <Paper withBorder p="sm" radius="md" aria-labelledby="correction-title" onKeyDown={onEscape}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Title order={3} size="h5" id="correction-title">
            {call ? `Correct the arguments of ${call.name}` : 'Correct the output'}
          </Title>
          {(fields || typeof original === 'string') && (
            <SegmentedControl
              size="xs"
              value={mode}
              onChange={switchMode}
              aria-label="Edit as fields or raw JSON"
              data={[
                { value: 'form', label: fields ? 'Fields' : 'Text' },
                { value: 'json', label: 'Raw JSON' },
              ]}
            />
          )}
        </Group>

        {mode === 'json' && (
          <Textarea
            ref={firstRef}
            label="Corrected output (JSON)"
            description="Checked against the queue’s output schema"
            autosize
            minRows={4}
            maxRows={16}
            value={jsonDraft}
            onChange={(e) => form.setFieldValue('json', e.currentTarget.value)}
            classNames={{ input: 'mono' }}
            spellCheck={false}
            error={shownProblem ?? undefined}
            data-testid="correction-input"
          />
        )}

        {mode === 'form' && !fields && (
          <Textarea
            ref={firstRef}
            label="Corrected output"
            autosize
            minRows={4}
            maxRows={16}
            value={textDraft}
            onChange={(e) => form.setFieldValue('text', e.currentTarget.value)}
            error={shownProblem ?? undefined}
            data-testid="correction-input"
          />
        )}

        {mode === 'form' && fields && (
          <Stack gap={6} data-testid="correction-fields">
            {Object.entries(drafts).map(([key, draft]) => {
              const fieldError =
                edited && parsed.field === key ? parsed.error?.replace(`${key}: `, '') : undefined;
              if (draft.kind === 'boolean')
                return (
                  <Switch
                    key={key}
                    ref={firstRef as (el: HTMLInputElement | null) => void}
                    label={key}
                    checked={draft.value}
                    onChange={(e) =>
                      setField(key, { kind: 'boolean', value: e.currentTarget.checked })
                    }
                  />
                );
              if (draft.kind === 'number')
                return (
                  <NumberInput
                    key={key}
                    ref={firstRef as (el: HTMLInputElement | null) => void}
                    label={key}
                    value={draft.value}
                    onChange={(value) => setField(key, { kind: 'number', value })}
                    error={fieldError}
                  />
                );
              return (
                <Textarea
                  key={key}
                  ref={firstRef as (el: HTMLTextAreaElement | null) => void}
                  label={key}
                  description={draft.kind === 'json' ? 'JSON' : undefined}
                  autosize
                  minRows={draft.kind === 'text' && draft.text.length > 80 ? 3 : 1}
                  maxRows={12}
                  value={draft.text}
                  onChange={(e) =>
                    setField(key, { kind: draft.kind, text: e.currentTarget.value } as FieldDraft)
                  }
                  classNames={draft.kind === 'json' ? { input: 'mono' } : undefined}
                  error={fieldError}
                  data-testid={`correction-field-${key}`}
                />
              );
            })}
          </Stack>
        )}

        {mode === 'form' && fields && shownProblem && !parsed.field && (
          <Text c="red.9" size="sm" role="alert">
            {shownProblem}
          </Text>
        )}
        {serverError && (
          <Alert color="red" role="alert" title="The server refused the correction">
            {serverError}
          </Alert>
        )}
        <div>
          <Text size="sm" fw={600} id="diff-title">
            Changes
          </Text>
          <div className="diff" aria-labelledby="diff-title" data-testid="correction-diff">
            {changes.length === 0 ? (
              <Text size="sm" c="dimmed">
                No changes yet.
              </Text>
            ) : (
              changes.map((change, i) => (
                <div key={i} className="diff-field">
                  {change.field !== null && <div className="diff-field-name">{change.field}</div>}
                  {diffWordParts(change.before, change.after).map((part, j) =>
                    part.kind === 'same' ? (
                      <span key={j}>{part.text}</span>
                    ) : part.kind === 'added' ? (
                      <ins key={j} className="diff-added">
                        <span className="visually-hidden">added: </span>
                        {part.text}
                      </ins>
                    ) : (
                      <del key={j} className="diff-removed">
                        <span className="visually-hidden">removed: </span>
                        {part.text}
                      </del>
                    ),
                  )}
                </div>
              ))
            )}
          </div>
        </div>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} aria-keyshortcuts="Escape">
            Cancel <KeyHint>Esc</KeyHint>
          </Button>
          <Button
            color="violet.8"
            onClick={() => submitRef.current()}
            disabled={!canSubmit}
            loading={busy}
            aria-keyshortcuts="Control+Enter"
          >
            Save correction <KeyHint>Ctrl+Enter</KeyHint>
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
