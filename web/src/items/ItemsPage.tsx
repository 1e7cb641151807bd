import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, get } from '../api/client';
import { useQueues } from '../api/queries';
import type { Item } from '../api/types';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { RoutingBadge } from '../review/ItemSummary';
import { useItemSearch } from './queries';
import { FILTER_KEYS } from './types';
import { StatusBadge } from './StatusBadge';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = ['pending', 'in_review', 'escalated', 'approved', 'rejected', 'corrected'];
const ROUTINGS = [
  { value: 'approve', label: 'approved by policy' },
  { value: 'flag', label: 'flagged' },
  { value: 'block', label: 'blocked' },
];

/** Date inputs give a day; the API takes ISO dates (until: the whole day). */
const dayOf = (value: string | null) => (value ? value.slice(0, 10) : '');

/**
 * Find any item you may see: by id, externalId or text, narrowed by filters. Everything lives in
 * the URL (?search=&queue=&status=…), so a search can be bookmarked and shared.
 */
export function ItemsPage() {
  const [params, setParams] = useSearchParams();
  const queues = useQueues();
  const search = params.get('search')?.trim() ?? '';
  const [text, setText] = useState(search);
  const [model, setModel] = useState(params.get('model') ?? '');
  const [label, setLabel] = useState(params.get('label') ?? '');
  useEffect(() => setText(search), [search]);

  function update(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: false });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    update({
      search: text.trim() || null,
      model: model.trim() || null,
      label: label.trim() || null,
    });
  }

  const filters = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = params.get(key);
    if (v) filters.set(key, v);
  }
  const textQuery = new URLSearchParams(filters);
  if (search) textQuery.set('q', search);
  const anyFilter = [...filters.keys()].length > 0;
  const active = [...FILTER_KEYS].filter((k) => params.get(k));

  return (
    <Stack>
      <Title order={2}>Items</Title>
      <Paper
        withBorder
        p="sm"
        radius="md"
        component="form"
        onSubmit={submit}
        aria-label="Search items"
      >
        <Stack gap="xs">
          <Group align="flex-end" gap="xs">
            <TextInput
              label="Search"
              placeholder="externalId, item id or words from the input, output, reasons or comments"
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              style={{ flex: 1 }}
              data-autofocus
            />
            <Button type="submit">Search</Button>
          </Group>
          <Group gap="xs" align="flex-end">
            <Select
              label="Queue"
              placeholder="Any queue"
              clearable
              w={180}
              data={(queues.data ?? []).map((q) => ({ value: q.slug, label: q.name }))}
              value={params.get('queue')}
              onChange={(v) => update({ queue: v })}
            />
            <Select
              label="Status"
              placeholder="Any status"
              clearable
              w={150}
              data={STATUSES.map((s) => ({ value: s, label: s.replace('_', ' ') }))}
              value={params.get('status')}
              onChange={(v) => update({ status: v })}
            />
            <Select
              label="Routing"
              placeholder="Any routing"
              clearable
              w={170}
              data={ROUTINGS}
              value={params.get('routing')}
              onChange={(v) => update({ routing: v })}
            />
            <TextInput
              label="Model"
              placeholder="name or name@version"
              w={190}
              value={model}
              onChange={(e) => setModel(e.currentTarget.value)}
              onBlur={() => update({ model: model.trim() || null })}
            />
            <TextInput
              label="Label"
              placeholder="a review label"
              w={140}
              value={label}
              onChange={(e) => setLabel(e.currentTarget.value)}
              onBlur={() => update({ label: label.trim() || null })}
            />
            <TextInput
              type="date"
              label="Submitted from"
              w={160}
              value={dayOf(params.get('since'))}
              onChange={(e) => update({ since: e.currentTarget.value || null })}
            />
            <TextInput
              type="date"
              label="Submitted until"
              w={160}
              value={dayOf(params.get('until'))}
              onChange={(e) => update({ until: e.currentTarget.value || null })}
            />
            <Checkbox
              label="Reviewed by me"
              mb={8}
              checked={params.get('reviewer') === 'me'}
              onChange={(e) => update({ reviewer: e.currentTarget.checked ? 'me' : null })}
            />
            {(active.length > 0 || search) && (
              <Button
                variant="subtle"
                onClick={() => {
                  setModel('');
                  setLabel('');
                  setParams(new URLSearchParams());
                }}
              >
                Clear all
              </Button>
            )}
          </Group>
        </Stack>
      </Paper>
      {search && <ExactMatches search={search} />}
      <Results
        params={textQuery}
        title={search ? `Items mentioning “${search}”` : anyFilter ? 'Matching items' : 'All items'}
      />
    </Stack>
  );
}

