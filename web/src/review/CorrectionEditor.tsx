import {
  Alert,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { pretty } from '../common/format';
import { KeyHint } from '../common/KeyHint';
import { diffLines, stableJson } from './diff';
import { schemaErrors } from './schema';

type Mode = 'text' | 'json';

interface Props {
  original: unknown;
  schema: unknown;
  busy: boolean;
  serverError?: string;
  onSubmit(correctedOutput: unknown): void;
  onCancel(): void;
}

/** Parses the draft in the chosen mode; JSON mode reports a syntax error instead of a value. */
function parseDraft(mode: Mode, draft: string): { value?: unknown; error?: string } {
  if (mode === 'text') return { value: draft };
  try {
    return { value: JSON.parse(draft) as unknown };
  } catch (e) {
    return { error: `Not valid JSON: ${(e as Error).message}` };
  }
}

export function CorrectionEditor({
  original,
  schema,
  busy,
  serverError,
  onSubmit,
  onCancel,
}: Props) {
  const [mode, setMode] = useState<Mode>(typeof original === 'string' ? 'text' : 'json');
  const [draft, setDraft] = useState(() => pretty(original));
  const [schemaProblem, setSchemaProblem] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const textarea = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    textarea.current?.focus();
  }, []);

  const parsed = useMemo(() => parseDraft(mode, draft), [mode, draft]);
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

  const diff = useMemo(
    () => diffLines(pretty(original), parsed.error === undefined ? pretty(parsed.value) : draft),
    [original, parsed, draft],
  );
  const problem =
    parsed.error ??
    schemaProblem ??
    (unchanged ? 'The correction is the same as the original output.' : null);
  const canSubmit = !problem && !checking && !busy;

  function switchMode(next: string) {
    const m = next as Mode;
    // Carry the content over: a JSON string becomes its text, text becomes a JSON string.
    if (m === 'text' && parsed.error === undefined && typeof parsed.value === 'string')
      setDraft(parsed.value);
    if (m === 'json' && mode === 'text') setDraft(JSON.stringify(draft));
    setMode(m);
  }

  function submit() {
    if (canSubmit) onSubmit(parsed.value);
  }

  return (
    <Paper withBorder p="sm" radius="md" aria-labelledby="correction-title">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h5" id="correction-title">
            Correct the output
          </Title>
          <SegmentedControl
            size="xs"
            value={mode}
            onChange={switchMode}
            aria-label="Edit as text or JSON"
            data={[
              { value: 'text', label: 'Text' },
              { value: 'json', label: 'JSON' },
            ]}
          />
        </Group>
        <Textarea
          ref={textarea}
          label="Corrected output"
          description={
            mode === 'json' ? 'JSON, checked against the queue’s output schema' : 'Plain text'
          }
          autosize
          minRows={4}
          maxRows={16}
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              submit();
            } else if (e.key === 'Escape') {
              e.preventDefault();
              onCancel();
            }
          }}
          classNames={{ input: 'mono' }}
          spellCheck={mode === 'text'}
          error={problem ?? undefined}
          data-testid="correction-input"
        />
        {serverError && (
          <Alert color="red" role="alert" title="The server refused the correction">
            {serverError}
          </Alert>
        )}
        <div>
          <Text size="sm" fw={600} id="diff-title">
            Changes
          </Text>
          <pre className="diff" aria-labelledby="diff-title" data-testid="correction-diff">
            {diff.map((line, i) => (
              <div key={i} className={`diff-${line.kind}`}>
                <span aria-hidden="true">
                  {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
                </span>
                {line.kind !== 'same' && (
                  <span className="visually-hidden">
                    {line.kind === 'added' ? 'added: ' : 'removed: '}
                  </span>
                )}
                {line.text}
              </div>
            ))}
          </pre>
        </div>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} aria-keyshortcuts="Escape">
            Cancel <KeyHint>Esc</KeyHint>
          </Button>
          <Button
            color="violet"
            onClick={submit}
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
