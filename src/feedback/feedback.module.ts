import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { QueuesModule } from '../queues/queues.module';
import { ExportJob } from './export-job.entity';
import { ExportJobsService } from './export-jobs.service';
import { ExportRecoveryService } from './export-recovery.service';
import { ExportProgressGateway } from './export-progress.gateway';
import { ExportStreamService } from './export-stream.service';
import { FeedbackController } from './feedback.controller';
import { FeedbackService } from './feedback.service';
import { DomainEventsModule } from '../common/domain-events';
import { JobsModule } from '../jobs/jobs.module';

@Module({
  imports: [
    TypeOrmModule.forFeature([ExportJob]),
    QueuesModule,
    AuthModule,
    JobsModule,
    DomainEventsModule,
  ],
  controllers: [FeedbackController],
  providers: [
    ExportStreamService,
    FeedbackService,
    ExportJobsService,
    ExportRecoveryService,
    ExportProgressGateway,
  ],
})
export class FeedbackModule {}
