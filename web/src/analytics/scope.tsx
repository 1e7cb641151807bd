import { Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Scope {
  queue: string | null;
  model: string;
}

/** ?queue=&model= for the analytics endpoints. */
export function scopeQuery(scope: Scope, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  if (scope.queue) params.set('queue', scope.queue);
  if (scope.model.trim()) params.set('model', scope.model.trim());
  const text = params.toString();
  return text ? `?${text}` : '';
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
