import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { ApiError, del, get, post } from '../api/client';
import type { ApiKey } from '../api/types';
import { ErrorAlert } from '../common/ErrorAlert';
import { fieldErrors, FormError } from '../common/FormError';
import { formatDateTime } from '../common/format';
import { QueueChecklist } from './QueueChecklist';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

/** Keys for product systems. A new key is shown once, with a copy button; revoking is immediate. */
export function ApiKeysPage() {
  const keys = useQuery({
    queryKey: queryKeys.apiKeys.all,
    queryFn: () => get<ApiKey[]>(apiPaths.apiKeys()),
  });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>API keys</Title>
        <Button onClick={() => setCreating(true)}>New API key</Button>
      </Group>
      {keys.isPending && <Loader aria-label="Loading API keys" />}
      <ErrorAlert error={keys.error} />
      {keys.data?.length === 0 && <Text c="dimmed">No API keys yet.</Text>}
      {keys.data && keys.data.length > 0 && (
        <Table striped aria-label="API keys">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Name</Table.Th>
              <Table.Th scope="col">Key</Table.Th>
              <Table.Th scope="col">Queues</Table.Th>
              <Table.Th scope="col">Scopes</Table.Th>
              <Table.Th scope="col">Created</Table.Th>
              <Table.Th scope="col">Last used</Table.Th>
              <Table.Th scope="col">
                <span className="visually-hidden">Actions</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {keys.data.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>{k.name}</Table.Td>
                <Table.Td>
                  <Code>{k.keyPrefix}…</Code>
                </Table.Td>
                <Table.Td>{k.queues.includes('*') ? 'all queues' : k.queues.join(', ')}</Table.Td>
                <Table.Td>{k.scopes.join(', ')}</Table.Td>
                <Table.Td>{formatDateTime(k.createdAt)}</Table.Td>
                <Table.Td>{formatDateTime(k.lastUsedAt)}</Table.Td>
                <Table.Td>
                  {k.revokedAt ? (
                    <Badge color="gray">revoked</Badge>
                  ) : (
                    <Button
                      size="xs"
                      color="red"
                      variant="light"
                      onClick={() => setRevoking(k)}
                      aria-label={`Revoke ${k.name}`}
                    >
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {creating && <CreateKeyModal onClose={() => setCreating(false)} />}
      {revoking && <RevokeModal apiKey={revoking} onClose={() => setRevoking(null)} />}
    </Stack>
  );
}

interface KeyValues {
  name: string;
  queues: string[];
  scopes: string[];
}

function CreateKeyModal({ onClose }: { onClose(): void }) {
  const queryClient = useQueryClient();
  const form = useForm<KeyValues>({
    mode: 'controlled',
    initialValues: { name: '', queues: [], scopes: ['items:write', 'items:read'] },
  });
  const create = useMutation({
    mutationFn: (values: KeyValues) => post<ApiKey>(apiPaths.apiKeys(), values),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys.all }),
    onError: (error) => {
      if (error instanceof ApiError)
        form.setErrors(fieldErrors(error, ['name', 'queues', 'scopes']));
    },
  });
  const created = create.data;

  const submit = form.onSubmit((values) => create.mutate(values));

  return (
    <Modal opened onClose={onClose} title={created ? 'API key created' : 'New API key'} size="lg">
      {created?.key ? (
        <Stack>
          <Alert color="yellow" role="status">
            Copy the key now. It is shown only this once; Verdict stores only its hash.
          </Alert>
          <Code block data-testid="new-api-key">
            {created.key}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={created.key}>
              {({ copied, copy }) => (
                <Button variant="light" color={copied ? 'teal' : 'blue'} onClick={copy}>
                  {copied ? 'Copied' : 'Copy key'}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <FormError error={create.error} />
            <TextInput
              label="Name"
              description="which system uses it, e.g. support bot (production)"
              required
              {...form.getInputProps('name')}
            />
            <QueueChecklist
              label="Queues"
              withAll
              value={form.values.queues}
              // "*" (every queue) stands alone.
              onChange={(v) => form.setFieldValue('queues', v.includes('*') ? ['*'] : v)}
              error={form.errors.queues}
            />
            <Checkbox.Group label="Scopes" {...form.getInputProps('scopes')}>
              <Group mt={4}>
                <Checkbox value="items:write" label="items:write (submit items)" />
                <Checkbox value="items:read" label="items:read (read items and verdicts)" />
              </Group>
            </Checkbox.Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function RevokeModal({ apiKey, onClose }: { apiKey: ApiKey; onClose(): void }) {
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => del(apiPaths.apiKey(apiKey.id)),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys.all });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Revoke ${apiKey.name}?`}>
      <Stack>
        <Text size="sm">
          Requests with this key are refused from the moment you revoke it. This cannot be undone.
        </Text>
        <ErrorAlert error={revoke.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" onClick={() => revoke.mutate()} loading={revoke.isPending}>
            Revoke key
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
