import {
  ActionIcon,
  Button,
  Checkbox,
  Grid,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Tabs,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { patch } from '../api/client';
import type { Question, QuestionType, Queue } from '../api/types';
import { Markdown } from '../common/Markdown';
import { SaveFooter } from './SaveFooter';
import { useQueueSave } from './useQueueSave';
import { apiPaths } from '../api/paths';

const MAX_GUIDELINES = 20_000;
const KEY_FORMAT = /^[a-z][a-z0-9_]{0,62}$/;
const TYPES: { value: QuestionType; label: string }[] = [
  { value: 'rating', label: 'Rating (a number from min to max)' },
  { value: 'single', label: 'One choice' },
  { value: 'multi', label: 'Several choices' },
  { value: 'boolean', label: 'Yes / no' },
  { value: 'text', label: 'Free text' },
];

interface QuestionDraft {
  key: string;
  label: string;
  type: QuestionType;
  options: string[];
  min: number | string;
  max: number | string;
  required: boolean;
}

interface GuidanceValues extends Record<string, unknown> {
  guidelines: string;
  questions: QuestionDraft[];
}

function toDraft(q: Question): QuestionDraft {
  return {
    key: q.key,
    label: q.label,
    type: q.type,
    options: q.options ?? [],
    min: q.min ?? 1,
    max: q.max ?? 5,
    required: q.required ?? false,
  };
}

function toQuestion(d: QuestionDraft): Question {
  const q: Question = {
    key: d.key.trim(),
    label: d.label.trim(),
    type: d.type,
    required: d.required,
  };
  if (d.type === 'single' || d.type === 'multi') q.options = d.options;
  if (d.type === 'rating') {
    q.min = Number(d.min);
    q.max = Number(d.max);
  }
  return q;
}

/** Server field (questions[2].options) → form path (questions.2.options). */
function route(field: string): string | null {
  if (field === 'guidelines') return 'guidelines';
  const m = /^questions\[(\d+)\]\.(key|label|type|options|min|max|required)/.exec(field);
  if (m) return `questions.${m[1]}.${m[2]}`;
  return field.startsWith('questions') ? 'questions' : null;
}

/** What reviewers are told and asked: guidelines (markdown, with a preview) and the rubric. */
export function GuidanceForm({ queue, onDirty }: { queue: Queue; onDirty(dirty: boolean): void }) {
  const form = useForm<GuidanceValues>({
    mode: 'controlled',
    initialValues: {
      guidelines: queue.guidelines ?? '',
      questions: (queue.questions ?? []).map(toDraft),
    },
    validate: {
      guidelines: (v) =>
        v.length > MAX_GUIDELINES
          ? `Guidelines can be at most ${MAX_GUIDELINES} characters (now ${v.length}).`
          : null,
      questions: {
        key: (v, values, path) => {
          if (!KEY_FORMAT.test(v))
            return 'Use lowercase letters, digits and _, starting with a letter (e.g. helpful).';
          const index = Number(path.split('.')[1]);
          return values.questions.findIndex((q) => q.key === v) !== index
            ? 'Another question already uses this key.'
            : null;
        },
        label: (v) => (v.trim() ? null : 'Write the question reviewers see.'),
        options: (v, values, path) => {
          const q = values.questions[Number(path.split('.')[1])];
          if (q.type !== 'single' && q.type !== 'multi') return null;
          if (v.length < 2) return 'List at least two options (press Enter after each).';
          return null;
        },
        max: (v, values, path) => {
          const q = values.questions[Number(path.split('.')[1])];
          if (q.type !== 'rating') return null;
          if (!Number.isInteger(Number(q.min)) || !Number.isInteger(Number(v)))
            return 'Min and max must be whole numbers.';
          return Number(v) > Number(q.min) ? null : 'Max must be greater than min.';
        },
      },
    },
  });
  const dirty = form.isDirty();
  useEffect(() => onDirty(dirty), [dirty, onDirty]);
  const state = useQueueSave(queue.slug, form, route, (v) =>
    patch<Queue>(apiPaths.queue(queue.slug), {
      guidelines: v.guidelines.trim() ? v.guidelines : null,
      questions: v.questions.map(toQuestion),
    }),
  );

  function addQuestion() {
    const n = form.values.questions.length + 1;
    form.insertListItem('questions', {
      key: `question_${n}`,
      label: '',
      type: 'rating',
      options: [],
      min: 1,
      max: 5,
      required: false,
    } satisfies QuestionDraft);
  }

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="guidance-title">
      <form onSubmit={state.onSubmit} noValidate>
        <Stack>
          <Title order={3} size="h4" id="guidance-title">
            Guidelines and questions
          </Title>
          <Tabs defaultValue="write" keepMounted={false}>
            <Tabs.List aria-label="Guidelines editor">
              <Tabs.Tab value="write">Write</Tabs.Tab>
              <Tabs.Tab value="preview">Preview</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="write" pt="xs">
              <Textarea
                label="Guidelines"
                description={`Markdown, shown to reviewers beside every item (${form.values.guidelines.length} / ${MAX_GUIDELINES} characters)`}
                autosize
                minRows={4}
                maxRows={20}
                {...form.getInputProps('guidelines')}
              />
            </Tabs.Panel>
            <Tabs.Panel value="preview" pt="xs">
              <Paper withBorder p="sm" radius="sm" data-testid="guidelines-preview">
                {form.values.guidelines.trim() ? (
                  <Markdown text={form.values.guidelines} />
                ) : (
                  <Text size="sm" c="dimmed">
                    No guidelines yet.
                  </Text>
                )}
              </Paper>
            </Tabs.Panel>
          </Tabs>

          <Stack gap="xs">
            <Text fw={600} size="sm" id="questions-editor-title">
              Questions reviewers answer with each decision
            </Text>
            {form.values.questions.length === 0 && (
              <Text size="sm" c="dimmed">
                No questions. Add one to collect structured answers (exported as
                answers.&lt;key&gt;).
              </Text>
            )}
            {form.values.questions.map((q, i) => (
              <Paper
                key={i}
                withBorder
                p="sm"
                radius="sm"
                role="group"
                aria-label={`Question ${i + 1}`}
                data-testid={`question-editor-${i}`}
              >
                <Grid gap="xs">
                  <Grid.Col span={{ base: 12, sm: 8 }}>
                    <TextInput
                      label={`Question ${i + 1}`}
                      placeholder="How helpful is the reply?"
                      {...form.getInputProps(`questions.${i}.label`)}
                    />
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, sm: 4 }}>
                    <TextInput
                      label="Key"
                      description="column answers.<key> in exports"
                      {...form.getInputProps(`questions.${i}.key`)}
                    />
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, sm: 6 }}>
                    <Select
                      label="Kind of answer"
                      data={TYPES}
                      allowDeselect={false}
                      {...form.getInputProps(`questions.${i}.type`)}
                    />
                  </Grid.Col>
                  {(q.type === 'single' || q.type === 'multi') && (
                    <Grid.Col span={{ base: 12, sm: 6 }}>
                      <TagsInput
                        label="Options"
                        description="press Enter after each"
                        {...form.getInputProps(`questions.${i}.options`)}
                      />
                    </Grid.Col>
                  )}
                  {q.type === 'rating' && (
                    <>
                      <Grid.Col span={{ base: 6, sm: 3 }}>
                        <NumberInput
                          label="Min"
                          allowDecimal={false}
                          {...form.getInputProps(`questions.${i}.min`)}
                        />
                      </Grid.Col>
                      <Grid.Col span={{ base: 6, sm: 3 }}>
                        <NumberInput
                          label="Max"
                          allowDecimal={false}
                          {...form.getInputProps(`questions.${i}.max`)}
                        />
                      </Grid.Col>
                    </>
                  )}
                </Grid>
                <Group justify="space-between" mt="xs">
                  <Checkbox
                    label="Required to approve, reject or correct"
                    {...form.getInputProps(`questions.${i}.required`, { type: 'checkbox' })}
                  />
                  <Group gap={4}>
                    <ActionIcon
                      variant="default"
                      aria-label={`Move question ${i + 1} up`}
                      disabled={i === 0}
                      onClick={() => form.reorderListItem('questions', { from: i, to: i - 1 })}
                    >
                      ↑
                    </ActionIcon>
                    <ActionIcon
                      variant="default"
                      aria-label={`Move question ${i + 1} down`}
                      disabled={i === form.values.questions.length - 1}
                      onClick={() => form.reorderListItem('questions', { from: i, to: i + 1 })}
                    >
                      ↓
                    </ActionIcon>
                    <Button
                      variant="subtle"
                      color="red"
                      size="xs"
                      onClick={() => form.removeListItem('questions', i)}
                    >
                      Remove
                    </Button>
                  </Group>
                </Group>
              </Paper>
            ))}
            {typeof form.errors.questions === 'string' && (
              <Text c="red.9" size="sm" role="alert">
                {form.errors.questions}
              </Text>
            )}
            <Group>
              <Button variant="default" onClick={addQuestion}>
                Add a question
              </Button>
            </Group>
          </Stack>
          <SaveFooter
            state={state}
            dirty={dirty}
            invalid={Object.keys(form.errors).length > 0}
            button="Save guidelines and questions"
            savedNotice="Saved as a new policy version."
          />
        </Stack>
      </form>
    </Paper>
  );
}
