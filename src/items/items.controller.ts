import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ItemDto, ItemListDto } from './item.dto';
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
  @ApiOkResponse({
    type: ItemDto,
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
  events(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.items.listEvents(principal, id);
  }

  @Get('items/:id/events/verify')
  verify(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.items.verifyEvents(principal, id);
  }

  @Get('queues/:slug/items')
  @ApiOkResponse({ type: ItemListDto })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Query() query: ListItemsQuery,
  ) {
    return this.items.list(principal, slug, query);
  }
}
