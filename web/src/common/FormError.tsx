import { Alert } from '@mantine/core';
import { ApiError } from '../api/client';

/**
 * A form's error that no input shows: a refusal naming fields is shown under those fields
 * instead, anything else (no access, a conflict, a network failure) here.
 */
export function FormError({ error }: { error: Error | null }) {
  if (!error || (error instanceof ApiError && error.fields.length)) return null;
  return (
    <Alert color="red" role="alert">
      {error.message}
    </Alert>
  );
}

/**
 * A refusal's per-field messages as @mantine/form errors, for the named fields (server field
 * `queues` or `queues[0]` shows under the form field `queues`).
 */
export function fieldErrors(error: ApiError, fields: string[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const message = error.fieldMessage(field);
    if (message) errors[field] = message;
  }
  return errors;
}
