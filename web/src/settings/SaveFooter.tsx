import { Alert, Button, Group, Text } from '@mantine/core';
import { ApiError } from '../api/client';
import { plainWords } from './field-errors';

/** Below a form: what kept it from saving (once, in plain words), its button, the saved notice. */
export function SaveFooter({
  state,
  dirty,
  invalid,
  button,
  savedNotice,
}: {
  state: {
    save: { isPending: boolean };
    saved: boolean;
    error: Error | null;
    unplaced: string[];
  };
  dirty: boolean;
  invalid: boolean;
  button: string;
  savedNotice: string;
}) {
  const { save, saved, error, unplaced } = state;
  return (
    <>
      {error && !(error instanceof ApiError && error.fields.length) && (
        <Alert color="red" role="alert">
          {error.message}
        </Alert>
      )}
      {unplaced.length > 0 && (
        <Alert color="red" role="alert">
          {unplaced.map(plainWords).join(' ')}
        </Alert>
      )}
      <Group>
        <Button type="submit" loading={save.isPending}>
          {button}
        </Button>
        {invalid && (
          <Text size="sm" c="red.9" role="alert">
            Not saved: fix the fields marked in red.
          </Text>
        )}
        {!invalid && dirty && (
          <Text size="sm" c="dimmed">
            Unsaved changes
          </Text>
        )}
        {saved && !dirty && (
          <Text size="sm" c="teal.9" role="status">
            {savedNotice}
          </Text>
        )}
      </Group>
    </>
  );
}
