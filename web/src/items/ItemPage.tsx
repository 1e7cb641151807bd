import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Grid,
  Group,
  List,
  Loader,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { ApiError, post } from '../api/client';
import { isLead, useSession } from '../auth/session';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime, formatDuration, pretty } from '../common/format';
import { NotFound } from '../common/NotFound';
import { ValueBlock } from '../common/ValueBlock';
import { useNow } from '../common/useNow';
import { useWatchQueues } from '../live/LiveProvider';
import { Conversation, chatMessages } from '../review/Conversation';
import { diffLines, stableJson } from '../review/diff';
import { RoutingBadge } from '../review/ItemSummary';
import { CommentThread } from './CommentThread';
import { EscalationNote, latestEscalation } from './EscalationNote';
import { useChainVerification, useDeliveries, useItem, useItemEvents } from './queries';
import { StatusBadge } from './StatusBadge';
import type { AuditEvent, ItemReview, ItemWithReviews } from './types';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';
import { routes } from '../common/routes';

const FINAL = ['approved', 'rejected', 'corrected'];

/** "user:<id>" → a display name, from the audit trail's names (the server resolves them). */
export type NameOf = (actor: string) => string;

function useNames(itemId: string): NameOf {
  const { user } = useSession();
  const events = useItemEvents(itemId);
  const names = new Map<string, string>();
  for (const e of events.data?.events ?? []) if (e.actorName) names.set(e.actor, e.actorName);
  return (actor) => {
    if (user && actor === `user:${user.id}`) return `${names.get(actor) ?? user.name} (you)`;
    const known = names.get(actor);
    if (known) return known;
    if (actor.startsWith('user:')) return `user ${actor.slice(5, 13)}`;
    if (actor.startsWith('api-key:')) return `API key ${actor.slice(8, 16)}`;
    return actor;
  };
}

/** Everything about one item: what it is, what happened to it, who said what about it. */
export function ItemPage() {
  const { id = '' } = useParams();
  const item = useItem(id);
  const names = useNames(id);
  useWatchQueues(item.data ? [item.data.queue] : []);
  if (item.error instanceof ApiError && (item.error.status === 404 || item.error.status === 400))
    return <NotFound />;
  if (item.isPending) return <Loader aria-label="Loading item" />;
  if (!item.data) return <ErrorAlert error={item.error} />;
  const it = item.data;
  const escalation = latestEscalation(it.reviews);
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2} ff="monospace" size="h3">
            {it.externalId ?? it.id}
          </Title>
          <Text size="xs" c="dimmed">
            item {it.id} in{' '}
            <Anchor component={Link} to={routes.items({ queue: it.queue })} size="xs">
              {it.queue}
            </Anchor>
          </Text>
        </Stack>
        <Group gap="xs">
          <StatusBadge status={it.status} />
          <RoutingBadge routing={it.routing} />
          {it.usable ? (
            <Badge color="teal" variant="light">
              usable
            </Badge>
          ) : (
            <Badge color="red" variant="light">
              held back
            </Badge>
          )}
        </Group>
      </Group>
      {escalation && (
        <EscalationNote
          review={escalation}
          author={names(`user:${escalation.reviewer}`)}
          open={it.status === 'escalated'}
        />
      )}
      <Facts item={it} />
      <Contents item={it} />
      <Reviews reviews={it.reviews} names={names} />
      <CommentThread itemId={it.id} />
      <Timeline itemId={it.id} names={names} />
      <Deliveries item={it} />
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div style={{ minWidth: 140 }}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text
        size="sm"
        component="div"
        data-testid={`fact-${label.toLowerCase().replace(/ /g, '-')}`}
      >
        {children}
      </Text>
    </div>
  );
}

