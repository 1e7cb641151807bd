import { Alert, Group, Loader, Stack, Text, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { post } from '../api/client';
import { ErrorAlert } from '../common/ErrorAlert';
import { pct, type Simulation } from './types';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

/**
 * What the thresholds being edited would have done to the queue's items of the last 30 days
 * (POST /v1/queues/:slug/policy/simulate): the approve / flag / block split and the estimated
 * error among auto-approved items with its 95% upper bound. Nothing is saved.
 */
export interface ThresholdPreviewProps {
  slug: string;
  autoApproveAt: number;
  blockBelow: number;
}

const inRange = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;

export function ThresholdPreview({ slug, autoApproveAt, blockBelow }: ThresholdPreviewProps) {
  const [thresholds] = useDebouncedValue({ autoApproveAt, blockBelow }, 250);
  const valid =
    inRange(thresholds.autoApproveAt) &&
    inRange(thresholds.blockBelow) &&
    thresholds.blockBelow <= thresholds.autoApproveAt;
  const sim = useQuery({
    queryKey: queryKeys.queues.simulation(slug, thresholds.autoApproveAt, thresholds.blockBelow),
    queryFn: () => post<Simulation>(apiPaths.policySimulate(slug), thresholds),
    enabled: valid,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  if (!valid) {
    return (
      <Text size="sm" c="dimmed" data-testid="threshold-preview">
        Preview needs thresholds in [0, 1] with block below ≤ auto-approve at.
      </Text>
    );
  }
  const data = sim.data;
  return (
    <Stack gap={6} data-testid="threshold-preview" aria-live="polite" aria-busy={sim.isFetching}>
      <Group gap="xs">
        <Text size="sm" fw={600}>
          Preview over the last 30 days
        </Text>
        {sim.isFetching && <Loader size="xs" aria-label="Updating preview" />}
      </Group>
      <ErrorAlert error={sim.error} />
      {data && data.items === 0 && (
        <Alert color="gray" role="status">
          No items in the last 30 days to replay.
        </Alert>
      )}
      {data && data.items > 0 && (
        <>
          <div
            style={{ display: 'flex', height: 14, borderRadius: 4, overflow: 'hidden' }}
            role="img"
            aria-label={`approve ${data.approve}, flag ${data.flag}, block ${data.block}`}
          >
            <div
              style={{
                width: `${(data.approve / data.items) * 100}%`,
                background: 'var(--mantine-color-teal-5)',
              }}
            />
            <div
              style={{
                width: `${(data.flag / data.items) * 100}%`,
                background: 'var(--mantine-color-yellow-5)',
              }}
            />
            <div
              style={{
                width: `${(data.block / data.items) * 100}%`,
                background: 'var(--mantine-color-red-5)',
              }}
            />
          </div>
          <Group gap="lg">
            <Text size="sm" data-testid="preview-approve">
              Approve {data.approve} ({pct(data.approve / data.items)})
            </Text>
            <Text size="sm" data-testid="preview-flag">
              Flag {data.flag} ({pct(data.flag / data.items)})
            </Text>
            <Text size="sm" data-testid="preview-block">
              Block {data.block} ({pct(data.block / data.items)})
            </Text>
            <Text size="sm" c="dimmed">
              of {data.items} items
            </Text>
          </Group>
          <Tooltip
            label="From human decisions on items at or above the auto-approve threshold; upper bound = 95% Wilson score interval"
            multiline
            w={320}
          >
            <Text size="sm" data-testid="preview-error">
              {data.reviewed === 0
                ? 'No human decisions at or above this threshold yet: the auto-approve error cannot be estimated.'
                : `Estimated auto-approve error ${pct(data.estimatedAutoApproveErrorRate)} (95% upper bound ${pct(
                    data.errorRateUpperBound,
                  )}) from ${data.reviewed} reviewed items, ${data.errors} overridden.`}
            </Text>
          </Tooltip>
        </>
      )}
    </Stack>
  );
}
