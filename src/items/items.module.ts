import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueuesModule } from '../queues/queues.module';
import { Review } from '../review/review.entity';
import { ItemChangesService } from './item-changes.service';
import { ItemEvent } from './item-event.entity';
import { ItemEventsService } from './item-events.service';
import { Item } from './item.entity';
import { ItemsController } from './items.controller';
import { ItemsService } from './items.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Item, ItemEvent, Review]), QueuesModule],
  controllers: [ItemsController],
  providers: [ItemsService, ItemEventsService, ItemChangesService],
  exports: [ItemsService, ItemEventsService, ItemChangesService, TypeOrmModule],
})
export class ItemsModule {}
