import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueuesModule } from '../queues/queues.module';
import { ExportJob } from './export-job.entity';
import { ExportJobsService } from './export-jobs.service';
import { ExportStreamService } from './export-stream.service';
import { FeedbackController } from './feedback.controller';
import { FeedbackService } from './feedback.service';

@Module({
  imports: [TypeOrmModule.forFeature([ExportJob]), QueuesModule],
  controllers: [FeedbackController],
  providers: [ExportStreamService, FeedbackService, ExportJobsService],
})
export class FeedbackModule {}
