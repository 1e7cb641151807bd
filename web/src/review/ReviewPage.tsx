import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useRef } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { useQueue, useQueueStats } from '../api/queries';
import type { Queue } from '../api/types';
import { useSession } from '../auth/session';
import { ErrorAlert } from '../common/ErrorAlert';
import { KeyHint } from '../common/KeyHint';
import { formatClock, formatDuration } from '../common/format';
import { useWatchQueues } from '../live/LiveProvider';
import { useShortcuts } from './shortcuts';
import { useLease } from './useLease';
import { useReviewSession } from './useReviewSession';
import { Workspace } from './Workspace';
import { routes } from '../common/routes';

export function ReviewPage() {
  const { slug = '' } = useParams();
  const location = useLocation();
  const { user } = useSession();
  const queue = useQueue(slug);
  if (queue.isPending) return <Loader aria-label="Loading queue" />;
  if (queue.error || !queue.data)
    return (
      <ErrorAlert error={queue.error ?? 'Queue not found'} title="Could not open this queue" />
    );
  return (
    <ReviewLoop
      key={slug}
      queue={queue.data}
      userId={user?.id}
      autoStart={(location.state as { start?: boolean } | null)?.start === true}
    />
  );
}

interface LoopProps {
  queue: Queue;
  userId: string | undefined;
  autoStart: boolean;
}

function ReviewLoop({ queue, userId, autoStart }: LoopProps) {
  const { slug, name: queueName } = queue;
  const leaseMs = queue.leaseSeconds * 1000;
  const session = useReviewSession(slug, userId, leaseMs);
  const { phase, current } = session;
  const stats = useQueueStats(slug);

  // Resume a held claim first; otherwise start at once when asked to from the overview.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void session.resume().then((resumed) => {
      if (!resumed && autoStart) void session.claimNext();
    });
  }, [session, autoStart]);

  // An empty queue picks up the next item as soon as one arrives.
  const live = useWatchQueues([slug], (name) => {
    if (session.phase === 'empty' && (name === 'item.queued' || name === 'item.released'))
      void session.claimNext();
  });

  const lease = useLease(
    current?.item.id ?? null,
    current?.expiresAt ?? null,
    leaseMs,
    session.extended,
    (why) => {
      if (session.phase === 'reviewing') session.expired(why);
    },
    session.busy,
  );

  const waiting = phase === 'idle' || phase === 'empty' || phase === 'expired' || phase === 'error';
  useShortcuts({ n: () => void session.claimNext() }, waiting);

  const s = stats.data;
  return (
    <Stack gap="sm">
      <Group justify="space-between" gap="xs">
        <Group gap="sm">
          <Title order={2} size="h3">
            Reviewing {queueName}
          </Title>
          {s && (
            <Text size="sm" c="dimmed" data-testid="review-counts">
              {s.pending} pending · {s.inReview} in review
              {s.escalated ? ` · ${s.escalated} escalated` : ''}
            </Text>
          )}
        </Group>
        {phase === 'reviewing' && lease.remainingMs !== null && (
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" c="dimmed" id="lease-label">
              Lease
            </Text>
            <Badge
              size="lg"
              variant={lease.warning ? 'filled' : 'light'}
              color={lease.warning ? 'orange' : 'gray'}
              role="timer"
              aria-labelledby="lease-label"
              data-testid="lease-countdown"
            >
              {formatClock(lease.remainingMs / 1000)}
            </Badge>
            <Button variant="subtle" size="xs" onClick={() => void session.stop()}>
              Stop reviewing
            </Button>
          </Group>
        )}
      </Group>

      <div aria-live="polite" role="status" data-testid="review-notice">
        {session.notice && (
          <Text size="sm" c="dimmed">
            {session.notice}
          </Text>
        )}
      </div>

      {phase === 'reviewing' && lease.warning && lease.remainingMs !== null && (
        <Alert
          color="orange"
          role="alert"
          title="Your lease is about to expire"
          data-testid="lease-warning"
        >
          <Group justify="space-between">
            <Text size="sm">
              This item goes back to the queue in {formatClock(lease.remainingMs / 1000)} unless you
              keep working on it.
            </Text>
            <Button size="xs" color="orange" onClick={lease.extend}>
              Keep reviewing
            </Button>
          </Group>
        </Alert>
      )}

      {session.error !== null && <ErrorAlert error={session.error} title="Something went wrong" />}

      {phase === 'claiming' && <Loader aria-label="Claiming the next item" />}

      {waiting && (
        <Paper withBorder p="lg" radius="md">
          <Stack align="flex-start">
            {phase === 'idle' && (
              <Text>
                Claim the most urgent item: blocked first, then flagged, then sampled or reported
                ones.
              </Text>
            )}
            {phase === 'empty' && (
              <div data-testid="empty-queue">
                <Title order={3} size="h4">
                  Nothing to review right now
                </Title>
                <Text c="dimmed">
                  {live
                    ? 'Nothing is waiting for you in this queue. The next item will open here as soon as it arrives.'
                    : 'Nothing is waiting for you in this queue. Live updates are reconnecting; press N to check again.'}
                </Text>
              </div>
            )}
            {phase === 'expired' && (
              <Text>The lease ended before a decision was made. Claim again to continue.</Text>
            )}
            {s && (
              <Text size="sm" c="dimmed">
                {s.pending} pending · {s.inReview} in review · oldest waiting{' '}
                {formatDuration(s.oldestPendingSeconds)}
              </Text>
            )}
            <Group>
              <Button onClick={() => void session.claimNext()} autoFocus aria-keyshortcuts="n">
                {phase === 'idle'
                  ? 'Start reviewing'
                  : phase === 'empty'
                    ? 'Check again'
                    : 'Claim next item'}{' '}
                <KeyHint>N</KeyHint>
              </Button>
              <Anchor component={Link} to={routes.queues()} size="sm">
                Back to queues
              </Anchor>
            </Group>
          </Stack>
        </Paper>
      )}

      {phase === 'reviewing' && current && (
        <Workspace
          key={current.item.id}
          item={current.item}
          queue={queue}
          busy={session.busy}
          onDecide={session.decide}
          onSkip={() => void session.skip()}
        />
      )}
    </Stack>
  );
}
