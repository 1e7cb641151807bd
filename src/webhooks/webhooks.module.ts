import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueuesModule } from '../queues/queues.module';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookDispatchService } from './webhook-dispatch.service';
import { WebhookRecoveryService } from './webhook-recovery.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';
import { ItemsModule } from '../items/items.module';
import { MetricsModule } from '../ops/metrics.service';
import { JobsModule } from '../jobs/jobs.module';

@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookDelivery]),
    QueuesModule,
    JobsModule,
    MetricsModule,
    ItemsModule,
  ],
  controllers: [WebhooksController],
  providers: [
    WebhooksService,
    WebhookDispatchService,
    WebhookDeliveryService,
    WebhookRecoveryService,
  ],
})
export class WebhooksModule {}
