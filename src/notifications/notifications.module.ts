import { Module } from '@nestjs/common';
import { QueuesModule } from '../queues/queues.module';
import { NotificationSender } from './notification-sender';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { MetricsModule } from '../ops/metrics.service';
import { JobsModule } from '../jobs/jobs.module';
import { ItemsModule } from '../items/items.module';

/** Slack and email notifications: recording, grouping, delivery, the log and the test route. */
@Module({
  imports: [QueuesModule, JobsModule, MetricsModule, ItemsModule],
  controllers: [NotificationsController],
  providers: [NotificationSender, NotificationsService],
  exports: [NotificationsService, NotificationSender],
})
export class NotificationsModule {}
