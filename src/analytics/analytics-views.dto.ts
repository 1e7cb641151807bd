import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Answers of the analytics routes (OpenAPI description; the services build the objects). */

const nullableNumber = (description: string, example?: number) => ({
  nullable: true,
  type: Number,
  description,
  ...(example === undefined ? {} : { example }),
});

export class CalibrationBinDto {
  @ApiProperty({ example: 0.7 }) lo!: number;
  @ApiProperty({ example: 0.8 }) hi!: number;
  @ApiProperty({ example: 120, description: 'human-decided items in the bin' }) count!: number;
  @ApiProperty(nullableNumber('mean confidence of those items; null when empty', 0.75))
  meanConfidence!: number | null;
  @ApiProperty(nullableNumber('share people approved; null when empty', 0.71))
  humanApproveRate!: number | null;
}

export class CalibrationDto {
  @ApiProperty({ nullable: true, type: String, example: 'support-replies' }) queue!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'support-llm@2026-10-01' }) model!:
    string | null;
  @ApiProperty({ nullable: true, type: Date }) since!: Date | null;
  @ApiProperty({ type: [CalibrationBinDto] }) bins!: CalibrationBinDto[];
  @ApiProperty(nullableNumber('expected calibration error; null when nothing was reviewed', 0.04))
  ece!: number | null;
  @ApiProperty({ example: 1200 }) reviewed!: number;
}

export class DistributionBinDto {
  @ApiProperty({ example: 0.7 }) lo!: number;
  @ApiProperty({ example: 0.8 }) hi!: number;
  @ApiProperty({ example: 340 }) count!: number;
  @ApiProperty({ example: 0.17 }) share!: number;
}

export class OverrideDayDto {
  @ApiProperty({ example: '2026-11-20', description: 'UTC day of the decision' }) day!: string;
  @ApiProperty({ example: 40 }) reviewed!: number;
  @ApiProperty({ example: 3 }) overridden!: number;
  @ApiProperty({ example: 0.075 }) rate!: number;
}

export class VersionDriftDto {
  @ApiProperty({ nullable: true, type: String }) queue!: string | null;
  @ApiProperty({ example: 'support-llm' }) model!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-10-01' }) version!: string | null;
  @ApiProperty({ format: 'date-time' }) firstSeen!: string;
  @ApiProperty({ example: 2000 }) items!: number;
  @ApiProperty({ type: [DistributionBinDto] }) distribution!: DistributionBinDto[];
  @ApiProperty({ nullable: true, type: String }) previousVersion!: string | null;
  @ApiProperty(nullableNumber('population stability index against the previous version', 0.08))
  psi!: number | null;
  @ApiProperty({ enum: ['stable', 'moderate', 'significant'], nullable: true, type: String })
  psiLevel!: 'stable' | 'moderate' | 'significant' | null;
  @ApiProperty({ example: 300 }) reviewed!: number;
  @ApiProperty({ example: 21 }) overridden!: number;
  @ApiProperty(nullableNumber('share of human verdicts that were reject or correct', 0.07))
  overrideRate!: number | null;
  @ApiProperty({ type: [OverrideDayDto] }) overrideByDay!: OverrideDayDto[];
}

export class DriftDto {
  @ApiProperty({ nullable: true, type: String }) queue!: string | null;
  @ApiProperty({ nullable: true, type: String }) model!: string | null;
  @ApiProperty({ example: 30 }) days!: number;
  @ApiProperty({ type: [VersionDriftDto], description: 'in the order versions first appeared' })
  versions!: VersionDriftDto[];
}

export class ReviewerActionsDto {
  @ApiProperty({ example: 80 }) approve!: number;
  @ApiProperty({ example: 10 }) reject!: number;
  @ApiProperty({ example: 8 }) correct!: number;
  @ApiProperty({ example: 2 }) escalate!: number;
}

export class ReviewerQualityDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Ana' }) name!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'ana@example.com' }) email!: string | null;
  @ApiProperty({ example: 100 }) reviews!: number;
  @ApiProperty({ type: ReviewerActionsDto }) actions!: ReviewerActionsDto;
  @ApiProperty({ example: 12 }) reviewsLast24h!: number;
  @ApiProperty({ example: 30.5 }) throughputPerHour!: number;
  @ApiProperty({ example: 95 }) throughputPerDay!: number;
  @ApiProperty(nullableNumber('median seconds from claim to decision', 41))
  medianReviewSeconds!: number | null;
  @ApiProperty({ example: 20 }) multiReviewItems!: number;
  @ApiProperty({ example: 22 }) comparisons!: number;
  @ApiProperty(nullableNumber('share of comparisons where another reviewer agreed', 0.9))
  agreementRate!: number | null;
}

/** Agreement on one rubric question: pairs of people who both answered it on the same item. */
export class QuestionAgreementDto {
  @ApiProperty({ example: 'helpful' }) key!: string;
  @ApiProperty({ example: 'How helpful is the reply?' }) label!: string;
  @ApiProperty({ enum: ['rating', 'single', 'multi', 'boolean', 'text'] }) type!: string;
  @ApiProperty({ example: 12, description: 'items two or more people answered it on' })
  multiReviewItems!: number;
  @ApiProperty({ example: 12 }) pairs!: number;
  @ApiProperty(nullableNumber('share of those pairs that gave the same answer', 0.75))
  agreementRate!: number | null;
}

