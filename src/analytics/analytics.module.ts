import { Module } from '@nestjs/common';
import { QueuesModule } from '../queues/queues.module';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsScope } from './analytics-scope';
import { CalibrationService } from './calibration.service';
import { DriftMetrics } from './drift-metrics.service';
import { DriftService } from './drift.service';
import { PolicySimulationController } from './policy-simulation.controller';
import { PolicySimulationService } from './policy-simulation.service';
import { ReviewerQualityService } from './reviewer-quality.service';
import { MetricsModule } from '../ops/metrics.service';

@Module({
  imports: [QueuesModule, MetricsModule],
  controllers: [AnalyticsController, PolicySimulationController],
  providers: [
    AnalyticsScope,
    CalibrationService,
    PolicySimulationService,
    DriftService,
    DriftMetrics,
    ReviewerQualityService,
  ],
})
export class AnalyticsModule {}
