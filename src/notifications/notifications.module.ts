import { Module } from '@nestjs/common';
import { QueuesModule } from '../queues/queues.module';
import { NotificationSender } from './notification-sender';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { MetricsModule } from '../ops/metrics.service';
import { JobsModule } from '../jobs/jobs.module';
import { SlaBreaches } from '../review/sla-breaches';
import { SlaBreachNotifications } from './sla-breach-notifications';
import { ItemsModule } from '../items/items.module';

/** Slack and email notifications: recording, grouping, delivery, the log and the test route. */
@Module({
  imports: [QueuesModule, JobsModule, MetricsModule, ItemsModule],
  controllers: [NotificationsController],
  providers: [
    NotificationSender,
    NotificationsService,
    // What SLA timeouts in review record with themselves (ReviewModule.register in app.module).
    { provide: SlaBreaches, useClass: SlaBreachNotifications },
  ],
  exports: [NotificationsService, NotificationSender, SlaBreaches],
})
export class NotificationsModule {}
