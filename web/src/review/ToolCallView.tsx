import { Badge, Group, Paper, Table, Text, Title } from '@mantine/core';
import { ValueBlock } from '../common/ValueBlock';
import type { ToolCall } from './output-shape';

/** Arguments as a readable form: one row per argument, text as text, structures as JSON. */
export function ToolArgs({ args, label }: { args: Record<string, unknown>; label: string }) {
  const entries = Object.entries(args);
  if (entries.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No arguments.
      </Text>
    );
  return (
    <Table withRowBorders verticalSpacing={4} aria-label={label} data-testid="tool-args">
      <Table.Tbody>
        {entries.map(([key, value]) => (
          <Table.Tr key={key}>
            <Table.Th scope="row" w="35%" fw={600} className="value-text">
              {key}
            </Table.Th>
            <Table.Td>
              {value !== null && typeof value === 'object' ? (
                <ValueBlock value={value} label={`argument ${key}`} />
              ) : (
                <Text size="sm" className="value-text" data-testid={`tool-arg-${key}`}>
                  {typeof value === 'string' ? value : JSON.stringify(value)}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** A proposed agent action: the tool the agent wants to run and with what. */
export function ToolCallView({ call }: { call: ToolCall }) {
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="output-title">
      <Group gap="xs" mb="xs">
        <Title order={3} size="h5" id="output-title">
          Proposed action
        </Title>
        <Badge variant="light" color="indigo" tt="none" data-testid="tool-name">
          {call.name}
        </Badge>
      </Group>
      <Text size="sm" mb={4}>
        The agent wants to run <b>{call.name}</b> with these arguments:
      </Text>
      <ToolArgs args={call.args} label={`Arguments of ${call.name}`} />
    </Paper>
  );
}
