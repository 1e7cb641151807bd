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
import { useForm } from '@mantine/form';
import { useEffect, useRef } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, get } from '../api/client';
import { apiPaths, type ItemsSearchQuery } from '../api/paths';
import { queryKeys } from '../api/query-keys';
import { useQueues } from '../api/queries';
import type { Item } from '../api/types';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { itemsSearchParams, routes, type ItemsQuery } from '../common/routes';
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

/** The search and filters in the page's address (absent ones left out). */
function readQuery(params: URLSearchParams): ItemsQuery {
  const query: ItemsQuery = { search: params.get('search')?.trim() || null };
  for (const key of FILTER_KEYS) query[key] = params.get(key) || null;
  return query;
}

interface SearchValues {
  search: string;
  model: string;
  label: string;
}

/**
 * Find any item you may see: by id, externalId or text, narrowed by filters. Everything lives in
 * the URL (?search=&queue=&status=…), so a search can be bookmarked and shared. The typed fields
 * (search, model, label) are a form that writes to the URL on submit (and model/label on blur);
 * the choices write at once.
 */
export function ItemsPage() {
  const [params, setParams] = useSearchParams();
  const queues = useQueues();
  const query = readQuery(params);
  const search = query.search ?? '';
  const form = useForm<SearchValues>({
    mode: 'controlled',
    initialValues: { search, model: query.model ?? '', label: query.label ?? '' },
  });
  // The address wins when it changes (back/forward, a link, Clear all).
  const { setValues } = form;
  const [urlModel, urlLabel] = [query.model ?? '', query.label ?? ''];
  useEffect(
    () => setValues({ search, model: urlModel, label: urlLabel }),
    [search, urlModel, urlLabel, setValues],
  );

  function update(changes: ItemsQuery) {
    // From the latest address, so two changes in one tick (a blur, then a pick) both land.
    setParams((prev) => itemsSearchParams({ ...readQuery(prev), ...changes }), { replace: false });
  }

  const submit = form.onSubmit((v) =>
    update({
      search: v.search.trim() || null,
      model: v.model.trim() || null,
      label: v.label.trim() || null,
    }),
  );

  const filters: ItemsSearchQuery = {};
  for (const key of FILTER_KEYS) {
    const v = query[key];
    // Typed as the API's filters; the server answers 400 naming a filter it cannot read.
    if (v) (filters as Record<string, string>)[key] = v;
  }
  const textQuery: ItemsSearchQuery = search ? { ...filters, q: search } : filters;
  const anyFilter = Object.keys(filters).length > 0;
  const active = FILTER_KEYS.filter((k) => query[k]);

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
              {...form.getInputProps('search')}
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
              value={query.queue ?? null}
              onChange={(v) => update({ queue: v })}
            />
            <Select
              label="Status"
              placeholder="Any status"
              clearable
              w={150}
              data={STATUSES.map((s) => ({ value: s, label: s.replace('_', ' ') }))}
              value={query.status ?? null}
              onChange={(v) => update({ status: v })}
            />
            <Select
              label="Routing"
              placeholder="Any routing"
              clearable
              w={170}
              data={ROUTINGS}
              value={query.routing ?? null}
              onChange={(v) => update({ routing: v })}
            />
            <TextInput
              label="Model"
              placeholder="name or name@version"
              w={190}
              {...form.getInputProps('model')}
              onBlur={() => update({ model: form.values.model.trim() || null })}
            />
            <TextInput
              label="Label"
              placeholder="a review label"
              w={140}
              {...form.getInputProps('label')}
              onBlur={() => update({ label: form.values.label.trim() || null })}
            />
            <TextInput
              type="date"
              label="Submitted from"
              w={160}
              value={dayOf(query.since ?? null)}
              onChange={(e) => update({ since: e.currentTarget.value || null })}
            />
            <TextInput
              type="date"
              label="Submitted until"
              w={160}
              value={dayOf(query.until ?? null)}
              onChange={(e) => update({ until: e.currentTarget.value || null })}
            />
            <Checkbox
              label="Reviewed by me"
              mb={8}
              checked={query.reviewer === 'me'}
              onChange={(e) => update({ reviewer: e.currentTarget.checked ? 'me' : null })}
            />
            {(active.length > 0 || search) && (
              <Button
                variant="subtle"
                onClick={() => {
                  form.setValues({ search: '', model: '', label: '' });
                  setParams(itemsSearchParams({}));
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
        query={textQuery}
        title={search ? `Items mentioning “${search}”` : anyFilter ? 'Matching items' : 'All items'}
      />
    </Stack>
  );
}

/** What the search text names exactly: an item id, or an externalId in any queue you may see. */
function ExactMatches({ search }: { search: string }) {
  const byId = useQuery({
    queryKey: queryKeys.items.detail(search),
    queryFn: () => get<Item>(apiPaths.item(search)),
    enabled: UUID.test(search),
    retry: false,
  });
  const byExternalId = useQuery({
    queryKey: queryKeys.items.byExternalId(search),
    queryFn: () => get<{ items: Item[] }>(apiPaths.items({ externalId: search, limit: 20 })),
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

function Results({ query, title }: { query: ItemsSearchQuery; title: string }) {
  const search = useItemSearch(query);
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
              void navigate(routes.item(item.id));
            }}
          >
            <Table.Td>
              <Anchor component={Link} to={routes.item(item.id)} size="sm" ff="monospace">
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
