import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ItemEventsDto,
  ItemEventsVerificationDto,
  ItemListDto,
  ItemWithReviewsDto,
} from './item.dto';
import { ApiErrors } from '../common/openapi';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../common/principal';
import { GetItemQuery, ListItemsQuery } from './items.dto';
import { ItemsService } from './items.service';

@ApiTags('items')
@ApiBearerAuth()
@Controller('v1')
export class ItemsController {
  constructor(private readonly items: ItemsService) {}

  @Get('items/:id')
  @ApiOperation({
    summary: 'Get an item with its reviews; waitSeconds long-polls until it is final',
  })
  @ApiErrors(400, 403, 404)
  @ApiOkResponse({
    type: ItemWithReviewsDto,
    description: 'the item with its reviews; waitSeconds holds until it is final',
  })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: GetItemQuery,
  ) {
    return this.items.get(principal, id, query.waitSeconds ?? 0);
  }

  @Get('items/:id/events')
  @ApiOperation({ summary: "The item's audit trail: every state change, hash-chained" })
  @ApiOkResponse({ type: ItemEventsDto })
  @ApiErrors(400, 403, 404)
  events(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.items.listEvents(principal, id);
  }

  @Get('items/:id/events/verify')
  @ApiOperation({ summary: "Recompute the audit trail's hash chain" })
  @ApiOkResponse({ type: ItemEventsVerificationDto })
  @ApiErrors(400, 403, 404)
  verify(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.items.verifyEvents(principal, id);
  }

  @Get('queues/:slug/items')
  @ApiOperation({ summary: "List a queue's items, newest first, by status and routing" })
  @ApiOkResponse({ type: ItemListDto })
  @ApiErrors(400, 403, 404)
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Query() query: ListItemsQuery,
  ) {
    return this.items.list(principal, slug, query);
  }
}