function Facts({ item }: { item: ItemWithReviews }) {
  const now = useNow();
  const due = item.slaDueAt ? new Date(item.slaDueAt).getTime() : null;
  const open = !FINAL.includes(item.status);
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label="Facts">
      <Group gap="lg" align="flex-start">
        <Fact label="Confidence">{item.confidence.toFixed(2)}</Fact>
        <Fact label="Model">
          {item.model.name}
          {item.model.version ? `@${item.model.version}` : ''}
        </Fact>
        <Fact label="Policy version">{item.policyVersion}</Fact>
        <Fact label="Decided by">{item.decidedBy ?? '—'}</Fact>
        <Fact label="Submitted">{formatDateTime(item.createdAt)}</Fact>
        <Fact label="Decided">{formatDateTime(item.decidedAt)}</Fact>
        <Fact label="SLA">
          {due === null ? (
            'none'
          ) : open ? (
            <Text
              span
              size="sm"
              c={due < now ? 'red.8' : undefined}
              fw={due < now ? 700 : undefined}
            >
              {due < now
                ? `overdue by ${formatDuration((now - due) / 1000)}`
                : `due in ${formatDuration((due - now) / 1000)}`}
            </Text>
          ) : (
            `was due ${formatDateTime(item.slaDueAt)}`
          )}
        </Fact>
        {item.review?.state && item.review.state !== 'none' && (
          <Fact label="Review line">
            {item.review.state}
            {item.review.class ? ` (${item.review.class})` : ''}
          </Fact>
        )}
      </Group>
      <Text size="xs" c="dimmed" mt="xs">
        Reasons
      </Text>
      <List size="sm" spacing={2} aria-label="Reasons">
        {item.reasons.map((r, i) => (
          <List.Item key={i}>
            <Badge size="xs" variant="light" color="gray" mr={6}>
              {r.kind}
              {r.rule ? `: ${r.rule}` : ''}
            </Badge>
            {r.message}
          </List.Item>
        ))}
      </List>
    </Paper>
  );
}

