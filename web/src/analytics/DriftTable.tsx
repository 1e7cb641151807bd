import { Badge, Loader, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { Section, type Scope } from './scope';
import { pct, type VersionDrift } from './types';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

const LEVEL_COLOR = { stable: 'teal', moderate: 'yellow', significant: 'red' } as const;

/** Per model version: confidence shift against the previous version (PSI) and how often people overrode it. */
export function DriftTable({ scope }: { scope: Scope }) {
  const drift = useQuery({
    queryKey: queryKeys.analytics.drift(scope),
    queryFn: () => get<{ versions: VersionDrift[] }>(apiPaths.drift(scope)),
  });
  const versions = drift.data?.versions ?? [];
  return (
    <Section title="Drift" label="Drift">
      <Text size="sm" c="dimmed">
        PSI compares a version&apos;s confidence distribution with the version before it (under 0.1
        stable, over 0.25 a large shift). Override rate: share of human verdicts that rejected or
        corrected the output, last 30 days.
      </Text>
      {drift.isPending && <Loader aria-label="Loading drift" />}
      <ErrorAlert error={drift.error} />
      {drift.data && versions.length === 0 && (
        <Text size="sm" c="dimmed">
          No items yet.
        </Text>
      )}
      {versions.length > 0 && (
        <Table striped fz="sm" aria-label="Drift by model version" data-testid="drift-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Model</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>First seen</Table.Th>
              <Table.Th>Items</Table.Th>
              <Table.Th>PSI vs previous</Table.Th>
              <Table.Th>Override rate</Table.Th>
              <Table.Th>Last days (overridden / reviewed)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {versions.map((v) => (
              <Table.Tr key={`${v.model}@${v.version}`}>
                <Table.Td>{v.model}</Table.Td>
                <Table.Td>{v.version ?? '—'}</Table.Td>
                <Table.Td>{formatDateTime(v.firstSeen)}</Table.Td>
                <Table.Td>{v.items}</Table.Td>
                <Table.Td>
                  {v.psi === null ? (
                    '—'
                  ) : (
                    <Badge color={LEVEL_COLOR[v.psiLevel ?? 'stable']} variant="light">
                      {v.psi.toFixed(3)} {v.psiLevel} (vs {v.previousVersion ?? '—'})
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{pct(v.overrideRate)}</Table.Td>
                <Table.Td>
                  {v.overrideByDay
                    .slice(-5)
                    .map((d) => `${d.day.slice(5)}: ${d.overridden}/${d.reviewed}`)
                    .join(' · ') || '—'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}
