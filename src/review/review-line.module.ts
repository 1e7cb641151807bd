import { Module } from '@nestjs/common';
import { ReviewLineService } from './review-line.service';

@Module({ providers: [ReviewLineService], exports: [ReviewLineService] })
export class ReviewLineModule {}
