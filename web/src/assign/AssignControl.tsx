import { Button, Group, Select, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from '@mantine/form';
import { del, get, post } from '../api/client';
import type { Item, User } from '../api/types';
import { isLead, useSession } from '../auth/session';
import { ErrorAlert } from '../common/ErrorAlert';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

/** Who may review items of this queue (leads and admins everywhere). */
function canReviewQueue(user: User, slug: string, escalated: boolean): boolean {
  if (user.disabled) return false;
  if (user.roles.includes('admin') || user.roles.includes('lead')) return true;
  return !escalated && user.roles.includes('reviewer') && user.queues.includes(slug);
}

/**
 * Reserve a waiting item for one reviewer (leads and admins): their next claim takes it first,
 * nobody else's does, and it lapses back to everyone after the queue's leaseSeconds × 4.
 * Small on purpose, to sit in a table row or on the item page.
 */
export function AssignControl({
  item,
  onChanged,
}: {
  item: Pick<Item, 'id' | 'queue' | 'status' | 'assignedTo' | 'review'>;
  onChanged?: () => void;
}) {
  const { user } = useSession();
  const queryClient = useQueryClient();
  const form = useForm<{ userId: string | null }>({
    mode: 'controlled',
    initialValues: { userId: null },
  });
  const choice = form.values.userId;
  const users = useQuery({
    queryKey: queryKeys.users.all,
    queryFn: () => get<User[]>(apiPaths.users()),
    enabled: isLead(user),
    staleTime: 60_000,
  });
  const done = () => {
    form.reset();
    void queryClient.invalidateQueries({ queryKey: queryKeys.items.lists.all });
    onChanged?.();
  };
  const assign = useMutation({
    mutationFn: (userId: string) => post<Item>(apiPaths.itemAssign(item.id), { userId }),
    onSuccess: done,
  });
  const unassign = useMutation({
    mutationFn: () => del<void>(apiPaths.itemAssign(item.id)),
    onSuccess: done,
  });
  if (!isLead(user)) return null;
  const escalated = item.status === 'escalated';
  const options = (users.data ?? [])
    .filter((u) => canReviewQueue(u, item.queue, escalated))
    .map((u) => ({ value: u.id, label: u.name }));
  const waiting = item.review?.state === undefined || item.review.state === 'waiting';
  return (
    <Group gap="xs" wrap="nowrap" aria-label={`Assignment of ${item.id.slice(0, 8)}`}>
      {item.assignedTo ? (
        <>
          <Text size="sm">
            Assigned to <b>{item.assignedTo.name ?? item.assignedTo.id.slice(0, 8)}</b>
          </Text>
          <Button
            size="compact-xs"
            variant="subtle"
            loading={unassign.isPending}
            onClick={() => unassign.mutate()}
          >
            Unassign
          </Button>
        </>
      ) : (
        <>
          <Select
            size="xs"
            w={160}
            placeholder={waiting ? 'Assign to…' : 'In review'}
            aria-label="Assign to"
            data={options}
            {...form.getInputProps('userId')}
            searchable
            disabled={!waiting}
          />
          <Button
            size="compact-xs"
            disabled={!choice || !waiting}
            loading={assign.isPending}
            onClick={() => choice && assign.mutate(choice)}
          >
            Assign
          </Button>
        </>
      )}
      <ErrorAlert error={assign.error ?? unassign.error} />
    </Group>
  );
}
