import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ItemDto } from '../items/item.dto';
import type { Principal } from '../common/principal';
import { SubmitBatchDto, SubmitItemDto } from './ingestion.dto';
import { IngestionService } from './ingestion.service';

@ApiTags('items')
@ApiBearerAuth()
@Controller('v1/queues/:slug/items')
export class IngestionController {
  constructor(private readonly ingestion: IngestionService) {}

  @Post()
  @ApiCreatedResponse({ type: ItemDto, description: 'the item, routed' })
  @ApiOkResponse({
    type: ItemDto,
    description: 'a replay of an earlier submission with the same externalId and body',
  })
  @ApiConflictResponse({ description: 'the externalId was used with a different body' })
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() dto: SubmitItemDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.ingestion.submitOne(principal, slug, dto);
    res.status(result.created ? 201 : 200);
    return result.item;
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOkResponse({
    description: '{results: [...]}: an item or {error:{statusCode,message}} per input, in order',
  })
  submitBatch(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Body() dto: SubmitBatchDto,
  ) {
    return this.ingestion.submitBatch(principal, slug, dto.items);
  }
}
