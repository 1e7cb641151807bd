import type { UseFormReturnType } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { Queue } from '../api/types';
import { formErrors } from './field-errors';
import { queryKeys } from '../api/query-keys';

/**
 * Saving one settings form: on success the cached queue is replaced and the form's current
 * values become its new clean state; a refusal naming fields is shown next to those fields.
 */
export function useQueueSave<V extends Record<string, unknown>>(
  slug: string,
  form: UseFormReturnType<V>,
  route: (field: string) => string | null,
  send: (values: V) => Promise<Queue>,
) {
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: send,
    onSuccess: (queue, values) => {
      queryClient.setQueryData(queryKeys.queues.detail(slug), queue);
      void queryClient.invalidateQueries({ queryKey: queryKeys.queues.all });
      void queryClient.invalidateQueries({ queryKey: queryKeys.queues.policyHistory(slug) });
      form.resetDirty(values);
      setSaved(true);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.fields.length)
        form.setErrors(formErrors(error.fields, route));
    },
  });
  const onSubmit = form.onSubmit((values) => {
    setSaved(false);
    save.mutate(values);
  });
  const error = save.error;
  /** Refusals no field shows (no access, conflict, network, or a field this form lacks). */
  const unplaced =
    error instanceof ApiError && error.fields.length
      ? error.fields.filter((f) => !route(f.field)).map((f) => f.message)
      : [];
  return { save, saved: saved && !form.isDirty(), onSubmit, error, unplaced };
}
