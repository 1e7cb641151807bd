import { Alert, Text } from '@mantine/core';
import { formatDateTime } from '../common/format';
import type { ItemReview } from './types';

/** The most recent escalation among an item's reviews, if any. */
export function latestEscalation(reviews: ItemReview[] | undefined): ItemReview | null {
  const escalations = (reviews ?? []).filter((r) => r.action === 'escalate');
  return escalations.length ? escalations[escalations.length - 1] : null;
}

/** Why someone escalated the item, by whom and when: shown first, where a lead looks. */
export function EscalationNote({
  review,
  author,
  open,
}: {
  review: ItemReview;
  author: string;
  open: boolean;
}) {
  const note = [review.comment, review.reason].filter(Boolean).join(' — ');
  return (
    <Alert
      color={open ? 'orange' : 'gray'}
      variant="light"
      title={`Escalated by ${author} · ${formatDateTime(review.decidedAt)}`}
      aria-label="Escalation note"
      data-testid="escalation-note"
    >
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {note || '(no note)'}
      </Text>
    </Alert>
  );
}
