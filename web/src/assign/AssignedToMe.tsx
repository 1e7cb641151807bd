import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { get } from '../api/client';
import type { Item, Queue } from '../api/types';
import { canReview, useSession } from '../auth/session';
import { formatDateTime } from '../common/format';
import { RoutingBadge } from '../review/ItemSummary';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';
import { routes, startReviewing } from '../common/routes';

/**
 * "Assigned to me": items a lead reserved for the signed-in reviewer, across their queues. Their
 * next claim in a queue takes these first, so "Review" simply starts reviewing that queue.
 */
export function AssignedToMe({ queues }: { queues: Queue[] }) {
  const { user } = useSession();
  const navigate = useNavigate();
  const results = useQueries({
    queries: queues.map((q) => ({
      queryKey: queryKeys.items.lists.assignedToMe(q.slug),
      queryFn: () =>
        get<{ items: Item[] }>(apiPaths.queueItems(q.slug, { assignedTo: 'me', limit: 50 })),
      enabled: canReview(user),
      refetchInterval: 20_000,
    })),
  });
  const rows = results.flatMap((r, i) =>
    (r.data?.items ?? []).map((item) => ({ item, queue: queues[i] })),
  );
  if (!canReview(user)) return null;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label="Assigned to me">
      <Group gap="xs" mb="xs">
        <Title order={3} size="h4">
          Assigned to me
        </Title>
        <Badge color={rows.length ? 'blue' : 'gray'}>{rows.length}</Badge>
      </Group>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed" role="status">
          Nothing is assigned to you right now.
        </Text>
      ) : (
        <Stack gap="xs">
          <Table verticalSpacing={4} aria-label="Items assigned to me">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Queue</Table.Th>
                <Table.Th scope="col">Item</Table.Th>
                <Table.Th scope="col">Routing</Table.Th>
                <Table.Th scope="col">Reserved until</Table.Th>
                <Table.Th scope="col" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map(({ item, queue }) => (
                <Table.Tr key={item.id}>
                  <Table.Td>{queue.name}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {item.externalId ?? item.id.slice(0, 8)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RoutingBadge routing={item.routing} />
                  </Table.Td>
                  <Table.Td>
                    {item.assignedTo ? formatDateTime(item.assignedTo.until) : '—'}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      onClick={() => void navigate(routes.review(queue.slug), startReviewing)}
                    >
                      Review
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Paper>
  );
}