export class QueueReviewQualityDto {
  @ApiProperty({ example: 'support-replies' }) queue!: string;
  @ApiProperty({ example: 400 }) reviews!: number;
  @ApiProperty({ example: 5 }) reviewers!: number;
  @ApiProperty(nullableNumber('median seconds from claim to decision', 38))
  medianReviewSeconds!: number | null;
  @ApiProperty({ example: 40 }) multiReviewItems!: number;
  @ApiProperty({ example: 44 }) pairs!: number;
  @ApiProperty(nullableNumber('share of reviewer pairs that agreed', 0.88))
  agreementRate!: number | null;
  @ApiProperty(nullableNumber('share of multi-review items where everyone agreed', 0.85))
  unanimousRate!: number | null;
  @ApiProperty({
    type: [QuestionAgreementDto],
    description: "agreement per question of the queue's current rubric",
  })
  questions!: QuestionAgreementDto[];
}

export class ReviewersReportDto {
  @ApiProperty({ nullable: true, type: String }) queue!: string | null;
  @ApiProperty({ nullable: true, type: Date }) since!: Date | null;
  @ApiProperty({ type: [ReviewerQualityDto] }) reviewers!: ReviewerQualityDto[];
  @ApiProperty({ type: [QueueReviewQualityDto] }) queues!: QueueReviewQualityDto[];
}

export class CurrentThresholdsDto {
  @ApiProperty({ example: 0.9 }) autoApproveAt!: number;
  @ApiProperty({ example: 0.5 }) blockBelow!: number;
  @ApiProperty({ example: 3 }) policyVersion!: number;
}

export class SimulationDto {
  @ApiProperty({ example: 'support-replies' }) queue!: string;
  @ApiProperty({ example: 0.85 }) autoApproveAt!: number;
  @ApiProperty({ example: 0.5 }) blockBelow!: number;
  @ApiProperty() since!: Date;
  @ApiProperty({ example: 1000, description: 'items replayed' }) items!: number;
  @ApiProperty({ example: 700 }) approve!: number;
  @ApiProperty({ example: 250 }) flag!: number;
  @ApiProperty({ example: 50 }) block!: number;
  @ApiProperty({ example: 300, description: 'human-decided items among the approved' })
  reviewed!: number;
  @ApiProperty({ example: 6, description: 'rejected or corrected among those' }) errors!: number;
  @ApiProperty(nullableNumber('errors / reviewed; null when none were reviewed', 0.02))
  estimatedAutoApproveErrorRate!: number | null;
  @ApiProperty(nullableNumber('95% Wilson upper bound of the error rate', 0.043))
  errorRateUpperBound!: number | null;
  @ApiProperty({ example: 'wilson-score-95' }) method!: string;
  @ApiProperty({ type: CurrentThresholdsDto }) current!: CurrentThresholdsDto;
  @ApiProperty({
    example:
      'thresholds only; rules and outputSchema are not replayed and can only make routing stricter',
  })
  replayed!: string;
}

export class ThresholdEvidenceDto {
  @ApiProperty({ example: 0.87 }) autoApproveAt!: number;
  @ApiProperty({ example: 400 }) reviewed!: number;
  @ApiProperty({ example: 3 }) errors!: number;
  @ApiProperty(nullableNumber('errors / reviewed', 0.0075)) estimatedErrorRate!: number | null;
  @ApiProperty(nullableNumber('95% Wilson upper bound', 0.019)) errorRateUpperBound!: number | null;
  @ApiProperty(nullableNumber('share of items at or above the threshold', 0.64))
  autoApproveShare!: number | null;
  @ApiProperty({ example: 640 }) wouldAutoApprove!: number;
}

export class RecommendationDto {
  @ApiProperty({ example: 'support-replies' }) queue!: string;
  @ApiProperty({ example: 0.02 }) maxErrorRate!: number;
  @ApiProperty() since!: Date;
  @ApiProperty({ example: 1000 }) items!: number;
  @ApiProperty({ example: 420 }) reviewedTotal!: number;
  @ApiProperty({ example: 0.9 }) currentAutoApproveAt!: number;
  @ApiProperty({ example: 0.5 }) currentBlockBelow!: number;
  @ApiProperty({ type: ThresholdEvidenceDto, description: 'the figures at the current threshold' })
  current!: ThresholdEvidenceDto;
  @ApiProperty({ example: 'wilson-score-95' }) method!: string;
  @ApiProperty({ example: 'every 0.01 from 0 to 1' }) candidates!: string;
  @ApiProperty(nullableNumber('the recommended threshold; null when none qualifies', 0.87))
  autoApproveAt!: number | null;
  @ApiProperty({
    type: ThresholdEvidenceDto,
    nullable: true,
    description: 'the figures at the recommended threshold; null when none qualifies',
  })
  evidence!: ThresholdEvidenceDto | null;
  @ApiProperty({ example: 'lowest threshold whose 95% upper error bound (0.0190) is below 0.02' })
  explanation!: string;
  @ApiPropertyOptional({ example: 400, description: 'as in evidence, when a threshold qualifies' })
  reviewed?: number;
  @ApiPropertyOptional({ example: 3 }) errors?: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) estimatedErrorRate?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) errorRateUpperBound?: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) autoApproveShare?: number | null;
  @ApiPropertyOptional({ example: 640 }) wouldAutoApprove?: number;
}
