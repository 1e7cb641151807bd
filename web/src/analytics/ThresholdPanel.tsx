import { Button, Grid, Group, NumberInput, Slider, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../api/client';
import type { Queue } from '../api/types';
import { ErrorAlert } from '../common/ErrorAlert';
import { ThresholdPreview } from './ThresholdPreview';
import { pct, type Recommendation } from './types';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

const MARKS = [0, 0.25, 0.5, 0.75, 1].map((value) => ({ value, label: String(value) }));

/** Sliders over the queue's thresholds, the live preview, and the recommended auto-approve threshold. */
export function ThresholdPanel({ queue }: { queue: Queue }) {
  const [autoApproveAt, setAutoApproveAt] = useState(queue.policy.autoApproveAt);
  const [blockBelow, setBlockBelow] = useState(queue.policy.blockBelow);
  const [maxErrorRate, setMaxErrorRate] = useState<string | number>(0.02);
  const target = Number(maxErrorRate);
  const recommendation = useQuery({
    queryKey: queryKeys.queues.recommendation(queue.slug, target),
    queryFn: () => get<Recommendation>(apiPaths.policyRecommendation(queue.slug, target)),
    enabled: target > 0 && target <= 1,
  });
  const rec = recommendation.data;
  return (
    <Stack gap="md">
      <Grid>
        <Grid.Col span={6}>
          <Text size="sm" id="slider-auto">
            Auto-approve at {autoApproveAt.toFixed(2)} (saved: {queue.policy.autoApproveAt})
          </Text>
          <Slider
            thumbLabel="Auto-approve at"
            aria-labelledby="slider-auto"
            min={0}
            max={1}
            step={0.01}
            value={autoApproveAt}
            onChange={(v) => {
              setAutoApproveAt(v);
              if (blockBelow > v) setBlockBelow(v);
            }}
            marks={MARKS}
            mb="lg"
          />
        </Grid.Col>
        <Grid.Col span={6}>
          <Text size="sm" id="slider-block">
            Block below {blockBelow.toFixed(2)} (saved: {queue.policy.blockBelow})
          </Text>
          <Slider
            thumbLabel="Block below"
            min={0}
            max={1}
            step={0.01}
            value={blockBelow}
            onChange={(v) => {
              setBlockBelow(v);
              if (v > autoApproveAt) setAutoApproveAt(v);
            }}
            marks={MARKS}
            color="red"
            mb="lg"
          />
        </Grid.Col>
      </Grid>
      <ThresholdPreview slug={queue.slug} autoApproveAt={autoApproveAt} blockBelow={blockBelow} />
      <Group align="end">
        <NumberInput
          label="Target error rate"
          description="highest acceptable error among auto-approved items"
          value={maxErrorRate}
          onChange={setMaxErrorRate}
          min={0.001}
          max={1}
          step={0.005}
          decimalScale={3}
          w={240}
        />
        {rec && rec.autoApproveAt !== null && (
          <Button variant="light" onClick={() => setAutoApproveAt(rec.autoApproveAt!)}>
            Try {rec.autoApproveAt}
          </Button>
        )}
      </Group>
      <ErrorAlert error={recommendation.error} />
      {rec && (
        <Text size="sm" data-testid="recommendation">
          {rec.autoApproveAt === null
            ? `No recommendation: ${rec.explanation}`
            : `Recommended auto-approve at ${rec.autoApproveAt} (now ${rec.currentAutoApproveAt}): ` +
              `${rec.errors} errors in ${rec.reviewed} reviewed items at or above it, estimated ${pct(
                rec.estimatedErrorRate,
              )}, 95% upper bound ${pct(rec.errorRateUpperBound)}; ${pct(rec.autoApproveShare)} of items would be auto-approved.`}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        Thresholds only: rules and the output schema are not replayed (they can only make routing
        stricter). Change the saved policy in the queue&apos;s settings.
      </Text>
    </Stack>
  );
}
