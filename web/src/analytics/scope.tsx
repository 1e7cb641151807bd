import { Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Scope {
  queue: string | null;
  model: string;
}

export function Section({
  title,
  children,
  label,
}: {
  title: string;
  label: string;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={label}>
      <Stack gap="sm">
        <Title order={3} size="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}
