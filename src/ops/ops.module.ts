import { Module } from '@nestjs/common';
import { MetricsModule } from './metrics.service';
import { OpsController } from './ops.controller';

@Module({ imports: [MetricsModule], controllers: [OpsController] })
export class OpsModule {}