function Contents({ item }: { item: ItemWithReviews }) {
  const messages = chatMessages(item.input);
  const changed =
    item.finalOutput !== null &&
    item.finalOutput !== undefined &&
    stableJson(item.finalOutput) !== stableJson(item.output);
  return (
    <Grid gap="sm">
      <Grid.Col span={6}>
        <Paper withBorder p="sm" radius="md" component="section" aria-label="Input" h="100%">
          <Title order={3} size="h5" mb={4}>
            Input
          </Title>
          {messages ? (
            <Conversation messages={messages} />
          ) : (
            <ValueBlock value={item.input} label="input" />
          )}
        </Paper>
      </Grid.Col>
      <Grid.Col span={6}>
        <Paper withBorder p="sm" radius="md" component="section" aria-label="Output" h="100%">
          <Title order={3} size="h5" mb={4}>
            Output
          </Title>
          <ValueBlock value={item.output} label="output" />
          {changed && (
            <>
              <Title order={3} size="h5" mt="sm" mb={4}>
                Final output (changes)
              </Title>
              <Code block aria-label="Final output diff" data-testid="final-diff">
                {diffLines(pretty(item.output), pretty(item.finalOutput)).map((line, i) => (
                  <div
                    key={i}
                    className={`diff-${line.kind}`}
                    style={{
                      background:
                        line.kind === 'added'
                          ? 'var(--mantine-color-teal-light)'
                          : line.kind === 'removed'
                            ? 'var(--mantine-color-red-light)'
                            : undefined,
                    }}
                  >
                    {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
                    {line.text}
                  </div>
                ))}
              </Code>
            </>
          )}
          {!changed && FINAL.includes(item.status) && item.status !== 'rejected' && (
            <Text size="xs" c="dimmed" mt="xs">
              The final output is the output as submitted.
            </Text>
          )}
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

function Reviews({ reviews, names }: { reviews: ItemReview[]; names: NameOf }) {
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="reviews-title">
      <Title order={3} size="h4" id="reviews-title" mb="xs">
        Reviews
      </Title>
      {reviews.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nobody has reviewed this item yet.
        </Text>
      ) : (
        <Table verticalSpacing={4} aria-label="Reviews">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Reviewer</Table.Th>
              <Table.Th scope="col">Decision</Table.Th>
              <Table.Th scope="col">Labels</Table.Th>
              <Table.Th scope="col">Reason and comment</Table.Th>
              <Table.Th scope="col">Answers</Table.Th>
              <Table.Th scope="col">Decided</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {reviews.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{names(`user:${r.reviewer}`)}</Table.Td>
                <Table.Td>{r.action}</Table.Td>
                <Table.Td>{r.labels.join(', ') || '—'}</Table.Td>
                <Table.Td>
                  <Text size="sm">{[r.reason, r.comment].filter(Boolean).join(' — ') || '—'}</Text>
                </Table.Td>
                <Table.Td>
                  {r.answers && Object.keys(r.answers).length > 0 ? (
                    <List size="xs" spacing={0}>
                      {Object.entries(r.answers).map(([k, v]) => (
                        <List.Item key={k}>
                          {k}: {typeof v === 'string' ? v : JSON.stringify(v)}
                        </List.Item>
                      ))}
                    </List>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(r.decidedAt)}</Text>
                  <Text size="xs" c="dimmed">
                    after {formatDuration(r.reviewSeconds)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

/** Details worth a glance, without repeating the hashes. */
function detailsText(e: AuditEvent): string {
  const entries = Object.entries(e.details ?? {}).filter(([, v]) => v !== null && v !== undefined);
  if (entries.length === 0) return '';
  return entries
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

function Timeline({ itemId, names }: { itemId: string; names: NameOf }) {
  const events = useItemEvents(itemId);
  const verify = useChainVerification(itemId);
  const v = verify.data;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="timeline-title">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4" id="timeline-title">
          Audit trail
        </Title>
        {v &&
          (v.valid ? (
            <Badge color="teal" variant="light" data-testid="chain-verify">
              chain verified ({v.events} events)
            </Badge>
          ) : (
            <Badge color="red" variant="filled" data-testid="chain-verify">
              chain broken at event {v.firstInvalidSeq ?? '?'}
            </Badge>
          ))}
      </Group>
      <ErrorAlert error={events.error ?? verify.error} />
      {events.isPending && <Loader size="sm" aria-label="Loading audit trail" />}
      {events.data && (
        <Table verticalSpacing={3} aria-label="Audit trail">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">#</Table.Th>
              <Table.Th scope="col">When</Table.Th>
              <Table.Th scope="col">Who</Table.Th>
              <Table.Th scope="col">What</Table.Th>
              <Table.Th scope="col">Details</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.data.events.map((e) => (
              <Table.Tr key={e.seq} data-testid={`event-${e.type}`}>
                <Table.Td>{e.seq}</Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(e.createdAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{names(e.actor)}</Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm" fw={500}>
                    {e.type.replace(/_/g, ' ')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" lineClamp={3} style={{ wordBreak: 'break-word' }}>
                    {detailsText(e)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function Deliveries({ item }: { item: ItemWithReviews }) {
  const { user } = useSession();
  const deliveries = useDeliveries(item.id);
  const queryClient = useQueryClient();
  const redeliver = useMutation({
    mutationFn: () => post(apiPaths.itemRedeliver(item.id)),
    onSuccess: () => {
      for (const queryKey of [
        queryKeys.items.deliveries(item.id),
        queryKeys.items.events(item.id),
        queryKeys.items.verification(item.id),
      ])
        void queryClient.invalidateQueries({ queryKey });
      // The attempt lands a moment later.
      setTimeout(
        () => void queryClient.invalidateQueries({ queryKey: queryKeys.items.deliveries(item.id) }),
        2_000,
      );
    },
  });
  const list = deliveries.data?.deliveries ?? [];
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="deliveries-title">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4" id="deliveries-title">
          Webhook deliveries
        </Title>
        {isLead(user) && FINAL.includes(item.status) && (
          <Button
            size="xs"
            variant="default"
            loading={redeliver.isPending}
            onClick={() => redeliver.mutate()}
          >
            Redeliver
          </Button>
        )}
      </Group>
      <ErrorAlert error={deliveries.error ?? redeliver.error} />
      {redeliver.isSuccess && (
        <Alert color="teal" variant="light" role="status" py={6} mb="xs">
          Delivery queued.
        </Alert>
      )}
      {deliveries.data && list.length === 0 && (
        <Text size="sm" c="dimmed">
          No webhook was sent for this item.
        </Text>
      )}
      {list.length > 0 && (
        <Table verticalSpacing={3} aria-label="Webhook deliveries">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">When</Table.Th>
              <Table.Th scope="col">URL</Table.Th>
              <Table.Th scope="col">Attempt</Table.Th>
              <Table.Th scope="col">Result</Table.Th>
              <Table.Th scope="col">Time</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>
                  <Text size="sm">{formatDateTime(d.createdAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {d.url}
                  </Text>
                </Table.Td>
                <Table.Td>{d.attempt}</Table.Td>
                <Table.Td>
                  {d.succeeded ? (
                    <Badge color="teal" variant="light">
                      {d.statusCode ?? 'ok'}
                    </Badge>
                  ) : (
                    <Badge color="red" variant="light">
                      {d.error ?? d.statusCode ?? 'failed'}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{d.durationMs} ms</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
