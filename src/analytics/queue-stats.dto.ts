import { ApiProperty } from '@nestjs/swagger';

export class PendingByRoutingDto {
  @ApiProperty({ example: 12 }) block!: number;
  @ApiProperty({ example: 28 }) flag!: number;
  @ApiProperty({ example: 2 }) approve!: number;
}

export class QueueStatsDto {
  @ApiProperty({
    example: 42,
    description:
      'items waiting for a reviewer (blocked, flagged, sampled, reported); escalated ones are counted apart',
  })
  pending!: number;

  @ApiProperty({
    type: PendingByRoutingDto,
    description:
      'the pending items by routing; sampled and reported approved items count as approve',
  })
  pendingByRouting!: PendingByRoutingDto;

  @ApiProperty({ example: 3, description: 'items someone holds a lease on' })
  inReview!: number;

  @ApiProperty({
    example: 1,
    description:
      'items with status escalated, waiting for a lead or admin (or claimed by one without changing status)',
  })
  escalated!: number;

  @ApiProperty({
    example: 125,
    description:
      'seconds since the longest-waiting item entered the review line; 0 when nothing waits',
  })
  oldestPendingSeconds!: number;

  @ApiProperty({
    example: 310,
    description:
      'items that reached a decision (by policy, reviewer or timeout) in the last 24 hours',
  })
  decidedLast24h!: number;

  @ApiProperty({
    example: 0.82,
    description:
      'share (0–1) of items submitted in the last 24 hours that were routed approve; 0 when none were submitted',
  })
  autoApproveRate!: number;

  @ApiProperty({
    example: 37.5,
    nullable: true,
    type: Number,
    description:
      'median seconds from claim to decision over human reviews of the last 24 hours; null when there were none',
  })
  medianReviewSeconds!: number | null;

  @ApiProperty({
    example: 2,
    description:
      'undecided items (waiting or in review) past their slaDueAt, plus items decided by timeout ("decidedBy": "timeout") in the last 24 hours',
  })
  slaBreaches!: number;
}
