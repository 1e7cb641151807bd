import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { useState } from 'react';
import { ApiError, get, patch, post } from '../api/client';
import type { NotificationDelivery, NotificationRule, NotifyEvent, Queue } from '../api/types';
import { formErrors } from './field-errors';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

const EVENTS: { value: NotifyEvent; label: string }[] = [
  { value: 'blocked', label: 'Blocked' },
  { value: 'escalated', label: 'Escalated' },
  { value: 'sla_at_risk', label: 'Half the SLA gone' },
  { value: 'sla_breached', label: 'SLA breached' },
  { value: 'comment', label: 'Comments' },
];

interface Draft {
  on: NotifyEvent[];
  slackUrl: string;
  emails: string[];
  includeContent: boolean;
}

const toDraft = (rule: NotificationRule): Draft => ({
  on: rule.on,
  slackUrl: rule.slack?.webhookUrl ?? '',
  emails: rule.email?.to ?? [],
  includeContent: rule.includeContent ?? false,
});

const toRule = (d: Draft): NotificationRule => ({
  on: d.on,
  ...(d.slackUrl.trim() ? { slack: { webhookUrl: d.slackUrl.trim() } } : {}),
  ...(d.emails.length ? { email: { to: d.emails } } : {}),
  includeContent: d.includeContent,
});

interface NotificationValues {
  rules: Draft[];
}

/** Server field (notifications[1].email.to[0]) → form path (rules.1.emails). */
function route(field: string): string | null {
  const m = /^notifications\[(\d+)\]\.(on|slack|email|includeContent)/.exec(field);
  if (m) {
    const part = { on: 'on', slack: 'slackUrl', email: 'emails', includeContent: 'includeContent' };
    return `rules.${m[1]}.${part[m[2] as keyof typeof part]}`;
  }
  return field.startsWith('notifications') ? 'rules' : null;
}

/** The test route uses the saved setting: offer it only when the draft is what is saved. */
function isSaved(queue: Queue, index: number, draft: Draft): boolean {
  const stored = queue.notifications?.[index];
  return !!stored && JSON.stringify(toRule(toDraft(stored))) === JSON.stringify(toRule(draft));
}

/**
 * The queue's notification settings (Slack and email), each with "Send a test message", and the
 * delivery log. Kept apart from the rest of the settings page so it can be mounted anywhere.
 */
export function NotificationsPanel({ queue }: { queue: Queue }) {
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const form = useForm<NotificationValues>({
    mode: 'controlled',
    initialValues: { rules: (queue.notifications ?? []).map(toDraft) },
    // Any edit makes the last "saved" notice stale.
    onValuesChange: () => setSaved(false),
  });
  const save = useMutation({
    mutationFn: (values: NotificationValues) =>
      patch<Queue>(apiPaths.queue(queue.slug), { notifications: values.rules.map(toRule) }),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.queues.detail(queue.slug), updated);
      setSaved(true);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.fields.length) form.setErrors(formErrors(e.fields, route));
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const drafts = form.values.rules;
  /** A refusal about the list as a whole, or a part of a setting no input shows. */
  const unplaced = error?.fields.filter((f) => !route(f.field) || route(f.field) === 'rules');

  const submit = form.onSubmit((values) => {
    setSaved(false);
    save.mutate(values);
  });

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label="Notifications">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={3} size="h4">
            Notifications
          </Title>
          <Text size="sm" c="dimmed">
            Tell people in Slack or by email when items are blocked, escalated, half-way through or
            past their SLA, or commented on. Bursts are grouped: at most one message per minute per
            setting and event. Outputs are included only when you switch it on.
          </Text>
          {drafts.length === 0 && (
            <Text size="sm" c="dimmed" role="status">
              Nobody is notified about this queue yet.
            </Text>
          )}
          {drafts.map((draft, i) => (
            <RuleEditor
              key={i}
              index={i}
              queue={queue}
              form={form}
              saved={isSaved(queue, i, draft)}
              onRemove={() => form.removeListItem('rules', i)}
            />
          ))}
          {error && !error.fields.length && <ErrorAlert error={error} />}
          {unplaced && unplaced.length > 0 && (
            <Alert color="red" role="alert">
              {unplaced.map((f) => f.message).join('; ')}
            </Alert>
          )}
          <Group>
            <Button
              variant="light"
              onClick={() =>
                form.insertListItem('rules', {
                  on: ['blocked'],
                  slackUrl: '',
                  emails: [],
                  includeContent: false,
                } satisfies Draft)
              }
            >
              Add a notification
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save notifications
            </Button>
            {saved && (
              <Text size="sm" c="green" role="status">
                Notifications saved.
              </Text>
            )}
          </Group>
          <DeliveryLog slug={queue.slug} />
        </Stack>
      </form>
    </Paper>
  );
}

