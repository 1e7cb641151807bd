import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobsRunner } from './jobs-runner.service';
import { JobsService } from './jobs.service';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [JobsService, JobsRunner],
  exports: [JobsService],
})
export class JobsModule {}
