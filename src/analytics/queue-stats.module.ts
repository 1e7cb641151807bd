import { Module } from '@nestjs/common';
import { QueuesModule } from '../queues/queues.module';
import { QueueStatsController } from './queue-stats.controller';
import { QueueStatsService } from './queue-stats.service';

@Module({
  imports: [QueuesModule],
  controllers: [QueueStatsController],
  providers: [QueueStatsService],
  exports: [QueueStatsService],
})
export class QueueStatsModule {}
