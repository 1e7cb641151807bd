import { Badge } from '@mantine/core';
import type { ItemStatus } from '../api/types';

const COLOR: Record<ItemStatus, string> = {
  approved: 'teal',
  corrected: 'violet',
  rejected: 'red',
  pending: 'yellow',
  in_review: 'blue',
  escalated: 'orange',
};

export function StatusBadge({ status }: { status: ItemStatus }) {
  return (
    <Badge color={COLOR[status] ?? 'gray'} variant="light" data-testid="status">
      {status.replace('_', ' ')}
    </Badge>
  );
}
