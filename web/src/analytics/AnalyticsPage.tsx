import { Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useQueues } from '../api/queries';
import { isLead, useSession } from '../auth/session';
import { CalibrationPanel } from './CalibrationPanel';
import { DriftTable } from './DriftTable';
import { ExportPanel } from './ExportPanel';
import { ReviewersTable } from './ReviewersTable';
import { Section, type Scope } from './scope';
import { ThresholdPanel } from './ThresholdPanel';

/**
 * What people's decisions say about the model and the policy: calibration, a threshold
 * preview with the recommended threshold, drift between model versions, reviewer agreement
 * (leads and admins) and exports of the decisions as datasets.
 */
export function AnalyticsPage() {
  const { user } = useSession();
  const queues = useQueues();
  const [queue, setQueue] = useState<string | null>(null);
  const [model, setModel] = useState('');
  const [debouncedModel] = useDebouncedValue(model, 400);
  const scope: Scope = { queue, model: debouncedModel };
  const selected = queues.data?.find((q) => q.slug === queue) ?? null;
  return (
    <Stack>
      <Title order={2}>Analytics</Title>
      <Group align="end">
        <Select
          label="Queue"
          placeholder="All queues"
          clearable
          data={(queues.data ?? []).map((q) => ({ value: q.slug, label: q.name }))}
          value={queue}
          onChange={setQueue}
          w={260}
        />
        <TextInput
          label="Model"
          description="name or name@version"
          placeholder="all models"
          value={model}
          onChange={(e) => setModel(e.currentTarget.value)}
          w={260}
        />
      </Group>
      <CalibrationPanel scope={scope} />
      <Section title="Threshold preview" label="Threshold preview">
        {selected ? (
          <ThresholdPanel key={selected.slug} queue={selected} />
        ) : (
          <Text size="sm" c="dimmed">
            Choose a queue to replay its recent items under other thresholds.
          </Text>
        )}
      </Section>
      <DriftTable scope={scope} />
      {isLead(user) && <ReviewersTable queue={queue} />}
      <ExportPanel scope={scope} />
    </Stack>
  );
}
