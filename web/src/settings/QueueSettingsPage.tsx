import {
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  JsonInput,
  Loader,
  NumberInput,
  Paper,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, patch, put } from '../api/client';
import { useQueue } from '../api/queries';
import type { Queue } from '../api/types';
import { ThresholdPreview } from '../analytics/ThresholdPreview';
import { ErrorAlert } from '../common/ErrorAlert';
import { NotificationsPanel } from './NotificationsPanel';

export function QueueSettingsPage() {
  const { slug = '' } = useParams();
  const queue = useQueue(slug);
  if (queue.isPending) return <Loader aria-label="Loading queue" />;
  if (queue.error || !queue.data) return <ErrorAlert error={queue.error ?? 'Queue not found'} />;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Settings · {queue.data.name}</Title>
        <Anchor component={Link} to="/settings" size="sm">
          All queues
        </Anchor>
      </Group>
      <PolicyForm key={`policy-${queue.data.slug}`} queue={queue.data} />
      <SettingsForm key={`settings-${queue.data.slug}`} queue={queue.data} />
      <NotificationsPanel key={`notifications-${queue.data.slug}`} queue={queue.data} />
    </Stack>
  );
}

const num = (v: string | number): number | string | null => (v === '' ? null : v);
function parseJson(text: string): { value?: unknown; error?: string } {
  if (!text.trim()) return { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: `Not valid JSON: ${(e as Error).message}` };
  }
}

/** Fractions (thresholds, rates) and counts; typed freely, the server says what is out of range. */
const FRACTION = { step: 0.01, decimalScale: 4, clampBehavior: 'none' } as const;
const WHOLE = { allowDecimal: false, clampBehavior: 'none' } as const;

/**
 * A settings form's save: `send` runs only once `jsonText` (the form's JSON field) parses, whose
 * error then shows under that field; `saved` is true from a success until the next submit.
 */
function useSaveForm(slug: string, jsonText: string, send: () => Promise<Queue>) {
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: send,
    onSuccess: (queue) => {
      queryClient.setQueryData(['queue', slug], queue);
      void queryClient.invalidateQueries({ queryKey: ['queues'] });
    },
  });
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const error = save.error instanceof ApiError ? save.error : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const parsed = parseJson(jsonText);
    setJsonError(parsed.error ?? null);
    if (parsed.error) return;
    save.mutate(undefined, { onSuccess: () => setSaved(true) });
  }

  return { save, error, jsonError, saved, submit };
}

/** Below a settings form: why it was not saved, its save button and the saved notice. */
function SaveFooter({
  form: { save, error, saved },
  notSaved,
  button,
  savedNotice,
}: {
  form: ReturnType<typeof useSaveForm>;
  notSaved: string;
  button: string;
  savedNotice: string;
}) {
  return (
    <>
      {error && error.fields.length === 0 && <ErrorAlert error={error} />}
      {error && error.fields.length > 0 && (
        <Text c="red" size="sm" role="alert">
          {notSaved}: {error.message}
        </Text>
      )}
      {save.error && !error && <ErrorAlert error={save.error} />}
      <Group>
        <Button type="submit" loading={save.isPending}>
          {button}
        </Button>
        {saved && (
          <Text size="sm" c="teal" role="status">
            {savedNotice}
          </Text>
        )}
      </Group>
    </>
  );
}

/** Thresholds, sampling and rules: PUT /policy, which makes a new policy version. */
function PolicyForm({ queue }: { queue: Queue }) {
  const [autoApproveAt, setAutoApproveAt] = useState<string | number>(queue.policy.autoApproveAt);
  const [blockBelow, setBlockBelow] = useState<string | number>(queue.policy.blockBelow);
  const [sampleRate, setSampleRate] = useState<string | number>(queue.policy.auditSampleRate);
  const [rules, setRules] = useState(JSON.stringify(queue.policy.rules, null, 2));
  const form = useSaveForm(queue.slug, rules, () => {
    const parsed = parseJson(rules);
    return put<Queue>(`/v1/queues/${encodeURIComponent(queue.slug)}/policy`, {
      autoApproveAt: num(autoApproveAt),
      blockBelow: num(blockBelow),
      auditSampleRate: num(sampleRate),
      rules: parsed.value ?? [],
    });
  });
  const field = (name: string) => form.error?.fieldMessage(`policy.${name}`, name);

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="policy-title">
      <form onSubmit={form.submit} noValidate>
        <Stack>
          <Group justify="space-between">
            <Title order={3} size="h4" id="policy-title">
              Routing policy
            </Title>
            <Badge variant="light">version {queue.policyVersion}</Badge>
          </Group>
          <Grid>
            <Grid.Col span={4}>
              <NumberInput
                label="Auto-approve at"
                description="confidence at or above this is approved"
                value={autoApproveAt}
                onChange={setAutoApproveAt}
                {...FRACTION}
                error={field('autoApproveAt')}
              />
            </Grid.Col>
            <Grid.Col span={4}>
              <NumberInput
                label="Block below"
                description="confidence below this is held for review"
                value={blockBelow}
                onChange={setBlockBelow}
                {...FRACTION}
                error={field('blockBelow')}
              />
            </Grid.Col>
            <Grid.Col span={4}>
              <NumberInput
                label="Audit sample rate"
                description="share of approved items also reviewed (0–1)"
                value={sampleRate}
                onChange={setSampleRate}
                {...FRACTION}
                error={field('auditSampleRate')}
              />
            </Grid.Col>
          </Grid>
          <ThresholdPreview
            slug={queue.slug}
            autoApproveAt={Number(autoApproveAt)}
            blockBelow={Number(blockBelow)}
          />
          <JsonInput
            label="Rules"
            description='JSON array of {"name", "when" (JSON Logic over confidence, model, input, output, metadata), "route": "approve" | "flag" | "block"}'
            value={rules}
            onChange={setRules}
            autosize
            minRows={4}
            maxRows={18}
            error={form.jsonError ?? field('rules')}
            classNames={{ input: 'mono' }}
          />
          <SaveFooter
            form={form}
            notSaved="The policy was not saved"
            button="Save policy"
            savedNotice="Saved as a new policy version."
          />
        </Stack>
      </form>
    </Paper>
  );
}

