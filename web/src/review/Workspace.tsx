import {
  Alert,
  Button,
  Chip,
  Grid,
  Group,
  Switch,
  Paper,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useRef, useState } from 'react';
import type { ApiError } from '../api/client';
import type { Answers, Decision, DecisionAction, Item, Queue } from '../api/types';
import { KeyHint } from '../common/KeyHint';
import { ValueBlock } from '../common/ValueBlock';
import { chatMessages, Conversation } from './Conversation';
import { CorrectionEditor } from './CorrectionEditor';
import { Guidelines, useGuidelinesVisible } from './Guidelines';
import { ItemSummary, Metadata } from './ItemSummary';
import { toolCallOf } from './output-shape';
import { OutputView } from './OutputView';
import { RawTextContext } from './Prose';
import { focusFirstQuestion, Questions } from './Questions';
import { ShortcutHelp, ShortcutHelpButton } from './ShortcutHelp';
import { useShortcuts } from './shortcuts';

interface Props {
  item: Item;
  queue: Queue;
  busy: boolean;
  onDecide(decision: Decision): Promise<ApiError | null>;
  onSkip(): void;
}

interface DecisionValues {
  labels: string[];
  reason: string;
  comment: string;
  /** Rubric answers by question key (blank ones are left out of the decision). */
  answers: Answers;
}

/** One claimed item: what the model saw and said, and the decision controls. */
export function Workspace({ item, queue, busy, onDecide, onSkip }: Props) {
  // The decision's own values; Workspace is keyed by item, so each item starts blank.
  const form = useForm<DecisionValues>({
    mode: 'controlled',
    initialValues: { labels: [], reason: '', comment: '', answers: {} },
  });
  const { labels, reason, comment, answers } = form.values;
  const [correcting, setCorrecting] = useState(false);
  /** Why the decision cannot be sent yet (checked here, per action, before anything is sent). */
  const [problem, setProblem] = useState<string | null>(null);
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const [raw, setRaw] = useState(false);
  const [help, setHelp] = useState(false);
  const [guidelinesVisible, toggleGuidelines] = useGuidelinesVisible();
  const reasonRef = useRef<HTMLInputElement>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);
  const labelsRef = useRef<HTMLDivElement>(null);
  const escalated = item.status === 'escalated';
  const questions = queue.questions ?? [];
  const call = toolCallOf(item.output);

  /** Required questions must be answered to approve, reject or correct (not to escalate). */
  function unanswered(action: DecisionAction): string | null {
    if (action === 'escalate') return null;
    const missing = questions.find((q) => {
      if (!q.required) return false;
      const v = answers[q.key];
      return (
        v === undefined ||
        v === null ||
        (typeof v === 'string' && !v.trim()) ||
        (Array.isArray(v) && v.length === 0)
      );
    });
    return missing ? missing.key : null;
  }

  function setAnswer(key: string, value: unknown) {
    form.setFieldValue('answers', (a) => ({ ...a, [key]: value }));
    setProblem(null);
  }

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
    const question = unanswered(action);
    if (question) {
      const q = questions.find((x) => x.key === question)!;
      setProblem(`Answer “${q.label}” to ${action} this item.`);
      document
        .querySelector<HTMLElement>(
          `[data-question="${question}"] input, [data-question="${question}"] textarea`,
        )
        ?.focus();
      return;
    }
    setProblem(null);
    setServerError(null);
    const decision: Decision = { action };
    if (labels.length) decision.labels = labels;
    if (reason.trim()) decision.reason = reason.trim();
    if (comment.trim()) decision.comment = comment.trim();
    if (action === 'correct') decision.correctedOutput = correctedOutput;
    const given = Object.fromEntries(
      Object.entries(answers).filter(
        ([, v]) =>
          v !== null &&
          v !== undefined &&
          !(typeof v === 'string' && !v.trim()) &&
          !(Array.isArray(v) && v.length === 0),
      ),
    );
    if (Object.keys(given).length > 0) decision.answers = given;
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
    form.setFieldValue('labels', (ls) =>
      ls.includes(label) ? ls.filter((l) => l !== label) : [...ls, label],
    );
    setProblem(null);
  }

  // While the correction editor is open only label and reason keys apply: a stray A must not approve.
  const shortcuts: Record<string, () => void> = {
    '/': () => reasonRef.current?.focus(),
    g: toggleGuidelines,
    m: () => setRaw((r) => !r),
    '?': () => setHelp(true),
  };
  if (questions.length > 0) shortcuts.q = focusFirstQuestion;
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
  const answerError = (key: string) => fieldError(`answers.${key}`);
  const generalServerError =
    serverError &&
    !fieldError('labels', 'reason', 'correctedOutput', ...questions.map((q) => `answers.${q.key}`))
      ? serverError.message
      : null;

  return (
    <RawTextContext.Provider value={raw}>
      <Stack gap="sm" data-testid="workspace" data-item-id={item.id}>
        <ItemSummary item={item} />

        <Paper
          withBorder
          p="xs"
          radius="md"
          component="section"
          aria-label="Decision"
          className="decision-bar"
        >
          <Group justify="space-between" align="flex-start" gap="md">
            <Stack gap={8} style={{ minWidth: 0, flex: '1 1 320px' }}>
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
                  color="violet.8"
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
                <ShortcutHelpButton onClick={() => setHelp(true)} />
              </Group>
              {queue.labels.length > 0 && (
                <Group gap={6} ref={labelsRef} role="group" aria-labelledby="labels-title">
                  <Text size="sm" fw={500} id="labels-title">
                    Labels
                  </Text>
                  <Chip.Group
                    multiple
                    value={labels}
                    onChange={(v) => form.setFieldValue('labels', v)}
                  >
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
                <Text c="red.9" size="sm" role="alert">
                  {fieldError('labels')}
                </Text>
              )}
            </Stack>
            <Stack gap={6} style={{ flex: '1 1 260px', maxWidth: 420, minWidth: 0 }}>
              <TextInput
                ref={reasonRef}
                label="Reason"
                size="xs"
                placeholder="Press / to type a reason"
                description={queue.labels.length === 0 ? 'Needed to reject or correct.' : undefined}
                {...form.getInputProps('reason')}
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
                {...form.getInputProps('comment')}
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

        {queue.guidelines && (
          <Guidelines
            text={queue.guidelines}
            visible={guidelinesVisible}
            onToggle={toggleGuidelines}
          />
        )}

        <Grid gap="sm">
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="input-title">
              <Group justify="space-between" mb="xs" gap="xs">
                <Title order={3} size="h5" id="input-title">
                  {call ? 'Conversation that led to it' : 'Input'}
                </Title>
                <Switch
                  size="xs"
                  label="Raw text (M)"
                  checked={raw}
                  onChange={(e) => setRaw(e.currentTarget.checked)}
                  aria-keyshortcuts="m"
                />
              </Group>
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
                      {r.answers && Object.keys(r.answers).length > 0
                        ? ` · ${Object.entries(r.answers)
                            .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
                            .join('; ')}`
                        : ''}
                    </Text>
                  ))}
                </Stack>
              </Paper>
            )}
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            {/* Stays in view beside a long conversation (sticky on wide screens). */}
            <Stack gap="sm" className="output-column">
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
                <OutputView output={item.output} />
              )}
              <Questions
                questions={questions}
                answers={answers}
                onChange={setAnswer}
                errorFor={answerError}
              />
            </Stack>
          </Grid.Col>
        </Grid>
      </Stack>
      <ShortcutHelp opened={help} onClose={() => setHelp(false)} />
    </RawTextContext.Provider>
  );
}
