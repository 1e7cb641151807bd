import { Alert, Anchor, Group, Loader, Stack, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useQueue } from '../api/queries';
import { ErrorAlert } from '../common/ErrorAlert';
import { GuidanceForm } from './GuidanceForm';
import { NotificationsPanel } from './NotificationsPanel';
import { PolicyForm } from './PolicyForm';
import { PolicyHistory } from './PolicyHistory';
import { SettingsForm } from './SettingsForm';
import { useUnsavedGuard } from './useUnsavedGuard';
import { routes } from '../common/routes';

/**
 * A queue's settings: each section (policy, reviewing and SLA, guidelines and questions) saves
 * on its own; leaving the page with any of them unsaved asks first.
 */
export function QueueSettingsPage() {
  const { slug = '' } = useParams();
  const queue = useQueue(slug);
  const [dirty, setDirty] = useState<Record<string, boolean>>({});
  const tracker = useCallback(
    (section: string) => (value: boolean) =>
      setDirty((d) => (d[section] === value ? d : { ...d, [section]: value })),
    [],
  );
  const [policyDirty] = useState(() => tracker('policy'));
  const [settingsDirty] = useState(() => tracker('settings'));
  const [guidanceDirty] = useState(() => tracker('guidance'));
  const anyDirty = Object.values(dirty).some(Boolean);
  const guard = useUnsavedGuard(anyDirty);

  if (queue.isPending) return <Loader aria-label="Loading queue" />;
  if (queue.error || !queue.data) return <ErrorAlert error={queue.error ?? 'Queue not found'} />;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Settings · {queue.data.name}</Title>
        <Anchor component={Link} to={routes.settings()} size="sm">
          All queues
        </Anchor>
      </Group>
      {anyDirty && (
        <Alert color="yellow" data-testid="unsaved-changes">
          You have unsaved changes. Save each section you changed before leaving.
        </Alert>
      )}
      <PolicyForm key={`policy-${queue.data.slug}`} queue={queue.data} onDirty={policyDirty} />
      <SettingsForm
        key={`settings-${queue.data.slug}`}
        queue={queue.data}
        onDirty={settingsDirty}
      />
      <GuidanceForm
        key={`guidance-${queue.data.slug}`}
        queue={queue.data}
        onDirty={guidanceDirty}
      />
      <NotificationsPanel key={`notifications-${queue.data.slug}`} queue={queue.data} />
      <PolicyHistory slug={queue.data.slug} />
      {guard}
    </Stack>
  );
}
