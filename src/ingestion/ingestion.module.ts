import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { QueuesModule } from '../queues/queues.module';
import { IngestionController } from './ingestion.controller';
import { IngestionService } from './ingestion.service';
import { SubmissionBatcher } from './submission-batcher';

@Module({
  imports: [QueuesModule, ItemsModule],
  controllers: [IngestionController],
  providers: [IngestionService, SubmissionBatcher],
})
export class IngestionModule {}
