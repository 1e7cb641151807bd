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
import { ItemSearchService } from './item-search.service';
import { GetItemQuery, ListItemsQuery, SearchItemsQuery } from './items.dto';
import { ItemsService } from './items.service';

@ApiTags('items')
@ApiBearerAuth()
@Controller('v1')
export class ItemsController {
  constructor(
    private readonly items: ItemsService,
    private readonly searches: ItemSearchService,
  ) {}

  @Get('items')
  @ApiOperation({
    summary: 'Search items across every queue you may see, newest first',
    description:
      'Filters combine (all must hold). Users see the queues their roles give them (admins, leads and analysts: all; reviewers: theirs); API keys need items:read and see their queues. q is full-text (words, "phrases", -exclusions, or) over externalId, input, output, reasons, review reasons and comments, whole words, case-insensitive. since/until bound createdAt, inclusive; a date alone as until means the whole day (UTC). Pages follow (createdAt, id) descending: pass nextCursor as cursor; items arriving meanwhile never shift later pages.',
  })
  @ApiOkResponse({ type: ItemListDto })
  @ApiErrors(
    [400, 'a filter is malformed; `fields` names it'],
    [403, 'an API key without items:read, or a queue you may not see'],
    [404, 'the queue filter names no queue'],
  )
  search(@CurrentPrincipal() principal: Principal, @Query() query: SearchItemsQuery) {
    return this.searches.search(principal, query);
  }

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
  @ApiOperation({
    summary: "The item's audit trail: every state change, hash-chained",
    description:
      "Oldest first, each event with actor, time and details. Users reading it also get each actor's name (actorName).",
  })
  @ApiOkResponse({ type: ItemEventsDto })
  @ApiErrors(400, 403, 404)
  events(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.items.listEvents(principal, id);
  }

  @Get('items/:id/events/verify')
  @ApiOperation({
    summary: "Recompute the item's keyed audit chain and check its head against the item",
    description:
      "Detects an edited or deleted event (the last one included), a chain rewritten with recomputed hashes, and a change made to the item's status, usable or finalOutput outside Verdict. Hashes are HMAC-SHA256 under AUDIT_KEY (or a generated key kept in the settings table).",
  })
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
