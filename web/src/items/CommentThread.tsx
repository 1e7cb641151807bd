import { Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useForm } from '@mantine/form';
import { ApiError, post } from '../api/client';
import { ErrorAlert } from '../common/ErrorAlert';
import { formatDateTime } from '../common/format';
import { Markdown } from '../common/Markdown';
import { appendComment } from './comment-cache';
import { useComments } from './queries';
import type { Comment } from './types';
import { apiPaths } from '../api/paths';
import { queryKeys } from '../api/query-keys';

const MAX = 5000;

/** The item's discussion, oldest first; new comments from anyone arrive live (item.commented). */
export function CommentThread({ itemId }: { itemId: string }) {
  const comments = useComments(itemId);
  const queryClient = useQueryClient();
  const form = useForm<{ body: string }>({ mode: 'controlled', initialValues: { body: '' } });
  const send = useMutation({
    mutationFn: (text: string) => post<Comment>(apiPaths.itemComments(itemId), { body: text }),
    onSuccess: (comment) => {
      queryClient.setQueryData<{ comments: Comment[] }>(queryKeys.items.comments(itemId), (old) =>
        appendComment(old, comment),
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.items.events(itemId) });
      form.reset();
    },
    onError: (error) => {
      const message = error instanceof ApiError ? error.fieldMessage('body') : undefined;
      if (message) form.setFieldError('body', message);
    },
  });
  const body = form.values.body;

  const submit = form.onSubmit((values) => {
    if (!values.body.trim() || send.isPending) return;
    send.mutate(values.body);
  });

  const list = comments.data?.comments ?? [];
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="comments-title">
      <Title order={3} size="h4" id="comments-title" mb="xs">
        Comments
      </Title>
      <ErrorAlert error={comments.error} />
      {comments.data && list.length === 0 && (
        <Text size="sm" c="dimmed">
          No comments yet.
        </Text>
      )}
      <Stack gap="xs" role="list" aria-label="Comment thread">
        {list.map((c) => (
          <Paper key={c.id} withBorder p="xs" radius="sm" role="listitem" data-testid="comment">
            <Group gap="xs" mb={2}>
              <Text size="sm" fw={600} data-testid="comment-author">
                {c.author.name}
              </Text>
              <Text size="xs" c="dimmed">
                {formatDateTime(c.createdAt)}
              </Text>
            </Group>
            <Markdown text={c.body} label="Comment text" />
          </Paper>
        ))}
      </Stack>
      <form onSubmit={submit}>
        <Stack gap={6} mt="sm">
          <Textarea
            label="Add a comment"
            description="Markdown: **bold**, _italic_, `code`, lists, links."
            autosize
            minRows={2}
            maxRows={10}
            maxLength={MAX}
            {...form.getInputProps('body')}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
                e.preventDefault();
                submit();
              }
            }}
          />
          {!(send.error instanceof ApiError && send.error.fieldMessage('body')) && (
            <ErrorAlert error={send.error} />
          )}
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {body.length}/{MAX}
            </Text>
            <Button type="submit" size="xs" loading={send.isPending} disabled={!body.trim()}>
              Post comment
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
