import { Badge, Group, List, Paper, Progress, Stack, Table, Text, Tooltip } from '@mantine/core';
import type { Item, Route } from '../api/types';
import { formatDateTime, roundNumbersInText } from '../common/format';
import { ValueBlock } from '../common/ValueBlock';

export const ROUTING_COLOR: Record<Route, string> = {
  approve: 'teal',
  flag: 'yellow',
  block: 'red',
};
const ROUTING_LABEL: Record<Route, string> = {
  approve: 'approved by policy',
  flag: 'flagged',
  block: 'blocked',
};

export function RoutingBadge({ routing }: { routing: Route }) {
  return (
    <Badge color={ROUTING_COLOR[routing] ?? 'gray'} variant="filled" data-testid="routing">
      {ROUTING_LABEL[routing] ?? routing}
    </Badge>
  );
}

/** Why the item is here: routing, every reason, confidence, model, timing. */
export function ItemSummary({ item }: { item: Item }) {
  const reviewClass = item.review?.class;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-label="Why this item is here">
      <Stack gap="xs">
        <Group gap="xs">
          <RoutingBadge routing={item.routing} />
          <Badge variant="outline" color="gray">
            status: {item.status.replace('_', ' ')}
          </Badge>
          {reviewClass && reviewClass !== 'blocked' && reviewClass !== 'flagged' && (
            <Badge color={reviewClass === 'escalated' ? 'orange' : 'indigo'} variant="light">
              {reviewClass}
            </Badge>
          )}
          {item.usable ? (
            <Badge color="teal" variant="light">
              output in use
            </Badge>
          ) : (
            <Badge color="red" variant="light">
              output held back
            </Badge>
          )}
        </Group>
        <List size="sm" spacing={2} aria-label="Reasons" data-testid="reasons">
          {item.reasons.map((r, i) => (
            <List.Item key={i}>
              <Badge size="xs" variant="light" color="gray" mr={6}>
                {r.kind}
                {r.rule ? `: ${r.rule}` : ''}
              </Badge>
              {roundNumbersInText(r.message)}
            </List.Item>
          ))}
        </List>
        <Group gap="lg" align="flex-start">
          <div style={{ minWidth: 160 }}>
            <Text size="xs" c="dimmed">
              Confidence
            </Text>
            <Group gap={6} wrap="nowrap">
              <Text fw={700} data-testid="confidence">
                {item.confidence.toFixed(2)}
              </Text>
              <Progress
                value={item.confidence * 100}
                w={90}
                color={ROUTING_COLOR[item.routing]}
                aria-label={`confidence ${item.confidence.toFixed(2)}`}
              />
            </Group>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Model
            </Text>
            <Text fw={600} data-testid="model">
              {item.model.name}
              {item.model.version ? ` · ${item.model.version}` : ''}
            </Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">
              Submitted
            </Text>
            <Text size="sm">{formatDateTime(item.createdAt)}</Text>
          </div>
          {item.slaDueAt && (
            <div>
              <Text size="xs" c="dimmed">
                SLA due
              </Text>
              <Text size="sm">{formatDateTime(item.slaDueAt)}</Text>
            </div>
          )}
          {item.externalId && (
            <div>
              <Text size="xs" c="dimmed">
                External id
              </Text>
              <Tooltip label={`policy version ${item.policyVersion}`}>
                <Text size="sm">{item.externalId}</Text>
              </Tooltip>
            </div>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

export function Metadata({ metadata }: { metadata: Record<string, unknown> | null }) {
  const entries = Object.entries(metadata ?? {});
  if (entries.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No metadata.
      </Text>
    );
  }
  return (
    <Table withRowBorders={false} verticalSpacing={2} aria-label="Metadata" data-testid="metadata">
      <Table.Tbody>
        {entries.map(([key, value]) => (
          <Table.Tr key={key}>
            <Table.Th scope="row" w="35%" fw={500}>
              {key}
            </Table.Th>
            <Table.Td>
              {value !== null && typeof value === 'object' ? (
                <ValueBlock value={value} label={`metadata ${key}`} />
              ) : (
                <Text size="sm" className="value-text">
                  {String(value)}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
