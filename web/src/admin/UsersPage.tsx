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
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { ApiError, get, patch, post } from '../api/client';
import type { Role, User } from '../api/types';
import { hasRole, useSession } from '../auth/session';
import { ErrorAlert } from '../common/ErrorAlert';
import { fieldErrors, FormError } from '../common/FormError';
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

interface UserValues {
  email: string;
  name: string;
  /** Empty when editing: the password stays as it is. */
  password: string;
  roles: Role[];
  queues: string[];
  disabled: boolean;
}

function UserModal({ user, onClose }: { user?: User; onClose(): void }) {
  const queryClient = useQueryClient();
  const form = useForm<UserValues>({
    mode: 'controlled',
    initialValues: {
      email: user?.email ?? '',
      name: user?.name ?? '',
      password: '',
      roles: user?.roles ?? ['reviewer'],
      queues: user?.queues ?? [],
      disabled: user?.disabled ?? false,
    },
  });
  const save = useMutation({
    mutationFn: ({ email, name, password, roles, queues: queueSlugs, disabled }: UserValues) =>
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
    onError: (error) => {
      if (error instanceof ApiError)
        form.setErrors(fieldErrors(error, ['email', 'name', 'password', 'roles', 'queues']));
    },
  });

  const submit = form.onSubmit((values) => save.mutate(values));

  return (
    <Modal opened onClose={onClose} title={user ? `Edit ${user.email}` : 'New user'}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError error={save.error} />
          {!user && (
            <TextInput label="Email" type="email" required {...form.getInputProps('email')} />
          )}
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <TextInput
            type="password"
            label={user ? 'New password (optional)' : 'Password'}
            description="at least 8 characters"
            required={!user}
            {...form.getInputProps('password')}
          />
          <Checkbox.Group label="Roles" {...form.getInputProps('roles')}>
            <Group mt={6}>
              {ROLE_OPTIONS.map((r) => (
                <Checkbox key={r.value} value={r.value} label={r.label} />
              ))}
            </Group>
          </Checkbox.Group>
          <QueueChecklist
            label="Queues"
            description="queues this person reviews (leads and admins review every queue)"
            value={form.values.queues}
            onChange={(v) => form.setFieldValue('queues', v)}
            error={form.errors.queues}
          />
          {user && (
            <Switch
              label="Disabled (cannot sign in)"
              {...form.getInputProps('disabled', { type: 'checkbox' })}
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