/** Everything else about the queue: PATCH /v1/queues/:slug. */
function SettingsForm({ queue }: { queue: Queue }) {
  const [name, setName] = useState(queue.name);
  const [labels, setLabels] = useState<string[]>(queue.labels);
  const [schema, setSchema] = useState(
    queue.outputSchema === null ? '' : JSON.stringify(queue.outputSchema, null, 2),
  );
  const [requiredReviews, setRequiredReviews] = useState<string | number>(queue.requiredReviews);
  const [leaseSeconds, setLeaseSeconds] = useState<string | number>(queue.leaseSeconds);
  const [blockedSeconds, setBlockedSeconds] = useState<string | number>(
    queue.sla.blockedSeconds ?? '',
  );
  const [onBlockedTimeout, setOnBlockedTimeout] = useState<string>(queue.sla.onBlockedTimeout);
  const [flaggedSeconds, setFlaggedSeconds] = useState<string | number>(
    queue.sla.flaggedSeconds ?? '',
  );
  const [webhookUrl, setWebhookUrl] = useState(queue.webhookUrl ?? '');
  const form = useSaveForm(queue.slug, schema, () =>
    patch<Queue>(`/v1/queues/${encodeURIComponent(queue.slug)}`, {
      name,
      labels,
      outputSchema: schema.trim() ? parseJson(schema).value : null,
      requiredReviews: num(requiredReviews),
      leaseSeconds: num(leaseSeconds),
      sla: {
        blockedSeconds: num(blockedSeconds),
        onBlockedTimeout,
        flaggedSeconds: num(flaggedSeconds),
      },
      webhookUrl: webhookUrl.trim() || null,
    }),
  );
  const field = (...names: string[]) => form.error?.fieldMessage(...names);

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="settings-title">
      <form onSubmit={form.submit} noValidate>
        <Stack>
          <Title order={3} size="h4" id="settings-title">
            Reviewing and SLA
          </Title>
          <Grid>
            <Grid.Col span={6}>
              <TextInput
                label="Name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={field('name')}
              />
            </Grid.Col>
            <Grid.Col span={6}>
              <TextInput
                label="Webhook URL"
                description="receives final decisions when an item has no callbackUrl"
                value={webhookUrl}
                onChange={(e) => setWebhookUrl(e.currentTarget.value)}
                error={field('webhookUrl')}
              />
            </Grid.Col>
            <Grid.Col span={12}>
              <TagsInput
                label="Labels"
                description="what reviewers tag rejections and corrections with; press Enter after each"
                value={labels}
                onChange={setLabels}
                error={field('labels')}
                clearable
              />
            </Grid.Col>
            <Grid.Col span={3}>
              <NumberInput
                label="Required reviews"
                value={requiredReviews}
                onChange={setRequiredReviews}
                {...WHOLE}
                error={field('requiredReviews')}
              />
            </Grid.Col>
            <Grid.Col span={3}>
              <NumberInput
                label="Lease (seconds)"
                value={leaseSeconds}
                onChange={setLeaseSeconds}
                {...WHOLE}
                error={field('leaseSeconds')}
              />
            </Grid.Col>
            <Grid.Col span={3}>
              <NumberInput
                label="Blocked SLA (seconds)"
                description="empty: no limit"
                value={blockedSeconds}
                onChange={setBlockedSeconds}
                {...WHOLE}
                error={field('sla.blockedSeconds')}
              />
            </Grid.Col>
            <Grid.Col span={3}>
              <Select
                label="When a blocked item times out"
                data={[
                  { value: 'reject', label: 'Reject it' },
                  { value: 'approve', label: 'Approve it' },
                  { value: 'escalate', label: 'Escalate it' },
                ]}
                value={onBlockedTimeout}
                onChange={(v) => setOnBlockedTimeout(v ?? 'reject')}
                allowDeselect={false}
                error={field('sla.onBlockedTimeout')}
              />
            </Grid.Col>
            <Grid.Col span={3}>
              <NumberInput
                label="Flagged SLA (seconds)"
                description="then escalated; empty: no limit"
                value={flaggedSeconds}
                onChange={setFlaggedSeconds}
                {...WHOLE}
                error={field('sla.flaggedSeconds', 'sla')}
              />
            </Grid.Col>
            <Grid.Col span={9}>
              <JsonInput
                label="Output schema"
                description="JSON Schema every output must match (a mismatch blocks); empty: none"
                value={schema}
                onChange={setSchema}
                autosize
                minRows={3}
                maxRows={14}
                error={form.jsonError ?? field('outputSchema')}
                classNames={{ input: 'mono' }}
              />
            </Grid.Col>
          </Grid>
          <SaveFooter
            form={form}
            notSaved="The settings were not saved"
            button="Save settings"
            savedNotice="Saved."
          />
        </Stack>
      </form>
    </Paper>
  );
}
