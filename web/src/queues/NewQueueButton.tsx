import { Button, Code, CopyButton, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { ApiError, post } from '../api/client';
import type { Queue } from '../api/types';
import { fieldErrors, FormError } from '../common/FormError';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

/** Creates a queue with the default policy; the webhook secret is shown once, here. */
export function NewQueueButton() {
  const [open, setOpen] = useState(false);
  const form = useForm({ mode: 'controlled', initialValues: { slug: '', name: '' } });
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      post<Queue>(apiPaths.queues(), { slug: v.slug.trim(), name: v.name.trim() }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.queues.all }),
    onError: (error) => {
      if (error instanceof ApiError) form.setErrors(fieldErrors(error, ['slug', 'name']));
    },
  });
  const created = create.data ?? null;

  function close() {
    setOpen(false);
    form.reset();
    create.reset();
  }

  const submit = form.onSubmit((values) => create.mutate(values));

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
                {...form.getInputProps('slug')}
              />
              <TextInput label="Name" required {...form.getInputProps('name')} />
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
