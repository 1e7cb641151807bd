import { Alert } from '@mantine/core';

export function NotAllowed() {
  return (
    <Alert color="yellow" title="Not available for your role" role="status">
      Your account does not have access to this page. Ask an admin if you need it.
    </Alert>
  );
}
