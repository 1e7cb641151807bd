import { Module } from '@nestjs/common';
import { QueuesModule } from '../queues/queues.module';
import { ClaimsService } from './claims.service';
import { DecisionsService } from './decisions.service';
import { ItemTransitionsService } from './item-transitions.service';
import { ReportsService } from './reports.service';
import { ReviewSweeperService } from './review-sweeper.service';
import { ReviewController } from './review.controller';
import { SlaService } from './sla.service';

/** Claims, leases, decisions, consensus, reports and SLA timers. */
@Module({
  imports: [QueuesModule],
  controllers: [ReviewController],
  providers: [
    ItemTransitionsService,
    ClaimsService,
    DecisionsService,
    ReportsService,
    SlaService,
    ReviewSweeperService,
  ],
  exports: [ClaimsService, DecisionsService, SlaService],
})
export class ReviewModule {}
