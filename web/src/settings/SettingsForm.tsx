import {
  Grid,
  NumberInput,
  Paper,
  Select,
  Stack,
  TagsInput,
  TextInput,
  Title,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { patch } from '../api/client';
import type { Queue } from '../api/types';
import { toDuration, toSeconds, type Duration } from './duration';
import { DurationInput } from './DurationInput';
import { SaveFooter } from './SaveFooter';
import { useQueueSave } from './useQueueSave';
import { apiPaths } from '../api/paths';

interface SettingsValues extends Record<string, unknown> {
  name: string;
  webhookUrl: string;
  labels: string[];
  requiredReviews: number | string;
  lease: Duration;
  blockedSla: Duration;
  onBlockedTimeout: string;
  flaggedSla: Duration;
  outputSchema: string;
}

function schemaProblem(text: string): string | null {
  if (!text.trim()) return null;
  try {
    const schema: unknown = JSON.parse(text);
    return schema !== null &&
      (typeof schema === 'object' || typeof schema === 'boolean') &&
      !Array.isArray(schema)
      ? null
      : 'The output schema must be a JSON object (or true/false).';
  } catch (e) {
    return `The output schema is not valid JSON: ${(e as Error).message}.`;
  }
}

const durationProblem = (required: boolean) => (d: Duration) => {
  const { seconds, error } = toSeconds(d);
  if (error) return error;
  return required && seconds === null ? 'Enter how long.' : null;
};

const ROUTES: Record<string, string> = {
  name: 'name',
  webhookUrl: 'webhookUrl',
  labels: 'labels',
  requiredReviews: 'requiredReviews',
  leaseSeconds: 'lease.amount',
  'sla.blockedSeconds': 'blockedSla.amount',
  'sla.flaggedSeconds': 'flaggedSla.amount',
  'sla.onBlockedTimeout': 'onBlockedTimeout',
  sla: 'flaggedSla.amount',
  outputSchema: 'outputSchema',
};

function route(field: string): string | null {
  const key = Object.keys(ROUTES)
    .sort((a, b) => b.length - a.length)
    .find((k) => field === k || field.startsWith(`${k}.`) || field.startsWith(`${k}[`));
  return key ? ROUTES[key] : null;
}

/** Everything else about the queue: PATCH /v1/queues/:slug. */
export function SettingsForm({ queue, onDirty }: { queue: Queue; onDirty(dirty: boolean): void }) {
  const form = useForm<SettingsValues>({
    mode: 'controlled',
    initialValues: {
      name: queue.name,
      webhookUrl: queue.webhookUrl ?? '',
      labels: queue.labels,
      requiredReviews: queue.requiredReviews,
      lease: toDuration(queue.leaseSeconds),
      blockedSla: toDuration(queue.sla.blockedSeconds),
      onBlockedTimeout: queue.sla.onBlockedTimeout,
      flaggedSla: toDuration(queue.sla.flaggedSeconds, 'hours'),
      outputSchema: queue.outputSchema === null ? '' : JSON.stringify(queue.outputSchema, null, 2),
    },
    validate: {
      name: (v) => (v.trim() ? null : 'Give the queue a name.'),
      requiredReviews: (v) =>
        Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 10
          ? null
          : 'Required reviews must be a whole number from 1 to 10.',
      lease: { amount: (_, values) => durationProblem(true)(values.lease) },
      blockedSla: { amount: (_, values) => durationProblem(false)(values.blockedSla) },
      flaggedSla: { amount: (_, values) => durationProblem(false)(values.flaggedSla) },
      outputSchema: schemaProblem,
    },
  });
  const dirty = form.isDirty();
  useEffect(() => onDirty(dirty), [dirty, onDirty]);
  const state = useQueueSave(queue.slug, form, route, (v) =>
    patch<Queue>(apiPaths.queue(queue.slug), {
      name: v.name.trim(),
      labels: v.labels,
      outputSchema: v.outputSchema.trim() ? (JSON.parse(v.outputSchema) as unknown) : null,
      requiredReviews: Number(v.requiredReviews),
      leaseSeconds: toSeconds(v.lease).seconds,
      sla: {
        blockedSeconds: toSeconds(v.blockedSla).seconds,
        onBlockedTimeout: v.onBlockedTimeout,
        flaggedSeconds: toSeconds(v.flaggedSla).seconds,
      },
      webhookUrl: v.webhookUrl.trim() || null,
    }),
  );
  const duration = (path: 'lease' | 'blockedSla' | 'flaggedSla') => ({
    value: form.values[path],
    onChange: (d: Duration) => form.setFieldValue(path, d),
    error: form.errors[`${path}.amount`],
  });

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="settings-title">
      <form onSubmit={state.onSubmit} noValidate>
        <Stack>
          <Title order={3} size="h4" id="settings-title">
            Reviewing and SLA
          </Title>
          <Grid>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label="Name" {...form.getInputProps('name')} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput
                label="Webhook URL"
                description="receives final decisions when an item has no callbackUrl"
                {...form.getInputProps('webhookUrl')}
              />
            </Grid.Col>
            <Grid.Col span={12}>
              <TagsInput
                label="Labels"
                description="what reviewers tag rejections and corrections with; press Enter after each"
                clearable
                {...form.getInputProps('labels')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
              <NumberInput
                label="Required reviews"
                description="people who must agree"
                allowDecimal={false}
                clampBehavior="none"
                {...form.getInputProps('requiredReviews')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
              <DurationInput
                label="Lease"
                description="how long a claim lasts unless extended"
                {...duration('lease')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
              <DurationInput
                label="Blocked SLA"
                description="empty: no limit"
                optional
                {...duration('blockedSla')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
              <Select
                label="When a blocked item times out"
                data={[
                  { value: 'reject', label: 'Reject it' },
                  { value: 'approve', label: 'Approve it' },
                  { value: 'escalate', label: 'Escalate it' },
                ]}
                allowDeselect={false}
                {...form.getInputProps('onBlockedTimeout')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6, md: 4 }}>
              <DurationInput
                label="Flagged SLA"
                description="then escalated; empty: no limit"
                optional
                {...duration('flaggedSla')}
              />
            </Grid.Col>
            <Grid.Col span={12}>
              <Textarea
                label="Output schema"
                description="JSON Schema every output must match (a mismatch blocks); empty: none"
                autosize
                minRows={3}
                maxRows={14}
                classNames={{ input: 'mono' }}
                spellCheck={false}
                {...form.getInputProps('outputSchema')}
              />
            </Grid.Col>
          </Grid>
          <SaveFooter
            state={state}
            dirty={dirty}
            invalid={Object.keys(form.errors).length > 0}
            button="Save settings"
            savedNotice="Saved."
          />
        </Stack>
      </form>
    </Paper>
  );
}
