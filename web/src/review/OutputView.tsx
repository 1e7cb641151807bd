import { Paper, Table, Text, Title } from '@mantine/core';
import { ValueBlock } from '../common/ValueBlock';
import { isPlainObject, toolCallOf } from './output-shape';
import { Prose } from './Prose';
import { ToolCallView } from './ToolCallView';

/**
 * The output as a person reads it: a tool call as an action, an object's text fields as text
 * (line breaks kept, markdown rendered), one string as prose; anything else as JSON.
 */
export function OutputView({ output }: { output: unknown }) {
  const call = toolCallOf(output);
  if (call)
    return (
      <div data-testid="output">
        <ToolCallView call={call} />
      </div>
    );
  const entries = isPlainObject(output) ? Object.entries(output) : null;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby="output-title">
      <Title order={3} size="h5" id="output-title" mb="xs">
        Output
      </Title>
      <div data-testid="output">
        {typeof output === 'string' ? (
          <Prose text={output} label="output text" />
        ) : entries && entries.length > 0 && entries.length <= 30 ? (
          <Table withRowBorders={false} verticalSpacing={4} aria-label="Output fields">
            <Table.Tbody>
              {entries.map(([key, value]) => (
                <Table.Tr key={key}>
                  <Table.Th
                    scope="row"
                    w="25%"
                    fw={600}
                    className="value-text"
                    style={{ verticalAlign: 'top' }}
                  >
                    {key}
                  </Table.Th>
                  <Table.Td>
                    {typeof value === 'string' ? (
                      <Prose text={value} label={`output ${key}`} />
                    ) : value !== null && typeof value === 'object' ? (
                      <ValueBlock value={value} label={`output ${key}`} />
                    ) : (
                      <Text size="sm" className="value-text">
                        {JSON.stringify(value)}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <ValueBlock value={output} label="output value" />
        )}
      </div>
    </Paper>
  );
}
