import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { Link, useNavigate } from 'react-router-dom';
import { useQueueStats, useQueues } from '../api/queries';
import type { Queue } from '../api/types';
import { isLead, useSession } from '../auth/session';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDuration, formatPercent } from '../common/format';
import { useNow } from '../common/useNow';
import { useWatchQueues } from '../live/LiveProvider';
import { NewQueueButton } from './NewQueueButton';
import { AssignedToMe } from '../assign/AssignedToMe';
import { routes, startReviewing } from '../common/routes';

export function QueuesPage() {
  const { user } = useSession();
  const queues = useQueues();
  const slugs = (queues.data ?? []).map((q) => q.slug);
  useWatchQueues(slugs);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Queues</Title>
        {isLead(user) && <NewQueueButton />}
      </Group>
      {queues.isPending && <Loader aria-label="Loading queues" />}
      <ErrorAlert error={queues.error} title="Could not load queues" />
      {queues.data && queues.data.length === 0 && (
        <Alert color="gray" role="status">
          {isLead(user)
            ? 'No queues yet. Create one to start routing AI outputs.'
            : 'You have not been given any queues yet. Ask a lead to add you to one.'}
        </Alert>
      )}
      {queues.data && queues.data.length > 0 && (
        // On a phone the table scrolls inside its own region; the page never scrolls sideways.
        <div className="table-scroll" role="region" aria-label="Queues table" tabIndex={0}>
          <Table
            striped
            highlightOnHover
            verticalSpacing="sm"
            aria-label="Queues and their live counts"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Queue</Table.Th>
                <Table.Th scope="col">Pending</Table.Th>
                <Table.Th scope="col">In review</Table.Th>
                <Table.Th scope="col">Escalated</Table.Th>
                <Table.Th scope="col">Oldest waiting</Table.Th>
                <Table.Th scope="col">SLA breaches</Table.Th>
                <Table.Th scope="col">Decided (24h)</Table.Th>
                <Table.Th scope="col">Auto-approved</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHiddenLabel>Actions</VisuallyHiddenLabel>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {queues.data.map((q) => (
                <QueueRow key={q.slug} queue={q} />
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      {queues.data && queues.data.length > 0 && <AssignedToMe queues={queues.data} />}
    </Stack>
  );
}

function VisuallyHiddenLabel({ children }: { children: string }) {
  return <span className="visually-hidden">{children}</span>;
}

/** The tightest SLA of the queue, in seconds, or null when it has none. */
function slaSeconds(queue: Queue): number | null {
  const limits = [queue.sla?.blockedSeconds, queue.sla?.flaggedSeconds].filter(
    (v): v is number => typeof v === 'number' && v > 0,
  );
  return limits.length ? Math.min(...limits) : null;
}

function QueueRow({ queue }: { queue: Queue }) {
  const { user } = useSession();
  const navigate = useNavigate();
  const stats = useQueueStats(queue.slug);
  const now = useNow();
  const s = stats.data;
  const mayReview =
    isLead(user) || (user?.roles.includes('reviewer') && user.queues.includes(queue.slug));
  const oldest =
    s && s.pending > 0 && s.oldestPendingSeconds !== null && s.oldestPendingSeconds !== undefined
      ? s.oldestPendingSeconds + Math.max(0, (now - (s.receivedAt ?? now)) / 1000)
      : null;
  const sla = slaSeconds(queue);
  const overSla = oldest !== null && sla !== null && oldest > sla;
  const byRouting = s?.pendingByRouting;
  const cell = (testId: string, value: React.ReactNode) => (
    <Table.Td data-testid={`${testId}-${queue.slug}`}>{stats.isPending ? '…' : value}</Table.Td>
  );
  // A count opens the items behind it (the Items page, filtered by queue and status).
  const itemsLink = (status: string, value: React.ReactNode) => (
    <Anchor
      component={Link}
      to={routes.items({ queue: queue.slug, status })}
      underline="hover"
      c="inherit"
    >
      {value}
      {/* Named by its visible count plus what it counts (axe: label-content-name-mismatch). */}
      <span className="visually-hidden">
        {' '}
        {status.replace('_', ' ')} items in {queue.name}
      </span>
    </Anchor>
  );

  return (
    <Table.Tr data-testid={`queue-${queue.slug}`}>
      <Table.Td>
        <Text fw={600} id={`queue-name-${queue.slug}`}>
          {queue.name}
        </Text>
        <Text size="xs" c="dimmed">
          {queue.slug}
        </Text>
      </Table.Td>
      {cell(
        'pending',
        <Group gap={6}>
          {itemsLink(
            'pending',
            <Text span size="sm" fw={700}>
              {s?.pending ?? '—'}
            </Text>,
          )}
          {byRouting && (
            <Text size="xs" c="dimmed">
              {byRouting.block ?? 0} blocked · {byRouting.flag ?? 0} flagged
              {byRouting.approve ? ` · ${byRouting.approve} sampled` : ''}
            </Text>
          )}
        </Group>,
      )}
      {cell('in-review', itemsLink('in_review', s?.inReview ?? '—'))}
      {cell(
        'escalated',
        itemsLink(
          'escalated',
          s && s.escalated > 0 ? (
            <Badge color="orange">{s.escalated}</Badge>
          ) : (
            (s?.escalated ?? '—')
          ),
        ),
      )}
      {cell(
        'oldest',
        <Text
          size="sm"
          c={overSla ? 'red.8' : undefined}
          fw={overSla ? 700 : undefined}
          title={overSla ? 'Waiting longer than the queue SLA' : undefined}
        >
          {formatDuration(oldest)}
          {overSla && ' (over SLA)'}
        </Text>,
      )}
      {cell(
        'sla-breaches',
        s?.slaBreaches ? (
          <Badge color="red" variant="filled">
            {s.slaBreaches} breached
          </Badge>
        ) : (
          (s?.slaBreaches ?? '—')
        ),
      )}
      {cell('decided', s?.decidedLast24h ?? '—')}
      {cell(
        'auto-approve-rate',
        <Tooltip label={`median review ${formatDuration(s?.medianReviewSeconds)}`}>
          <span>{formatPercent(s?.autoApproveRate)}</span>
        </Tooltip>,
      )}
      <Table.Td>
        <Group gap="xs" justify="flex-end" wrap="nowrap">
          {mayReview && (
            <Button
              size="xs"
              aria-describedby={`queue-name-${queue.slug}`}
              onClick={() => void navigate(routes.review(queue.slug), startReviewing)}
            >
              Start reviewing
            </Button>
          )}
          {isLead(user) && (
            <Button
              size="xs"
              variant="default"
              aria-describedby={`queue-name-${queue.slug}`}
              onClick={() => void navigate(routes.queueSettings(queue.slug))}
            >
              Settings
            </Button>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
