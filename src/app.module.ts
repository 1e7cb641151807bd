import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
import { DomainEventsModule } from './common/domain-events';
import { HttpExceptionFilter } from './common/http-exception.filter';
import type { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source';
import { IngestionModule } from './ingestion/ingestion.module';
import { ItemsModule } from './items/items.module';
import { LiveModule } from './live/live.module';
import { JobsModule } from './jobs/jobs.module';
import { loggingParams } from './common/logging';
import { MetricsModule } from './ops/metrics.service';
import { OpsModule } from './ops/ops.module';
import { QueuesModule } from './queues/queues.module';
import { QueueStatsModule } from './analytics/queue-stats.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { FeedbackModule } from './feedback/feedback.module';
import { RedisModule } from './redis/redis.module';
import { ReviewModule } from './review/review.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { NotificationsModule } from './notifications/notifications.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggingParams(config.logLevel)),
        TypeOrmModule.forRoot(
          dataSourceOptions(config.databaseUrl, {
            preparedStatements: config.databasePreparedStatements,
            poolIdleTimeoutMs: config.databasePoolIdleTimeoutMs,
          }),
        ),
        RedisModule,
        DomainEventsModule,
        MetricsModule,
        JobsModule,
        AuthModule,
        QueuesModule,
        ItemsModule,
        IngestionModule,
        ReviewModule.register(NotificationsModule),
        QueueStatsModule,
        FeedbackModule,
        AnalyticsModule,
        LiveModule,
        WebhooksModule,
        NotificationsModule,
        OpsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
