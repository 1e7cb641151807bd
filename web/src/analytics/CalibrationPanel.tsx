import { Group, Loader, SegmentedControl, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../api/client';
import { ErrorAlert } from '../common/ErrorAlert';
import { Section, type Scope } from './scope';
import { ReliabilityDiagram } from './ReliabilityDiagram';
import type { Calibration } from './types';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

export function CalibrationPanel({ scope }: { scope: Scope }) {
  const [bins, setBins] = useState('10');
  const calibration = useQuery({
    queryKey: queryKeys.analytics.calibration(scope, bins),
    queryFn: () => get<Calibration>(apiPaths.calibration(scope, bins)),
  });
  const data = calibration.data;
  return (
    <Section title="Calibration" label="Calibration">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          How often people approved what the model was this confident about (approve = approved;
          reject and correct = not approved; once per item, by its final human decision).
        </Text>
        <SegmentedControl
          aria-label="Bins"
          size="xs"
          value={bins}
          onChange={setBins}
          data={['5', '10', '20']}
        />
      </Group>
      {calibration.isPending && <Loader aria-label="Loading calibration" />}
      <ErrorAlert error={calibration.error} />
      {data && (
        <>
          <Group gap="xl">
            <Text size="sm" data-testid="calibration-reviewed">
              Reviewed items: <b>{data.reviewed}</b>
            </Text>
            <Text size="sm" data-testid="calibration-ece">
              Expected calibration error: <b>{data.ece === null ? '—' : data.ece.toFixed(3)}</b>
            </Text>
          </Group>
          <ReliabilityDiagram bins={data.bins} />
        </>
      )}
    </Section>
  );
}
