import { Code, Text } from '@mantine/core';
import { pretty } from './format';

/**
 * Shows an AI input or output exactly as text. React escapes it, so HTML or script in a
 * model's output is displayed, never run. Never use dangerouslySetInnerHTML here.
 */
export function ValueBlock({ value, label }: { value: unknown; label: string }) {
  if (value === null || value === undefined) {
    return (
      <Text c="dimmed" size="sm" aria-label={label}>
        (none)
      </Text>
    );
  }
  if (typeof value === 'string') {
    return (
      <Text component="div" className="value-text" aria-label={label} data-testid={label}>
        {value}
      </Text>
    );
  }
  return (
    <Code block className="value-json" aria-label={label} data-testid={label}>
      {pretty(value)}
    </Code>
  );
}
