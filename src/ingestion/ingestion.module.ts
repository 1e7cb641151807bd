import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { QueuesModule } from '../queues/queues.module';
import { IngestionController } from './ingestion.controller';
import { IngestionService } from './ingestion.service';
import { SubmissionBatcher } from './submission-batcher';
import { DomainEventsModule } from '../common/domain-events';
import { MetricsModule } from '../ops/metrics.service';

@Module({
  imports: [QueuesModule, ItemsModule, MetricsModule, DomainEventsModule],
  controllers: [IngestionController],
  providers: [IngestionService, SubmissionBatcher],
})
export class IngestionModule {}
