import {
  Button,
  Checkbox,
  Group,
  Progress,
  SegmentedControl,
  Select,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, get, post, tokenStore } from '../api/client';
import { ErrorAlert } from '../common/ErrorAlert';
import { Section, type Scope } from './scope';
import type { ExportJob } from './types';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

type ExportFormat = 'jsonl' | 'csv' | 'chat' | 'preference';
type ExportAction = 'approve' | 'reject' | 'correct' | 'escalate';

/** The export's filters (shared by the direct download and the background job). */
interface ExportFilters {
  format: ExportFormat;
  queue?: string;
  model?: string;
  action?: ExportAction;
  label?: string;
  since?: string;
  until?: string;
}

interface ExportValues {
  format: ExportFormat;
  action: ExportAction | null;
  label: string;
  since: string;
  until: string;
  gzip: boolean;
}

const FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'jsonl', label: 'JSONL' },
  { value: 'csv', label: 'CSV' },
  { value: 'chat', label: 'Chat' },
  { value: 'preference', label: 'Preference' },
];

/** Downloads with the bearer token (a plain link could not send it) and saves the file. */
async function saveDownload(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${tokenStore.get() ?? ''}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    throw new ApiError(res.status, body.message ?? `${res.status} ${res.statusText}`);
  }
  const name =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Human decisions as datasets. Small sets download at once (streamed by the server); large
 * ones run in the background with a progress bar and are downloaded when ready.
 */
export function ExportPanel({ scope }: { scope: Scope }) {
  const form = useForm<ExportValues>({
    mode: 'controlled',
    initialValues: { format: 'jsonl', action: null, label: '', since: '', until: '', gzip: false },
  });
  const [jobId, setJobId] = useState<string | null>(null);
  const { format, action, label, since, until, gzip } = form.values;

  const params: ExportFilters = { format };
  if (scope.queue) params.queue = scope.queue;
  if (scope.model.trim()) params.model = scope.model.trim();
  if (action) params.action = action;
  if (label.trim()) params.label = label.trim();
  if (since) params.since = since;
  if (until) params.until = until;

  const direct = useMutation({
    mutationFn: () =>
      saveDownload(
        apiPaths.feedbackExport({ ...params, gzip: gzip ? '1' : undefined }),
        `verdict-${format}.${format === 'csv' ? 'csv' : 'jsonl'}`,
      ),
  });
  const start = useMutation({
    mutationFn: () => post<ExportJob>(apiPaths.feedbackExports(), { ...params, gzip }),
    onSuccess: (job) => setJobId(job.id),
  });
  // Progress comes from polling the job while it runs.
  const job = useQuery({
    queryKey: queryKeys.analytics.exportJob(jobId),
    queryFn: () => get<ExportJob>(apiPaths.feedbackExportJob(jobId!)),
    enabled: jobId !== null,
    refetchInterval: (q) =>
      q.state.data && ['done', 'failed'].includes(q.state.data.status) ? false : 1000,
  });
  const download = useMutation({
    mutationFn: () =>
      saveDownload(apiPaths.feedbackExportDownload(jobId!), `verdict-export-${jobId}`),
  });
  const current = job.data;
  return (
    <Section title="Export feedback data" label="Export feedback data">
      <Text size="sm" c="dimmed">
        JSONL and CSV: one record per human decision (reviewers appear as stable pseudonyms). Chat:
        one conversation per approved or corrected item, its final output as the assistant turn.
        Preference: one (prompt, chosen, rejected) per corrected item. The queue and model above
        apply.
      </Text>
      <SegmentedControl
        aria-label="Format"
        data={FORMATS}
        {...form.getInputProps('format')}
        w="fit-content"
      />
      <Group align="end">
        <Select
          label="Action"
          placeholder="any"
          clearable
          data={['approve', 'reject', 'correct', 'escalate']}
          {...form.getInputProps('action')}
          w={160}
        />
        <TextInput label="Label" placeholder="any" {...form.getInputProps('label')} w={160} />
        <TextInput label="Decided since" type="date" {...form.getInputProps('since')} />
        <TextInput label="Decided until" type="date" {...form.getInputProps('until')} />
        <Checkbox label="gzip" {...form.getInputProps('gzip', { type: 'checkbox' })} mb={8} />
      </Group>
      <Group>
        <Button variant="default" onClick={() => direct.mutate()} loading={direct.isPending}>
          Download now
        </Button>
        <Button onClick={() => start.mutate()} loading={start.isPending}>
          Run in background
        </Button>
      </Group>
      <ErrorAlert error={direct.error ?? start.error ?? job.error ?? download.error} />
      {current && (
        <div data-testid="export-job">
          <Group justify="space-between">
            <Text size="sm" role="status">
              Export {current.status}: {current.rows} records
              {current.status === 'failed' && current.error ? ` (${current.error})` : ''}
            </Text>
            {current.status === 'done' && (
              <Button size="xs" onClick={() => download.mutate()} loading={download.isPending}>
                Download file
              </Button>
            )}
          </Group>
          <Progress
            value={Math.round(current.progress * 100)}
            aria-label="Export progress"
            animated={current.status === 'running' || current.status === 'queued'}
            color={current.status === 'failed' ? 'red' : undefined}
            mt={4}
          />
        </div>
      )}
    </Section>
  );
}