function RuleEditor(props: {
  index: number;
  queue: Queue;
  form: UseFormReturnType<NotificationValues>;
  saved: boolean;
  onRemove: () => void;
}) {
  const { index, form } = props;
  const field = `rules.${index}` as const;
  const queryClient = useQueryClient();
  const test = useMutation({
    mutationFn: () =>
      post<{ deliveries: NotificationDelivery[] }>(apiPaths.notificationTest(props.queue.slug), {
        index,
      }),
    onSettled: () =>
      void queryClient.invalidateQueries({
        queryKey: queryKeys.queues.notificationDeliveries(props.queue.slug),
      }),
  });
  return (
    <Paper
      withBorder
      p="sm"
      radius="sm"
      aria-label={`Notification ${index + 1}`}
      component="fieldset"
    >
      <Stack gap="xs">
        <Checkbox.Group
          label={`Notification ${index + 1}: when`}
          {...form.getInputProps(`${field}.on`)}
        >
          <Group gap="md" mt={4}>
            {EVENTS.map((e) => (
              <Checkbox key={e.value} value={e.value} label={e.label} />
            ))}
          </Group>
        </Checkbox.Group>
        <TextInput
          label="Slack incoming-webhook URL"
          placeholder="https://hooks.slack.com/services/…"
          {...form.getInputProps(`${field}.slackUrl`)}
        />
        <TagsInput
          label="Email to"
          placeholder="Type an address, press Enter"
          {...form.getInputProps(`${field}.emails`)}
        />
        <Switch
          label="Include the output in messages"
          {...form.getInputProps(`${field}.includeContent`, { type: 'checkbox' })}
        />
        <Group>
          <Button
            variant="default"
            size="xs"
            disabled={!props.saved}
            title={props.saved ? undefined : 'Save first: the test uses the saved setting'}
            loading={test.isPending}
            onClick={() => test.mutate()}
          >
            Send a test message
          </Button>
          <Button variant="subtle" color="red" size="xs" onClick={props.onRemove}>
            Remove
          </Button>
        </Group>
        {test.error && <ErrorAlert error={test.error} />}
        {test.data && (
          <Stack gap={2} role="status" aria-label={`Test result ${index + 1}`}>
            {test.data.deliveries.map((d) => (
              <Text key={d.id} size="sm" c={d.status === 'delivered' ? 'green' : 'red'}>
                {d.channel === 'slack' ? 'Slack' : 'Email'} ({d.target}):{' '}
                {d.status === 'delivered'
                  ? 'test message sent'
                  : `failed — ${d.lastError ?? d.status}`}
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

function DeliveryLog({ slug }: { slug: string }) {
  const log = useQuery({
    queryKey: queryKeys.queues.notificationDeliveries(slug),
    queryFn: () =>
      get<{ deliveries: NotificationDelivery[] }>(apiPaths.notificationDeliveries(slug, 20)),
    refetchInterval: 15_000,
  });
  const rows = log.data?.deliveries ?? [];
  return (
    <Stack gap={4}>
      <Text fw={600} size="sm">
        Recent messages
      </Text>
      <ErrorAlert error={log.error} />
      {log.data && rows.length === 0 && (
        <Text size="sm" c="dimmed">
          No messages sent yet.
        </Text>
      )}
      {rows.length > 0 && (
        <Table verticalSpacing={4} aria-label="Notification deliveries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">When</Table.Th>
              <Table.Th scope="col">Message</Table.Th>
              <Table.Th scope="col">To</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>{formatDateTime(d.createdAt)}</Table.Td>
                <Table.Td>
                  <Text size="sm">{d.summary}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {d.channel === 'slack' ? 'Slack' : 'Email'} · {d.target}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge
                    color={
                      d.status === 'delivered' ? 'green' : d.status === 'pending' ? 'yellow' : 'red'
                    }
                    title={d.lastError ?? undefined}
                  >
                    {d.status}
                    {d.attempts > 1 ? ` · ${d.attempts} tries` : ''}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
