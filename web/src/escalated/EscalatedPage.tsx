import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { get } from '../api/client';
import { useQueues } from '../api/queries';
import type { Item, Queue, User } from '../api/types';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { useWatchQueues } from '../live/LiveProvider';
import { latestEscalation } from '../items/EscalationNote';
import type { ItemWithReviews } from '../items/types';
import { RoutingBadge } from '../review/ItemSummary';
import { AssignControl } from '../assign/AssignControl';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';
import { routes, startReviewing } from '../common/routes';

/** Items reviewers escalated, per queue; claiming as a lead hands these out first. */
export function EscalatedPage() {
  const queues = useQueues();
  useWatchQueues((queues.data ?? []).map((q) => q.slug));
  return (
    <Stack>
      <Title order={2}>Escalated items</Title>
      <Text c="dimmed" size="sm">
        When you start reviewing a queue as a lead or admin, escalated items come before anything
        else, and your decision on them is final.
      </Text>
      {queues.isPending && <Loader aria-label="Loading queues" />}
      <ErrorAlert error={queues.error} />
      {queues.data?.map((q) => (
        <QueueEscalations key={q.slug} queue={q} />
      ))}
    </Stack>
  );
}

function QueueEscalations({ queue }: { queue: Queue }) {
  const navigate = useNavigate();
  const items = useQuery({
    queryKey: queryKeys.items.lists.escalated(queue.slug),
    queryFn: () =>
      get<{ items: Item[] }>(apiPaths.queueItems(queue.slug, { status: 'escalated', limit: 50 })),
  });
  const list = items.data?.items ?? [];
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      component="section"
      aria-label={`Escalated in ${queue.name}`}
    >
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Title order={3} size="h4">
            {queue.name}
          </Title>
          <Anchor component={Link} to={routes.items({ queue: queue.slug, status: 'escalated' })}>
            <Badge color={list.length ? 'orange' : 'gray'} style={{ cursor: 'pointer' }}>
              {items.isPending ? '…' : list.length}
              <span className="visually-hidden"> — all escalated items in {queue.name}</span>
            </Badge>
          </Anchor>
        </Group>
        {list.length > 0 && (
          <Button
            size="xs"
            color="orange"
            onClick={() => void navigate(routes.review(queue.slug), startReviewing)}
          >
            Review escalated in {queue.name}
          </Button>
        )}
      </Group>
      <ErrorAlert error={items.error} />
      {items.data && list.length === 0 && (
        <Alert color="gray" variant="light" role="status" py={6}>
          Nothing escalated.
        </Alert>
      )}
      {list.length > 0 && (
        // On a phone the table scrolls inside its own region; the page never scrolls sideways.
        <div
          className="table-scroll"
          role="region"
          aria-label={`Escalated items in ${queue.name}, scrollable`}
          tabIndex={0}
        >
          <Table verticalSpacing={4} aria-label={`Escalated items in ${queue.name}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Item</Table.Th>
                <Table.Th scope="col">Escalation note</Table.Th>
                <Table.Th scope="col">Routing</Table.Th>
                <Table.Th scope="col">Confidence</Table.Th>
                <Table.Th scope="col">Why</Table.Th>
                <Table.Th scope="col">Submitted</Table.Th>
                <Table.Th scope="col">Assigned</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((item) => (
                <Table.Tr key={item.id}>
                  <Table.Td>
                    <Anchor component={Link} to={routes.item(item.id)} size="sm" ff="monospace">
                      {item.externalId ?? item.id.slice(0, 8)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Note itemId={item.id} />
                  </Table.Td>
                  <Table.Td>
                    <RoutingBadge routing={item.routing} />
                  </Table.Td>
                  <Table.Td>{item.confidence.toFixed(2)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {item.reasons.map((r) => r.message).join('; ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateTime(item.createdAt)}</Table.Td>
                  <Table.Td>
                    <AssignControl item={item} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
    </Paper>
  );
}

/** The escalating reviewer's note, with who and when (read from the item's reviews). */
function Note({ itemId }: { itemId: string }) {
  const item = useQuery({
    queryKey: queryKeys.items.detail(itemId),
    queryFn: () => get<ItemWithReviews>(apiPaths.item(itemId)),
  });
  const people = useQuery({
    queryKey: queryKeys.users.all,
    queryFn: () => get<User[]>(apiPaths.users()),
    staleTime: 60_000,
  });
  const escalation = latestEscalation(item.data?.reviews);
  if (!escalation) return <Text size="sm">—</Text>;
  const note = [escalation.comment, escalation.reason].filter(Boolean).join(' — ');
  const author = people.data?.find((u) => u.id === escalation.reviewer)?.name ?? 'a reviewer';
  return (
    <div data-testid="escalation-note">
      <Text size="sm" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
        {note || '(no note)'}
      </Text>
      <Text size="xs" c="dimmed">
        {author} · {formatDateTime(escalation.decidedAt)}
      </Text>
    </div>
  );
}
