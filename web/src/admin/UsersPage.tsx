import {
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Checkbox,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, get, patch, post } from '../api/client';
import type { Role, User } from '../api/types';
import { hasRole, useSession } from '../auth/session';
import { ErrorAlert } from '../common/ErrorAlert';
import { FormError } from '../common/FormError';
import { QueueChecklist } from './QueueChecklist';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

const ROLE_OPTIONS: { value: Role; label: string }[] = [
  { value: 'reviewer', label: 'Reviewer' },
  { value: 'lead', label: 'Lead' },
  { value: 'analyst', label: 'Analyst' },
  { value: 'admin', label: 'Admin' },
];

/** Users, their roles and the queues they review. Leads may look; admins change. */
export function UsersPage() {
  const { user: me } = useSession();
  const isAdmin = hasRole(me, 'admin');
  const users = useQuery({
    queryKey: queryKeys.users.all,
    queryFn: () => get<User[]>(apiPaths.users()),
  });
  const [editing, setEditing] = useState<User | null>(null);
  const [creating, setCreating] = useState(false);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Users</Title>
        {isAdmin && <Button onClick={() => setCreating(true)}>New user</Button>}
      </Group>
      {users.isPending && <Loader aria-label="Loading users" />}
      <ErrorAlert error={users.error} />
      {users.data && (
        <Table striped aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Email</Table.Th>
              <Table.Th scope="col">Roles</Table.Th>
              <Table.Th scope="col">Queues</Table.Th>
              <Table.Th scope="col">Status</Table.Th>
              {isAdmin && (
                <Table.Th scope="col">
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td>{u.name}</Table.Td>
                <Table.Td>{u.email}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {u.roles.map((r) => (
                      <Badge key={r} variant="light">
                        {r}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{u.queues.join(', ') || '—'}</Text>
                </Table.Td>
                <Table.Td>
                  {u.disabled ? (
                    <Badge color="gray">disabled</Badge>
                  ) : (
                    <Badge color="teal">active</Badge>
                  )}
                </Table.Td>
                {isAdmin && (
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => setEditing(u)}
                      aria-label={`Edit ${u.email}`}
                    >
                      Edit
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {creating && <UserModal onClose={() => setCreating(false)} />}
      {editing && <UserModal user={editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

function UserModal({ user, onClose }: { user?: User; onClose(): void }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(user?.email ?? '');
  const [name, setName] = useState(user?.name ?? '');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<string[]>(user?.roles ?? ['reviewer']);
  const [queueSlugs, setQueueSlugs] = useState<string[]>(user?.queues ?? []);
  const [disabled, setDisabled] = useState(user?.disabled ?? false);
  const save = useMutation({
    mutationFn: () =>
      user
        ? patch<User>(apiPaths.user(user.id), {
            name,
            roles,
            queues: queueSlugs,
            disabled,
            ...(password ? { password } : {}),
          })
        : post<User>(apiPaths.users(), { email, name, password, roles, queues: queueSlugs }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.users.all });
      onClose();
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const field = (f: string) => error?.fieldMessage(f);

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <Modal opened onClose={onClose} title={user ? `Edit ${user.email}` : 'New user'}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError error={save.error} />
          {!user && (
            <TextInput
              label="Email"
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={field('email')}
            />
          )}
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={field('name')}
          />
          <TextInput
            type="password"
            label={user ? 'New password (optional)' : 'Password'}
            description="at least 8 characters"
            required={!user}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={field('password')}
          />
          <Checkbox.Group label="Roles" value={roles} onChange={setRoles} error={field('roles')}>
            <Group mt={6}>
              {ROLE_OPTIONS.map((r) => (
                <Checkbox key={r.value} value={r.value} label={r.label} />
              ))}
            </Group>
          </Checkbox.Group>
          <QueueChecklist
            label="Queues"
            description="queues this person reviews (leads and admins review every queue)"
            value={queueSlugs}
            onChange={setQueueSlugs}
            error={field('queues')}
          />
          {user && (
            <Switch
              label="Disabled (cannot sign in)"
              checked={disabled}
              onChange={(e) => setDisabled(e.currentTarget.checked)}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {user ? 'Save user' : 'Create user'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
