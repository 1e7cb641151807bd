import { Module } from '@nestjs/common';
import { QueueStatsModule } from '../analytics/queue-stats.module';
import { AuthModule } from '../auth/auth.module';
import { QueuesModule } from '../queues/queues.module';
import { LiveEmitter } from './live-emitter.service';
import { LiveGateway } from './live.gateway';
import { LiveUpdatesService } from './live-updates.service';
import { ItemsModule } from '../items/items.module';

@Module({
  imports: [AuthModule, QueuesModule, QueueStatsModule, ItemsModule],
  providers: [LiveEmitter, LiveUpdatesService, LiveGateway],
})
export class LiveModule {}
