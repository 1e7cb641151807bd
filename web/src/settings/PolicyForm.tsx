import { Badge, Grid, Group, NumberInput, Paper, Stack, Textarea, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { put } from '../api/client';
import type { Queue } from '../api/types';
import { ThresholdPreview } from '../analytics/ThresholdPreview';
import { SaveFooter } from './SaveFooter';
import { useQueueSave } from './useQueueSave';
import { apiPaths } from '../api/paths';

const FRACTION = { step: 0.01, decimalScale: 4, clampBehavior: 'none' } as const;

interface PolicyValues extends Record<string, unknown> {
  autoApproveAt: number | string;
  blockBelow: number | string;
  auditSampleRate: number | string;
  rules: string;
}

const fraction = (label: string) => (v: number | string) =>
  v === '' || !Number.isFinite(Number(v)) || Number(v) < 0 || Number(v) > 1
    ? `${label} must be a number from 0 to 1.`
    : null;

function rulesProblem(text: string): string | null {
  if (!text.trim()) return null;
  try {
    const rules: unknown = JSON.parse(text);
    return Array.isArray(rules) ? null : 'Rules must be a JSON array (starting with [).';
  } catch (e) {
    return `Rules are not valid JSON: ${(e as Error).message}.`;
  }
}

/** Server field → form path. */
function route(field: string): string | null {
  const m = /^(?:policy\.)?(autoApproveAt|blockBelow|auditSampleRate|rules)/.exec(field);
  return m ? m[1] : null;
}

/** Thresholds, sampling and rules: PUT /policy, which makes a new policy version. */
export function PolicyForm({ queue, onDirty }: { queue: Queue; onDirty(dirty: boolean): void }) {
  const form = useForm<PolicyValues>({
    mode: 'controlled',
    initialValues: {
      autoApproveAt: queue.policy.autoApproveAt,
      blockBelow: queue.policy.blockBelow,
      auditSampleRate: queue.policy.auditSampleRate,
      rules: JSON.stringify(queue.policy.rules, null, 2),
    },
    validate: {
      autoApproveAt: fraction('Auto-approve at'),
      blockBelow: (v, values) =>
        fraction('Block below')(v) ??
        (Number(v) > Number(values.autoApproveAt)
          ? 'Block below must not be greater than Auto-approve at.'
          : null),
      auditSampleRate: fraction('Audit sample rate'),
      rules: rulesProblem,
    },
  });
  const dirty = form.isDirty();
  useEffect(() => onDirty(dirty), [dirty, onDirty]);
  const state = useQueueSave(queue.slug, form, route, (v) =>
    put<Queue>(apiPaths.queuePolicy(queue.slug), {
      autoApproveAt: Number(v.autoApproveAt),
      blockBelow: Number(v.blockBelow),
      auditSampleRate: Number(v.auditSampleRate),
      rules: v.rules.trim() ? (JSON.parse(v.rules) as unknown) : [],
    }),
  );

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="policy-title">
      <form onSubmit={state.onSubmit} noValidate>
        <Stack>
          <Group justify="space-between">
            <Title order={3} size="h4" id="policy-title">
              Routing policy
            </Title>
            <Badge variant="light">version {queue.policyVersion}</Badge>
          </Group>
          <Grid>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <NumberInput
                label="Auto-approve at"
                description="confidence at or above this is approved"
                {...FRACTION}
                {...form.getInputProps('autoApproveAt')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <NumberInput
                label="Block below"
                description="confidence below this is held for review"
                {...FRACTION}
                {...form.getInputProps('blockBelow')}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <NumberInput
                label="Audit sample rate"
                description="share of approved items also reviewed (0–1)"
                {...FRACTION}
                {...form.getInputProps('auditSampleRate')}
              />
            </Grid.Col>
          </Grid>
          <ThresholdPreview
            slug={queue.slug}
            autoApproveAt={Number(form.values.autoApproveAt)}
            blockBelow={Number(form.values.blockBelow)}
          />
          <Textarea
            label="Rules"
            description='JSON array of {"name", "when" (JSON Logic over confidence, model, input, output, metadata), "route": "approve" | "flag" | "block"}'
            autosize
            minRows={4}
            maxRows={18}
            classNames={{ input: 'mono' }}
            spellCheck={false}
            {...form.getInputProps('rules')}
          />
          <SaveFooter
            state={state}
            dirty={dirty}
            invalid={Object.keys(form.errors).length > 0}
            button="Save policy"
            savedNotice="Saved as a new policy version."
          />
        </Stack>
      </form>
    </Paper>
  );
}
