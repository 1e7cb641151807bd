import {
  Alert,
  Button,
  Chip,
  Grid,
  Group,
  Paper,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useRef, useState } from 'react';
import type { ApiError } from '../api/client';
import type { Decision, DecisionAction, Item, Queue } from '../api/types';
import { KeyHint } from '../common/KeyHint';
import { ValueBlock } from '../common/ValueBlock';
import { chatMessages, Conversation } from './Conversation';
import { CorrectionEditor } from './CorrectionEditor';
import { ItemSummary, Metadata } from './ItemSummary';
import { useShortcuts } from './shortcuts';

interface Props {
  item: Item;
  queue: Queue;
  busy: boolean;
  onDecide(decision: Decision): Promise<ApiError | null>;
  onSkip(): void;
}

/** One claimed item: what the model saw and said, and the decision controls. */
export function Workspace({ item, queue, busy, onDecide, onSkip }: Props) {
  const [labels, setLabels] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [comment, setComment] = useState('');
  const [correcting, setCorrecting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const reasonRef = useRef<HTMLInputElement>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const labelsRef = useRef<HTMLDivElement>(null);
  const escalated = item.status === 'escalated';

  const earlier = item.reviews ?? [];

  /** reject and correct need a label when the queue has labels, else a reason. */
  function missingJustification(action: DecisionAction): string | null {
    // The lead reads the note first (Escalated page, item page); an escalation without one stalls.
    if (action === 'escalate' && !reason.trim() && !comment.trim())
      return 'Write a note for the lead (comment or reason): why are you escalating?';
    if (action !== 'reject' && action !== 'correct') return null;
    if (queue.labels.length > 0 && labels.length === 0)
      return `Choose at least one label to ${action} this item.`;
    if (queue.labels.length === 0 && !reason.trim()) return `Give a reason to ${action} this item.`;
    return null;
  }

  async function send(action: DecisionAction, correctedOutput?: unknown) {
    if (busy) return;
    const missing = missingJustification(action);
    if (missing) {
      setProblem(missing);
      (action === 'escalate'
        ? commentRef.current
        : queue.labels.length > 0
          ? labelsRef.current?.querySelector('input')
          : reasonRef.current
      )?.focus();
      return;
    }
    setProblem(null);
    setServerError(null);
    const decision: Decision = { action };
    if (labels.length) decision.labels = labels;
    if (reason.trim()) decision.reason = reason.trim();
    if (comment.trim()) decision.comment = comment.trim();
    if (action === 'correct') decision.correctedOutput = correctedOutput;
    const refused = await onDecide(decision);
    if (refused) setServerError(refused);
  }

  function startCorrection() {
    const missing = missingJustification('correct');
    setCorrecting(true);
    if (missing) setProblem(missing);
  }

  function toggleLabel(index: number) {
    const label = queue.labels[index];
    if (!label) return;
    setLabels((ls) => (ls.includes(label) ? ls.filter((l) => l !== label) : [...ls, label]));
    setProblem(null);
  }

  // While the correction editor is open only label and reason keys apply: a stray A must not approve.
  const shortcuts: Record<string, () => void> = { '/': () => reasonRef.current?.focus() };
  queue.labels.slice(0, 9).forEach((_, i) => (shortcuts[String(i + 1)] = () => toggleLabel(i)));
  if (!correcting) {
    Object.assign(shortcuts, {
      a: () => void send('approve'),
      r: () => void send('reject'),
      c: startCorrection,
      s: onSkip,
    });
    if (!escalated) shortcuts.e = () => void send('escalate');
  }
  useShortcuts(shortcuts, !busy);

  const messages = chatMessages(item.input);
  const otherInput =
    messages && item.input && typeof item.input === 'object'
      ? Object.fromEntries(
          Object.entries(item.input as Record<string, unknown>).filter(([k]) => k !== 'messages'),
        )
      : undefined;
  const fieldError = (...fields: string[]) => serverError?.fieldMessage(...fields);
  const generalServerError =
    serverError && !fieldError('labels', 'reason', 'correctedOutput') ? serverError.message : null;

  return (
    <Stack gap="sm" data-testid="workspace" data-item-id={item.id}>
      <ItemSummary item={item} />

      <Paper withBorder p="xs" radius="md" component="section" aria-label="Decision">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
          <Stack gap={8}>
            <Group gap="xs">
              <Button
                color="teal"
                onClick={() => void send('approve')}
                disabled={busy}
                aria-keyshortcuts="a"
              >
                Approve <KeyHint>A</KeyHint>
              </Button>
              <Button
                color="red"
                onClick={() => void send('reject')}
                disabled={busy}
                aria-keyshortcuts="r"
              >
                Reject <KeyHint>R</KeyHint>
              </Button>
              <Button
                color="violet"
                onClick={startCorrection}
                disabled={busy || correcting}
                aria-keyshortcuts="c"
              >
                Correct <KeyHint>C</KeyHint>
              </Button>
              {!escalated && (
                <Button
                  color="orange"
                  onClick={() => void send('escalate')}
                  disabled={busy}
                  aria-keyshortcuts="e"
                >
                  Escalate <KeyHint>E</KeyHint>
                </Button>
              )}
              <Button variant="default" onClick={onSkip} disabled={busy} aria-keyshortcuts="s">
                Skip <KeyHint>S</KeyHint>
              </Button>
            </Group>
            {queue.labels.length > 0 && (
              <Group gap={6} ref={labelsRef} role="group" aria-labelledby="labels-title">
                <Text size="sm" fw={500} id="labels-title">
                  Labels
                </Text>
                <Chip.Group multiple value={labels} onChange={setLabels}>
                  {queue.labels.map((label, i) => (
                    <Chip key={label} value={label} size="sm">
                      {label}
                      {i < 9 && <KeyHint size="xs">{String(i + 1)}</KeyHint>}
                    </Chip>
                  ))}
                </Chip.Group>
              </Group>
            )}
            {fieldError('labels') && (
              <Text c="red" size="sm" role="alert">
                {fieldError('labels')}
              </Text>
            )}
          </Stack>
          <Stack gap={6} w={360} style={{ flexShrink: 0 }}>
            <TextInput
              ref={reasonRef}
              label="Reason"
              size="xs"
              placeholder="Press / to type a reason"
              description={queue.labels.length === 0 ? 'Needed to reject or correct.' : undefined}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Escape' && e.currentTarget.blur()}
              error={fieldError('reason')}
            />
            <Textarea
              ref={commentRef}
              label="Comment (optional)"
              description={escalated ? undefined : 'Your note for the lead when escalating.'}
              size="xs"
              autosize
              minRows={1}
              maxRows={4}
              value={comment}
              onChange={(e) => setComment(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Escape' && e.currentTarget.blur()}
            />
          </Stack>
        </Group>
        {(problem || generalServerError) && (
          <Alert color="red" role="alert" mt="xs" py={6}>
            {problem ?? generalServerError}
          </Alert>
        )}
      </Paper>

      <Grid gap="sm">
        <Grid.Col span={6}>
          <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="input-title">
            <Title order={3} size="h5" id="input-title" mb="xs">
              Input
            </Title>
            {messages ? (
              <Conversation messages={messages} extra={otherInput} />
            ) : (
              <ValueBlock value={item.input} label="input" />
            )}
          </Paper>
          <Paper
            withBorder
            p="sm"
            radius="md"
            mt="sm"
            component="section"
            aria-labelledby="metadata-title"
          >
            <Title order={3} size="h5" id="metadata-title" mb="xs">
              Metadata
            </Title>
            <Metadata metadata={item.metadata} />
          </Paper>
          {earlier.length > 0 && (
            <Paper
              withBorder
              p="sm"
              radius="md"
              mt="sm"
              component="section"
              aria-labelledby="history-title"
            >
              <Title order={3} size="h5" id="history-title" mb="xs">
                Earlier decisions
              </Title>
              <Stack gap={4}>
                {earlier.map((r, i) => (
                  <Text size="sm" key={i}>
                    <b>{r.action}</b>
                    {r.labels?.length ? ` [${r.labels.join(', ')}]` : ''}
                    {r.reason ? ` — ${r.reason}` : ''}
                    {r.comment ? ` (${r.comment})` : ''}
                  </Text>
                ))}
              </Stack>
            </Paper>
          )}
        </Grid.Col>
        <Grid.Col span={6}>
          {/* The editor takes the output's place: its diff shows the original line by line. */}
          {correcting ? (
            <CorrectionEditor
              original={item.output}
              schema={queue.outputSchema}
              busy={busy}
              serverError={fieldError('correctedOutput')}
              onSubmit={(value) => void send('correct', value)}
              onCancel={() => {
                setCorrecting(false);
                setProblem(null);
              }}
            />
          ) : (
            <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="output-title">
              <Title order={3} size="h5" id="output-title" mb="xs">
                Output
              </Title>
              <ValueBlock value={item.output} label="output" />
            </Paper>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
