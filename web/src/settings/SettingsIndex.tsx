import { Anchor, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useQueues } from '../api/queries';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatPercent } from '../common/format';
import { routes } from '../common/routes';

export function SettingsIndex() {
  const queues = useQueues();
  return (
    <Stack>
      <Title order={2}>Queue settings</Title>
      {queues.isPending && <Loader aria-label="Loading queues" />}
      <ErrorAlert error={queues.error} />
      {queues.data?.length === 0 && <Text c="dimmed">No queues yet.</Text>}
      {queues.data && queues.data.length > 0 && (
        <Table aria-label="Queues">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Queue</Table.Th>
              <Table.Th scope="col">Policy</Table.Th>
              <Table.Th scope="col">Rules</Table.Th>
              <Table.Th scope="col">Labels</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {queues.data.map((q) => (
              <Table.Tr key={q.slug}>
                <Table.Td>
                  <Anchor component={Link} to={routes.queueSettings(q.slug)}>
                    {q.name}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {q.slug}
                  </Text>
                </Table.Td>
                <Table.Td>
                  v{q.policyVersion}: approve ≥ {q.policy.autoApproveAt}, block &lt;{' '}
                  {q.policy.blockBelow}, sample {formatPercent(q.policy.auditSampleRate, 1)}
                </Table.Td>
                <Table.Td>{q.policy.rules.length}</Table.Td>
                <Table.Td>{q.labels.join(', ') || '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
