import { Anchor, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import { routes } from './routes';

export function NotFound() {
  return (
    <Stack>
      <Title order={2}>Page not found</Title>
      <Text>
        There is nothing at this address.{' '}
        <Anchor component={Link} to={routes.home()}>
          Go to the start page
        </Anchor>
        .
      </Text>
    </Stack>
  );
}
