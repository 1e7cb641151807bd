import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueuesModule } from '../queues/queues.module';
import { User } from '../auth/user.entity';
import { Review } from './review.entity';
import { AuditSealService } from './audit-seal.service';
import { CommentsController } from './comments.controller';
import { CommentsService } from './comments.service';
import { ItemComment } from './item-comment.entity';
import { ItemSearchService } from './item-search.service';
import { ItemStore } from './item-store';
import { ItemChangesService } from './item-changes.service';
import { ItemEvent } from './item-event.entity';
import { ItemEventsService } from './item-events.service';
import { ItemPrivacy } from './item-privacy';
import { Item } from './item.entity';
import { ItemsController } from './items.controller';
import { ItemsService } from './items.service';
import { ReviewLineVacuum } from './review-line-vacuum';
import { DomainEventsModule } from '../common/domain-events';

@Module({
  imports: [
    TypeOrmModule.forFeature([Item, ItemEvent, ItemComment, Review, User]),
    QueuesModule,
    DomainEventsModule,
  ],
  controllers: [ItemsController, CommentsController],
  providers: [
    ItemsService,
    ItemStore,
    ItemEventsService,
    ItemChangesService,
    ItemSearchService,
    CommentsService,
    ItemPrivacy,
    AuditSealService,
    ReviewLineVacuum,
  ],
  exports: [
    ItemsService,
    ItemStore,
    ItemEventsService,
    ItemChangesService,
    CommentsService,
    ItemPrivacy,
    TypeOrmModule,
  ],
})
export class ItemsModule {}
