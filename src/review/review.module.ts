import { DynamicModule, Module, Type } from '@nestjs/common';
import { QueuesModule } from '../queues/queues.module';
import { AssignmentsController } from './assignments.controller';
import { AssignmentsService } from './assignments.service';
import { ClaimsService } from './claims.service';
import { LeaseTimers } from './lease-timers';
import { DecisionsService } from './decisions.service';
import { ReportsService } from './reports.service';
import { ReviewSweeperService } from './review-sweeper.service';
import { ReviewController } from './review.controller';
import { SlaService } from './sla.service';
import { ItemsModule } from '../items/items.module';
import { DomainEventsModule } from '../common/domain-events';
import { MetricsModule } from '../ops/metrics.service';
import { JobsModule } from '../jobs/jobs.module';

/** Claims, leases, decisions, consensus, reports and SLA timers. */
@Module({
  imports: [QueuesModule, JobsModule, MetricsModule, DomainEventsModule, ItemsModule],
  controllers: [ReviewController, AssignmentsController],
  providers: [
    LeaseTimers,
    ClaimsService,
    AssignmentsService,
    DecisionsService,
    ReportsService,
    SlaService,
    ReviewSweeperService,
  ],
  exports: [ClaimsService, DecisionsService, SlaService],
})
export class ReviewModule {
  /**
   * `breaches` is the module that provides SlaBreaches (notifications). The app module passes
   * it in, so review need not import the notifications that sit above it.
   */
  static register(breaches: Type): DynamicModule {
    return { module: ReviewModule, imports: [breaches] };
  }
}
