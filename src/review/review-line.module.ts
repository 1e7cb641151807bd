import { Global, Module } from '@nestjs/common';
import { ReviewLineService } from './review-line.service';

@Global()
@Module({ providers: [ReviewLineService], exports: [ReviewLineService] })
export class ReviewLineModule {}
