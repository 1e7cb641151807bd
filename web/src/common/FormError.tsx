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
