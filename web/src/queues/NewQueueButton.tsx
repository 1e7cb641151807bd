import { Button, Code, CopyButton, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api/client';
import type { Queue } from '../api/types';
import { FormError } from '../common/FormError';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

/** Creates a queue with the default policy; the webhook secret is shown once, here. */
export function NewQueueButton() {
  const [open, setOpen] = useState(false);
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<Queue | null>(null);
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => post<Queue>(apiPaths.queues(), { slug: slug.trim(), name: name.trim() }),
    onSuccess: (queue) => {
      setCreated(queue);
      void queryClient.invalidateQueries({ queryKey: queryKeys.queues.all });
    },
  });
  const error = create.error instanceof ApiError ? create.error : null;

  function close() {
    setOpen(false);
    setSlug('');
    setName('');
    setCreated(null);
    create.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <>
      <Button onClick={() => setOpen(true)}>New queue</Button>
      <Modal opened={open} onClose={close} title="New queue">
        {created ? (
          <Stack>
            <Text>
              Queue <b>{created.name}</b> created. Its webhook signing secret is shown only now:
            </Text>
            <Code block>{created.webhookSecret}</Code>
            <Group>
              <CopyButton value={created.webhookSecret ?? ''}>
                {({ copied, copy }) => (
                  <Button variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy secret'}
                  </Button>
                )}
              </CopyButton>
              <Button onClick={close}>Done</Button>
            </Group>
          </Stack>
        ) : (
          <form onSubmit={submit}>
            <Stack>
              <FormError error={create.error} />
              <TextInput
                label="Slug"
                description="lowercase letters, digits and dashes; never changes"
                required
                value={slug}
                onChange={(e) => setSlug(e.currentTarget.value)}
                error={error?.fieldMessage('slug')}
              />
              <TextInput
                label="Name"
                required
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={error?.fieldMessage('name')}
              />
              <Button type="submit" loading={create.isPending}>
                Create queue
              </Button>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