/** What the search text names exactly: an item id, or an externalId in any queue you may see. */
function ExactMatches({ search }: { search: string }) {
  const byId = useQuery({
    queryKey: ['item', search],
    queryFn: () => get<Item>(`/v1/items/${search}`),
    enabled: UUID.test(search),
    retry: false,
  });
  const byExternalId = useQuery({
    queryKey: ['item-search', 'externalId', search],
    queryFn: () =>
      get<{ items: Item[] }>(`/v1/items?externalId=${encodeURIComponent(search)}&limit=20`),
  });
  const found = [
    ...(byId.data ? [byId.data] : []),
    ...(byExternalId.data?.items ?? []).filter((i) => i.id !== byId.data?.id),
  ];
  if (byExternalId.isPending) return <Loader size="sm" aria-label="Looking for exact matches" />;
  const idRefused = byId.error instanceof ApiError && byId.error.status !== 404 ? byId.error : null;
  const error = byExternalId.error ?? idRefused;
  // Words are not ids: the section shows only when the text names an item (or the lookup failed).
  if (found.length === 0 && !error) return null;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label="Exact matches">
      <Title order={3} size="h5" mb={4}>
        Exact matches
      </Title>
      <ErrorAlert error={error} />
      {found.length > 0 && <ItemTable items={found} label="Exact matches" />}
    </Paper>
  );
}

function Results({ params, title }: { params: URLSearchParams; title: string }) {
  const search = useItemSearch(params);
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = search;

  // Load the next page as the end of the list scrolls into view.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const items = search.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label="Search results">
      <Group justify="space-between" mb={4}>
        <Title order={3} size="h5">
          {title}
        </Title>
        {search.data && (
          <Badge variant="light" color="gray" data-testid="result-count">
            {items.length}
            {hasNextPage ? '+' : ''}
          </Badge>
        )}
      </Group>
      {search.isPending && <Loader size="sm" aria-label="Searching" />}
      <ErrorAlert error={search.error} />
      {search.data && items.length === 0 && (
        <Alert color="gray" variant="light" role="status" py={6}>
          No items match.
        </Alert>
      )}
      {items.length > 0 && <ItemTable items={items} label="Search results" />}
      <div ref={sentinel} />
      {hasNextPage && (
        <Group justify="center" mt="xs">
          <Button
            variant="default"
            size="xs"
            loading={isFetchingNextPage}
            onClick={() => void fetchNextPage()}
          >
            Load more
          </Button>
        </Group>
      )}
    </Paper>
  );
}

function ItemTable({ items, label }: { items: Item[]; label: string }) {
  const navigate = useNavigate();
  return (
    <Table highlightOnHover verticalSpacing={4} aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Item</Table.Th>
          <Table.Th scope="col">Queue</Table.Th>
          <Table.Th scope="col">Status</Table.Th>
          <Table.Th scope="col">Routing</Table.Th>
          <Table.Th scope="col">Model</Table.Th>
          <Table.Th scope="col">Confidence</Table.Th>
          <Table.Th scope="col">Submitted</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((item) => (
          <Table.Tr
            key={item.id}
            data-testid={`item-row-${item.id}`}
            style={{ cursor: 'pointer' }}
            onClick={(e) => {
              if ((e.target as HTMLElement).closest('a')) return;
              void navigate(`/items/${item.id}`);
            }}
          >
            <Table.Td>
              <Anchor component={Link} to={`/items/${item.id}`} size="sm" ff="monospace">
                {item.externalId ?? item.id.slice(0, 8)}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{item.queue}</Text>
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              <StatusBadge status={item.status} />
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap' }}>
              <RoutingBadge routing={item.routing} />
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                {item.model.name}
                {item.model.version ? `@${item.model.version}` : ''}
              </Text>
            </Table.Td>
            <Table.Td>{item.confidence.toFixed(2)}</Table.Td>
            <Table.Td>
              <Text size="sm">{formatDateTime(item.createdAt)}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
