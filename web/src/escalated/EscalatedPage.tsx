import {
  Alert,
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
import { useNavigate } from 'react-router-dom';
import { get } from '../api/client';
import { useQueues } from '../api/queries';
import type { Item, Queue } from '../api/types';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { useWatchQueues } from '../live/LiveProvider';
import { RoutingBadge } from '../review/ItemSummary';
import { AssignControl } from '../assign/AssignControl';

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
    queryKey: ['items', queue.slug, 'escalated'],
    queryFn: () =>
      get<{ items: Item[] }>(
        `/v1/queues/${encodeURIComponent(queue.slug)}/items?status=escalated&limit=50`,
      ),
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
          <Badge color={list.length ? 'orange' : 'gray'}>
            {items.isPending ? '…' : list.length}
          </Badge>
        </Group>
        {list.length > 0 && (
          <Button
            size="xs"
            color="orange"
            onClick={() => void navigate(`/review/${queue.slug}`, { state: { start: true } })}
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
        <Table verticalSpacing={4} aria-label={`Escalated items in ${queue.name}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Item</Table.Th>
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
                  <Text size="sm" ff="monospace">
                    {item.externalId ?? item.id.slice(0, 8)}
                  </Text>
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
      )}
    </Paper>
  );
}
